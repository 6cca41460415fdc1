package pipeline

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"slices"
	"sync/atomic"

	"github.com/winnowdata/winnow/internal/tempfile"
)

// fpSpool holds pass 1's fingerprints of the documents (dedup.Doc.Encode), in input
// order, for pass 2 to judge them without fingerprinting them again: a temporary file
// of records, each after its length in 4 bytes. Pass 1's workers encode their batch's
// documents (encodeBatch) and its sink appends the batch (write); pass 2's reader
// takes the records of each batch as it reads its documents (fill).
type fpSpool struct {
	f    *os.File
	w    *bufio.Writer
	r    *bufio.Reader
	free chan []byte // batches' record buffers, for the next batches (recycle)
	// dropped is set when the run gives the spool up (dropFPSpool): the workers then
	// encode no more
	dropped atomic.Bool
}

func newFPSpool(dir string) (*fpSpool, error) {
	f, err := tempfile.Create(dir, "winnow-fingerprints-")
	if err != nil {
		return nil, fmt.Errorf("create the fingerprint spool: %w", err)
	}
	return &fpSpool{f: f, w: bufio.NewWriterSize(f, 1<<20), free: make(chan []byte, 16)}, nil
}

func (s *fpSpool) close() {
	s.f.Close()
	os.Remove(s.f.Name())
}

// buffer returns a buffer for a batch's records: one a batch gave back, or none.
func (s *fpSpool) buffer() []byte {
	select {
	case b := <-s.free:
		return b
	default:
		return nil
	}
}

// recycle takes back b's record buffer once its records are written or judged: grown
// from empty for every batch, they cost more than encoding them.
func (s *fpSpool) recycle(b *batch) {
	if b.recs != nil {
		select {
		case s.free <- b.recs[:0]:
		default:
		}
	}
	b.recs, b.recEnd = nil, nil
}

// encodeBatch encodes the fingerprints of b's documents into b.recs (on a worker).
func (s *fpSpool) encodeBatch(b *batch) {
	if s.dropped.Load() {
		return
	}
	b.recs = s.buffer()
	for i := range b.fps {
		at := len(b.recs)
		b.recs = append(b.recs, 0, 0, 0, 0)
		b.recs = b.fps[i].Encode(b.recs)
		binary.LittleEndian.PutUint32(b.recs[at:], uint32(len(b.recs)-at-4))
	}
}

// write appends b's records to the spool (in input order, on pass 1's sink).
func (s *fpSpool) write(b *batch) error {
	if _, err := s.w.Write(b.recs); err != nil {
		return fmt.Errorf("write the fingerprint spool: %w", err)
	}
	s.recycle(b)
	return nil
}

// rewind ends writing and starts reading from the first record.
func (s *fpSpool) rewind() error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("write the fingerprint spool: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("read the fingerprint spool: %w", err)
	}
	s.r = bufio.NewReaderSize(s.f, 1<<20)
	return nil
}

// fill reads the records of b's documents into b.recs, and where each ends into
// b.recEnd (on pass 2's reader).
func (s *fpSpool) fill(b *batch) error {
	b.recs, b.recEnd = s.buffer(), make([]int, 0, len(b.docs))
	var n [4]byte
	for range b.docs {
		if _, err := io.ReadFull(s.r, n[:]); err != nil {
			return fmt.Errorf("read the fingerprint spool: %w", spoolEOF(err))
		}
		at := len(b.recs)
		size := int(binary.LittleEndian.Uint32(n[:]))
		b.recs = slices.Grow(b.recs, size)[:at+size]
		if _, err := io.ReadFull(s.r, b.recs[at:]); err != nil {
			return fmt.Errorf("read the fingerprint spool: %w", spoolEOF(err))
		}
		b.recEnd = append(b.recEnd, len(b.recs))
	}
	return nil
}

// rec returns the record of document i of b.
func (b *batch) rec(i int) []byte {
	start := 0
	if i > 0 {
		start = b.recEnd[i-1]
	}
	return b.recs[start:b.recEnd[i]]
}

// spoolEOF says that a spool ended early: pass 2 read more documents than pass 1.
func spoolEOF(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("it ends before the input does (did the input change between the passes?)")
	}
	return err
}
