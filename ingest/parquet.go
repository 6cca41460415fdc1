package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"

	"github.com/winnowdata/winnow/schema"
)

// parquetBatch is how many rows are read at a time.
const parquetBatch = 128

// parquetReader reads the rows of one Parquet file.
type parquetReader struct {
	ref   fileRef
	file  *parquet.File
	base  string
	names fieldNames
	cols  [nRoles]int // leaf column index of each role, -1 when absent
	meta  bool        // the file has columns that go into Meta

	size, total, row int64 // file size, rows in the file, rows returned so far
	src              *countReader

	groups []parquet.RowGroup
	rows   parquet.Rows
	buf    []parquet.Row
	n, i   int
	done   bool
	json   bytes.Buffer
}

// newParquetReader opens the Parquet file f of the given size and checks that its
// schema has the columns named by names.
func newParquetReader(f *os.File, size int64, ref fileRef, names fieldNames, src *countReader) (pr *parquetReader, err error) {
	if size == 0 {
		return nil, &ParseError{File: ref.name, Err: errors.New("empty parquet file")}
	}
	defer func() {
		if r := recover(); r != nil { // parquet-go may panic on a corrupt footer
			pr, err = nil, &ParseError{File: ref.name, Err: fmt.Errorf("corrupt parquet file: %v", r)}
		}
	}()
	file, err := parquet.OpenFile(f, size, parquet.SkipBloomFilters(true), parquet.SkipPageIndex(true))
	if err != nil {
		return nil, &ParseError{File: ref.name, Err: fmt.Errorf("invalid parquet file: %w", err)}
	}
	pr = &parquetReader{ref: ref, file: file, names: names, size: size, total: file.NumRows(),
		src: src, groups: file.RowGroups(), base: baseName(ref)}
	s := file.Schema()
	for r, name := range names {
		pr.cols[r] = -1
		if name == "" {
			continue
		}
		col, ok := s.Lookup(name)
		if !ok || len(col.Path) != 1 {
			if role(r) == roleText {
				return nil, &ParseError{File: ref.name, Err: columnsError(file, names, fmt.Sprintf("no string column %q", name))}
			}
			continue
		}
		kind := col.Node.Type().Kind()
		switch {
		case col.MaxRepetitionLevel > 0:
			return nil, &ParseError{File: ref.name, Err: fmt.Errorf("%s column %q is repeated", roleLabel[r], name)}
		case kind == parquet.ByteArray:
		case role(r) == roleID && (kind == parquet.Int32 || kind == parquet.Int64):
		case role(r) == roleText:
			return nil, &ParseError{File: ref.name, Err: columnsError(file, names, fmt.Sprintf("no string column %q (it is %s)", name, kind))}
		default:
			return nil, &ParseError{File: ref.name, Err: fmt.Errorf("%s column %q is %s, not a string", roleLabel[r], name, kind)}
		}
		pr.cols[r] = col.ColumnIndex
	}
	for _, f := range s.Fields() {
		if !pr.mapped(f.Name()) {
			pr.meta = true
		}
	}
	return pr, nil
}

// columnsError is the error of a Parquet file without a string text column: it names
// the top-level columns, and guesses the text column as the string column, not mapped
// to another Document field, that holds the most bytes.
func columnsError(file *parquet.File, names fieldNames, msg string) *FieldError {
	e := &FieldError{Field: names[roleText], Columns: true, Whole: true, msg: msg}
	size := map[int]int64{}
	for _, rg := range file.Metadata().RowGroups {
		for i, c := range rg.Columns {
			size[i] += c.MetaData.TotalUncompressedSize
		}
	}
	var most int64 = -1
	for _, f := range file.Schema().Fields() {
		e.Have = append(e.Have, f.Name())
		col, ok := file.Schema().Lookup(f.Name())
		if !ok || len(col.Path) != 1 || col.Node.Type().Kind() != parquet.ByteArray || slices.Contains(names[1:], f.Name()) {
			continue
		}
		if n := size[col.ColumnIndex]; n > most {
			most, e.Guess = n, f.Name()
		}
	}
	slices.Sort(e.Have)
	return e
}

// baseName is the prefix of default ids: the file's base name, or "stdin".
func baseName(ref fileRef) string {
	if ref.stdin {
		return stdinName
	}
	return filepath.Base(ref.name)
}

// mapped reports whether top-level column name is a Document field.
func (pr *parquetReader) mapped(name string) bool {
	for r, n := range pr.names {
		if n == name && pr.cols[r] >= 0 {
			return true
		}
	}
	return false
}

func (pr *parquetReader) next() (doc *schema.Document, err error) {
	defer func() {
		if r := recover(); r != nil {
			pr.done = true
			doc, err = nil, &ParseError{File: pr.ref.name, Line: pr.row + 1, Err: fmt.Errorf("corrupt parquet file: %v", r)}
		}
	}()
	for pr.i >= pr.n {
		if pr.done {
			return nil, io.EOF
		}
		if err := pr.fill(); err != nil {
			pr.done = true
			return nil, err
		}
	}
	row := pr.buf[pr.i]
	pr.i++
	pr.row++
	return pr.decode(row)
}

