package export

import (
	"errors"
	"slices"
	"sync"
	"testing"
)

// recorder is a RowWriter that keeps what it is given, and fails its failAt-th Write.
type recorder struct {
	mu      sync.Mutex
	rows    []int
	writes  int
	failAt  int
	closed  bool
	aborted bool
}

var errDisk = errors.New("disk full")

func (r *recorder) Write(rows []int) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes++
	if r.writes == r.failAt {
		return errDisk
	}
	r.rows = append(r.rows, rows...)
	return nil
}

func (r *recorder) Close() error { r.closed = true; return nil }
func (r *recorder) Abort()       { r.aborted = true }

func TestBackgroundWritesInOrder(t *testing.T) {
	for _, depth := range []int{0, 1, 4} {
		rec := &recorder{}
		w := Background[int](rec, depth)
		var want []int
		buf := make([]int, 0, 8)
		for i := range 1000 {
			buf = append(buf[:0], i, -i, i*7)
			want = append(want, buf...)
			if err := w.Write(buf); err != nil { // buf is reused at once: Write must copy it
				t.Fatal(err)
			}
		}
		if err := w.Write(nil); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if !rec.closed || rec.aborted {
			t.Errorf("depth %d: closed %v aborted %v, want closed only", depth, rec.closed, rec.aborted)
		}
		if !slices.Equal(rec.rows, want) {
			t.Errorf("depth %d: %d rows written, want %d in order", depth, len(rec.rows), len(want))
		}
		if err := w.Write([]int{1}); err == nil {
			t.Errorf("depth %d: a write after Close succeeded", depth)
		}
		w.Abort() // after Close, as a run's cleanup does: harmless
	}
}

func TestBackgroundReportsTheWritersError(t *testing.T) {
	rec := &recorder{failAt: 3}
	w := Background[int](rec, 2)
	var err error
	for i := 0; i < 100 && err == nil; i++ {
		err = w.Write([]int{i})
	}
	if err == nil {
		err = w.Close()
	} else if cerr := w.Close(); !errors.Is(cerr, errDisk) {
		t.Errorf("Close after a failed Write: %v, want %v", cerr, errDisk)
	}
	if !errors.Is(err, errDisk) {
		t.Fatalf("got %v, want %v", err, errDisk)
	}
	if rec.closed {
		t.Error("the writer was closed (committed) after it failed")
	}
	if !slices.Equal(rec.rows, []int{0, 1}) {
		t.Errorf("rows %v written, want [0 1]: nothing after the failure", rec.rows)
	}
	w.Abort()
	if !rec.aborted {
		t.Error("Abort did not abort the writer")
	}
}

func TestBackgroundAbort(t *testing.T) {
	rec := &recorder{}
	w := Background[int](rec, 4)
	for i := range 10 {
		if err := w.Write([]int{i}); err != nil {
			t.Fatal(err)
		}
	}
	w.Abort()
	w.Abort()
	if !rec.aborted || rec.closed {
		t.Errorf("aborted %v closed %v, want aborted only", rec.aborted, rec.closed)
	}
	if err := w.Close(); err == nil {
		t.Error("Close after Abort succeeded")
	}
}
