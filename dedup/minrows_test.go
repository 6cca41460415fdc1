package dedup

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// minRowsVersions returns the vector versions of minRows this CPU can run, by name.
func minRowsVersions() map[string]func([]uint64, *[Bands * Rows / 4]uint64) {
	vs := map[string]func([]uint64, *[Bands * Rows / 4]uint64){}
	if hasMinRowsAVX512 {
		vs["AVX512"] = func(sh []uint64, rows *[Bands * Rows / 4]uint64) { minRowsAVX512(sh, &permA, &permB, rows) }
	}
	if hasMinRowsAVX2 {
		vs["AVX2"] = func(sh []uint64, rows *[Bands * Rows / 4]uint64) { minRowsAVX2(sh, &permA, &permAHi, &permB, rows) }
	}
	return vs
}

// TestMinRowsVector checks each vector version of minRows this CPU can run against
// minRowsGeneric: empty sets, single shingles, lengths around the register width,
// and shingles whose products tie or wrap in some quarter.
func TestMinRowsVector(t *testing.T) {
	vs := minRowsVersions()
	if len(vs) == 0 {
		t.Skip("this CPU has neither AVX-512 (F, DQ, BW) nor AVX2; minRows runs minRowsGeneric")
	}
	rng := rand.New(rand.NewPCG(7, 8))
	sets := [][]uint64{nil, {0}, {^uint64(0)}, {0, 0, 0}, {1 << 16, 1 << 32, 1 << 48}, {1<<32 - 1, 1 << 63, 0xffff_ffff_0000_0001}}
	for n := 1; n <= 70; n++ {
		sh := make([]uint64, n)
		for i := range sh {
			sh[i] = rng.Uint64()
		}
		sets = append(sets, sh)
	}
	for name, v := range vs {
		for _, sh := range sets {
			var got, want [Bands * Rows / 4]uint64
			v(sh, &got)
			minRowsGeneric(sh, &want)
			if got != want {
				t.Fatalf("%s, %d shingles %x:\nvector  %x\ngeneric %x", name, len(sh), sh, got, want)
			}
		}
	}
}

// FuzzMinRows checks that minRows, and each vector version this CPU can run, equal
// minRowsGeneric.
func FuzzMinRows(f *testing.F) {
	f.Add([]byte("shingles of a paragraph, eight bytes each"))
	f.Add([]byte{})
	vs := minRowsVersions()
	vs["minRows"] = minRows
	f.Fuzz(func(t *testing.T, b []byte) {
		sh := make([]uint64, len(b)/8)
		for i := range sh {
			sh[i] = binary.LittleEndian.Uint64(b[8*i:])
		}
		var want [Bands * Rows / 4]uint64
		minRowsGeneric(sh, &want)
		for name, v := range vs {
			var got [Bands * Rows / 4]uint64
			v(sh, &got)
			if got != want {
				t.Fatalf("%x: %s %x, generic %x", sh, name, got, want)
			}
		}
	})
}

// BenchmarkMinRows times each version on the shingles of a paragraph of 20 words.
func BenchmarkMinRows(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 10))
	sh := make([]uint64, 16)
	for i := range sh {
		sh[i] = rng.Uint64()
	}
	vs := minRowsVersions()
	vs["generic"] = minRowsGeneric
	for name, v := range vs {
		b.Run(name, func(b *testing.B) {
			var rows [Bands * Rows / 4]uint64
			for b.Loop() {
				v(sh, &rows)
			}
		})
	}
}
