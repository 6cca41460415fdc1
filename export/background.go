package export

import (
	"errors"
	"sync"
)

// Background wraps w so that its writing (encoding, compressing, the writes to its
// file) runs on a goroutine of its own: Write copies the rows it is given and returns
// once they are queued, at most depth batches ahead of the writer. The rows' strings
// are not copied, so they must not change afterwards (Go strings do not).
//
// An error of w is returned by the next Write or by Close, and the rows queued after
// it are dropped. Close waits for the queue to drain and closes w; Abort stops the
// goroutine and aborts w. Like w, a Background writer is for one goroutine.
func Background[T any](w RowWriter[T], depth int) RowWriter[T] {
	b := &background[T]{w: w, queue: make(chan []T, max(depth, 1)), free: make(chan []T, max(depth, 1)+1), done: make(chan struct{})}
	go b.run()
	return b
}

type background[T any] struct {
	w     RowWriter[T]
	queue chan []T
	free  chan []T // batches the goroutine has written, for Write to fill again
	done  chan struct{}

	mu      sync.Mutex
	err     error
	stopped bool // queue closed
	aborted bool
}

func (b *background[T]) run() {
	defer close(b.done)
	for rows := range b.queue {
		if b.failed() == nil {
			if err := b.w.Write(rows); err != nil {
				b.fail(err)
			}
		}
		select {
		case b.free <- rows[:0]:
		default:
		}
	}
}

func (b *background[T]) failed() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

func (b *background[T]) fail(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err == nil {
		b.err = err
	}
}

var errWriterClosed = errors.New("write to a closed writer")

func (b *background[T]) Write(rows []T) error {
	if err := b.failed(); err != nil {
		return err
	}
	if b.stopped {
		return errWriterClosed
	}
	if len(rows) == 0 {
		return nil
	}
	var batch []T
	select {
	case batch = <-b.free:
	default:
	}
	b.queue <- append(batch, rows...)
	return nil
}

// stop closes the queue once and waits for the goroutine to finish it.
func (b *background[T]) stop() {
	if !b.stopped {
		b.stopped = true
		close(b.queue)
	}
	<-b.done
}

func (b *background[T]) Close() error {
	b.stop()
	if err := b.failed(); err != nil {
		return err
	}
	return b.w.Close()
}

func (b *background[T]) Abort() {
	if b.aborted {
		return
	}
	b.aborted = true
	b.fail(errWriterClosed) // the goroutine skips what is still queued
	b.stop()
	b.w.Abort()
}
