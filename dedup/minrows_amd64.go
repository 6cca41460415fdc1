//go:build amd64 && !purego

package dedup

import "golang.org/x/sys/cpu"

// hasMinRowsAVX512 says whether minRows may run minRowsAVX512: it needs AVX-512F,
// DQ (64-bit multiplies) and BW (16-bit minimums), and an OS that saves the registers
// (x/sys/cpu checks both).
var hasMinRowsAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ && cpu.X86.HasAVX512BW

// minRowsAVX512 is minRowsGeneric on eight permutations a register: each shingle is
// broadcast, multiplied and offset by all 16 permutations in two instructions of each,
// and two VPMINUW keep the 64 row minimums, a 16-bit lane each. sh may be empty.
//
//go:noescape
func minRowsAVX512(sh []uint64, a, b, rows *[Bands * Rows / 4]uint64)

// minRows sets rows to the MinHash rows of sh (see bandKeys).
func minRows(sh []uint64, rows *[Bands * Rows / 4]uint64) {
	if hasMinRowsAVX512 {
		minRowsAVX512(sh, &permA, &permB, rows)
		return
	}
	minRowsGeneric(sh, rows)
}
