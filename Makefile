# The two commands of the README:
#   make sample   clean the bundled sample corpus (testdata/sample) into out/
#   make test     vet, unit + golden + example tests, short fuzz runs, and the DuckDB interop test
GO ?= go
OUT := out

.PHONY: sample test vet gotest fuzz interop build clean

build:
	$(GO) build -o winnow ./cmd/winnow

sample: build
	mkdir -p $(OUT)
	./winnow clean testdata/sample -o $(OUT)/sample.parquet --jsonl $(OUT)/sample.jsonl \
		--removed $(OUT)/removed.parquet --stats $(OUT)/stats.json
	@echo "wrote $(OUT)/sample.parquet, $(OUT)/sample.jsonl, $(OUT)/removed.parquet, $(OUT)/stats.json"

test: vet gotest fuzz interop

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }

gotest:
	$(GO) test -count=1 ./...

# a few seconds of each fuzzer on top of the committed corpora
fuzz:
	$(GO) test -run XXX -fuzz FuzzNormalize -fuzztime 5s ./dedup
	$(GO) test -run XXX -fuzz FuzzSegment -fuzztime 5s ./dedup

interop: build
	mkdir -p $(OUT)/interop
	./winnow clean testdata/sample -o $(OUT)/interop/corpus.parquet --jsonl $(OUT)/interop/corpus.jsonl \
		--removed $(OUT)/interop/removed.parquet
	cd interop && npm ci --no-audit --no-fund --loglevel=error
	WINNOW_PARQUET=$(CURDIR)/$(OUT)/interop/corpus.parquet WINNOW_JSONL=$(CURDIR)/$(OUT)/interop/corpus.jsonl \
		WINNOW_REMOVED=$(CURDIR)/$(OUT)/interop/removed.parquet node --test interop/

clean:
	rm -rf $(OUT) winnow
