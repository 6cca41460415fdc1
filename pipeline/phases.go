package pipeline

import (
	"fmt"
	"os"
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
