package pipeline

import (
	"fmt"
	"os"
	"runtime/pprof"
	"strings"
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

// lap prints the wall and CPU time since the last lap under name, and the resident
// memory now and at its peak so far where the system says.
func (c *phaseClock) lap(name string) {
	if c == nil || !c.on {
		return
	}
	now, cpu := time.Now(), cpuTime()
	fmt.Fprintf(os.Stderr, "winnow: %-14s %6.2f s, CPU %6.2f s%s\n", name, now.Sub(c.last).Seconds(), (cpu - c.lastCPU).Seconds(), rssNote())
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

// rssNote returns ", RSS now N MiB, peak M MiB" from /proc/self/status, or "" where
// there is none.
func rssNote() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return ""
	}
	var rss, hwm int64
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			fmt.Sscan(v, &rss)
		}
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fmt.Sscan(v, &hwm)
		}
	}
	return fmt.Sprintf(", RSS now %4d MiB, peak %4d MiB", rss>>10, hwm>>10)
}
