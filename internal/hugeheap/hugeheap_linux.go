package hugeheap

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

const hugePage = 2 << 20

func reserve(size int) {
	// on 32 bits a reservation would take much of the address space, and failing to
	// allocate it is fatal
	if strconv.IntSize < 64 || size < hugePage || disabled(os.Getenv("GODEBUG")) || strictCommit() {
		return
	}
	// Linux may refuse one mapping larger than its memory even when nothing is touched:
	// at most a quarter of it
	var si syscall.Sysinfo_t
	if syscall.Sysinfo(&si) != nil {
		return
	}
	if ram := uint64(si.Totalram) * uint64(si.Unit); uint64(size) > ram/4 {
		size = int(ram / 4)
		if size < hugePage {
			return
		}
	}
	b := make([]byte, size) // fresh pages: Go does not clear them, nothing is touched
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	// The mark applies to whole huge pages: round the range out, to heap that is in use
	// already (or not mapped, which madvise skips). A kernel without THP refuses the
	// advice, and the heap works as before.
	start := lo &^ (hugePage - 1)
	end := (lo + uintptr(size) + hugePage - 1) &^ (hugePage - 1)
	syscall.Syscall(syscall.SYS_MADVISE, start, end-start, syscall.MADV_HUGEPAGE)
	runtime.KeepAlive(b)
	b = nil
	runtime.GC() // frees the range for the allocations to come
}

// disabled reports whether a GODEBUG value sets disablethp=1 (the last setting wins).
func disabled(godebug string) bool {
	off := false
	for _, kv := range strings.Split(godebug, ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(kv), "="); ok && k == "disablethp" {
			off = v == "1"
		}
	}
	return off
}

// strictCommit reports whether Linux counts memory mapped, not touched, against a
// limit (vm.overcommit_memory = 2): there a reservation would take its whole size from
// what the process may map, and a heap that cannot grow is a fatal error in Go.
func strictCommit() bool {
	b, err := os.ReadFile("/proc/sys/vm/overcommit_memory")
	return err == nil && strings.TrimSpace(string(b)) == "2"
}
