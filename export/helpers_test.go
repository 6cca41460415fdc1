package export

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"

	"github.com/winnowdata/winnow/internal/tempfile"
	"github.com/winnowdata/winnow/schema"
)

// words is a small vocabulary for synthetic text; tests draw from it with a Zipf law so
// the text compresses roughly like prose.
var words = strings.Fields(`the of and to a in is was that for on with as by at from his
	her it be are were this which have had not or but an they he she their one all been
	has more would there also new after first two into who its time over years city
	government people said report council school police court market water between
	during under state minister week museum river station festival library harbour
	« » café naïve Zürich 東京 данные — “quoted” <b>bold</b> & ampersand`)

// synthText returns deterministic pseudo-prose of about n bytes: sentences of words,
// paragraphs separated by blank lines.
func synthText(r *rand.Rand, n int) string {
	z := rand.NewZipf(r, 1.2, 2, uint64(len(words)-1))
	var b strings.Builder
	for b.Len() < n {
		for range 3 + r.IntN(4) { // sentences in a paragraph
			k := 6 + r.IntN(14)
			for i := range k {
				w := words[z.Uint64()]
				if i == 0 {
					r, n := utf8.DecodeRuneInString(w)
					w = string(unicode.ToUpper(r)) + w[n:]
				}
				b.WriteString(w)
				if i < k-1 {
					b.WriteByte(' ')
				}
			}
			b.WriteString(". ")
		}
		b.WriteString("\n\n")
	}
	return strings.TrimSpace(b.String())
}

// sampleRecords returns n deterministic corpus rows with texts of about textLen bytes.
// Every third row has no URL, every fourth no title, every other no meta, to exercise
// the optional columns.
func sampleRecords(n, textLen int) []schema.Record {
	r := rand.New(rand.NewPCG(1, uint64(n)))
	sources := []string{"herald", "gazette", "courier"}
	rows := make([]schema.Record, n)
	for i := range rows {
		text := synthText(r, textLen)
		rec := schema.Record{
			ID:          fmt.Sprintf("%s/%06d.txt", sources[i%3], i),
			Source:      sources[i%3],
			URL:         fmt.Sprintf("https://%s.example/a/%d", sources[i%3], i),
			Title:       fmt.Sprintf("Article %d", i),
			Text:        text,
			NParagraphs: int32(strings.Count(text, "\n\n") + 1),
			NRemoved:    int32(i % 5),
			DupCount:    int32(i % 2),
			DocHash:     int64(r.Uint64()),
			Meta:        fmt.Sprintf(`{"lang":"en","n":%d}`, i),
		}
		if i%3 == 0 {
			rec.URL = ""
		}
		if i%4 == 0 {
			rec.Title = ""
		}
		if i%2 == 0 {
			rec.Meta = ""
		}
		rows[i] = rec
	}
	return rows
}

// sampleRemovals returns n deterministic ledger rows.
func sampleRemovals(n int) []schema.Removal {
	reasons := []string{schema.ReasonBoilerplate, schema.ReasonDuplicateInDoc,
		schema.ReasonNearBoilerplate, schema.ReasonDuplicateDoc}
	rows := make([]schema.Removal, n)
	for i := range rows {
		rm := schema.Removal{
			DocID:    fmt.Sprintf("gazette/%06d.txt", i/3),
			Source:   "gazette",
			Index:    int32(i % 3),
			Reason:   reasons[i%len(reasons)],
			Text:     fmt.Sprintf("© 2024 Gazette Media — all rights reserved <%d>", i%7),
			Key:      int64(uint64(i) * 0x9E3779B97F4A7C15),
			DocCount: int32(3 + i%11),
		}
		if rm.Reason == schema.ReasonDuplicateDoc {
			rm.Index = -1
			rm.DupOf = fmt.Sprintf("herald/%06d.txt", i)
		}
		rows[i] = rm
	}
	return rows
}

// readParquet reads back every row of a Parquet file with a GenericReader.
func readParquet[T any](t testing.TB, path string) ([]T, *parquet.File) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(f, fi.Size())
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	r := parquet.NewGenericReader[T](pf)
	defer r.Close()
	rows := make([]T, pf.NumRows())
	n, err := r.Read(rows)
	if int64(n) != pf.NumRows() {
		t.Fatalf("read %d rows of %d: %v", n, pf.NumRows(), err)
	}
	return rows, pf
}

// dirNames lists the names in dir, hidden temporary files included.
func dirNames(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

// fullDisk is a temporary file that fails with ENOSPC once limit bytes were written,
// like a file on a full disk.
type fullDisk struct {
	*os.File
	limit int
}

func (f *fullDisk) Write(p []byte) (int, error) {
	if len(p) > f.limit {
		n, _ := f.File.Write(p[:f.limit])
		f.limit = 0
		return n, &fs.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	f.limit -= len(p)
	return f.File.Write(p)
}

// withFullDisk makes the temporary files created during the test, after the first skip
// ones, fail after limit bytes.
func withFullDisk(t *testing.T, skip, limit int) {
	t.Helper()
	orig := createTemp
	createTemp = func(dir, prefix string) (tempFile, error) {
		f, err := tempfile.Create(dir, prefix)
		if err != nil {
			return nil, err
		}
		if skip > 0 {
			skip--
			return f, nil
		}
		return &fullDisk{File: f, limit: limit}, nil
	}
	t.Cleanup(func() { createTemp = orig })
}

// mustExist fails the test unless path exists.
func mustExist(t testing.TB, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}

// join is filepath.Join, short.
func join(elem ...string) string { return filepath.Join(elem...) }

// writeAll writes rows with w and closes it, failing the test on an error of either.
func writeAll[T any](t testing.TB, w RowWriter[T], rows []T) {
	t.Helper()
	if err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}
