package dedup

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestKeyTableIsTable: a keyTable gives the counts of a table after the same adds,
// take-backs and sets, at every size its parts grow through, and so do the tables of
// the keys in two documents or more that both keep.
func TestKeyTableIsTable(t *testing.T) {
	for _, n := range []int{10, 1000, 200_000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(n), 5))
			keys := make([]uint64, n)
			for i := range keys {
				keys[i] = rng.Uint64()
			}
			keys[0], keys[1] = 0, 1 // stored alike (fixKey) in both
			want, got := newTable(0), newKeyTable(0)
			pick := func() uint64 {
				// skewed: most keys once, a few many times
				if rng.IntN(4) == 0 {
					return keys[rng.IntN(max(n/50, 1))]
				}
				return keys[rng.IntN(n)]
			}
			for range 3 * n {
				k := pick()
				switch r := rng.IntN(100); {
				case r < 90:
					want.add(k)
					got.add(k)
				case r < 97:
					want.sub(k)
					got.sub(k)
				default:
					d := uint32(rng.IntN(4))
					want.set(k, d)
					got.set(k, d)
				}
			}
			check := func(stage string, want *table, got *keyTable) {
				t.Helper()
				for _, k := range keys {
					if w, g := want.get(k), got.get(k); w != g {
						t.Fatalf("%s: key %#x: %+v, want %+v", stage, k, g, w)
					}
				}
				if got.len() != want.len() {
					t.Fatalf("%s: %d keys, want %d", stage, got.len(), want.len())
				}
			}
			check("counted", want, got)
			var each int
			got.each(func(k uint64, docs uint32) error {
				if docs < 2 || want.get(k).docs != docs {
					t.Fatalf("each: key %#x in %d documents, want %d", k, docs, want.get(k).docs)
				}
				each++
				return nil
			})
			want, got = want.keepFrequent(2), got.keepFrequent(2)
			if each != want.len() {
				t.Fatalf("each gave %d keys, want the %d in two documents or more", each, want.len())
			}
			check("frequent", want, got)
		})
	}
}

// TestKeyTableSmaller: on keys mostly in one document, a keyTable takes about half the
// memory of a table.
func TestKeyTableSmaller(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	tab, kt := newTable(0), newKeyTable(0)
	for i := range 500_000 {
		k := rng.Uint64()
		if i%10 == 0 {
			k = uint64(i % 1000) // one key in ten is one of a thousand repeated ones
		}
		tab.add(k)
		kt.add(k)
	}
	if kt.bytes()*10 > tab.bytes()*6 {
		t.Errorf("keyTable %d bytes, table %d", kt.bytes(), tab.bytes())
	}
}
