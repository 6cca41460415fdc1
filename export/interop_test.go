package export

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/winnowdata/winnow/schema"
)

// TestWriteInteropFixture writes a sample corpus for the DuckDB test in interop/, which
// reads it back: corpus.parquet and the same rows as corpus.jsonl, and the ledger as
// removed.parquet. It runs only when WINNOW_INTEROP_OUT names the folder to write to:
//
//	WINNOW_INTEROP_OUT=/tmp/fx go test -run TestWriteInteropFixture ./export/
//	cd interop && WINNOW_PARQUET=/tmp/fx/corpus.parquet WINNOW_JSONL=/tmp/fx/corpus.jsonl \
//		WINNOW_REMOVED=/tmp/fx/removed.parquet node --test
func TestWriteInteropFixture(t *testing.T) {
	out := os.Getenv("WINNOW_INTEROP_OUT")
	if out == "" {
		t.Skip("set WINNOW_INTEROP_OUT to a folder to write the interop fixture")
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	rows := append(sampleRecords(400, 3000),
		schema.Record{ID: "edge/empty", Source: "edge"},
		schema.Record{ID: "edge/crlf", Source: "edge", Text: "one\r\ntwo\r\n\r\nthree", NParagraphs: 2},
		schema.Record{ID: "edge/scripts", Source: "edge", Title: "Zürich — 東京",
			Text: "Ελληνικά · العربية · हिन्दी · 😀 \u00a0nbsp\ttab \"quotes\" \\ backslash", DocHash: -1 << 63},
	)
	// Optional fields empty at random: the patterns that tripped parquet-go into writing
	// "" instead of NULL (see rowPlan.risesFromNull).
	r := rand.New(rand.NewPCG(3, 3))
	for i := range 300 {
		rec := schema.Record{ID: fmt.Sprintf("mixed/%03d", i), Source: "mixed", Text: "short text", NParagraphs: 1}
		if r.IntN(3) > 0 {
			rec.URL = "https://mixed.example/" + strconv.Itoa(i)
		}
		if r.IntN(2) > 0 {
			rec.Title = "Title " + strconv.Itoa(i)
		}
		if r.IntN(4) == 0 {
			rec.Meta = `{"i":` + strconv.Itoa(i) + `}`
		}
		rows = append(rows, rec)
	}
	opts := ParquetOptions{
		Version:          "interop",
		KeyValue:         map[string]string{schema.MetaFlags: "--min-docs 3"},
		MaxRowGroupBytes: 256 << 10, // several row groups
	}
	writeParquet(t, filepath.Join(out, "corpus.parquet"), opts, rows, 50)
	writeParquet(t, filepath.Join(out, "removed.parquet"), opts, sampleRemovals(1000), 100)

	w, err := NewJSONLWriter[schema.Record](filepath.Join(out, "corpus.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	if err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d corpus rows and the ledger to %s", len(rows), out)
}
