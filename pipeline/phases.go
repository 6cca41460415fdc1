package pipeline

import (
	"fmt"
	"os"
	"runtime/pprof"
	"time"
)

// phaseClock prints the wall and CPU time of each phase of a run to stderr when WINNOW_PHASES
// is set: a debugging aid for benchmarks, like WINNOW_CPUPROFILE. It prints nothing
// otherwise, so outputs never depend on it.
type phaseClock struct {
	on      bool
	last    time.Time
	lastCPU time.Duration
}

func newPhaseClock() *phaseClock {
	return &phaseClock{on: os.Getenv("WINNOW_PHASES") != "", last: time.Now(), lastCPU: cpuTime()}
}

// lap prints the wall and CPU time since the last lap under name.
func (c *phaseClock) lap(name string) {
	if c == nil || !c.on {
		return
	}
	now, cpu := time.Now(), cpuTime()
	fmt.Fprintf(os.Stderr, "winnow: %-14s %6.2f s, CPU %6.2f s\n", name, now.Sub(c.last).Seconds(), (cpu - c.lastCPU).Seconds())
	c.last, c.lastCPU = now, cpu
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
