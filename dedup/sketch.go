package dedup

import "math/bits"

// counter counts documents per 64-bit key: exactly (table) or approximately (sketch).
type counter interface {
	add(k uint64)
	// sub takes back one count of k (a copy counted twice, see Copy groups)
	sub(k uint64)
	get(k uint64) slot
	// touch loads the memory k's count lives in and returns a value of it (see
	// Index.prefetchKeys)
	touch(k uint64) uint64
	len() int
	bytes() int64
}

var (
	_ counter = (*table)(nil)
	_ counter = (*packedTable)(nil)
	_ counter = (*sketch)(nil)
)

// sketchRows is the depth of a count-min sketch.
const sketchRows = 4

// sketch is a count-min sketch of saturating 8-bit counters: sketchRows rows of width
// counters, a key counted in one counter a row (conservative update), its count the least
// of its counters. It never undercounts. It overcounts a key only when, in every row,
// other keys share its counter. What matters is how often a key in fewer than MinDocs (3)
// documents reads as 3 or more, since that makes a paragraph near boilerplate by mistake;
// measured by TestSketchOvercount with keys in 1, 2 or 3 documents, by load (distinct keys
// per counter of a row):
//
//	load        0.1     0.25     0.5     1
//	overcount   <2e-4   3e-4     4e-3    3.5e-2
//
// The near-duplicate tables hold about 8 band keys per distinct paragraph and the sketch
// of the band keys gets 7/8 of the budget, 4 rows of one byte, so a budget of about 40
// bytes per distinct paragraph keeps the load near 0.25. Counts stop at 255, far above any
// MinDocs in use. Taking back a copy's count (sub) is approximate here, as the counts are.
type sketch struct {
	cells []uint8
	width uint64
	n     int
}

func newSketch(budget int64) *sketch {
	w := uint64(budget / sketchRows)
	w = max(w, 1024)
	return &sketch{cells: make([]uint8, w*sketchRows), width: w}
}

func (s *sketch) cell(k uint64, row int) *uint8 {
	// the top 48 bits only, all that a packedTable keeps of the keys it hands over
	h := mix(k>>16 + uint64(row)*0x9e37_79b9_7f4a_7c15)
	i, _ := bits.Mul64(h, s.width)
	return &s.cells[uint64(row)*s.width+i]
}

// cells4 returns k's counter in each row and the least of them, its estimate.
func (s *sketch) cells4(k uint64) (cells [sketchRows]*uint8, least uint8) {
	least = 255
	for r := range cells {
		cells[r] = s.cell(k, r)
		least = min(least, *cells[r])
	}
	return cells, least
}

// add counts one more document for k with a conservative update: only the counters that
// hold the key's current estimate (the least) go up, which keeps the estimate exact for
// as long as one of its counters is the key's alone and cuts overcounting several-fold.
func (s *sketch) add(k uint64) {
	cells, least := s.cells4(k)
	if least == 255 {
		return
	}
	if least == 0 {
		s.n++ // an estimate of the distinct keys: those new to the sketch
	}
	for _, c := range cells {
		if *c == least {
			*c++
		}
	}
}

// sub takes back one count of k from the counters that hold its estimate, the mirror of
// add's conservative update. Under a sketch it is approximate, as the counts are.
func (s *sketch) sub(k uint64) {
	cells, least := s.cells4(k)
	if least == 0 || least == 255 {
		return
	}
	for _, c := range cells {
		if *c == least {
			*c--
		}
	}
}

func (s *sketch) get(k uint64) slot {
	least := uint8(255)
	for r := 0; r < sketchRows; r++ {
		least = min(least, *s.cell(k, r))
	}
	return slot{key: k, docs: uint32(least)}
}

func (s *sketch) touch(k uint64) uint64 {
	var v uint64
	for r := 0; r < sketchRows; r++ {
		v += uint64(*s.cell(k, r))
	}
	return v
}

func (s *sketch) len() int     { return s.n }
func (s *sketch) bytes() int64 { return int64(len(s.cells)) }

// toSketch moves the counts of t into a new sketch of budget bytes and frees t.
func toSketch(t counter, budget int64) *sketch {
	s := newSketch(budget)
	put := func(k uint64, docs uint32) {
		least := uint32(255)
		for r := 0; r < sketchRows; r++ {
			least = min(least, uint32(*s.cell(k, r)))
		}
		want := uint8(min(least+docs, 255))
		for r := 0; r < sketchRows; r++ {
			if c := s.cell(k, r); *c < want {
				*c = want // conservative update of docs documents at once
			}
		}
		s.n++
	}
	switch t := t.(type) {
	case *table:
		for _, sl := range t.slots {
			if sl.key != 0 {
				put(sl.key, sl.val.docs)
			}
		}
		t.slab.free() // the table is replaced by the sketch
		t.slots, t.slab = nil, nil
	case *packedTable:
		t.each(put)
		t.slab.free()
		t.slots, t.slab = nil, nil
	}
	return s
}
