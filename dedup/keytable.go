package dedup

import "math"

// keyTable counts documents per key, as table does, for the tables whose keys are
// mostly in one document: the exact paragraph keys and the (source, key) pairs. On new
// text nearly every paragraph is in one document only, and a table gives each such key
// a 16-byte slot (8 of key, 4 of count, 4 of padding). keyTable keeps the keys seen
// once as bare keys, 8 bytes a slot (once), and only the keys seen again with their
// counts (multi): gen_corpus 1 GB, 2.26 M keys, most of them once. It reports the
// same counts as a table, key for key (TestKeyTableIsTable).
//
// A key of multi stays in once; multi's count is the key's. A key set or taken back
// below 1 lives in multi with its count, which holds even when it is 0.
type keyTable struct {
	once  keySet
	multi *table
	extra int // keys of multi not in once (set)
}

func newKeyTable(capacity int) *keyTable {
	return &keyTable{once: newKeySet(capacity), multi: newTable(0)}
}

// add counts one more document for k.
func (t *keyTable) add(k uint64) {
	if t.once.insert(k) {
		if t.extra == 0 {
			return // a new key
		}
		if _, set := t.multi.find(k); !set {
			return
		}
		t.extra-- // a key set before it was counted is in once now
	}
	c, fresh := t.multi.ref(k)
	switch {
	case fresh:
		c.docs = 2
	case c.docs < math.MaxUint32:
		c.docs++
	}
}

// get returns the counts of k, or zero counts.
func (t *keyTable) get(k uint64) slot {
	if c, ok := t.multi.find(k); ok {
		return slot{key: k, docs: c.docs}
	}
	if t.once.has(k) {
		return slot{key: k, docs: 1}
	}
	return slot{key: k}
}

// set sets the count of k (LoadIndex).
func (t *keyTable) set(k uint64, docs uint32) {
	if _, ok := t.multi.find(k); !ok && !t.once.has(k) {
		t.extra++
	}
	t.multi.set(k, docs)
}

// sub takes back one document of k (a copy counted twice, see Copy groups).
func (t *keyTable) sub(k uint64) {
	if _, ok := t.multi.find(k); ok {
		t.multi.sub(k)
		return
	}
	if t.once.has(k) {
		t.multi.set(k, 0)
	}
}

// touch loads the home slot of k in once (see Index.prefetchKeys); multi is small.
func (t *keyTable) touch(k uint64) uint64 { return t.once.touch(k) }

// len returns the number of keys.
func (t *keyTable) len() int { return t.once.n + t.extra }

// bytes returns the memory held by the slots.
func (t *keyTable) bytes() int64 { return t.once.bytes() + t.multi.bytes() }

// keepFrequent returns a table of the keys of t in min documents or more (min ≥ 2),
// and frees t.
func (t *keyTable) keepFrequent(min uint32) *keyTable {
	if min < 2 {
		panic("dedup: keyTable.keepFrequent below 2")
	}
	f := &keyTable{multi: t.multi.keepFrequent(min)}
	f.extra = f.multi.len()
	t.once.free()
	t.multi = nil
	return f
}

// each calls fn with every key in two documents or more and its count.
func (t *keyTable) each(fn func(k uint64, docs uint32) error) error {
	for i := range t.multi.slots {
		if s := &t.multi.slots[i]; s.key != 0 && s.val.docs >= 2 {
			if err := fn(s.key, s.val.docs); err != nil {
				return err
			}
		}
	}
	return nil
}

// keySet is a set of 64-bit keys in open addressing, as openTable but with no value:
// 8 bytes a slot. The key 0 is stored as 1 (fixKey).
type keySet struct {
	slots []uint64
	n     int
	size  uint64
	slab  *slab
}

func newKeySet(capacity int) keySet {
	size := tableSize(capacity)
	s := keySet{size: uint64(size)}
	s.slots, s.slab = allocSlice[uint64](size)
	return s
}

// insert adds k and reports whether it was absent.
func (s *keySet) insert(k uint64) bool {
	k = fixKey(k)
	for i := home(k, s.size); ; i = next(i, s.size) {
		switch s.slots[i] {
		case k:
			return false
		case 0:
			if (s.n+1)*4 > len(s.slots)*3 {
				s.grow()
				return s.insert(k)
			}
			s.slots[i] = k
			s.n++
			return true
		}
	}
}

// has reports whether k is in the set.
func (s *keySet) has(k uint64) bool {
	if s.size == 0 {
		return false
	}
	k = fixKey(k)
	for i := home(k, s.size); ; i = next(i, s.size) {
		switch s.slots[i] {
		case k:
			return true
		case 0:
			return false
		}
	}
}

func (s *keySet) touch(k uint64) uint64 {
	if s.size == 0 {
		return 0
	}
	return s.slots[home(fixKey(k), s.size)]
}

func (s *keySet) bytes() int64 { return 8 * int64(len(s.slots)) }

func (s *keySet) grow() {
	old, oldSlab := s.slots, s.slab
	s.slots, s.slab = allocSlice[uint64](nextSize(len(old)))
	s.size = uint64(len(s.slots))
	moveSlots(old, oldSlab, func(k uint64) {
		i := home(k, s.size)
		for s.slots[i] != 0 {
			i = next(i, s.size)
		}
		s.slots[i] = k
	})
}

func (s *keySet) free() {
	s.slab.free()
	*s = keySet{}
}
