package export

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/winnowdata/winnow/schema"
)

// writeParquet writes rows to path in batches of batch rows and closes the writer.
func writeParquet[T any](t testing.TB, path string, opts ParquetOptions, rows []T, batch int) {
	t.Helper()
	w, err := NewParquetWriter[T](path, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for chunk := range slices.Chunk(rows, batch) {
		if err := w.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// nullsIn returns, per row, whether the value of column name is NULL.
func nullsIn(t *testing.T, pf *parquet.File, name string) []bool {
	t.Helper()
	leaf, ok := pf.Schema().Lookup(name)
	if !ok {
		t.Fatalf("no column %q", name)
	}
	r := parquet.NewReader(pf)
	defer r.Close()
	var nulls []bool
	buf := make([]parquet.Row, 64)
	for {
		n, err := r.ReadRows(buf)
		for _, row := range buf[:n] {
			row.Range(func(col int, vals []parquet.Value) bool {
				if col == leaf.ColumnIndex {
					nulls = append(nulls, len(vals) == 1 && vals[0].IsNull())
				}
				return true
			})
		}
		if err != nil {
			break
		}
	}
	return nulls
}

func TestParquetRoundTripRecord(t *testing.T) {
	dir := t.TempDir()
	path := join(dir, "corpus.parquet")
	rows := sampleRecords(50, 800)
	rows = append(rows,
		schema.Record{ID: "empty"}, // every string empty, every number zero
		schema.Record{ID: "crlf", Source: "s", Text: "line one\r\nline two\r\n\r\nnext", NParagraphs: 2},
		schema.Record{ID: "scripts", Source: "s", Title: "Zürich — 東京", Text: "Ελληνικά · العربية · हिन्दी · 😀", DocHash: -1},
	)
	writeParquet(t, path, ParquetOptions{}, rows, 7)

	got, pf := readParquet[schema.Record](t, path)
	if !reflect.DeepEqual(got, rows) {
		t.Fatalf("rows differ after round trip")
	}

	// Optional columns are optional in the schema and hold NULL for "".
	for _, c := range []struct {
		name     string
		optional bool
		value    func(schema.Record) string
	}{
		{"id", false, func(r schema.Record) string { return r.ID }},
		{"text", false, func(r schema.Record) string { return r.Text }},
		{"url", true, func(r schema.Record) string { return r.URL }},
		{"title", true, func(r schema.Record) string { return r.Title }},
		{"meta", true, func(r schema.Record) string { return r.Meta }},
	} {
		leaf, _ := pf.Schema().Lookup(c.name)
		if leaf.Node.Optional() != c.optional {
			t.Errorf("column %s: optional = %v, want %v", c.name, leaf.Node.Optional(), c.optional)
		}
		nulls := nullsIn(t, pf, c.name)
		if len(nulls) != len(rows) {
			t.Fatalf("column %s: %d values, want %d", c.name, len(nulls), len(rows))
		}
		for i, r := range rows {
			if want := c.optional && c.value(r) == ""; nulls[i] != want {
				t.Errorf("column %s row %d (%q): null = %v, want %v", c.name, i, c.value(r), nulls[i], want)
			}
		}
	}
	if rows[0].URL != "" || got[0].URL != "" {
		t.Fatalf("row 0 should have an empty URL both ways")
	}
}

func TestParquetRoundTripRemoval(t *testing.T) {
	path := join(t.TempDir(), "removed.parquet")
	rows := sampleRemovals(200)
	writeParquet(t, path, ParquetOptions{}, rows, 64)
	got, pf := readParquet[schema.Removal](t, path)
	if !reflect.DeepEqual(got, rows) {
		t.Fatalf("rows differ after round trip")
	}
	nulls := nullsIn(t, pf, "dup_of")
	for i, r := range rows {
		if nulls[i] != (r.DupOf == "") {
			t.Errorf("row %d: dup_of %q null = %v", i, r.DupOf, nulls[i])
		}
	}
}

func TestParquetEmpty(t *testing.T) {
	path := join(t.TempDir(), "empty.parquet")
	writeParquet[schema.Record](t, path, ParquetOptions{}, nil, 1)
	got, pf := readParquet[schema.Record](t, path)
	if len(got) != 0 || pf.NumRows() != 0 {
		t.Fatalf("got %d rows, want 0", len(got))
	}
	if _, ok := pf.Schema().Lookup("doc_hash"); !ok {
		t.Fatal("an empty file still carries the schema")
	}
}

func TestParquetRowGroups(t *testing.T) {
	const limit = 64 << 10
	rows := sampleRecords(80, 2400) // about 3 × limit
	sz := newRowPlan[schema.Record]()
	var total, largest int64
	for i := range rows {
		s := sz.size(&rows[i])
		total += s
		largest = max(largest, s)
	}
	if total < 3*limit {
		t.Fatalf("test data too small: %d bytes", total)
	}
	for _, batch := range []int{1, 7, len(rows)} {
		path := join(t.TempDir(), "groups.parquet")
		writeParquet(t, path, ParquetOptions{MaxRowGroupBytes: limit}, rows, batch)
		got, pf := readParquet[schema.Record](t, path)
		if !reflect.DeepEqual(got, rows) {
			t.Fatalf("batch %d: rows differ", batch)
		}
		groups := pf.RowGroups()
		if len(groups) < 3 {
			t.Fatalf("batch %d: %d row groups, want at least 3", batch, len(groups))
		}
		// Each group stops at the row that passes the limit.
		next := 0
		for g, rg := range groups {
			var b int64
			for range rg.NumRows() {
				b += sz.size(&rows[next])
				next++
			}
			if b >= limit+largest {
				t.Errorf("batch %d: row group %d holds %d bytes, limit %d", batch, g, b, limit)
			}
			if g < len(groups)-1 && b < limit {
				t.Errorf("batch %d: row group %d cut early at %d bytes", batch, g, b)
			}
		}
	}

	// The row cap cuts groups of small rows.
	path := join(t.TempDir(), "rows.parquet")
	writeParquet(t, path, ParquetOptions{MaxRowGroupRows: 10}, sampleRemovals(35), 35)
	_, pf := readParquet[schema.Removal](t, path)
	var sizes []int64
	for _, rg := range pf.RowGroups() {
		sizes = append(sizes, rg.NumRows())
	}
	if !slices.Equal(sizes, []int64{10, 10, 10, 5}) {
		t.Fatalf("row group sizes %v, want [10 10 10 5]", sizes)
	}
}

func TestParquetMetadata(t *testing.T) {
	path := join(t.TempDir(), "meta.parquet")
	opts := ParquetOptions{
		Version:  "1.2.3",
		KeyValue: map[string]string{schema.MetaFlags: "--min-docs 3", "z.extra": "z", "a.extra": "a"},
	}
	writeParquet(t, path, opts, sampleRecords(3, 100), 3)
	_, pf := readParquet[schema.Record](t, path)

	want := map[string]string{
		schema.MetaVersion:       "1.2.3",
		schema.MetaSchemaVersion: schema.Version,
		schema.MetaFlags:         "--min-docs 3",
		"a.extra":                "a",
		"z.extra":                "z",
	}
	for k, v := range want {
		if got, ok := pf.Lookup(k); !ok || got != v {
			t.Errorf("metadata %q = %q, %v; want %q", k, got, ok, v)
		}
	}
	var keys []string
	for _, kv := range pf.Metadata().KeyValueMetadata {
		keys = append(keys, kv.Key)
	}
	if !slices.IsSorted(keys) || len(keys) != len(want) {
		t.Errorf("metadata keys %v: want the %d keys, sorted", keys, len(want))
	}
	if got := pf.Metadata().CreatedBy; got != "winnow version 1.2.3" {
		t.Errorf("created_by = %q", got)
	}

	// No min/max statistics on the text column; kept on the others.
	for _, col := range pf.Metadata().RowGroups[0].Columns {
		name := strings.Join(col.MetaData.PathInSchema, ".")
		st := col.MetaData.Statistics
		hasBounds := st.MinValue != nil || st.MaxValue != nil
		if want := name != "text" && name != "meta"; hasBounds != want {
			t.Errorf("column %s: has bounds %v, want %v", name, hasBounds, want)
		}
		if col.MetaData.Codec.String() != "ZSTD" {
			t.Errorf("column %s: codec %v, want ZSTD", name, col.MetaData.Codec)
		}
	}
}

// TestParquetDeterministic checks that the same rows give the same bytes, however they
// are batched into Write calls, so output does not depend on the pipeline's workers.
func TestParquetDeterministic(t *testing.T) {
	dir := t.TempDir()
	opts := ParquetOptions{Version: "0.1.0", MaxRowGroupBytes: 32 << 10,
		KeyValue: map[string]string{"b": "2", "a": "1", "c": "3"}}
	check := func(name string, write func(path string, batch int)) {
		var first []byte
		for i, batch := range []int{16, 16, 1, 1000, 1 << 20} {
			path := join(dir, fmt.Sprintf("%s-%d.parquet", name, i))
			write(path, batch)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				first = b
				continue
			}
			if !bytes.Equal(first, b) {
				t.Fatalf("%s: batches of %d rows gave a different file", name, batch)
			}
		}
		if bytes.Contains(first, []byte(name)) || bytes.Contains(first, []byte(".tmp-")) {
			t.Fatalf("%s: the file name leaked into the file", name)
		}
	}
	records, removals := sampleRecords(60, 1500), sampleRemovals(20000)
	check("corpus", func(path string, batch int) { writeParquet(t, path, opts, records, batch) })
	check("ledger", func(path string, batch int) { writeParquet(t, path, opts, removals, batch) })
}

func TestParquetAbort(t *testing.T) {
	dir := t.TempDir()
	path := join(dir, "out.parquet")
	if err := os.WriteFile(path, []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := NewParquetWriter[schema.Record](path, ParquetOptions{MaxRowGroupBytes: 1 << 10})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(sampleRecords(20, 500)); err != nil {
		t.Fatal(err)
	}
	w.Abort()
	w.Abort()
	if err := w.Close(); !errors.Is(err, ErrAborted) {
		t.Fatalf("Close after Abort = %v, want ErrAborted", err)
	}
	if err := w.Write(sampleRecords(1, 10)); !errors.Is(err, ErrAborted) {
		t.Fatalf("Write after Abort = %v, want ErrAborted", err)
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"out.parquet"}) {
		t.Fatalf("files after Abort: %v", names)
	}
	if b, _ := os.ReadFile(path); string(b) != "previous" {
		t.Fatalf("Abort changed the existing destination")
	}

	// Abort after Close keeps the file.
	w, err = NewParquetWriter[schema.Record](path, ParquetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w.Abort()
	if err := w.Close(); err != nil {
		t.Fatalf("second Close = %v", err)
	}
	readParquet[schema.Record](t, path)
	if names := dirNames(t, dir); !slices.Equal(names, []string{"out.parquet"}) {
		t.Fatalf("files after Close: %v", names)
	}
}

func TestParquetFullDisk(t *testing.T) {
	for _, limit := range []int{0, 100, 20 << 10} {
		dir := t.TempDir()
		withFullDisk(t, 0, limit)
		path := join(dir, "out.parquet")
		w, err := NewParquetWriter[schema.Record](path, ParquetOptions{MaxRowGroupBytes: 8 << 10})
		if err != nil {
			t.Fatal(err)
		}
		err = w.Write(sampleRecords(40, 2000))
		if err == nil {
			err = w.Close()
		}
		if !errors.Is(err, syscall.ENOSPC) {
			t.Fatalf("limit %d: err = %v, want ENOSPC", limit, err)
		}
		if !strings.Contains(err.Error(), path) || strings.Contains(err.Error(), ".tmp-") {
			t.Errorf("limit %d: error %q should name the output, not the temporary file", limit, err)
		}
		if names := dirNames(t, dir); len(names) != 0 {
			t.Fatalf("limit %d: files left after a failed write: %v", limit, names)
		}
		if err2 := w.Close(); err2 == nil {
			t.Fatalf("limit %d: Close after a failed write succeeded", limit)
		}
		w.Abort()
	}
}

func TestParquetOptionsInvalid(t *testing.T) {
	dir := t.TempDir()
	for _, opts := range []ParquetOptions{
		{MaxRowGroupBytes: -1},
		{MaxRowGroupRows: -1},
		{PageBufferSize: -1},
		{ZstdLevel: 99},
	} {
		if _, err := NewParquetWriter[schema.Record](join(dir, "x.parquet"), opts); err == nil {
			t.Errorf("%+v: no error", opts)
		}
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Fatalf("files left: %v", names)
	}
}

func TestParquetStdout(t *testing.T) {
	var buf bytes.Buffer
	orig := stdout
	stdout = &buf
	t.Cleanup(func() { stdout = orig })

	rows := sampleRecords(5, 200)
	writeParquet(t, Stdout, ParquetOptions{}, rows, 5)
	pf, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if pf.NumRows() != 5 {
		t.Fatalf("%d rows on stdout, want 5", pf.NumRows())
	}
}

// TestParquetOptionalNulls writes random patterns of empty optional fields in batches of
// every size and checks that each empty value, and only those, is NULL in the file. It
// guards the workaround for a parquet-go bug that wrote some of them as "" (see
// rowPlan.risesFromNull).
func TestParquetOptionalNulls(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	rows := make([]schema.Record, 300)
	for i := range rows {
		rows[i] = schema.Record{ID: strconv.Itoa(i), Text: "t"}
		if r.IntN(3) > 0 {
			rows[i].URL = "u"
		}
		if r.IntN(2) > 0 {
			rows[i].Title = "t"
		}
		if r.IntN(5) == 0 {
			rows[i].Meta = "{}"
		}
	}
	for _, batch := range []int{1, 2, 3, 5, 64, 65, 300} {
		path := join(t.TempDir(), "nulls.parquet")
		writeParquet(t, path, ParquetOptions{}, rows, batch)
		_, pf := readParquet[schema.Record](t, path)
		for _, c := range []struct {
			name  string
			empty func(schema.Record) bool
		}{
			{"url", func(r schema.Record) bool { return r.URL == "" }},
			{"title", func(r schema.Record) bool { return r.Title == "" }},
			{"meta", func(r schema.Record) bool { return r.Meta == "" }},
		} {
			nulls := nullsIn(t, pf, c.name)
			for i, row := range rows {
				if nulls[i] != c.empty(row) {
					t.Fatalf("batch %d: column %s row %d: null = %v, want %v", batch, c.name, i, nulls[i], c.empty(row))
				}
			}
		}
	}
}

// TestParquetZstdLevel checks that the level applies to the columns tagged "zstd" too.
func TestParquetZstdLevel(t *testing.T) {
	dir := t.TempDir()
	rows := sampleRecords(100, 3000)
	size := func(level zstd.Level) int64 {
		path := join(dir, fmt.Sprintf("level-%d.parquet", level))
		writeParquet(t, path, ParquetOptions{ZstdLevel: level}, rows, 100)
		got, _ := readParquet[schema.Record](t, path)
		if !reflect.DeepEqual(got, rows) {
			t.Fatalf("level %d: rows differ", level)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	fastest, best := size(zstd.SpeedFastest), size(zstd.SpeedBestCompression)
	if best >= fastest {
		t.Fatalf("SpeedBestCompression gave %d bytes, SpeedFastest %d: the level is not applied", best, fastest)
	}
}
