package dedup

import (
	"runtime"
	"sync"
)

// fanOut hands values to n goroutines in batches: values added for goroutine q reach
// it in the order they were added, and the batches it is done with are recycled.
// Seal uses it where one goroutine reads the spool and each partition of a table is
// built on a goroutine of its own.
type fanOut[T any] struct {
	feeds []chan []T
	free  chan []T
	bufs  [][]T
	size  int
	wg    sync.WaitGroup
}

// newFanOut starts n goroutines; goroutine q calls consume(q, batch) with each batch
// of its values, then done(q), if done is not nil, once close has been called.
func newFanOut[T any](n, size int, consume func(q int, batch []T), done func(q int)) *fanOut[T] {
	f := &fanOut[T]{feeds: make([]chan []T, n), free: make(chan []T, 4*n), bufs: make([][]T, n), size: size}
	for q := range n {
		f.feeds[q] = make(chan []T, 4)
		f.bufs[q] = make([]T, 0, size)
		f.wg.Go(func() {
			for batch := range f.feeds[q] {
				consume(q, batch)
				select {
				case f.free <- batch[:0]:
				default: // enough batches wait already
				}
			}
			if done != nil {
				done(q)
			}
		})
	}
	return f
}

// add hands v to goroutine q.
func (f *fanOut[T]) add(q int, v T) {
	if f.bufs[q] = append(f.bufs[q], v); len(f.bufs[q]) == f.size {
		f.feeds[q] <- f.bufs[q]
		select {
		case f.bufs[q] = <-f.free:
		default:
			f.bufs[q] = make([]T, 0, f.size)
		}
	}
}

// close hands on the values left and waits for every goroutine to finish.
func (f *fanOut[T]) close() {
	for q := range f.feeds {
		if len(f.bufs[q]) > 0 {
			f.feeds[q] <- f.bufs[q]
		}
		close(f.feeds[q])
	}
	f.wg.Wait()
}

// chunkWorkers is how many goroutines eachChunk runs: one a core, up to four.
func chunkWorkers() int { return min(runtime.GOMAXPROCS(0), 4) }

// eachChunk reads the spool's records in chunks (readChunks, with only) and runs
// work on them on chunkWorkers goroutines: work(w, chunk) runs on worker w, one chunk
// at a time. It returns the reading's error, or else the first worker's error, by
// worker; a worker that failed skips the chunks left.
func (ix *Index) eachChunk(only []bool, work func(w int, chunk []byte) error) error {
	workers := chunkWorkers()
	chunks := make(chan []byte, 2*workers)
	free := make(chan []byte, 2*workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for b := range chunks {
				if errs[w] == nil {
					errs[w] = work(w, b)
				}
				select {
				case free <- b[:0]:
				default: // enough buffers wait already
				}
			}
		})
	}
	err := ix.readChunks(chunks, free, only)
	close(chunks)
	wg.Wait()
	if err != nil {
		return err
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
