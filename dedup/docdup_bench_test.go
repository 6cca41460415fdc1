package dedup

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

// docBenchTexts returns the texts BenchmarkDocSketch runs on: 500 Reuters articles when the
// sample is available, else the test stories in 500 variants.
func docBenchTexts(b *testing.B) []string {
	if docs, err := loadDocReuters(500, 19); err == nil {
		return docs
	}
	docs := make([]string, 500)
	for i := range docs {
		base := docPortStory
		if i%2 == 1 {
			base = docCoffeeStory
		}
		docs[i] = docJoin(docWithout(base, i%8), []string{fmt.Sprintf("Story %d.", i)})
	}
	return docs
}

func BenchmarkDocSketch(b *testing.B) {
	docs := docBenchTexts(b)
	nonASCII := make([]string, len(docs))
	for i, d := range docs {
		nonASCII[i] = docCurly(strings.ReplaceAll(d, " - ", " \u2013 "))
	}
	for _, bc := range []struct {
		name string
		docs []string
	}{{"ascii", docs}, {"curly", nonASCII}} {
		b.Run(bc.name, func(b *testing.B) {
			n := 0
			for _, d := range bc.docs {
				n += len(d)
			}
			s := NewDocSketcher(DefaultDocConfig())
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				for _, d := range bc.docs {
					s.Sketch(d)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(bc.docs)), "ns/doc")
		})
	}
}

// BenchmarkDocIndexAdd adds synthetic sketches, one in ten a near copy of an earlier
// document, and reports the time and the memory per document.
func BenchmarkDocIndexAdd(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 10))
	var pool [1024]DocSketch
	for i := range pool {
		for j := range pool[i].sig {
			pool[i].sig[j] = byte(rng.Uint32())
		}
		pool[i].n = uint32(100 + rng.IntN(900))
	}
	key := func(doc, band int) uint64 { return mix(uint64(doc)*docBands + uint64(band) + 0x1234_5678) }
	gen := func(i int) DocSketch {
		sk := pool[i%len(pool)]
		for t := range sk.bands {
			sk.bands[t] = key(i, t)
		}
		if i%10 == 0 && i >= 10 {
			j := i - 3 // never a copy itself
			sk = pool[j%len(pool)]
			for t := range sk.bands {
				sk.bands[t] = key(j, t)
				if t >= docBands/2 {
					sk.bands[t] = key(i, t)
				}
			}
			for k := range 10 { // a few bins differ
				sk.sig[k*12] ^= 0x11
			}
		}
		return sk
	}
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	x := NewDocIndex(DefaultDocConfig())
	batch := make([]DocSketch, 4096)
	b.ResetTimer()
	for i := 0; i < b.N; i += len(batch) {
		b.StopTimer()
		nb := min(len(batch), b.N-i)
		for k := range nb {
			batch[k] = gen(i + k)
		}
		b.StartTimer()
		for _, sk := range batch[:nb] {
			x.Add(sk)
		}
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&m1)
	st := x.Stats()
	b.ReportMetric(float64(st.Bytes)/float64(st.Kept), "B/kept")
	b.ReportMetric(float64(int64(m1.HeapAlloc)-int64(m0.HeapAlloc))/float64(st.Kept), "heapB/kept")
	b.ReportMetric(float64(st.Dups)/float64(st.Docs), "dupshare")
	runtime.KeepAlive(x)
}

// BenchmarkDensify times densification of sketches whose non-empty bins are drawn from
// a range: short documents (8 to 32 shingles) are most of what pass 2 sketches once a
// corpus's boilerplate is gone.
func BenchmarkDensify(b *testing.B) {
	for _, r := range [][2]int{{2, 4}, {8, 32}, {32, 100}, {100, 250}} {
		rng := rand.New(rand.NewPCG(1, 2))
		var sketches [64][docBins]uint64
		for k := range sketches {
			mins := &sketches[k]
			for i := range mins {
				mins[i] = docEmpty
			}
			m := r[0] + rng.IntN(r[1]-r[0]+1)
			for n := 0; n < m; {
				if i := rng.IntN(docBins); mins[i] == docEmpty {
					mins[i] = rng.Uint64() >> (64 - docValBits)
					n++
				}
			}
		}
		b.Run(fmt.Sprintf("bins=%d-%d", r[0], r[1]), func(b *testing.B) {
			k := 0
			for b.Loop() {
				mins := sketches[k%len(sketches)]
				k++
				densify(&mins)
			}
		})
	}
}
