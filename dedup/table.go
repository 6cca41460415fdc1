package dedup

import (
	"math"
	"unsafe"
)

// openTable is an open-addressing hash table (linear probing) from 64-bit keys to values
// of type V, stored beside their keys in one slice: no per-entry heap object. Keys are
// hashes already, so a key's home slot is its low bits; the key 0 marks an empty slot and
// is stored as 1 (a hash of 0 or 1 is as likely as any other). The table keeps its load
// between 3/8 and 3/4.
type openTable[V any] struct {
	slots []openSlot[V]
	n     int
	mask  uint64
	slab  *slab // the memory of slots when it is not on the Go heap (see allocSlots)
}

type openSlot[V any] struct {
	key uint64
	val V
}

// tableSize is the number of slots of a table for capacity keys at a load of 3/4: a
// power of two, at least 16.
func tableSize(capacity int) int {
	size := 16
	for size*3/4 < capacity {
		size *= 2
	}
	return size
}

func newOpenTable[V any](capacity int) openTable[V] {
	size := tableSize(capacity)
	t := openTable[V]{mask: uint64(size - 1)}
	t.slots, t.slab = allocSlots[V](size)
	return t
}

func fixKey(k uint64) uint64 { return max(k, 1) }

// find returns the value of k, and whether k is in the table.
func (t *openTable[V]) find(k uint64) (V, bool) {
	k = fixKey(k)
	for i := k & t.mask; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if s.key == k {
			return s.val, true
		}
		if s.key == 0 {
			var zero V
			return zero, false
		}
	}
}

// ref returns the value of k, inserting a zero value when k is absent, and whether it
// was inserted. The pointer is valid until the next ref.
func (t *openTable[V]) ref(k uint64) (*V, bool) {
	k = fixKey(k)
	for i := k & t.mask; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if s.key == k {
			return &s.val, false
		}
		if s.key == 0 {
			if (t.n+1)*4 > len(t.slots)*3 {
				t.grow()
				return t.ref(k)
			}
			s.key = k
			t.n++
			return &s.val, true
		}
	}
}

