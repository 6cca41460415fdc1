// Package heaplimit holds Go's heap under a memory budget without letting the
// collector run back to back when what is live outgrows the budget.
//
// A memory limit (debug.SetMemoryLimit) makes the collector run whenever the heap
// reaches it. When the live heap itself comes close to the limit, every collection
// frees little and the next one starts at once: the program spends up to half its
// CPU collecting (the runtime's own cap) and runs twice as slowly. winnow's tables
// live outside the Go heap and follow --memory exactly, but what it keeps a document
// (its sketch for near-duplicate documents, its id) lives on the heap and grows with
// the corpus: on 3 GB of new text under --memory 128MiB it passed the 256 MiB limit,
// and pass 2 and the corpus write took 35 and 36 s where they take 18 and 7.
//
// Set keeps the limit at the budget while the live heap leaves room under it, and
// raises it after a collection that leaves more than Headroom of it live, to the live
// heap divided by Headroom: collections then come no more often than they would with
// GOGC at 1/Headroom - 1 (33 %).
package heaplimit

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// Headroom is the share of the limit the live heap may take after a collection
// before Set raises the limit.
const Headroom = 0.75

var (
	mu      sync.Mutex
	limit   int64
	started bool
)

// Set sets Go's memory limit to budget and keeps raising it, after each collection,
// to the live heap divided by Headroom whenever that is larger. It never lowers the
// limit below budget. Calling Set again sets a new budget.
func Set(budget int64) {
	mu.Lock()
	limit = budget
	debug.SetMemoryLimit(budget)
	first := !started
	started = true
	mu.Unlock()
	if first {
		arm()
	}
}

// Limit returns the limit Set holds now.
func Limit() int64 {
	mu.Lock()
	defer mu.Unlock()
	return limit
}

// sentinel is an object that is garbage as soon as it is made: its finalizer runs
// after the next collection, and arms a new one. It holds a pointer so that it is
// not put in a block of the tiny allocator, whose finalizers may never run.
type sentinel struct{ _ *byte }

func arm() {
	s := &sentinel{}
	runtime.SetFinalizer(s, func(*sentinel) {
		afterGC()
		arm()
	})
}

var sample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}

// afterGC raises the limit when the live heap takes more than Headroom of it.
func afterGC() {
	mu.Lock()
	defer mu.Unlock()
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	live := int64(sample[0].Value.Uint64())
	if want := int64(float64(live) / Headroom); want > limit {
		limit = want
		debug.SetMemoryLimit(limit)
	}
}
