package dedup

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkSketchHashes sketches documents from their shingle hashes, as pass 2 does,
// at three document sizes; one shingle in twenty repeats an earlier one.
func BenchmarkSketchHashes(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{100, 600, 3000} {
		docs := make([][]uint64, 64)
		for i := range docs {
			h := make([]uint64, n)
			for j := range h {
				h[j] = rng.Uint64()
				if j > 0 && rng.IntN(20) == 0 {
					h[j] = h[rng.IntN(j)]
				}
			}
			docs[i] = h
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s := NewDocSketcher(DefaultDocConfig())
			for b.Loop() {
				for _, d := range docs {
					s.SketchHashes(d)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(docs)*n), "ns/shingle")
		})
	}
}
