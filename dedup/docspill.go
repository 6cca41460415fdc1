package dedup

import (
	"errors"
	"fmt"
	"io"
)

// docSpill holds the signatures of a DocIndex's oldest records in a Spool once the
// records in memory pass a budget: a signature is 128 of a record's 136 bytes, and
// Place reads one back only for a candidate that its size and the signature's head
// (outOfReach) cannot turn down. Chunks of records are written out whole, oldest first,
// so record r's signature is at byte r*docSigBytes; of a written-out chunk the index
// keeps each record's ordinal, size and head, and the signature of a record replaced
// (Place) since.
type docSpill struct {
	s        Spool
	budget   int64
	chunks   int         // chunks written out
	meta     [][]docMeta // chunk -> its records' ordinals and sizes
	replaced map[uint32][docSigBytes]byte
	scratch  docRec // the record Place reads of a written-out chunk
	sigs     []byte
	err      error
}

// docMeta is what the index holds of a written-out record: its ordinal, its size, and
// the first docHeadBytes of its signature, enough to turn down without reading the rest
// a candidate that could not reach the threshold even if every other bin matched.
type docMeta struct {
	ord, n uint32
	head   [docHeadBytes]byte
}

// docHeadBytes is how much of a written-out signature stays in memory: 64 of its 256
// bins. Of two documents of equal size, a candidate needs 21 of them to match for
// containment 0.9 to stay within reach; unrelated documents match about 4 by chance.
const docHeadBytes = 32

// UseSpool makes x write the signatures of its oldest kept documents to s once the
// records it holds pass budget bytes (136 bytes a kept document, 40 once written): s
// must be empty, a temporary file, say. Place reads a signature back from s when it
// compares a candidate. The first error of s is kept for Err. Call it before the first
// Place.
func (x *DocIndex) UseSpool(s Spool, budget int64) {
	x.spill = &docSpill{s: s, budget: budget, replaced: map[uint32][docSigBytes]byte{}}
}

// Err returns the first error of the Spool given to UseSpool; a signature that could
// not be read back compares as one that shares nothing.
func (x *DocIndex) Err() error {
	if x.spill == nil {
		return nil
	}
	return x.spill.err
}

// record returns record r, and whether its chunk was written out: then the record is
// the spill's scratch, with its ordinal and size but not its signature (readSig), and
// a change to it must be kept with replace.
func (x *DocIndex) record(r uint32) (*docRec, bool) {
	c := int(r / docChunk)
	if x.spill == nil || c >= x.spill.chunks {
		return &x.recs[c][r%docChunk], false
	}
	sp := x.spill
	m := &sp.meta[c][r%docChunk]
	sp.scratch.ord, sp.scratch.n = m.ord, m.n
	copy(sp.scratch.sig[:], m.head[:])
	return &sp.scratch, true
}

// out writes the oldest chunk held to the spool when the chunks held, with the one
// about to start, pass the budget.
func (sp *docSpill) out(x *DocIndex) {
	if sp.err != nil || sp.chunks == len(x.recs) || int64(len(x.recs)-sp.chunks+1)*docChunk*recSize <= sp.budget {
		return
	}
	c := x.recs[sp.chunks]
	sp.sigs = sp.sigs[:0]
	meta := make([]docMeta, len(c))
	for i := range c {
		sp.sigs = append(sp.sigs, c[i].sig[:]...)
		meta[i] = docMeta{ord: c[i].ord, n: c[i].n, head: [docHeadBytes]byte(c[i].sig[:docHeadBytes])}
	}
	if _, err := sp.s.Write(sp.sigs); err != nil {
		sp.err = fmt.Errorf("writing the document index's spool: %w", err)
		return
	}
	sp.meta = append(sp.meta, meta)
	x.recs[sp.chunks] = nil
	sp.chunks++
}

// readSig reads into rec the signature of written-out record r.
func (sp *docSpill) readSig(r uint32, rec *docRec) {
	if sig, ok := sp.replaced[r]; ok {
		rec.sig = sig
		return
	}
	n, err := sp.s.ReadAt(rec.sig[:], int64(r)*docSigBytes)
	if n == len(rec.sig) {
		return
	}
	if err == nil || errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	rec.sig = [docSigBytes]byte{}
	if sp.err == nil {
		sp.err = fmt.Errorf("reading the document index's spool: %w", err)
	}
}

// replace keeps rec, written-out record r as Place replaced it.
func (sp *docSpill) replace(r uint32, rec *docRec) {
	sp.meta[r/docChunk][r%docChunk] = docMeta{ord: rec.ord, n: rec.n, head: [docHeadBytes]byte(rec.sig[:docHeadBytes])}
	sp.replaced[r] = rec.sig
}

// outOfReach reports whether a document of sketch sk is sure not to be contained to
// threshold in written-out record rec, whose signature's head only is known: not even
// with every bin past the head matching. The margin keeps the answer sure under the
// rounding of estContainedIn, which only a full comparison may decide near threshold.
func outOfReach(sk *DocSketch, rec *docRec, threshold float64) bool {
	m := docBins - 2*docHeadBytes
	for i := range docHeadBytes {
		x := sk.sig[i] ^ rec.sig[i]
		if x&0x0f == 0 {
			m++
		}
		if x&0xf0 == 0 {
			m++
		}
	}
	return estContainedIn(estJaccard(m), sk.n, rec.n) < threshold-1e-9
}
