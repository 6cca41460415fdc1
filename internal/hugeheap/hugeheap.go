// Package hugeheap asks Linux to back the first part of Go's heap with transparent
// huge pages.
//
// On the virtual machines winnow is benchmarked on, the first touch of a 4 KiB page
// costs a fault of several microseconds. A clean of 200 MB of new text touches about
// 200 MiB of heap, once: 53,000 faults, 7 % of its CPU in the fault handler, and more
// in TLB misses. Linux serves a 2 MiB page for one fault where a mapping is marked
// MADV_HUGEPAGE; with THP in its common "madvise" mode nothing else is, and Go marks
// none of its heap. The large tables of package dedup are marked already (they live
// in their own mappings); this package marks the heap.
//
// Go maps its heap piece by piece as it grows, each piece a new mapping without the
// mark. Reserve makes the heap map size bytes at once, by allocating one object of
// that size and dropping it; the object is never written, so its pages are never
// touched and cost no memory. It marks that range, which the heap then fills from its
// low end as it grows. Heap beyond the range is served by 4 KiB pages, as before.
//
// GODEBUG=disablethp=1, Go's own switch against huge pages for the heap, turns it off.
// Nothing is reserved on 32-bit platforms or where Linux counts mapped memory strictly
// (vm.overcommit_memory = 2), and never more than a quarter of the machine's memory:
// there a reservation could be refused, and a Go heap that cannot grow is fatal.
package hugeheap

import "sync"

// Reserve maps size bytes of heap marked for huge pages, on Linux when Go's
// GODEBUG does not disable them; elsewhere it does nothing. It runs a garbage
// collection. The mark lasts as long as the process (Go never unmaps its heap), so
// only a process's first call does anything: a program that cleans many times, like
// the CLI's tests, pays for it once.
func Reserve(size int) { once.Do(func() { reserve(size) }) }

var once sync.Once
