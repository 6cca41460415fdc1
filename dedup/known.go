package dedup

import (
	"sync/atomic"
	"unsafe"
)

// knownTable maps the raw-bytes hash of a paragraph whose exact key is frequent (in
// Index.satDocs documents or more) to that key and the facts rawInfo holds. One
// goroutine inserts (Index.Add) while any number look up (Index.frequent, on pass 1's
// workers), without locks:
//
//   - a slot is written once: its info first, then its raw hash with an atomic store,
//     so a reader that loads a raw hash it looks for sees the info written before it;
//   - the table grows by copying into a new slice that is published with an atomic
//     pointer; a reader still holding the old slice misses what was added since, which
//     costs it time (it fingerprints the paragraph itself), never a wrong answer.
//
// Entries are never removed or changed: a key's document count only grows, so a
// paragraph once frequent stays so.
type knownTable struct {
	cur atomic.Pointer[knownSlots]
	n   int // entries, for the writer
}

type knownSlots struct {
	slots []knownSlot
	mask  uint64
}

type knownSlot struct {
	raw  atomic.Uint64 // 0: free
	info rawInfo
}

func newKnownTable() *knownTable {
	t := &knownTable{}
	t.cur.Store(&knownSlots{slots: make([]knownSlot, 1<<12), mask: 1<<12 - 1})
	return t
}

// get returns the info of raw, if it is in the table. Safe for concurrent use with one
// insert.
func (t *knownTable) get(raw uint64) (rawInfo, bool) {
	raw = fixKey(raw)
	s := t.cur.Load()
	for i := raw & s.mask; ; i = (i + 1) & s.mask {
		switch s.slots[i].raw.Load() {
		case raw:
			return s.slots[i].info, true
		case 0:
			return rawInfo{}, false
		}
	}
}

// insert adds raw, which is not in the table, with its info. One goroutine only.
func (t *knownTable) insert(raw uint64, info rawInfo) {
	s := t.cur.Load()
	if 2*(t.n+1) > len(s.slots) {
		bigger := &knownSlots{slots: make([]knownSlot, 2*len(s.slots)), mask: uint64(2*len(s.slots) - 1)}
		for i := range s.slots {
			if r := s.slots[i].raw.Load(); r != 0 {
				bigger.place(r, s.slots[i].info)
			}
		}
		t.cur.Store(bigger)
		s = bigger
	}
	s.place(fixKey(raw), info)
	t.n++
}

// place writes info into the first free slot from raw's home, then raw.
func (s *knownSlots) place(raw uint64, info rawInfo) {
	for i := raw & s.mask; ; i = (i + 1) & s.mask {
		if s.slots[i].raw.Load() == 0 {
			s.slots[i].info = info
			s.slots[i].raw.Store(raw)
			return
		}
	}
}

func (t *knownTable) bytes() int64 {
	return int64(len(t.cur.Load().slots)) * int64(unsafe.Sizeof(knownSlot{}))
}
