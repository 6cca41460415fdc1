# The commands of the README:
#   make sample   clean the bundled sample corpus (testdata/sample) into out/
#   make test     vet, unit + golden + example + script tests, race tests of the concurrent
#                 parts, short fuzz runs, and the interop tests (under 2 GB of memory)
#   make test-huge  the tests too big for make test
GO ?= go
OUT := out

.PHONY: sample test test-huge deps vet gotest fuzz interop build clean

build:
	$(GO) build -o winnow ./cmd/winnow

sample: build
	mkdir -p $(OUT)
	./winnow clean testdata/sample -o $(OUT)/sample.parquet --jsonl $(OUT)/sample.jsonl \
		--removed $(OUT)/removed.parquet --stats $(OUT)/stats.json
	@echo "wrote $(OUT)/sample.parquet, $(OUT)/sample.jsonl, $(OUT)/removed.parquet, $(OUT)/stats.json"

test: deps vet gotest fuzz interop

# what the tests need beyond Go: Node.js with npm (DuckDB and the report test) and
# Debian's Chromium (the report is rendered headless); installed with apt-get when
# missing and we are root. Each install says what it installs first.
deps:
	@if ! command -v node >/dev/null || ! command -v npm >/dev/null; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "deps: Node.js and npm are needed by the interop tests; install them (not root: no apt-get)"; exit 1; \
		fi; \
		echo "deps: installing Node.js and npm with apt-get (for the interop tests)"; \
		apt-get update -qq && apt-get install -y -qq nodejs npm; \
	fi
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "deps: installing Chromium with apt-get (renders the audit report in the interop tests)"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
		fi; \
		[ -x /usr/bin/chromium ] || echo "warning: no /usr/bin/chromium: the report test will be skipped"; \
	fi

vet:
	$(GO) vet ./...
	@# the portable builds too: the Go fallbacks of the assembly (arm64, purego)
	GOARCH=arm64 $(GO) vet ./...
	$(GO) vet -tags purego ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }

gotest:
	$(GO) test -count=1 ./...
	# the pass 1 workers read a table the counting goroutine writes (dedup.knownTable)
	$(GO) test -race -short -count=1 ./dedup ./pipeline

# the tests too big for make test (build tag huge): a 200 MB JSONL line, about 40 s and
# 4 to 5 GB of memory
test-huge:
	$(GO) test -tags huge -count=1 -v -run '^TestHugeLine$$' ./cmd/winnow

# a few seconds of each fuzzer on top of the committed corpora: a count of executions,
# not a duration (a -fuzztime duration races the fuzz coordinator's deadline on a loaded
# machine and fails with "context deadline exceeded": go.dev/issue/75804, fixed in Go 1.27),
# and a bounded minimization of each new input (by default up to a minute each)
fuzz:
	$(GO) test -run XXX -fuzz '^FuzzNormalize$$' -fuzztime 80000x -fuzzminimizetime 200x ./dedup
	$(GO) test -run XXX -fuzz '^FuzzNormalizeStandIns$$' -fuzztime 25000x -fuzzminimizetime 200x ./dedup
	$(GO) test -run XXX -fuzz '^FuzzNormalizeLatin$$' -fuzztime 40000x -fuzzminimizetime 200x ./dedup
	$(GO) test -run XXX -fuzz '^FuzzNormalizeQuick$$' -fuzztime 25000x -fuzzminimizetime 200x ./dedup
	$(GO) test -run XXX -fuzz '^FuzzNFKC$$' -fuzztime 8000x -fuzzminimizetime 200x ./dedup
	$(GO) test -run XXX -fuzz '^FuzzNormalizeBytes$$' -fuzztime 10000x -fuzzminimizetime 200x ./dedup
	$(GO) test -run XXX -fuzz '^FuzzSegment$$' -fuzztime 100000x -fuzzminimizetime 200x ./dedup
	$(GO) test -run XXX -fuzz '^FuzzMinRows$$' -fuzztime 50000x -fuzzminimizetime 200x ./dedup
	$(GO) test -run XXX -fuzz '^FuzzJSONL$$' -fuzztime 25000x -fuzzminimizetime 200x ./ingest
	$(GO) test -run XXX -fuzz '^FuzzPrefixes$$' -fuzztime 50000x -fuzzminimizetime 200x ./internal/scan
	$(GO) test -run XXX -fuzz '^FuzzDocSketchBinary$$' -fuzztime 150000x -fuzzminimizetime 200x ./dedup
	$(GO) test -run XXX -fuzz '^FuzzDecode$$' -fuzztime 30000x -fuzzminimizetime 200x ./dedup
	$(GO) test -run XXX -fuzz '^FuzzParseShard$$' -fuzztime 25000x -fuzzminimizetime 200x ./pipeline

