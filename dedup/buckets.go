package dedup

import (
	"errors"
	"fmt"
	"io"
	"sync"
)

// spoolBuckets hold what the later rounds of one of Seal's passes over the spool need,
// a bucket a round, written at the end of the spool in blocks: the first round reads
// the records and puts in each later round's bucket that round's share of them, which
// the round then reads instead of every record. Under a budget that takes many rounds
// of partitions, the records are read once rather than once a round, and what the
// later rounds need is written and read once. Values have a fixed size; the blocks of
// a bucket are read in the order they were written.
type spoolBuckets[T any] struct {
	ix     *Index
	size   int // bytes a value
	enc    func([]byte, T) []byte
	dec    func([]byte) T
	mu     sync.Mutex      // the spool's writer, blocks and the Index's spoolEnd
	blocks [][]bucketBlock // round -> its blocks in the spool
	rbuf   []byte
}

// bucketBlock is a block of a bucket: where it starts in the spool, and its values.
type bucketBlock struct {
	off int64
	n   int
}

// bucketValues is how many values a writer buffers for a round before it writes
// them as a block (a variable for the tests, which make blocks of a few values).
var bucketValues = 8192

// newSpoolBuckets returns empty buckets for rounds rounds, for values of size bytes
// written by enc and read by dec. Call it once the records are written, and the
// writers' close or sync before each.
func newSpoolBuckets[T any](ix *Index, rounds, size int, enc func([]byte, T) []byte, dec func([]byte) T) *spoolBuckets[T] {
	return &spoolBuckets[T]{ix: ix, size: size, enc: enc, dec: dec, blocks: make([][]bucketBlock, rounds)}
}

// bucketWriter buffers values for the buckets; each goroutine that puts values has
// its own.
type bucketWriter[T any] struct {
	b     *spoolBuckets[T]
	bufs  [][]T
	bytes []byte
}

func (b *spoolBuckets[T]) writer() *bucketWriter[T] {
	return &bucketWriter[T]{b: b, bufs: make([][]T, len(b.blocks))}
}

// put adds v to the bucket of round.
func (w *bucketWriter[T]) put(round int, v T) error {
	w.bufs[round] = append(w.bufs[round], v)
	if len(w.bufs[round]) < bucketValues {
		return nil
	}
	return w.write(round)
}

// write appends the buffered values of round to the spool as a block.
func (w *bucketWriter[T]) write(round int) error {
	vs := w.bufs[round]
	if len(vs) == 0 {
		return nil
	}
	w.bytes = w.bytes[:0]
	for _, v := range vs {
		w.bytes = w.b.enc(w.bytes, v)
	}
	b := w.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, err := b.ix.spw.Write(w.bytes); err != nil {
		return fmt.Errorf("writing the pass 1 spool: %w", err)
	}
	b.blocks[round] = append(b.blocks[round], bucketBlock{b.ix.spoolEnd, len(vs)})
	b.ix.spoolEnd += int64(len(w.bytes))
	w.bufs[round] = vs[:0]
	return nil
}

// flush writes what the writer holds yet, and frees its buffers.
func (w *bucketWriter[T]) flush() error {
	for r := range w.bufs {
		if err := w.write(r); err != nil {
			return err
		}
		w.bufs[r] = nil
	}
	return nil
}

// close flushes the writer and the spool's: for the one writer of the buckets, or the
// last of several (the others flushed).
func (w *bucketWriter[T]) close() error {
	if err := w.flush(); err != nil {
		return err
	}
	return w.b.sync()
}

// sync writes the spool's buffer out, once every writer has flushed, so that the
// blocks can be read.
func (b *spoolBuckets[T]) sync() error {
	if err := b.ix.spw.Flush(); err != nil {
		return fmt.Errorf("writing the pass 1 spool: %w", err)
	}
	return nil
}

// each calls fn with the values of round's bucket, block by block in the order they
// were written.
func (b *spoolBuckets[T]) each(round int, fn func(T)) error {
	for _, bl := range b.blocks[round] {
		n := bl.n * b.size
		if cap(b.rbuf) < n {
			b.rbuf = make([]byte, n)
		}
		buf := b.rbuf[:n]
		if _, err := b.ix.spool.ReadAt(buf, bl.off); err != nil && !(errors.Is(err, io.EOF) && len(buf) > 0) {
			return fmt.Errorf("reading the pass 1 spool: %w", err)
		}
		for i := 0; i < n; i += b.size {
			fn(b.dec(buf[i : i+b.size]))
		}
	}
	return nil
}
