package export

import (
	"bytes"
	"encoding/binary"
	"os"
	"reflect"
	"slices"
	"testing"

	"github.com/winnowdata/winnow/schema"
)

// FuzzParquetRoundTrip writes schema.Record rows made from the fuzzer's input with a
// ParquetWriter and reads them back with parquet-go: the rows must come back equal,
// byte for byte (invalid UTF-8 and NUL included), whatever the pattern of empty
// (NULL) optional columns, the batch sizes and the row-group cuts. The pattern byte of
// each row picks which of its strings are empty, so runs of NULLs rise and fall at
// every position of parquet-go's 64-row null bitmap words (see risesFromNull).
func FuzzParquetRoundTrip(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7}, "id", "src", "https://a.example/x", "Title", "Body\n\npara", `{"k":1}`, uint8(3), uint8(0))
	f.Add(bytes.Repeat([]byte{0xff, 0x00}, 70), "", "", "", "", "", "", uint8(64), uint8(7))
	f.Add(append(bytes.Repeat([]byte{0x1f}, 63), bytes.Repeat([]byte{0}, 80)...), "a\x00b", "\xff\xfe", "u", "t\r\n", "é東京😀", "m", uint8(1), uint8(65))
	f.Add([]byte{7}, "x", "y", "", "", "", "", uint8(0), uint8(1))
	f.Fuzz(func(t *testing.T, pattern []byte, id, source, url, title, text, meta string, batch, groupRows uint8) {
		if len(pattern) == 0 {
			pattern = []byte{0}
		}
		if len(pattern) > 400 {
			pattern = pattern[:400]
		}
		rows := make([]schema.Record, len(pattern))
		for i, p := range pattern {
			var n [8]byte
			binary.LittleEndian.PutUint64(n[:], uint64(i)*0x9E3779B97F4A7C15^uint64(p))
			pick := func(bit uint, s string) string {
				if p&(1<<bit) != 0 {
					return ""
				}
				// vary the values between rows, so dictionary and plain pages both occur
				if p&0x80 != 0 {
					return s + string(rune('a'+i%26))
				}
				return s
			}
			rows[i] = schema.Record{
				ID:          id + string(n[:2]),
				Source:      pick(5, source),
				URL:         pick(0, url),
				Title:       pick(1, title),
				Text:        pick(6, text),
				NParagraphs: int32(p) - 128,
				NRemoved:    int32(i),
				DupCount:    int32(binary.LittleEndian.Uint32(n[:4])),
				DocHash:     int64(binary.LittleEndian.Uint64(n[:])),
				Meta:        pick(2, meta),
			}
			if p&(1<<3) != 0 { // NULL in every optional column at once
				rows[i].URL, rows[i].Title, rows[i].Meta = "", "", ""
			}
		}
		path := join(fuzzTempDir(t), "f.parquet")
		opts := ParquetOptions{Version: "fuzz", MaxRowGroupRows: int64(groupRows)}
		w, err := NewParquetWriter[schema.Record](path, opts)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Abort()
		for chunk := range slices.Chunk(rows, int(batch)%64+1) {
			// Write must not keep or change the caller's rows.
			before := slices.Clone(chunk)
			if err := w.Write(chunk); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(before, chunk) {
				t.Fatal("Write changed the rows it was given")
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if w.Rows() != int64(len(rows)) {
			t.Fatalf("Rows() = %d, want %d", w.Rows(), len(rows))
		}
		got, pf := readParquet[schema.Record](t, path)
		if len(got) != len(rows) {
			t.Fatalf("read %d rows, wrote %d", len(got), len(rows))
		}
		for i := range rows {
			if !reflect.DeepEqual(got[i], rows[i]) {
				t.Fatalf("row %d of %d (pattern %08b):\n got  %#v\n want %#v", i, len(rows), pattern[i], got[i], rows[i])
			}
		}
		if groupRows > 0 {
			for i, rg := range pf.RowGroups() {
				if rg.NumRows() > int64(groupRows) {
					t.Fatalf("row group %d has %d rows, more than MaxRowGroupRows %d", i, rg.NumRows(), groupRows)
				}
			}
		}
		if v, _ := pf.Lookup(schema.MetaSchemaVersion); v != schema.Version {
			t.Fatalf("%s = %q, want %q", schema.MetaSchemaVersion, v, schema.Version)
		}
		// No temporary file is left beside the committed one.
		if names := dirNames(t, join(path, "..")); len(names) != 1 {
			t.Fatalf("files after Close: %v", names)
		}
		if b, err := os.ReadFile(path); err != nil || !bytes.HasPrefix(b, []byte("PAR1")) || !bytes.HasSuffix(b, []byte("PAR1")) {
			t.Fatalf("not a Parquet file: %v", err)
		}
	})
}

// fuzzTempDir is t.TempDir, on a RAM file system when there is one: Commit syncs the
// file and its folder, which on a disk takes most of an iteration's time.
func fuzzTempDir(t *testing.T) string {
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		if dir, err := os.MkdirTemp("/dev/shm", "winnow-fuzz-"); err == nil {
			t.Cleanup(func() { os.RemoveAll(dir) })
			return dir
		}
	}
	return t.TempDir()
}
