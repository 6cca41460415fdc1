package export

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
	"github.com/winnowdata/winnow/schema"
)

// TestSplitZstd checks splitZstd against its definition: a page below splitMin is one
// frame, as the plain codec writes it; a larger one is the frames of its two halves,
// one after the other; and every page decodes back to itself.
func TestSplitZstd(t *testing.T) {
	plain := &zstd.Codec{Level: zstd.SpeedFastest}
	c := splitZstd{plain}
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"the", "minister", "said", "on", "Tuesday", "that", "prices", "rose", "7.5%", "—", "élan"}
	for _, size := range []int{0, 1, 1000, splitMin - 1, splitMin, splitMin + 1, 3*splitMin + 7} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			var b bytes.Buffer
			for b.Len() < size {
				b.WriteString(words[rng.IntN(len(words))])
				b.WriteByte(' ')
			}
			src := b.Bytes()[:size]
			got, err := c.Encode(nil, src)
			if err != nil {
				t.Fatal(err)
			}
			var want []byte
			if size < splitMin {
				want, _ = plain.Encode(nil, src)
			} else {
				first, _ := plain.Encode(nil, src[:size/2])
				second, _ := plain.Encode(nil, src[size/2:])
				want = append(first, second...)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%d bytes: frames differ from the definition (%d bytes, want %d)", size, len(got), len(want))
			}
			back, err := c.Decode(nil, got)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(back, src) {
				t.Errorf("%d bytes: decoded %d bytes that differ from the page", size, len(back))
			}
		})
	}
}

// A corpus whose text pages pass splitMin is written with split pages and reads back
// row for row.
func TestParquetWriterSplitPagesReadBack(t *testing.T) {
	rows := sampleRecords(600, 3000)
	path := filepath.Join(t.TempDir(), "corpus.parquet")
	w, err := NewParquetWriter[schema.Record](path, ParquetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, w, rows)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, pf := readParquet[schema.Record](t, path)
	// the text column's chunk holds more zstd frames than pages: its pages of
	// DefaultPageBufferSize (1.8 MB of text, two pages or more) were split
	md := pf.Metadata().RowGroups[0]
	checked := false
	for i, cc := range md.Columns {
		if cc.MetaData.PathInSchema[0] != "text" {
			continue
		}
		start := cc.MetaData.DataPageOffset
		chunk := b[start : start+cc.MetaData.TotalCompressedSize]
		frames := bytes.Count(chunk, []byte{0x28, 0xb5, 0x2f, 0xfd})
		checked = true
		pages := pf.RowGroups()[0].ColumnChunks()[i].(*parquet.FileColumnChunk)
		oi, err := pages.OffsetIndex()
		if err != nil {
			t.Fatal(err)
		}
		if n := oi.NumPages(); n < 2 || frames != 2*n {
			t.Errorf("text column: %d pages, %d zstd frames; want two frames a page", n, frames)
		}
	}
	if !checked {
		t.Fatal("no text column")
	}
	if len(got) != len(rows) {
		t.Fatalf("read %d rows, wrote %d", len(got), len(rows))
	}
	for i := range rows {
		if got[i] != rows[i] {
			t.Fatalf("row %d differs", i)
		}
	}
}
