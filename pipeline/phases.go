package pipeline

import (
	"fmt"
	"os"
	"runtime/pprof"
	"time"
)

// phaseClock prints the wall time of each phase of a run to stderr when WINNOW_PHASES
// is set: a debugging aid for benchmarks, like WINNOW_CPUPROFILE. It prints nothing
// otherwise, so outputs never depend on it.
type phaseClock struct {
	on   bool
	last time.Time
}

func newPhaseClock() *phaseClock {
	return &phaseClock{on: os.Getenv("WINNOW_PHASES") != "", last: time.Now()}
}

// lap prints the time since the last lap under name.
func (c *phaseClock) lap(name string) {
	if c == nil || !c.on {
		return
	}
	now := time.Now()
	fmt.Fprintf(os.Stderr, "winnow: %-14s %6.2f s\n", name, now.Sub(c.last).Seconds())
	c.last = now
}

// heapProfile writes a heap profile to the file WINNOW_MEMPROFILE names, if it is set:
// Clean calls it once the corpus is written, when the most is live.
func heapProfile() {
	path := os.Getenv("WINNOW_MEMPROFILE")
	if path == "" {
		return
	}
	if f, err := os.Create(path); err == nil {
		pprof.WriteHeapProfile(f)
		f.Close()
	}
}
