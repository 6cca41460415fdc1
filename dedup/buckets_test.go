package dedup

import (
	"encoding/binary"
	"slices"
	"sync"
	"testing"
)

// Values put in the buckets read back round by round: in the order put, for one
// writer; as the same multiset, for writers on several goroutines. The records before
// them in the spool stay as they were.
func TestSpoolBuckets(t *testing.T) {
	defer func(n int) { bucketValues = n }(bucketValues)
	for _, block := range []int{1, 7, 8192} {
		bucketValues = block
		ix := NewIndex()
		if _, err := ix.spw.Write([]byte("records")); err != nil {
			t.Fatal(err)
		}
		ix.spw.Flush()
		ix.spoolOff, ix.spoolEnd = 7, 7
		const rounds, writers, per = 3, 4, 1000
		b := newBandBuckets(ix, rounds)
		want := make([][]uint64, rounds)
		var mu sync.Mutex
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				bw := b.writer()
				for i := range per {
					v := uint64(w*per + i)
					r := int(mix(v) % rounds)
					if err := bw.put(r, v); err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					want[r] = append(want[r], v)
					mu.Unlock()
				}
				if err := bw.flush(); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if err := b.sync(); err != nil {
			t.Fatal(err)
		}
		for r := range rounds {
			var got []uint64
			if err := b.each(r, func(v uint64) { got = append(got, v) }); err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			slices.Sort(want[r])
			if !slices.Equal(got, want[r]) {
				t.Errorf("blocks of %d: round %d read %d values, want the %d put", block, r, len(got), len(want[r]))
			}
		}
		head := make([]byte, 7)
		if _, err := ix.spool.ReadAt(head, 0); err != nil || string(head) != "records" {
			t.Errorf("blocks of %d: the records read %q, %v", block, head, err)
		}
		// one writer: the order put
		one := newSpoolBuckets(ix, 1, 8, binary.LittleEndian.AppendUint64, binary.LittleEndian.Uint64)
		w := one.writer()
		for v := range uint64(100) {
			if err := w.put(0, 100-v); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.close(); err != nil {
			t.Fatal(err)
		}
		var got []uint64
		if err := one.each(0, func(v uint64) { got = append(got, v) }); err != nil {
			t.Fatal(err)
		}
		if len(got) != 100 || got[0] != 100 || got[99] != 1 || !slices.IsSortedFunc(got, func(a, b uint64) int { return int(b) - int(a) }) {
			t.Errorf("blocks of %d: one writer read %v", block, got)
		}
	}
}

// The in-memory spool is read while it is written, as a file is: Seal's chunk workers
// write buckets while a goroutine reads the records (run with -race).
func TestMemSpoolReadWhileWritten(t *testing.T) {
	m := &memSpool{}
	m.Write(make([]byte, 64))
	var wg sync.WaitGroup
	wg.Go(func() {
		for range 1000 {
			m.Write([]byte("0123456789abcdef"))
		}
	})
	buf := make([]byte, 16)
	for range 1000 {
		if _, err := m.ReadAt(buf, 48); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	if got, _ := m.ReadAt(buf, 64+16*999); got != 16 || string(buf) != "0123456789abcdef" {
		t.Errorf("the last write reads %q", buf[:got])
	}
}
