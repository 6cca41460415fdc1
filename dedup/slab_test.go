package dedup

import (
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
)

// A table grows through slabs (on Linux) without losing a count, a sketch takes its
// counts and unmaps it, and the slab of a table nobody holds is unmapped by its cleanup.
func TestTableGrowsThroughSlabs(t *testing.T) {
	// tables of earlier tests unmap their slabs when collected: let that happen first,
	// so that the count moves only with this test's tables
	for prev := int64(-1); prev != slabsMapped.Load(); {
		prev = slabsMapped.Load()
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
	}
	base := slabsMapped.Load()
	tab := newTable(16)
	r := rand.New(rand.NewPCG(5, 6))
	keys := make([]uint64, 600_000)
	for i := range keys {
		keys[i] = r.Uint64()
		for range 1 + i%3 {
			tab.add(keys[i])
		}
	}
	if runtime.GOOS == "linux" && (tab.slab == nil || slabsMapped.Load() != base+1) {
		t.Fatalf("%d slots: slab %v, %d slabs mapped (%d before), want one", len(tab.slots), tab.slab != nil, slabsMapped.Load(), base)
	}
	for i, k := range keys {
		if got := tab.get(k); got.docs != uint32(1+i%3) {
			t.Fatalf("key %d: %+v after growing, want %d documents", i, got, 1+i%3)
		}
	}
	sk := toSketch(tab, 8<<20)
	if slabsMapped.Load() != base {
		t.Errorf("%d slabs mapped after toSketch, want %d", slabsMapped.Load(), base)
	}
	for i, k := range keys[:1000] {
		if got := sk.get(k).docs; got < uint32(1+i%3) {
			t.Fatalf("key %d: sketch counts %d, want at least %d", i, got, 1+i%3)
		}
	}

	dropped := newTable(400_000) // a slab from the start
	dropped.add(1)
	if runtime.GOOS == "linux" && slabsMapped.Load() != base+1 {
		t.Fatalf("%d slabs mapped, want %d", slabsMapped.Load(), base+1)
	}
	dropped = nil
	for range 200 {
		if slabsMapped.Load() == base {
			return
		}
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
	}
	t.Errorf("the slab of an unreachable table is still mapped: %d slabs, want %d", slabsMapped.Load(), base)
}

// A packedTable counts like a map through its growth (past the slab size), takes
// counts back, and hands them over to a sketch.
func TestPackedTable(t *testing.T) {
	tab := newPackedTable(16)
	r := rand.New(rand.NewPCG(7, 8))
	want := map[uint64]uint32{}
	var keys []uint64
	for i := range 700_000 {
		k := r.Uint64()
		if i%5 == 0 && len(keys) > 0 {
			k = keys[r.IntN(len(keys))] // a key seen before
		} else {
			keys = append(keys, k)
		}
		tab.add(k)
		want[k]++
	}
	for _, k := range keys[:1000] {
		tab.sub(k)
		want[k]--
	}
	if tab.len() != len(want) {
		t.Fatalf("%d keys, want %d", tab.len(), len(want))
	}
	for k, n := range want {
		if got := tab.get(k).docs; got != n {
			t.Fatalf("key %x: %d, want %d", k, got, n)
		}
	}
	if got := tab.get(r.Uint64()).docs; got != 0 {
		t.Errorf("a key never added counts %d", got)
	}
	sk := toSketch(tab, 16<<20)
	for _, k := range keys[1000:3000] {
		if got := sk.get(k).docs; got < min(want[k], 255) {
			t.Fatalf("key %x: sketch counts %d, want at least %d", k, got, want[k])
		}
	}
}
