package dedup

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// TestMinRowsVector checks the vector minRowsAVX512 against minRowsGeneric, on the
// machines that have it: empty sets, single shingles, lengths around the register
// width, and shingles whose products tie or wrap in some quarter.
func TestMinRowsVector(t *testing.T) {
	if !hasMinRowsAVX512 {
		t.Skip("this CPU has no AVX-512 (F, DQ, BW); minRows runs minRowsGeneric")
	}
	rng := rand.New(rand.NewPCG(7, 8))
	sets := [][]uint64{nil, {0}, {^uint64(0)}, {0, 0, 0}, {1 << 16, 1 << 32, 1 << 48}}
	for n := 1; n <= 70; n++ {
		sh := make([]uint64, n)
		for i := range sh {
			sh[i] = rng.Uint64()
		}
		sets = append(sets, sh)
	}
	for _, sh := range sets {
		var got, want [Bands * Rows / 4]uint64
		minRowsAVX512(sh, &permA, &permB, &got)
		minRowsGeneric(sh, &want)
		if got != want {
			t.Fatalf("%d shingles %x:\nvector  %x\ngeneric %x", len(sh), sh, got, want)
		}
	}
}

// FuzzMinRows checks that minRows, whichever version runs, equals minRowsGeneric.
func FuzzMinRows(f *testing.F) {
	f.Add([]byte("shingles of a paragraph, eight bytes each"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		sh := make([]uint64, len(b)/8)
		for i := range sh {
			sh[i] = binary.LittleEndian.Uint64(b[8*i:])
		}
		var got, want [Bands * Rows / 4]uint64
		minRows(sh, &got)
		minRowsGeneric(sh, &want)
		if got != want {
			t.Fatalf("%x: minRows %x, generic %x", sh, got, want)
		}
	})
}
