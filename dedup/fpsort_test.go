package dedup

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// fpKeys returns n band keys with repeats: each key after the first is, one time in
// every repeat, an earlier key again.
func fpKeys(seed uint64, n, repeat int) []uint64 {
	rng := rand.New(rand.NewPCG(seed, 7))
	keys := make([]uint64, n)
	for i := range keys {
		keys[i] = rng.Uint64()
		if repeat > 0 && i > 0 && rng.IntN(repeat) == 0 {
			keys[i] = keys[rng.IntN(i)]
		}
	}
	return keys
}

func TestSortFPs(t *testing.T) {
	for _, tt := range []struct {
		name string
		fps  []uint64
	}{
		{"empty", nil},
		{"one", []uint64{42}},
		{"short", packedFPs(fpKeys(1, 100, 3))},
		{"radix", packedFPs(fpKeys(2, 50_000, 4))},
		{"radix, one top byte", func() []uint64 {
			fps := packedFPs(fpKeys(3, 20_000, 0))
			for i := range fps {
				fps[i] = fps[i]&(1<<40-1) | 0x7f<<40
			}
			return fps
		}()},
		{"radix, all equal", slices.Repeat([]uint64{1<<47 | 5}, sortFPsMin*3)},
		{"radix, descending", func() []uint64 {
			fps := make([]uint64, 3*sortFPsMin)
			for i := range fps {
				fps[i] = uint64(len(fps)-i) * 0x9e37_79b9_7f4b
				fps[i] &= 1<<48 - 1
			}
			return fps
		}()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want := slices.Clone(tt.fps)
			slices.Sort(want)
			got := slices.Clone(tt.fps)
			sortFPs(got)
			if !slices.Equal(got, want) {
				t.Fatalf("sortFPs differs from slices.Sort (%d values)", len(got))
			}
		})
	}
}

func packedFPs(keys []uint64) []uint64 {
	fps := make([]uint64, len(keys))
	for i, k := range keys {
		fps[i] = packedFP(k)
	}
	return fps
}

// TestFPListCountsAsTable: the counts of a sorted list, with keys taken back after,
// are those of the packedTable that counted band keys before it, saturation included.
func TestFPListCountsAsTable(t *testing.T) {
	hot := uint64(0xfeed_f00d_1234_5678)
	for _, tt := range []struct {
		name       string
		adds, subs []uint64
	}{
		{"few", fpKeys(4, 500, 2), fpKeys(4, 100, 0)},
		{"many", fpKeys(5, 60_000, 5), fpKeys(6, 3_000, 2)},
		// a key added past the count's saturation is not taken back
		{"saturated", append(slices.Repeat([]uint64{hot}, packedCount+10), fpKeys(7, 9_000, 3)...),
			[]uint64{hot, hot}},
		// a key taken back to 1 is dropped, one taken back more than it was added too
		{"taken back", []uint64{1 << 20, 1 << 20, 2 << 20, 2 << 20, 2 << 20, 3 << 20},
			[]uint64{1 << 20, 2 << 20, 3 << 20, 3 << 20, 4 << 20}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ref := newPackedTable(0)
			l := newFPList(16) // grows
			for _, h := range tt.adds {
				ref.add(h)
				l.add(h)
			}
			distinct := ref.len()
			for _, h := range tt.subs {
				ref.sub(h)
			}
			ref = ref.keepFrequent(2)
			n, got := l.count(2)
			l.free()
			for _, h := range tt.subs {
				got.sub(h)
			}
			got = got.keepFrequent(2)
			if n != distinct {
				t.Errorf("%d distinct keys, want %d", n, distinct)
			}
			if got.len() != ref.len() {
				t.Errorf("%d keys kept, want %d", got.len(), ref.len())
			}
			ref.each(func(k uint64, docs uint32) {
				if c := got.get(k).docs; c != docs {
					t.Errorf("key %#x counted %d, want %d", k, c, docs)
				}
			})
		})
	}
}

// BenchmarkCountFPs counts 1.8 M and 10 M band keys (a partition of gen_corpus 200 MB
// and of 1 GB), a twelfth of them repeats, with the table countRound used before and
// with the sorted list it uses now.
func BenchmarkCountFPs(b *testing.B) {
	for _, n := range []int{1_800_000, 10_000_000} {
		keys := fpKeys(8, n, 12)
		b.Run(fmt.Sprintf("table/%d", n), func(b *testing.B) {
			for b.Loop() {
				t := newPackedTable(n)
				var sink uint64
				for i := 0; i < len(keys); i += 4096 {
					batch := keys[i:min(i+4096, len(keys))]
					for _, h := range batch {
						sink += t.touch(h)
					}
					for _, h := range batch {
						t.add(h)
					}
				}
				t.keepFrequent(2).slab.free()
			}
		})
		b.Run(fmt.Sprintf("sorted/%d", n), func(b *testing.B) {
			for b.Loop() {
				l := newFPList(n)
				for _, h := range keys {
					l.add(h)
				}
				_, t := l.count(2)
				l.free()
				t.slab.free()
			}
		})
	}
}

// TestBandBits: every band key the counts hold passes the bitmap, and few others do.
func TestBandBits(t *testing.T) {
	l := newFPList(0)
	keys := fpKeys(9, 200_000, 3) // about a third repeat: counted twice or more
	for _, h := range keys {
		l.add(h)
	}
	_, table := l.count(2)
	l.free()
	pt := &partedTable{tables: []*packedTable{table}}
	bb := newBandBits(pt)
	for _, h := range keys {
		if table.get(h).docs >= 2 && !bb.maybe(h) {
			t.Fatalf("key %#x counted %d times fails the bitmap", h, table.get(h).docs)
		}
	}
	pass := 0
	others := fpKeys(10, 100_000, 0)
	for _, h := range others {
		if bb.maybe(h) {
			pass++
		}
	}
	if share := float64(pass) / float64(len(others)); share > 0.1 {
		t.Errorf("%.3f of keys not counted pass the bitmap, want under 0.1 (16 bits a key)", share)
	}
	t.Logf("%d keys counted, %d bits; %d of %d others pass", table.len(), 64*len(bb.words), pass, len(others))
}
