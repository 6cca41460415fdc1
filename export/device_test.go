package export

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/winnowdata/winnow/schema"
)

// charDevice skips the test unless path is a character device, and returns its mode.
func charDevice(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Skipf("%s is not a character device here", path)
	}
	return fi.Mode()
}

// An output that is a device is written in place: renaming a temporary file onto it
// would replace /dev/null or /dev/full by a regular file (as root, for everyone).
func TestAtomicFileDevice(t *testing.T) {
	mode := charDevice(t, "/dev/null")
	if err := WriteJSON("/dev/null", map[string]int{"a": 1}); err != nil {
		t.Fatalf("WriteJSON(/dev/null) = %v", err)
	}
	w, err := NewParquetWriter[schema.Record]("/dev/null", ParquetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(sampleRecords(3, 100)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Parquet to /dev/null: %v", err)
	}
	if fi, err := os.Stat("/dev/null"); err != nil || fi.Mode() != mode {
		t.Fatalf("/dev/null is no longer the device it was: %v, %v", fi.Mode(), err)
	}
}

// A full disk: /dev/full fails every write with ENOSPC. The error names the file and
// matches the errno, and the device is still there afterwards.
func TestAtomicFileDevFull(t *testing.T) {
	mode := charDevice(t, "/dev/full")
	w, err := NewJSONLWriter[schema.Record]("/dev/full")
	if err != nil {
		t.Fatal(err)
	}
	// The rows fit in the write buffer: the failure comes at Close, when it flushes.
	if err := w.Write(sampleRecords(2, 100)); err != nil {
		t.Fatal(err)
	}
	err = w.Close()
	if !errors.Is(err, syscall.ENOSPC) || err.Error() != "write /dev/full: no space left on device" {
		t.Fatalf("Close = %v, want write /dev/full: no space left on device", err)
	}
	if err := w.Write(sampleRecords(1, 10)); err == nil {
		t.Fatal("Write after a failed Close succeeded")
	}

	err = WriteJSON("/dev/full", map[string]string{"a": strings.Repeat("x", 100)})
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "/dev/full") {
		t.Fatalf("WriteJSON(/dev/full) = %v, want ENOSPC naming /dev/full", err)
	}
	if fi, err := os.Stat("/dev/full"); err != nil || fi.Mode() != mode {
		t.Fatalf("/dev/full is no longer the device it was: %v, %v", fi.Mode(), err)
	}
}

// A named pipe is written in place too, and stays a pipe.
func TestAtomicFileFIFO(t *testing.T) {
	dir := t.TempDir()
	path := join(dir, "out.jsonl")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(path) // blocks until the writer opens the pipe
		if err != nil {
			got <- err.Error()
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- string(b)
	}()
	w, err := NewJSONLWriter[schema.Removal](path)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]schema.Removal{{DocID: "a", Reason: "boilerplate"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != `{"doc_id":"a","source":"","index":0,"reason":"boilerplate","text":"","key":0,"doc_count":0}`+"\n" {
		t.Fatalf("read from the pipe: %q", s)
	}
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Fatalf("%s is no longer a named pipe: %v", path, err)
	}
	if names := dirNames(t, dir); len(names) != 1 {
		t.Fatalf("files beside the pipe: %v", names)
	}
}
