package pipeline

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"unsafe"

	"github.com/winnowdata/winnow/internal/tempfile"
	"github.com/winnowdata/winnow/schema"
)

// spool holds the kept corpus rows of pass 2 in a temporary file until document-level
// deduplication has seen every document: only then is each kept row's dup_count known.
// Rows are written and read back in order, in a plain length-prefixed binary form.
type spool struct {
	f     *os.File
	w     *bufio.Writer
	buf   []byte
	n     int
	close func() // closes and removes the file, once (removeOnce)
}

// newSpool creates the spool file "winnow-spool-PID-RANDOM" in dir (the system's
// temporary folder when dir is ""), with tempfile.Create: a killed run's spool is
// removed by the next run.
func newSpool(dir string) (*spool, error) {
	f, err := tempfile.Create(dir, "winnow-spool-")
	if err != nil {
		return nil, fmt.Errorf("create spool file: %w", err)
	}
	return &spool{f: f, w: bufio.NewWriterSize(f, 1<<20), close: removeOnce(f)}, nil
}

// put appends one row and the ordinal of its document among the deduplicated ones.
func (s *spool) put(ord int32, r *schema.Record) error {
	b := s.buf[:0]
	b = binary.AppendVarint(b, int64(ord))
	for _, str := range []string{r.ID, r.Source, r.URL, r.Title, r.Text, r.Meta} {
		b = binary.AppendUvarint(b, uint64(len(str)))
		b = append(b, str...)
	}
	b = binary.AppendVarint(b, int64(r.NParagraphs))
	b = binary.AppendVarint(b, int64(r.NRemoved))
	b = binary.AppendVarint(b, r.DocHash)
	s.buf = b
	if cap(s.buf) > 1<<20 {
		s.buf = nil // do not hold a huge document's buffer for the rest of the run
	}
	s.n++
	if _, err := s.w.Write(b); err != nil {
		return fmt.Errorf("write spool file: %w", err)
	}
	return nil
}

// replay reads the rows back in order and hands them to fn in batches; fn must not
// keep the slices it is given. (Reading on a goroutine of its own, to overlap with fn,
// was tried: the flush of the 1 GB benchmark took as long.)
func (s *spool) replay(batch int, fn func(ords []int32, rows []schema.Record) error) error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("write spool file: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	// read once, in order: what is read is punched out (tempfile.Drainer)
	rd := bufio.NewReaderSize(tempfile.NewDrainer(s.f, 0), 1<<20)
	var rows []schema.Record
	var ords []int32
	for i := 0; i < s.n; i++ {
		ord, r, err := readRow(rd)
		if err != nil {
			return err
		}
		rows = append(rows, r)
		ords = append(ords, ord)
		if len(rows) == batch {
			if err := fn(ords, rows); err != nil {
				return err
			}
			rows, ords = rows[:0], ords[:0]
		}
	}
	if len(rows) > 0 {
		return fn(ords, rows)
	}
	return nil
}

// readRow reads one row written by put.
func readRow(rd *bufio.Reader) (int32, schema.Record, error) {
	var r schema.Record
	ord, err := binary.ReadVarint(rd)
	if err != nil {
		return 0, r, spoolErr(err)
	}
	for _, dst := range []*string{&r.ID, &r.Source, &r.URL, &r.Title, &r.Text, &r.Meta} {
		n, err := binary.ReadUvarint(rd)
		if err != nil {
			return 0, r, spoolErr(err)
		}
		if n == 0 {
			continue
		}
		b := make([]byte, n)
		if _, err := io.ReadFull(rd, b); err != nil {
			return 0, r, spoolErr(err)
		}
		*dst = unsafe.String(&b[0], len(b)) // b is never written again
	}
	var v [3]int64
	for k := range v {
		if v[k], err = binary.ReadVarint(rd); err != nil {
			return 0, r, spoolErr(err)
		}
	}
	r.NParagraphs, r.NRemoved, r.DocHash = int32(v[0]), int32(v[1]), v[2]
	return int32(ord), r, nil
}

func spoolErr(err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("read spool file: %w", err)
}

// removeOnce returns a func that closes and removes f the first time it is called,
// and does nothing after: a temporary file is removed as soon as the run is done with
// it (run.retire), or by the run's cleanup, whichever comes first.
func removeOnce(f *os.File) func() {
	return sync.OnceFunc(func() {
		f.Close()
		os.Remove(f.Name())
	})
}
