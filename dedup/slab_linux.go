package dedup

import (
	"runtime"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// The large count tables live outside the Go heap, in memory mapped for them and marked
// for transparent huge pages. Memory touched for the first time costs a page fault per
// 4 KiB page, and on the virtual machines winnow is benchmarked on a fault costs about
// 12 µs (64 MiB touched page by page: 190 ms); the tables are touched at random, so a
// table of 32 MiB faults in all of its 8,192 pages almost at once, and a table that
// doubles touches twice its final size. A 2 MiB page takes one fault. Where the kernel
// gives no huge pages (THP disabled, no memory to spare) the mapping works as before.
// The slots hold no Go pointers, so the garbage collector need not see them.

// slabMin is the smallest table put in a slab: below it a huge page would be mostly
// empty.
const slabMin = 4 << 20

const hugePage = 2 << 20

// slab is one mapping behind a table's slots. It is unmapped by free, or by a cleanup
// once the table holding it is unreachable.
type slab struct {
	mem     []byte
	cleanup runtime.Cleanup
	dropped uintptr // bytes at the start of mem given back by dropUpTo
}

// slabsMapped counts the slabs mapped and not yet unmapped (for tests).
var slabsMapped atomic.Int64

func unmap(m []byte) {
	if syscall.Munmap(m) == nil {
		slabsMapped.Add(-1)
	}
}

// allocSlots returns n zeroed slots, in a slab when they are large enough (nil slab
// otherwise, or when mapping fails).
func allocSlots[V any](n int) ([]openSlot[V], *slab) { return allocSlice[openSlot[V]](n) }

// allocSlice returns n zeroed values of a type without Go pointers, in a slab when they
// are large enough (nil slab otherwise, or when mapping fails).
func allocSlice[T any](n int) ([]T, *slab) {
	var zero T
	size := n * int(unsafe.Sizeof(zero))
	if size < slabMin {
		return make([]T, n), nil
	}
	// a huge page must start at a 2 MiB boundary: map one more and start at the first
	mem, err := syscall.Mmap(-1, 0, size+hugePage, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return make([]T, n), nil
	}
	start := 0
	if r := uintptr(unsafe.Pointer(&mem[0])) % hugePage; r != 0 {
		start = int(hugePage - r)
	}
	_ = syscall.Madvise(mem[start:start+size], syscall.MADV_HUGEPAGE) // a hint: ignore a refusal
	slabsMapped.Add(1)
	s := &slab{mem: mem}
	s.cleanup = runtime.AddCleanup(s, unmap, mem)
	return unsafe.Slice((*T)(unsafe.Pointer(&mem[start])), n), s
}

// free unmaps the slab now. Its slots must not be used again.
func (s *slab) free() {
	if s == nil || s.mem == nil {
		return
	}
	s.cleanup.Stop()
	unmap(s.mem)
	s.mem = nil
}

// dropUpTo gives the whole huge pages of the slab that end at or before address end
// back to the system (they read as zeros afterwards). A table that grows reads its old
// slots once, in order, and drops them behind it (see dropEvery): the old and the new
// slots are then not both resident at the peak of a growth.
func (s *slab) dropUpTo(end unsafe.Pointer) {
	if s == nil || s.mem == nil {
		return
	}
	base := uintptr(unsafe.Pointer(&s.mem[0]))
	off := uintptr(end) - base
	if off > uintptr(len(s.mem)) {
		return
	}
	off -= (uintptr(end)) % hugePage
	if off <= s.dropped {
		return
	}
	_ = syscall.Madvise(s.mem[s.dropped:off], syscall.MADV_DONTNEED) // only memory is at stake
	s.dropped = off
}
