package dedup

import "math/bits"

// counter counts documents per 64-bit key: exactly (table) or approximately (sketch).
type counter interface {
	add(k uint64, doc uint32)
	get(k uint64) slot
	len() int
	bytes() int64
}

var (
	_ counter = (*table)(nil)
	_ counter = (*sketch)(nil)
)

// sketchRows is the depth of a count-min sketch.
const sketchRows = 4

// sketch is a count-min sketch of saturating 8-bit counters: sketchRows rows of width
// counters, a key counted in one counter a row, its count the least of its counters. It
// never undercounts; it overcounts a key only when, in every row, other keys share its
// counter. With n distinct keys in a row of w counters, a key's counter holds another
// key with probability about n/w, so it is counted at least MinDocs (3) documents too
// many with probability at most about ((n/w)^3/6)^sketchRows for keys seen once; at the
// load winnow allows (n/w ≤ 1) that is below 1e-3. Counts stop at 255, far above any
// MinDocs in use. A sketch does not know a key's first document: echo detection (see
// Index) then looks at exact paragraph keys only.
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
	h := mix(k + uint64(row)*0x9e37_79b9_7f4a_7c15)
	i, _ := bits.Mul64(h, s.width)
	return &s.cells[uint64(row)*s.width+i]
}

func (s *sketch) add(k uint64, _ uint32) {
	fresh := false
	for r := 0; r < sketchRows; r++ {
		c := s.cell(k, r)
		if *c == 0 {
			fresh = true
		}
		if *c < 255 {
			*c++
		}
	}
	if fresh {
		s.n++ // an estimate of the distinct keys: those that found an empty counter
	}
}

func (s *sketch) get(k uint64) slot {
	least := uint8(255)
	for r := 0; r < sketchRows; r++ {
		least = min(least, *s.cell(k, r))
	}
	return slot{key: k, docs: uint32(least)}
}

func (s *sketch) len() int     { return s.n }
func (s *sketch) bytes() int64 { return int64(len(s.cells)) }

// toSketch moves the counts of t into a new sketch of budget bytes.
func toSketch(t *table, budget int64) *sketch {
	s := newSketch(budget)
	for _, sl := range t.slots {
		if sl.key == 0 {
			continue
		}
		for r := 0; r < sketchRows; r++ {
			c := s.cell(sl.key, r)
			*c = uint8(min(uint32(*c)+sl.docs, 255))
		}
		s.n++
	}
	return s
}