# The report is rendered from the labelled dev corpus when ../shared is beside the
# checkout (as in CI), else from the bundled sample.
SHARED ?= ../shared
REPORT_INPUT = $(if $(wildcard $(SHARED)/eval/make_corpus.py),$(OUT)/dev/corpus.jsonl,testdata/sample)

$(OUT)/dev/corpus.jsonl:
	mkdir -p $(OUT)/dev
	python3 $(SHARED)/eval/make_corpus.py $(SHARED)/data/reuters21578.jsonl.gz $(SHARED)/eval/dev_outlets.json \
		$(OUT)/dev --seed=7 --docs=4000 >/dev/null

interop: build $(if $(wildcard $(SHARED)/eval/make_corpus.py),$(OUT)/dev/corpus.jsonl)
	mkdir -p $(OUT)/interop
	./winnow clean testdata/sample -o $(OUT)/interop/corpus.parquet --jsonl $(OUT)/interop/corpus.jsonl \
		--removed $(OUT)/interop/removed.parquet -q
	./winnow audit $(REPORT_INPUT) --report $(OUT)/interop/report.html -q
	# a second report with what the corpora lack: bidi controls in ids, unbreakable source names
	WINNOW_REPORT_OUT=$(CURDIR)/$(OUT)/interop/report-sample.html $(GO) test -count=1 -run '^TestWriteReportSample$$' ./audit/ >/dev/null
	cd interop && npm ci --no-audit --no-fund --loglevel=error
	# docs/reduce.sql on DuckDB: its counts are winnow reduce's, and apply + place with them write clean's outputs
	$(if $(wildcard $(SHARED)/eval/make_corpus.py),WINNOW_REDUCE_SQL_CORPUS=$(CURDIR)/$(OUT)/dev/corpus.jsonl) $(GO) test -count=1 -run '^TestReduceSQL$$' ./pipeline/
	# the same as separate processes of the command line, on the dev corpus (or the sample)
	interop/staged.sh ./winnow $(REPORT_INPUT) 1 3
	WINNOW_PARQUET=$(CURDIR)/$(OUT)/interop/corpus.parquet WINNOW_JSONL=$(CURDIR)/$(OUT)/interop/corpus.jsonl \
		WINNOW_REMOVED=$(CURDIR)/$(OUT)/interop/removed.parquet WINNOW_REPORT=$(CURDIR)/$(OUT)/interop/report.html:$(CURDIR)/$(OUT)/interop/report-sample.html \
		node --test interop/
	# pages past 256 KiB, which the writer compresses as two zstd frames each (export/zstdsplit.go),
	# from the dev corpus (the sample's pages are smaller)
	./winnow clean $(REPORT_INPUT) -o $(OUT)/interop/large.parquet --jsonl $(OUT)/interop/large.jsonl \
		--removed $(OUT)/interop/large-removed.parquet -q
	WINNOW_PARQUET=$(CURDIR)/$(OUT)/interop/large.parquet WINNOW_JSONL=$(CURDIR)/$(OUT)/interop/large.jsonl \
		WINNOW_REMOVED=$(CURDIR)/$(OUT)/interop/large-removed.parquet \
		node --test interop/duckdb.test.mjs interop/hyparquet.test.mjs interop/parquet-wasm.test.mjs

clean:
	rm -rf $(OUT) winnow
