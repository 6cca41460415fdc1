package dedup

import (
	"math"
	"math/bits"
	"unsafe"
)

// openTable is an open-addressing hash table (linear probing) from 64-bit keys to values
// of type V, stored beside their keys in one slice: no per-entry heap object. Keys are
// hashes already, so a key's home slot is its high bits scaled to the table's size
// (home); the key 0 marks an empty slot and is stored as 1 (a hash of 0 or 1 is as
// likely as any other). The table keeps its load between 1/2 and 3/4 (see tableSize).
type openTable[V any] struct {
	slots []openSlot[V]
	n     int
	size  uint64 // len(slots)
	slab  *slab  // the memory of slots when it is not on the Go heap (see allocSlots)
}

type openSlot[V any] struct {
	key uint64
	val V
}

// tableSize is the number of slots of a table for capacity keys at a load of 3/4 or
// less: the least of 16, 24, 32, 48, 64, 96, … (powers of two and one and a half times
// them) that holds them. A table grows to the next size, half again or a third again
// larger, not twice: at a load between 1/2 and 3/4, a table of counts takes a third
// less memory than one of powers of two (between 3/8 and 3/4), and the old and the new
// slots held together while it grows take 2.5 or 2.33 times the old, not 3.
func tableSize(capacity int) int {
	size := 16
	for size*3/4 < capacity {
		size = nextSize(size)
	}
	return size
}

// nextSize returns the table size after size (see tableSize).
func nextSize(size int) int {
	if size&(size-1) == 0 {
		return size + size/2
	}
	return size / 3 * 4
}

// home returns the home slot of hash h in a table of size slots: its high bits, scaled
// (a multiply and a shift, where a power of two would take the low bits).
func home(h, size uint64) uint64 {
	hi, _ := bits.Mul64(h, size)
	return hi
}

// dropEvery is how many old slots a growing table moves between two calls of
// slab.dropUpTo. Homes scale with the size, so the slots are moved in about the order
// of their new places and the new table's pages are touched as the old one's go.
const dropEvery = 1 << 16

// next returns the slot after i in a table of size slots, wrapping around.
func next(i, size uint64) uint64 {
	if i++; i == size {
		return 0
	}
	return i
}

func newOpenTable[V any](capacity int) openTable[V] {
	size := tableSize(capacity)
	t := openTable[V]{size: uint64(size)}
	t.slots, t.slab = allocSlots[V](size)
	return t
}

func fixKey(k uint64) uint64 { return max(k, 1) }

// find returns the value of k, and whether k is in the table.
func (t *openTable[V]) find(k uint64) (V, bool) {
	k = fixKey(k)
	for i := home(k, t.size); ; i = next(i, t.size) {
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

// index returns the slot of k, and whether k is in the table.
func (t *openTable[V]) index(k uint64) (int, bool) {
	k = fixKey(k)
	for i := home(k, t.size); ; i = next(i, t.size) {
		switch t.slots[i].key {
		case k:
			return int(i), true
		case 0:
			return int(i), false
		}
	}
}

// ref returns the value of k, inserting a zero value when k is absent, and whether it
// was inserted. The pointer is valid until the next ref.
func (t *openTable[V]) ref(k uint64) (*V, bool) {
	k = fixKey(k)
	for i := home(k, t.size); ; i = next(i, t.size) {
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
	t.slots, t.slab = allocSlots[V](nextSize(len(old)))
	defer oldSlab.free()
	t.size = uint64(len(t.slots))
	for j, s := range old {
		if j%dropEvery == dropEvery-1 {
			oldSlab.dropUpTo(unsafe.Pointer(&old[j]))
		}
		if s.key == 0 {
			continue
		}
		i := home(s.key, t.size)
		for t.slots[i].key != 0 {
			i = next(i, t.size)
		}
		t.slots[i] = s
	}
}

// touch loads the home slot of k and returns its key: a load whose result is used, so
// that a caller can have the memory system fetch many slots at once before working on
// them one by one.
func (t *openTable[V]) touch(k uint64) uint64 { return t.slots[home(fixKey(k), t.size)].key }

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

// keepFrequent returns a table of the keys of t in min documents or more, and frees t.
func (t *table) keepFrequent(min uint32) *table {
	n := 0
	for _, s := range t.slots {
		if s.key != 0 && s.val.docs >= min {
			n++
		}
	}
	f := newTable(n)
	for _, s := range t.slots {
		if s.key != 0 && s.val.docs >= min {
			c, _ := f.ref(s.key)
			*c = s.val
		}
	}
	t.slab.free()
	t.slots, t.slab, t.n = nil, nil, 0
	return f
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
// a key's home is found from its fingerprint alone (home), so the table grows without
// the bits it dropped. Two keys of one fingerprint share a count: among the 32 M band keys of a
// gigabyte of new text, two pairs on average (48 bits), far too few to make anything
// frequent. The band keys, the table that grows fastest, live here.
type packedTable struct {
	slots []uint64
	n     int
	size  uint64 // len(slots)
	slab  *slab
}

func newPackedTable(capacity int) *packedTable {
	size := tableSize(capacity)
	t := &packedTable{size: uint64(size)}
	t.slots, t.slab = allocSlice[uint64](size)
	return t
}

func (t *packedTable) len() int     { return t.n }
func (t *packedTable) bytes() int64 { return 8 * int64(len(t.slots)) }

const packedCount = 1<<16 - 1

func packedFP(k uint64) uint64 { return max(k>>16, 1) }

// find returns the slot of k's fingerprint, or of the empty slot where it would go.
func (t *packedTable) find(fp uint64) *uint64 {
	for i := home(fp<<16, t.size); ; i = next(i, t.size) {
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

// keepFrequent returns a table of the keys of t counted min times or more, and frees t.
func (t *packedTable) keepFrequent(min uint32) *packedTable {
	n := 0
	for _, s := range t.slots {
		if uint32(s&packedCount) >= min {
			n++
		}
	}
	f := newPackedTable(n)
	for _, s := range t.slots {
		if uint32(s&packedCount) >= min {
			*f.find(s >> 16) = s
		}
	}
	f.n = n
	t.slab.free()
	t.slots, t.slab, t.n = nil, nil, 0
	return f
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

func (t *packedTable) touch(k uint64) uint64 { return t.slots[home(packedFP(k)<<16, t.size)] }

func (t *packedTable) grow() {
	old, oldSlab := t.slots, t.slab
	t.slots, t.slab = allocSlice[uint64](nextSize(len(old)))
	t.size = uint64(len(t.slots))
	moveSlots(old, oldSlab, func(s uint64) { *t.find(s >> 16) = s })
}

// moveSlots calls place with every non-zero slot of old, a table's slots before it
// grew, giving old's pages back as it goes (see dropEvery), and frees old's slab.
func moveSlots(old []uint64, oldSlab *slab, place func(uint64)) {
	defer oldSlab.free()
	for j, s := range old {
		if j%dropEvery == dropEvery-1 {
			oldSlab.dropUpTo(unsafe.Pointer(&old[j]))
		}
		if s != 0 {
			place(s)
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
