package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// articleLines makes n JSONL lines shaped like scraped articles of about 3 KB: a few
// paragraphs joined by "\n\n", some non-ASCII punctuation and letters, and two fields
// that go into Meta.
func articleLines(n int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields(`the of and to in a is that for it as was with be by on not he this are
		or his from at which but have an they you were her she there had been one all we can has
		their more if will would about what said when who also council city “quoted” café naïve
		— minister’s report economy 2023 percent school water police season`)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for i := range n {
		var text strings.Builder
		for text.Len() < 2800 {
			if text.Len() > 0 {
				text.WriteString("\n\n")
			}
			for range 40 + rng.IntN(60) {
				text.WriteString(words[rng.IntN(len(words))])
				text.WriteByte(' ')
			}
			text.WriteString("end.")
		}
		site := fmt.Sprintf("site%d.example", rng.IntN(50))
		enc.Encode(map[string]any{
			"id":    fmt.Sprintf("%s/%06d", site, i),
			"url":   fmt.Sprintf("https://www.%s/news/%d", site, i),
			"title": "A headline about the council’s water report",
			"text":  text.String(),
			"date":  "2023-05-01T12:00:00Z",
			"lang":  "en",
		})
	}
	return b.Bytes()
}

// BenchmarkJSONL measures the JSONL reader alone: line splitting, JSON validation,
// field decoding and Meta, on ~3 KB article lines held in memory.
func BenchmarkJSONL(b *testing.B) {
	data := articleLines(2000)
	names := namesOf(DefaultOptions())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := newJSONLReader(bytes.NewReader(data), "bench.jsonl", "bench.jsonl", names, nil)
		drain(b, 2000, func() error { _, err := r.next(); return err })
	}
}

// BenchmarkOpen measures the whole Reader on files: plain, gzip and zstd JSONL. The
// bytes are those of the uncompressed JSONL.
func BenchmarkOpen(b *testing.B) {
	data := articleLines(2000)
	dir := b.TempDir()
	for _, c := range []struct {
		name string
		data []byte
	}{{"jsonl", data}, {"jsonl.gz", gzipData(b, data)}, {"jsonl.zst", zstdData(b, data)}} {
		path := writeFile(b, dir, "bench."+c.name, c.data)
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				r, err := Open(context.Background(), []string{path}, DefaultOptions())
				if err != nil {
					b.Fatal(err)
				}
				for r.Next() {
				}
				if err := r.Err(); err != nil {
					b.Fatal(err)
				}
				r.Close()
			}
		})
	}
}

// BenchmarkEncodingJSON is the baseline the hand-written scanner replaces: decoding
// each line into a map of raw messages with encoding/json.
func BenchmarkEncodingJSON(b *testing.B) {
	data := articleLines(2000)
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		for _, l := range lines {
			var m map[string]json.RawMessage
			if err := json.Unmarshal(l, &m); err != nil {
				b.Fatal(err)
			}
			var text string
			json.Unmarshal(m["text"], &text)
		}
	}
}

// drain calls next until io.EOF and fails b unless it yielded want documents.
func drain(b *testing.B, want int, next func() error) {
	b.Helper()
	n := 0
	for {
		err := next()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
	if n != want {
		b.Fatalf("%d documents, want %d", n, want)
	}
}
