package dedup

// rawTable is an open-addressing hash table from a paragraph's raw-bytes hash to its
// exact key and the few facts Judge needs without normalizing it again: 24-byte slots,
// linear probing, the raw hash 0 stored as 1 (as in table).
type rawTable struct {
	slots []rawSlot
	n     int
	mask  uint64
}

type rawSlot struct {
	raw     uint64
	key     uint64
	words   uint16
	numbers uint8
	short   bool
}

func newRawTable(capacity int) *rawTable {
	size := 16
	for size*3/4 < capacity {
		size *= 2
	}
	return &rawTable{slots: make([]rawSlot, size), mask: uint64(size - 1)}
}

// put records p under raw, keeping the first record of a raw hash.
func (t *rawTable) put(raw uint64, p *Para) {
	raw = fixKey(raw)
	for i := raw & t.mask; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if s.raw == raw {
			return
		}
		if s.raw == 0 {
			if (t.n+1)*4 > len(t.slots)*3 {
				t.grow()
				t.put(raw, p)
				return
			}
			*s = rawSlot{raw: raw, key: p.Key, words: uint16(min(p.Words, 1<<16-1)),
				numbers: uint8(min(p.Numbers, 255)), short: p.Short}
			t.n++
			return
		}
	}
}

func (t *rawTable) get(raw uint64) (rawSlot, bool) {
	raw = fixKey(raw)
	for i := raw & t.mask; ; i = (i + 1) & t.mask {
		s := t.slots[i]
		if s.raw == raw {
			return s, true
		}
		if s.raw == 0 {
			return rawSlot{}, false
		}
	}
}

func (t *rawTable) grow() {
	old := t.slots
	t.slots = make([]rawSlot, 2*len(old))
	t.mask = uint64(len(t.slots) - 1)
	for _, s := range old {
		if s.raw == 0 {
			continue
		}
		i := s.raw & t.mask
		for t.slots[i].raw != 0 {
			i = (i + 1) & t.mask
		}
		t.slots[i] = s
	}
}

func (t *rawTable) bytes() int64 { return int64(len(t.slots)) * 24 }
