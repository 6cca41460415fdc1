package dedup

import "math"

// table is an open-addressing hash table (linear probing) from 64-bit keys to a
// document count and the first document holding the key: 16 bytes a slot, no per-entry
// heap object, between 21 and 43 bytes a key at the load factors it keeps (3/8 to 3/4).
// Keys are hashes already, so a key's home slot is its low bits; the key 0 marks an
// empty slot and is stored as 1 (a hash of 0 or 1 is as likely as any other).
type table struct {
	slots []slot
	n     int
	mask  uint64
}

type slot struct {
	key   uint64
	docs  uint32
	first uint32
}

func newTable(capacity int) *table {
	size := 16
	for size*3/4 < capacity {
		size *= 2
	}
	return &table{slots: make([]slot, size), mask: uint64(size - 1)}
}

func fixKey(k uint64) uint64 { return max(k, 1) }

// get returns the slot of k, or the zero slot.
func (t *table) get(k uint64) slot {
	k = fixKey(k)
	for i := k & t.mask; ; i = (i + 1) & t.mask {
		s := t.slots[i]
		if s.key == k || s.key == 0 {
			if s.key == 0 {
				return slot{}
			}
			return s
		}
	}
}

// ref returns the slot of k, inserting it (with zero counts) when absent. The pointer is
// valid until the next ref.
func (t *table) ref(k uint64) *slot {
	k = fixKey(k)
	for i := k & t.mask; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if s.key == k {
			return s
		}
		if s.key == 0 {
			if (t.n+1)*4 > len(t.slots)*3 {
				t.grow()
				return t.ref(k)
			}
			s.key = k
			t.n++
			return s
		}
	}
}

// add counts one more document for k, remembering doc if it is the first.
func (t *table) add(k uint64, doc uint32) {
	s := t.ref(k)
	if s.docs < math.MaxUint32 {
		s.docs++
	}
	if s.first == 0 {
		s.first = doc
	}
}

func (t *table) grow() {
	old := t.slots
	t.slots = make([]slot, 2*len(old))
	t.mask = uint64(len(t.slots) - 1)
	for _, s := range old {
		if s.key == 0 {
			continue
		}
		i := s.key & t.mask
		for t.slots[i].key != 0 {
			i = (i + 1) & t.mask
		}
		t.slots[i] = s
	}
}

// len returns the number of keys.
func (t *table) len() int { return t.n }

// bytes returns the memory held by the slots.
func (t *table) bytes() int64 { return int64(len(t.slots)) * 16 }
