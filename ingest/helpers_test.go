package ingest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/winnowdata/winnow/schema"
)

// writeFile writes data to dir/name, creating the folders on the way, and returns the
// path.
func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// result is what reading some inputs gave.
type result struct {
	docs    []*schema.Document
	rejects []Reject
	err     error
}

// readAll opens inputs with opts and reads them to the end. An Open error is returned
// in result.err.
func readAll(t testing.TB, inputs []string, opts Options) result {
	t.Helper()
	var res result
	if opts.SkipErrors && opts.OnReject == nil {
		opts.OnReject = func(r Reject) { res.rejects = append(res.rejects, r) }
	}
	r, err := Open(context.Background(), inputs, opts)
	if err != nil {
		res.err = err
		return res
	}
	defer func() {
		if err := r.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}()
	for r.Next() {
		res.docs = append(res.docs, r.Doc())
	}
	res.err = r.Err()
	return res
}

func gzipData(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func zstdData(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := zstd.NewWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// ids lists the ids of docs.
func ids(docs []*schema.Document) []string {
	var out []string
	for _, d := range docs {
		out = append(out, d.ID)
	}
	return out
}
