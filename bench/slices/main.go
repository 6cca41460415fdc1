// Command slices runs winnow clean on one input (library defaults, a Parquet corpus in
// a temporary folder) and prints how fast each tenth of the input went through each
// pass, to show whether throughput holds as the fingerprint tables grow, and how it
// follows the share of new text (a corpus built by bench/make_corpus.sh repeats its
// articles, so its first tenth is all new and its later tenths mostly repeats).
//
//	go run ./bench/slices CORPUS.jsonl
//
// The times are those of the reader, which runs ahead of the workers by at most a few
// batches; the last tenth of a pass also holds the wait for the workers to finish, and
// that of pass 2 the writing of the corpus from its spool.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/winnowdata/winnow/pipeline"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: slices CORPUS")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "slices:", err)
		os.Exit(1)
	}
}

const parts = 10

func run(input string) error {
	dir, err := os.MkdirTemp("", "winnow-slices-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fi, err := os.Stat(input)
	if err != nil {
		return err
	}
	size := fi.Size()
	// marks[pass][k] is when the reader passed k tenths of the input in that pass
	var marks [3][parts + 1]time.Time
	var ends [3]time.Time
	opts := pipeline.Defaults()
	opts.Inputs = []string{input}
	opts.Output = filepath.Join(dir, "corpus.parquet")
	opts.Progress = func(pass int, read, total int64) {
		if pass < 1 || pass > 2 || total <= 0 {
			return
		}
		if pass == 2 && marks[2][0].IsZero() {
			// pass 1 is over (give or take pass 2's first batch)
			marks[2][0] = time.Now()
			ends[1] = marks[2][0]
		}
		for k := 1; k <= parts; k++ {
			if marks[pass][k].IsZero() && read*parts >= total*int64(k) {
				marks[pass][k] = time.Now()
			}
		}
	}
	start := time.Now()
	marks[1][0] = start
	if _, err := pipeline.Clean(context.Background(), opts); err != nil {
		return err
	}
	ends[2] = time.Now()
	fmt.Printf("input: %s (%.1f MB, %d cores), %.2f s in all\n", input, float64(size)/1e6, runtime.NumCPU(), ends[2].Sub(start).Seconds())
	fmt.Println("tenth   pass 1 MB/s   pass 2 MB/s")
	tenth := float64(size) / parts / 1e6
	for k := 1; k <= parts; k++ {
		fmt.Printf("%5d", k)
		for pass := 1; pass <= 2; pass++ {
			from, to := marks[pass][k-1], marks[pass][k]
			if k == parts {
				to = ends[pass] // the last tenth waits for the workers
			}
			fmt.Printf("  %12.1f", tenth/to.Sub(from).Seconds())
		}
		fmt.Println()
	}
	return nil
}
