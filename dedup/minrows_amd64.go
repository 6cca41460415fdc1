//go:build amd64 && !purego

package dedup

import "golang.org/x/sys/cpu"

// hasMinRowsAVX512 says whether minRows may run minRowsAVX512: it needs AVX-512F,
// DQ (64-bit multiplies) and BW (16-bit minimums), and an OS that saves the registers
// (x/sys/cpu checks both).
var hasMinRowsAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ && cpu.X86.HasAVX512BW

// hasMinRowsAVX2 says whether minRows may run minRowsAVX2 (most x86-64 CPUs of the
// last ten years).
var hasMinRowsAVX2 = cpu.X86.HasAVX2

// minRowsAVX512 is minRowsGeneric on eight permutations a register: each shingle is
// broadcast, multiplied and offset by all 16 permutations in two instructions of each,
// and two VPMINUW keep the 64 row minimums, a 16-bit lane each. sh may be empty.
//
//go:noescape
func minRowsAVX512(sh []uint64, a, b, rows *[Bands * Rows / 4]uint64)

// minRowsAVX2 is minRowsGeneric on four permutations a register, where the CPU has
// AVX2 but not AVX-512: the 64-bit products are made of three 32-bit ones, with ahi
// the high halves of a (permAHi).
//
//go:noescape
func minRowsAVX2(sh []uint64, a, ahi, b, rows *[Bands * Rows / 4]uint64)

// permAHi holds the high 32 bits of each of permA, for minRowsAVX2.
var permAHi = func() (hi [Bands * Rows / 4]uint64) {
	for i, a := range permA {
		hi[i] = a >> 32
	}
	return
}()

// minRows sets rows to the MinHash rows of sh (see bandKeys).
func minRows(sh []uint64, rows *[Bands * Rows / 4]uint64) {
	switch {
	case hasMinRowsAVX512:
		minRowsAVX512(sh, &permA, &permB, rows)
	case hasMinRowsAVX2:
		minRowsAVX2(sh, &permA, &permAHi, &permB, rows)
	default:
		minRowsGeneric(sh, rows)
	}
}
