package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/winnowdata/winnow/schema"
)

// pqDoc is a Parquet input row with the default field names and two extra columns.
type pqDoc struct {
	ID     string            `parquet:"id"`
	Text   string            `parquet:"text"`
	Title  string            `parquet:"title,optional"`
	URL    string            `parquet:"url,optional"`
	Source string            `parquet:"source,optional"`
	Lang   string            `parquet:"lang,optional"`
	Score  float64           `parquet:"score"`
	Tags   []string          `parquet:"tags,list"`
	Attrs  map[string]string `parquet:"attrs"`
}

func parquetOf[T any](t testing.TB, rows []T, opts ...parquet.WriterOption) []byte {
	t.Helper()
	var b bytes.Buffer
	w := parquet.NewGenericWriter[T](&b, opts...)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func parquetData(t testing.TB, rows []pqDoc) []byte { return parquetOf(t, rows) }

func TestParquet(t *testing.T) {
	rows := []pqDoc{
		{ID: "a", Text: "Hello\r\nworld", Title: "T", URL: "https://www.example.com/a", Lang: "en", Score: 1.5,
			Tags: []string{"x", "y"}, Attrs: map[string]string{"k": "v"}},
		{ID: "", Text: "", Source: "given", URL: "https://other.example/"},
		{ID: "c", Text: "bad \xff utf8"},
	}
	path := writeFile(t, t.TempDir(), "in.parquet", parquetData(t, rows))
	res := readAll(t, []string{path}, DefaultOptions())
	if res.err != nil {
		t.Fatal(res.err)
	}
	want := []schema.Document{
		{ID: "a", Text: "Hello\nworld", Title: "T", URL: "https://www.example.com/a", Source: "www.example.com",
			Meta: `{"attrs":{"k":"v"},"lang":"en","score":1.5,"tags":["x","y"]}`, Line: 1},
		{ID: "in.parquet:2", Source: "given", URL: "https://other.example/", Meta: `{"attrs":{},"score":0,"tags":[]}`, Line: 2},
		{ID: "c", Text: "bad \uFFFD utf8", Meta: `{"attrs":{},"score":0,"tags":[]}`, Line: 3},
	}
	checkDocs(t, res.docs, want, path)
}

// Many rows over several row groups, an integer id, no extra column.
func TestParquetRowGroups(t *testing.T) {
	type row struct {
		ID   int64  `parquet:"id"`
		Text string `parquet:"text"`
	}
	var rows []row
	for i := range 1000 {
		rows = append(rows, row{ID: int64(i * 10), Text: fmt.Sprint("text ", i)})
	}
	path := writeFile(t, t.TempDir(), "in.parquet", parquetOf(t, rows, parquet.MaxRowsPerRowGroup(300)))
	res := readAll(t, []string{path}, DefaultOptions())
	if res.err != nil || len(res.docs) != 1000 {
		t.Fatalf("%d docs, %v", len(res.docs), res.err)
	}
	for i, d := range res.docs {
		if d.ID != fmt.Sprint(i*10) || d.Text != fmt.Sprint("text ", i) || d.Line != int64(i+1) || d.Meta != "" {
			t.Fatalf("row %d: %+v", i, d)
		}
	}
}

func TestParquetErrors(t *testing.T) {
	type noText struct {
		ID   string `parquet:"id"`
		Body string `parquet:"body"`
	}
	type intText struct {
		Text int64 `parquet:"text"`
	}
	type listText struct {
		Text []string `parquet:"text"`
	}
	type floatID struct {
		ID   float64 `parquet:"id"`
		Text string  `parquet:"text"`
	}
	type optText struct {
		Text *string `parquet:"text,optional"`
	}
	good := parquetData(t, []pqDoc{{ID: "1", Text: "a"}})
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"no text column", parquetOf(t, []noText{{"1", "b"}}), `in.parquet: no string column "text"`},
		{"text is an integer", parquetOf(t, []intText{{5}}), `no string column "text" (it is INT64)`},
		{"text is repeated", parquetOf(t, []listText{{[]string{"a"}}}), `text column "text" is repeated`},
		{"id is a float", parquetOf(t, []floatID{{1.5, "a"}}), `id column "id" is DOUBLE, not a string`},
		{"null text", parquetOf(t, []optText{{nil}}), `in.parquet:1: text column "text" is null`},
		{"empty file", nil, "in.parquet: empty parquet file"},
		{"not parquet", []byte("PAR1 but not really a parquet file"), "in.parquet: invalid parquet file"},
		{"truncated", good[:len(good)/2], "in.parquet: invalid parquet file"},
		{"corrupt pages", corruptPages(good), "in.parquet:1: corrupt parquet file"},
		{"gzipped", gzipData(t, good), "parquet inside a gzip stream is not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "in.parquet", tt.data)
			res := readAll(t, []string{path}, DefaultOptions())
			checkErr(t, res.err, tt.want)
			var pe *ParseError
			if !errors.As(res.err, &pe) || pe.File != path {
				t.Errorf("error %v is not a ParseError naming %s", res.err, path)
			}
		})
	}
}

// corruptPages overwrites the page data after the leading magic, keeping the footer.
func corruptPages(b []byte) []byte {
	b = bytes.Clone(b)
	for i := 4; i < 40 && i < len(b); i++ {
		b[i] = 0xff
	}
	return b
}

// Under SkipErrors a broken Parquet file is rejected and the next file is read.
func TestParquetSkip(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.parquet", nil)
	writeFile(t, dir, "b.parquet", parquetData(t, []pqDoc{{ID: "b1", Text: "x"}}))
	opts := DefaultOptions()
	opts.SkipErrors = true
	res := readAll(t, []string{dir}, opts)
	if res.err != nil || fmt.Sprint(ids(res.docs)) != "[b1]" || len(res.rejects) != 1 ||
		!strings.Contains(res.rejects[0].Error, "empty parquet file") {
		t.Errorf("err %v, ids %v, rejects %v", res.err, ids(res.docs), res.rejects)
	}
}
