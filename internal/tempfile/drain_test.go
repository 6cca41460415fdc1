package tempfile

import (
	"bufio"
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"testing"
)

// TestDrainer reads files of several sizes through a Drainer under a bufio.Reader, as the
// spools do, from the start and from an offset inside the file: every byte comes back
// as written, the file keeps its size, and on Linux the storage of what was read is
// freed, all but the last step's.
func TestDrainer(t *testing.T) {
	for _, c := range []struct {
		name      string
		size, off int
	}{
		{"under a step", drainStep / 2, 0},
		{"steps", 2*drainStep + 12345, 0},
		{"from an offset", 2*drainStep + 777, 5000},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := make([]byte, c.size)
			rng := rand.New(rand.NewPCG(1, uint64(c.size)))
			for i := range data {
				data[i] = byte(rng.Uint32())
			}
			f, err := os.CreateTemp(t.TempDir(), "drain")
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.Write(data); err != nil {
				t.Fatal(err)
			}
			if _, err := f.Seek(int64(c.off), io.SeekStart); err != nil {
				t.Fatal(err)
			}
			d := NewDrainer(f, int64(c.off))
			got, err := io.ReadAll(bufio.NewReaderSize(d, 1<<20))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, data[c.off:]) {
				t.Fatalf("read %d bytes, not the %d written after offset %d", len(got), len(data)-c.off, c.off)
			}
			st, err := f.Stat()
			if err != nil {
				t.Fatal(err)
			}
			if st.Size() != int64(c.size) {
				t.Fatalf("size %d after draining, want %d", st.Size(), c.size)
			}
			used, ok := stored(st)
			if !ok || d.noPunch {
				t.Log("no punching here")
				return
			}
			// what is left: the bytes after the last punch, at most a step and a page
			if limit := int64(drainStep + pageSize); used > limit {
				t.Fatalf("%d bytes still stored after reading %d, want at most %d", used, c.size, limit)
			}
		})
	}
}
