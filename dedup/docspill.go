package dedup

import (
	"errors"
	"fmt"
	"io"
)

// docSpill holds the signatures of a DocIndex's oldest records in a Spool once the
// records in memory pass a budget: a signature is 128 of a record's 136 bytes, and
// Place reads one back only for a candidate whose size could make it a near-duplicate.
// Chunks of records are written out whole, oldest first, so record r's signature is
// at byte r*docSigBytes; of a written-out chunk the index keeps each record's ordinal
// and size, and the signature of a record replaced (Place) since.
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

// docMeta is a docRec without its signature.
type docMeta struct{ ord, n uint32 }

// UseSpool makes x write the signatures of its oldest kept documents to s once the
// records it holds pass budget bytes (136 bytes a kept document): s must be empty,
// a temporary file, say. Place reads a signature back from s when it compares a
// candidate. The first error of s is kept for Err. Call it before the first Place.
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
	m := sp.meta[c][r%docChunk]
	sp.scratch.ord, sp.scratch.n = m.ord, m.n
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
		meta[i] = docMeta{c[i].ord, c[i].n}
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
	sp.meta[r/docChunk][r%docChunk] = docMeta{rec.ord, rec.n}
	sp.replaced[r] = rec.sig
}
