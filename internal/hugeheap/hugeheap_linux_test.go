package hugeheap

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

func TestDisabled(t *testing.T) {
	for _, c := range []struct {
		godebug string
		off     bool
	}{
		{"", false},
		{"disablethp=1", true},
		{"disablethp=0", false},
		{"madvdontneed=1, disablethp=1", true},
		{"disablethp=1,disablethp=0", false},
		{"xdisablethp=1", false},
	} {
		if got := disabled(c.godebug); got != c.off {
			t.Errorf("disabled(%q) = %v, want %v", c.godebug, got, c.off)
		}
	}
}

// The heap the reservation leaves behind serves later allocations, and its mapping is
// marked for huge pages ("hg" in the VmFlags of /proc/self/smaps).
func TestReserveMarksHeap(t *testing.T) {
	if disabled(os.Getenv("GODEBUG")) || strictCommit() {
		t.Skip("GODEBUG or vm.overcommit_memory rules the reservation out")
	}
	if b, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled"); err != nil ||
		strings.Contains(string(b), "[never]") {
		t.Skip("no transparent huge pages on this kernel")
	}
	const size = 256 << 20
	Reserve(size)
	b := make([]byte, 16<<20)
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
	for _, i := range []int{0, len(b) - 1} {
		flags := vmFlags(t, uintptr(unsafe.Pointer(&b[i])))
		if !strings.Contains(" "+flags+" ", " hg ") {
			t.Fatalf("the mapping of byte %d of a heap object made after Reserve has VmFlags %q, want hg", i, flags)
		}
	}
}

// vmFlags returns the VmFlags of the mapping holding addr.
func vmFlags(t *testing.T, addr uintptr) string {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if lo, hi, ok := strings.Cut(strings.Fields(line + " ")[0], "-"); ok && !strings.HasSuffix(line, ":") {
			l, err1 := strconv.ParseUint(lo, 16, 64)
			h, err2 := strconv.ParseUint(hi, 16, 64)
			if err1 == nil && err2 == nil {
				in = uint64(addr) >= l && uint64(addr) < h
				continue
			}
		}
		if in && strings.HasPrefix(line, "VmFlags:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmFlags:"))
		}
	}
	t.Fatalf("no mapping holds %#x", addr)
	return ""
}