// fill reads the next batch of rows.
func (pr *parquetReader) fill() error {
	pr.i, pr.n = 0, 0
	for pr.n == 0 {
		if pr.rows == nil {
			if len(pr.groups) == 0 {
				pr.done = true
				return nil
			}
			pr.rows = pr.groups[0].Rows()
			pr.groups = pr.groups[1:]
		}
		if pr.buf == nil {
			pr.buf = make([]parquet.Row, parquetBatch)
		}
		n, err := pr.rows.ReadRows(pr.buf)
		pr.n = n
		if err == io.EOF {
			pr.rows.Close()
			pr.rows = nil
		} else if err != nil {
			if ioErr := pr.src.ioErr(); ioErr != nil {
				return readError(pr.ref.name, ioErr)
			}
			return &ParseError{File: pr.ref.name, Line: pr.row + int64(n) + 1, Err: fmt.Errorf("corrupt parquet file: %w", err)}
		}
	}
	pr.progress(pr.row + int64(pr.n))
	return nil
}

// progress counts the share of the file's bytes that rows stand for, as read.
func (pr *parquetReader) progress(rows int64) {
	if pr.total <= 0 {
		return
	}
	want := pr.size * min(rows, pr.total) / pr.total
	if d := want - pr.src.n.Load(); d > 0 {
		pr.src.n.Add(d)
		pr.src.total.Add(d)
	}
}

// decode turns one row into a Document.
func (pr *parquetReader) decode(row parquet.Row) (*schema.Document, error) {
	doc := &schema.Document{File: pr.ref.name, Line: pr.row}
	var vals [nRoles]parquet.Value
	var have [nRoles]bool
	row.Range(func(col int, values []parquet.Value) bool {
		for r, c := range pr.cols {
			if c == col && len(values) > 0 {
				vals[r], have[r] = values[0], true
			}
		}
		return true
	})
	if !have[roleText] || vals[roleText].IsNull() {
		return nil, pr.rowError(fmt.Errorf("text column %q is null", pr.names[roleText]))
	}
	doc.Text = string(normalizeNewlines([]byte(validString(vals[roleText].ByteArray()))))
	if have[roleID] && !vals[roleID].IsNull() {
		switch v := vals[roleID]; v.Kind() {
		case parquet.Int32:
			doc.ID = strconv.FormatInt(int64(v.Int32()), 10)
		case parquet.Int64:
			doc.ID = strconv.FormatInt(v.Int64(), 10)
		default:
			doc.ID = validString(v.ByteArray())
		}
	}
	if doc.ID == "" {
		doc.ID = pr.base + ":" + strconv.FormatInt(pr.row, 10)
	}
	for _, f := range [...]struct {
		role role
		dst  *string
	}{{roleTitle, &doc.Title}, {roleURL, &doc.URL}, {roleSource, &doc.Source}} {
		if v := vals[f.role]; have[f.role] && !v.IsNull() {
			*f.dst = validString(v.ByteArray())
		}
	}
	if doc.Source == "" && doc.URL != "" {
		doc.Source = hostOf(doc.URL)
	}
	if pr.meta {
		meta, err := pr.metaOf(row)
		if err != nil {
			return nil, pr.rowError(err)
		}
		doc.Meta = meta
	}
	return doc, nil
}

// metaOf renders the columns of row that are not Document fields as a JSON object
// with sorted keys, null values left out.
func (pr *parquetReader) metaOf(row parquet.Row) (string, error) {
	m := map[string]any{}
	if err := pr.file.Schema().Reconstruct(&m, row); err != nil {
		return "", fmt.Errorf("meta columns: %w", err)
	}
	for k, v := range m {
		if v == nil || pr.mapped(k) {
			delete(m, k)
		} else {
			m[k] = textBytes(v)
		}
	}
	if len(m) == 0 {
		return "", nil
	}
	pr.json.Reset()
	enc := json.NewEncoder(&pr.json)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return "", fmt.Errorf("meta columns: %w", err)
	}
	return string(bytes.TrimSuffix(pr.json.Bytes(), []byte("\n"))), nil
}

// textBytes replaces, in a reconstructed value, the byte slices that are valid UTF-8 by
// strings, so that a string nested in a map or list is JSON text and not base64 (the
// reconstruction does not always tell a string from bytes). Other byte slices stay
// bytes: JSON renders them in base64.
func textBytes(v any) any {
	switch v := v.(type) {
	case []byte:
		if utf8.Valid(v) {
			return string(v)
		}
	case map[string]any:
		for k, e := range v {
			v[k] = textBytes(e)
		}
	case []any:
		for i, e := range v {
			v[i] = textBytes(e)
		}
	default:
		rv := reflect.ValueOf(v)
		switch rv.Kind() {
		case reflect.Map:
			if rv.Type().Key().Kind() != reflect.String {
				return v
			}
			out := make(map[string]any, rv.Len())
			for it := rv.MapRange(); it.Next(); {
				out[it.Key().String()] = textBytes(it.Value().Interface())
			}
			return out
		case reflect.Slice:
			if rv.Type().Elem().Kind() == reflect.Uint8 {
				return v
			}
			out := make([]any, rv.Len())
			for i := range out {
				out[i] = textBytes(rv.Index(i).Interface())
			}
			return out
		}
	}
	return v
}

func (pr *parquetReader) rowError(err error) error {
	return &ParseError{File: pr.ref.name, Line: pr.row, Err: err}
}

func (pr *parquetReader) close() error {
	if pr.rows != nil {
		pr.rows.Close()
		pr.rows = nil
	}
	return nil
}
