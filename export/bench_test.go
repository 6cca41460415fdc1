package export

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/winnowdata/winnow/schema"
)

// countWriter counts the bytes written to it.
type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// benchText returns English prose to benchmark compression on: the Tom Sawyer text that
// parquet-go ships in its module for its own codec tests, or synthetic text if the
// module folder cannot be found.
func benchText(b *testing.B) string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/parquet-go/parquet-go").Output()
	if err == nil {
		path := filepath.Join(strings.TrimSpace(string(out)), "compress", "testdata", "Mark.Twain-Tom.Sawyer.txt")
		if text, err := os.ReadFile(path); err == nil {
			return strings.ReplaceAll(string(text), "\r\n", "\n")
		}
	}
	b.Log("Tom Sawyer not found: benchmarking synthetic text, which compresses better than prose")
	return synthText(rand.New(rand.NewPCG(1, 2)), 400<<10)
}

// benchRecords cuts text into corpus rows of about 3 KB each, at paragraph ends.
func benchRecords(text string) (rows []schema.Record, textBytes int64) {
	paras := strings.SplitAfter(text, "\n\n")
	var cur strings.Builder
	flush := func() {
		if cur.Len() == 0 {
			return
		}
		t := cur.String()
		rows = append(rows, schema.Record{
			ID:     "tom-sawyer/" + strings.Repeat("0", 4) + string(rune('a'+len(rows)%26)),
			Source: "gutenberg",
			URL:    "https://gutenberg.example/74",
			Title:  "The Adventures of Tom Sawyer",
			Text:   t, NParagraphs: int32(strings.Count(t, "\n\n")),
			DocHash: int64(len(rows)) * 7919,
		})
		textBytes += int64(len(t))
		cur.Reset()
	}
	for _, p := range paras {
		cur.WriteString(p)
		if cur.Len() >= 3000 {
			flush()
		}
	}
	flush()
	return rows, textBytes
}

// BenchmarkParquetWriter writes about 400 KB of English prose in 3 KB documents as a
// corpus Parquet file, at each zstd level. MB/s is of text; "ratio" is text bytes per
// file byte.
func BenchmarkParquetWriter(b *testing.B) {
	rows, textBytes := benchRecords(benchText(b))
	for _, c := range []struct {
		name  string
		level zstd.Level
	}{
		{"zstd=fastest", zstd.SpeedFastest},
		{"zstd=default", zstd.SpeedDefault},
		{"zstd=better", zstd.SpeedBetterCompression},
	} {
		b.Run(c.name, func(b *testing.B) {
			out := &countWriter{}
			orig := stdout
			stdout = out
			b.Cleanup(func() { stdout = orig })
			b.SetBytes(textBytes)
			b.ReportAllocs()
			for b.Loop() {
				out.n = 0
				w, err := NewParquetWriter[schema.Record](Stdout, ParquetOptions{ZstdLevel: c.level})
				if err != nil {
					b.Fatal(err)
				}
				if err := w.Write(rows); err != nil {
					b.Fatal(err)
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(textBytes)/float64(out.n), "ratio")
		})
	}
}
