//go:build !linux

package dedup

import (
	"sync/atomic"
	"unsafe"
)

// slab: on systems other than Linux the tables stay on the Go heap.
type slab struct{}

func allocSlots[V any](n int) ([]openSlot[V], *slab) { return make([]openSlot[V], n), nil }

func allocSlice[T any](n int) ([]T, *slab) { return make([]T, n), nil }

func (s *slab) free() {}

func (s *slab) dropUpTo(unsafe.Pointer) {}

var slabsMapped atomic.Int64 // always 0 here
