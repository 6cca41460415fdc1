package dedup

import (
	"math/rand/v2"
	"testing"

	"github.com/cespare/xxhash/v2"
)

// TestSum64Short: sum64Short is xxhash64 at every length around its 4-, 8- and 32-byte
// steps.
func TestSum64Short(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 0; n <= 70; n++ {
		for range 500 {
			b := make([]byte, n)
			for j := range b {
				b[j] = byte(rng.Uint32())
			}
			if got, want := sum64Short(b), xxhash.Sum64(b); got != want {
				t.Fatalf("%d bytes %x: %#x, want %#x", n, b, got, want)
			}
		}
	}
}

func BenchmarkSum64Short(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := make([][]byte, 4096)
	for i := range words {
		words[i] = make([]byte, 1+rng.IntN(9))
		for j := range words[i] {
			words[i][j] = 'a' + byte(rng.IntN(26))
		}
	}
	var sink uint64
	for _, bc := range []struct {
		name string
		sum  func([]byte) uint64
	}{{"xxhash", xxhash.Sum64}, {"short", sum64Short}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				for _, w := range words {
					sink += bc.sum(w)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(words)), "ns/word")
		})
	}
	_ = sink
}
