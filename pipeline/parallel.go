package pipeline

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// ordered runs work on each item from produce on workers goroutines and hands the items
// to consume in the order produce made them, so results never depend on scheduling.
// produce sends items with emit and returns; the first error of any stage cancels ctx and
// is returned.
func ordered[T any](ctx context.Context, workers int,
	produce func(ctx context.Context, emit func(T) error) error,
	work func(worker int, item T) error,
	consume func(item T) error) error {
	type job struct {
		item T
		done chan error
	}
	g, ctx := errgroup.WithContext(ctx)
	jobs := make(chan *job, workers)
	seq := make(chan *job, 2*workers)
	g.Go(func() error {
		defer close(jobs)
		defer close(seq)
		return produce(ctx, func(item T) error {
			j := &job{item: item, done: make(chan error, 1)}
			select {
			case seq <- j:
			case <-ctx.Done():
				return ctx.Err()
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				return ctx.Err()
			}
			return nil
		})
	})
	for w := 0; w < workers; w++ {
		g.Go(func() error {
			for j := range jobs {
				j.done <- work(w, j.item)
			}
			return nil
		})
	}
	g.Go(func() error {
		for j := range seq {
			var err error
			select {
			case err = <-j.done:
			case <-ctx.Done():
				return ctx.Err()
			}
			if err != nil {
				return err
			}
			if err := consume(j.item); err != nil {
				return err
			}
		}
		return nil
	})
	return g.Wait()
}