func (t *openTable[V]) grow() {
	old, oldSlab := t.slots, t.slab
	t.slots, t.slab = allocSlots[V](2 * len(old))
	defer oldSlab.free()
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

// touch loads the home slot of k and returns its key: a load whose result is used, so
// that a caller can have the memory system fetch many slots at once before working on
// them one by one.
func (t *openTable[V]) touch(k uint64) uint64 { return t.slots[fixKey(k)&t.mask].key }

// len returns the number of keys.
func (t *openTable[V]) len() int { return t.n }

// bytes returns the memory held by the slots.
func (t *openTable[V]) bytes() int64 {
	return int64(len(t.slots)) * int64(unsafe.Sizeof(openSlot[V]{}))
}

// table counts documents per key: 16 bytes a slot (the count pads to 8), between 21
// and 43 bytes a key.
type table struct{ openTable[counts] }

type counts struct{ docs uint32 }

// slot is what a counter reports of a key.
type slot struct {
	key  uint64
	docs uint32
}

func newTable(capacity int) *table { return &table{newOpenTable[counts](capacity)} }

// get returns the counts of k, or zero counts.
func (t *table) get(k uint64) slot {
	c, _ := t.find(k)
	return slot{key: k, docs: c.docs}
}

// add counts one more document for k.
func (t *table) add(k uint64) {
	c, _ := t.ref(k)
	if c.docs < math.MaxUint32 {
		c.docs++
	}
}

// set sets the count of k (LoadIndex).
func (t *table) set(k uint64, docs uint32) {
	c, _ := t.ref(k)
	c.docs = docs
}

// sub takes back one document of k (a copy counted twice, see Copy groups).
func (t *table) sub(k uint64) {
	c, _ := t.find(k)
	if c.docs == 0 || c.docs == math.MaxUint32 {
		return
	}
	p, _ := t.ref(k)
	p.docs--
}

// rawTable maps the hash of a paragraph's raw bytes to its exact key and the few facts
// Judge needs without normalizing it again (see Index.knownRaw): 24 bytes a slot.
type rawTable struct{ openTable[rawInfo] }

type rawInfo struct {
	key     uint64
	docs    uint32 // documents holding key, once the Index is sealed
	words   uint16
	numbers uint8
	flags   uint8 // rawShort, rawPublished
}

const (
	rawShort     = 1 << iota // the paragraph is Short
	rawPublished             // the raw hash is in the Index's knownTable
)

func newRawTable(capacity int) *rawTable { return &rawTable{newOpenTable[rawInfo](capacity)} }

// put records p under raw, keeping the first record of a raw hash, and returns the
// record; it is valid until the next put.
func (t *rawTable) put(raw uint64, p *Para) *rawInfo {
	v, fresh := t.ref(raw)
	if fresh {
		*v = rawInfo{key: p.Key, words: uint16(min(p.Words, 1<<16-1)),
			numbers: uint8(min(p.Numbers, 255))}
		if p.Short {
			v.flags = rawShort
		}
	}
	return v
}

func (t *rawTable) get(raw uint64) (rawInfo, bool) { return t.find(raw) }

// fill sets the fingerprint fields e holds in p: Key (and ShapeKey), Words, Numbers
// and Short.
func (e *rawInfo) fill(p *Para) {
	p.Key, p.ShapeKey, p.Words, p.Numbers = e.key, e.key, int32(e.words), int32(e.numbers)
	p.Short = e.flags&rawShort != 0
}

// packedTable counts documents per key in 8 bytes a slot, half a table's: a slot holds
// the key's top 48 bits (its fingerprint, never 0) above a 16-bit saturating count, and
// a key's home is its fingerprint's low bits, so the table grows without the bits it
// dropped. Two keys of one fingerprint share a count: among the 32 M band keys of a
// gigabyte of new text, two pairs on average (48 bits), far too few to make anything
// frequent. The band keys, the table that grows fastest, live here.
type packedTable struct {
	slots []uint64
	n     int
	mask  uint64
	slab  *slab
}

func newPackedTable(capacity int) *packedTable {
	size := tableSize(capacity)
	t := &packedTable{mask: uint64(size - 1)}
	t.slots, t.slab = allocSlice[uint64](size)
	return t
}

func (t *packedTable) len() int     { return t.n }
func (t *packedTable) bytes() int64 { return 8 * int64(len(t.slots)) }

const packedCount = 1<<16 - 1

func packedFP(k uint64) uint64 { return max(k>>16, 1) }

// find returns the slot of k's fingerprint, or of the empty slot where it would go.
func (t *packedTable) find(fp uint64) *uint64 {
	for i := fp & t.mask; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if *s == 0 || *s>>16 == fp {
			return s
		}
	}
}

func (t *packedTable) add(k uint64) {
	fp := packedFP(k)
	s := t.find(fp)
	if *s == 0 {
		if (t.n+1)*4 > len(t.slots)*3 {
			t.grow()
			s = t.find(fp)
		}
		*s = fp << 16
		t.n++
	}
	if *s&packedCount != packedCount {
		*s++
	}
}

func (t *packedTable) sub(k uint64) {
	s := t.find(packedFP(k))
	if c := *s & packedCount; c != 0 && c != packedCount {
		*s--
	}
}

func (t *packedTable) get(k uint64) slot {
	return slot{key: k, docs: uint32(*t.find(packedFP(k)) & packedCount)}
}

func (t *packedTable) touch(k uint64) uint64 { return t.slots[packedFP(k)&t.mask] }

func (t *packedTable) grow() {
	old, oldSlab := t.slots, t.slab
	t.slots, t.slab = allocSlice[uint64](2 * len(old))
	defer oldSlab.free()
	t.mask = uint64(len(t.slots) - 1)
	for _, s := range old {
		if s != 0 {
			*t.find(s >> 16) = s
		}
	}
}

// each calls fn with every fingerprint's key (its bits as far as they are kept: see
// sketch) and count.
func (t *packedTable) each(fn func(k uint64, docs uint32)) {
	for _, s := range t.slots {
		if s != 0 {
			fn(s>>16<<16, uint32(s&packedCount))
		}
	}
}
