package export

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/winnowdata/winnow/internal/tempfile"
)

// TestPageDir: pages that wait in files write the same bytes as pages in memory, over
// several row groups, and no page file is left in the folder.
func TestPageDir(t *testing.T) {
	dir, pages := t.TempDir(), t.TempDir()
	rows := sampleRecords(3000, 2000)
	opts := ParquetOptions{MaxRowGroupBytes: 1 << 20} // 6 row groups or so
	mem, disk := filepath.Join(dir, "mem.parquet"), filepath.Join(dir, "disk.parquet")
	writeParquet(t, mem, opts, rows, 100)
	opts.PageDir = pages
	writeParquet(t, disk, opts, rows, 100)
	a, _ := os.ReadFile(mem)
	b, _ := os.ReadFile(disk)
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Fatalf("pages in files: %d bytes, in memory: %d; they differ", len(b), len(a))
	}
	if left, _ := os.ReadDir(pages); len(left) != 0 {
		t.Fatalf("%d page files left behind", len(left))
	}
}

// TestPageDirMissing: a page folder that does not exist fails the write with its error.
func TestPageDirMissing(t *testing.T) {
	dir := t.TempDir()
	w, err := NewParquetWriter[struct{ Text string }](filepath.Join(dir, "x.parquet"),
		ParquetOptions{PageDir: filepath.Join(dir, "absent")})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	err = w.Write([]struct{ Text string }{{"some text"}})
	if err == nil {
		err = w.Close()
	}
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("writing with a missing page folder: %v", err)
	}
}

// TestPageFileNamed: a page file still in its folder (the instant before it is removed,
// or for good where an open file cannot be removed) has the name of a temporary file,
// which a later run sweeps if this one is killed, and is removed when put back.
func TestPageFileNamed(t *testing.T) {
	defer func(f func(string) error) { unlink = f }(unlink)
	unlink = func(string) error { return errors.New("kept") }
	dir := t.TempDir()
	p := pageFiles{dir}
	b := p.GetBuffer()
	if _, err := b.Write([]byte("page")); err != nil {
		t.Fatal(err)
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 1 || !tempfile.Is(left[0].Name()) {
		t.Fatalf("while in use: %v, want one temporary name", left)
	}
	if tempfile.Stale(filepath.Join(dir, left[0].Name())) {
		t.Fatal("a page file in use is stale")
	}
	p.PutBuffer(b)
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("after PutBuffer: %v", left)
	}
}
