package dedup

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sync"

	"github.com/cespare/xxhash/v2"
)

// Document-level near-duplicates
//
// Pass 2 removes a document whose kept text is a near-duplicate of an earlier kept
// document (duplicate_doc). Syndicated copies are often trimmed (a paragraph cut, a line
// added), so the measure is containment, not Jaccard: the share of the LATER document's
// shingles found in the earlier one (the later is the one that would be removed, so it
// is its text that must be found elsewhere). A copy 70% the length of its original with
// nothing of its own has containment 1 but Jaccard 0.7. With A the later document and B
// the earlier, containment C and Jaccard J relate by
//
//	J = C|A| / (|A| + |B| - C|A|)        C = J(|A| + |B|) / ((1 + J)|A|)
//
// so a MinHash estimate of J and the two set sizes give C. A later document with fewer
// than 30 % of the earlier one's shingles is never its duplicate (an excerpt, or a short
// piece quoting a long one, keeps text of its own).
//
// winnow clean sketches a document from the shingles of its kept paragraphs, never
// across two of them (DocSketcher.SketchHashes with the Fingerprinter's shingles, or
// with AppendShingles per paragraph when --doc-shingle differs from --shingle). On the
// dev corpus, --doc-shingle 4, 5 and 7 give duplicate_doc recall 0.988, 0.985 and
// 0.969, precision 0.994, 0.997 and 0.997.
//
// Shingles are the distinct word k-shingles (k = DocConfig.Shingle, 5 by default) of
// the Normalize form of the whole text: digits are kept, so templated texts that differ
// only in their numbers (earnings tables, sports scores) share almost no shingle and are
// different documents. Each window is hashed with xxhash64 in a namespace of its own
// (seedDoc), so document shingles never collide with the paragraph shingles of the
// Fingerprinter. A document of fewer than k words is one shingle, its whole normalized
// text (namespace seedDocWhole): exact repeats of tiny documents still match, and a
// tiny document never matches a k-word window of a longer one.
//
// # Sketch
//
// The signature is a one-permutation MinHash with optimal densification (Shrivastava,
// ICML 2017): a shingle hash h falls into bin h>>56 of docBins = 256 bins, the bin keeps
// its smallest value (the low 56 bits), and every empty bin borrows the value of the
// first non-empty bin in a fixed pseudo-random order of its own. Two sets then agree on
// a bin with probability J, as with 256 independent permutations, at the cost of one
// hash per shingle instead of 256.
//
// What is stored per kept document is 4 bits a bin (b-bit MinHash, Li and König 2010):
// the top 4 bits of mix(min ^ salt(bin)), 128 bytes. Unequal minimums agree on 4 bits
// with probability 1/16, which the estimator removes: Ĵ = (m/256 - 1/16) / (15/16) for m
// agreeing bins. The salt makes the 4-bit accidents independent from bin to bin even
// when densification copied one value into many bins. The standard error of Ĵ is
// about 0.033 at J = 0.5, 0.031 at J = 2/3 and 0.026 at J = 0.8 (0.022 in C for two
// equal-sized documents at C = 0.8), close to a 256-permutation MinHash of full values.
//
// # The threshold
//
// The default threshold is 0.9 in containment. Containment is never below Jaccard; for
// two documents of equal size C = 2J / (1 + J), so C = 0.9 is J = 0.82, about the
// Jaccard 0.8 that near-duplicate filters for training corpora commonly use, while a
// trimmed copy (a paragraph cut, nothing of its own) still has C = 1. Between 0.8 and
// 0.9 lie, on the newswire the dev corpora are made of, the same wire story filed
// twice with edits throughout, and periodic reports whose wording repeats from week to
// week around new figures: texts a reader tells apart. On three dev corpora (seeds 7,
// 11, 23) 0.9 instead of 0.8 raises the precision of duplicate_doc from 0.982, 0.982
// and 0.988 to 0.997, 0.994 and 0.994, and lowers its recall from 0.988, 0.985 and
// 0.973 to 0.985, 0.982 and 0.964 (the copies it misses are short tables whose kept
// rows differ from the original's by one or two lines).
//
// # Candidates: the S-curve
//
// Bins 0..23 form docBands = 12 LSH bands of docRows = 2 minimums each (full 56-bit
// values). Two documents with Jaccard J share a band with probability J², and at least
// one band, i.e. become a candidate pair, with probability 1 - (1 - J²)^12:
//
//	J      0.1    0.2    0.3    0.4    0.5    0.6    0.7    0.8
//	P      0.114  0.387  0.678  0.877  0.968  0.995  0.9997 1.000
//
// Rows of two are what make copies of unequal sizes candidates. At the threshold C = 0.8
// (or for a trimmed copy with nothing of its own, C = 1), by the shorter document's share
// a = |A|/|B| of the longer:
//
//	a      C = 0.8         C = 0.9         C = 1.0
//	1.0    J 0.67 P 0.999  J 0.82 P 1.000  J 1.00 P 1.000
//	0.8    J 0.55 P 0.987  J 0.67 P 0.999  J 0.80 P 1.000
//	0.7    J 0.49 P 0.964  J 0.59 P 0.994  J 0.70 P 1.000
//	0.6    J 0.43 P 0.912  J 0.51 P 0.973  J 0.60 P 0.995
//	0.5    J 0.36 P 0.818  J 0.43 P 0.912  J 0.50 P 0.968
//	0.4    J 0.30 P 0.668  J 0.35 P 0.784  J 0.40 P 0.877
//
// Verification decides the pairs near the threshold. The probability that a candidate
// pair passes (normal approximation of the estimate) by its true containment:
//
//	a      C = 0.7  C = 0.75  C = 0.8  C = 0.85  C = 0.9
//	1.0    0.0001   0.02      0.5      0.994     1.000
//	0.7    0.005    0.09      0.5      0.92      0.999
//	0.5    0.03     0.17      0.5      0.83      0.975
//
// The estimate of C amplifies the error of Ĵ by about (1 + a)/a, so unequal sizes make
// the edge fuzzier. Below an estimated Jaccard of 0.1 (docMinJaccard) nothing is a
// duplicate: there the 4-bit noise floor, amplified by |B|/|A|, would make a tiny
// document look contained in any long one.
//
// False negatives: copies much shorter than their original (a < 0.5) are increasingly
// missed by LSH; below a ≈ 0.3 they are out of reach (J ≤ a). Copies near the threshold
// (true C 0.8 to 0.85) are missed about as often as the table says.
//
// False positives: a band hit is only a candidate, verified against the stored signature
// of the earlier document, so loose bands cost verification time, not precision. At most
// 12 candidates are verified per document (one per band, see Memory), so time stays
// bounded even for documents sharing boilerplate with thousands of others. Merges of
// pairs below the threshold come from the verification table above: pairs at C ≥ 0.75
// of unequal sizes, almost never pairs at C ≤ 0.6.
//
// Because containment is measured one way, a later, longer document that holds all of an
// earlier, shorter one and adds text of its own (an updated story) is kept.
//
// # Decisions and order
//
// DocIndex.Add is called in input order. A document is a duplicate of the earliest kept
// document among its verified candidates; duplicates are not indexed, so a document is
// only ever compared with kept ones. This is greedy leader clustering, not a transitive
// closure: with A kept, B a duplicate of A and C a near copy of B but not of A, C is
// kept (it is compared with A only). Results depend on the input order only, never on
// the number of workers (sketches are pure functions of the text) or on map order (the
// index holds no Go map; candidates are sorted).
//
// DocIndex.Place (what winnow clean uses) keeps the fuller copy instead of the earlier
// one: when the new document is contained in an earlier kept one but holds more
// distinct shingles (at most about 1/Threshold times as many, or it would not be
// contained), it takes that document's place and the earlier one becomes the duplicate,
// if the caller allows (winnow allows it while no copy has been dropped in favour of
// the earlier one, since their ledger rows already name it). Input order is often an
// accident of layout: a folder of .txt files walked by name lists one site's pages
// before another's, so a trimmed syndicated copy can come before its original. On the
// dev corpus read as .txt files this took duplicate_doc precision from 0.668 to 0.737
// and the content lost from 0.0216 to 0.0118 (identical copies, where no order can tell
// the original, are most of what remains); read as JSONL, in publication order, it
// changes nothing.
//
// # Memory
//
// Per kept document: a 136-byte record (ordinal, shingle count, 128-byte signature) in
// chunks of 4096 records (no copying on growth), plus 12 band entries of 8 bytes (32-bit
// fingerprint of the band key, 32-bit record number) in open-addressing tables filled to
// between 7/12 and 7/8. The tables are split 256 ways by the band key's top byte (so
// fingerprint plus table number resolve 40 bits of key) and their initial sizes are
// staggered, so they grow at different times and the whole index stays near 11.3 bytes
// a band entry: about 136 + 12·11.3 ≈ 272 bytes per kept document (BenchmarkDocIndexAdd
// measures 272), 0 per duplicate; tables growing in step would swing between 246 and
// 301. Add costs about 1.5 µs a document at a million documents, mostly cache misses
// on the band tables (their home slots are touched together so the misses overlap).
// A band key of a kept document is inserted
// only if no earlier kept document holds it (the bucket keeps the first), which is what
// bounds both memory and the candidates per document. The index holds at most 2^32 - 1
// documents; later ones are never indexed (they are kept, and are not found as
// originals).

const (
	docBins     = 256         // one-permutation MinHash bins
	docBands    = 12          // LSH bands
	docRows     = 2           // minimums a band
	docSigBytes = docBins / 2 // 4 bits a bin
	docValBits  = 56          // low bits of a shingle hash kept as its value in a bin
	docEmpty    = ^uint64(0)  // an empty bin (larger than any value)
)

// Hash namespaces of document shingles, band keys, signature salts and the
// densification order, distinct from seedWord and seedChar.
const (
	seedDoc      = 0x5be0_cd19_137e_2179
	seedDocWhole = 0x1f83_d9ab_fb41_bd6b
	seedDocBand  = 0x9b05_688c_2b3e_6c1f
	seedDocNib   = 0xa54f_f53a_5f1d_36f1
	seedDocPerm  = 0x510e_527f_ade6_82d1
)

// DocConfig sets document-level near-duplicate detection.
type DocConfig struct {
	// Shingle is k, the number of words in a document shingle (default 5).
	Shingle int
	// Threshold is the estimated containment (share of the shorter document's shingles
	// found in the longer one) at or above which a document is a near-duplicate of an
	// earlier one (default 0.9, the --doc-near flag; see "The threshold" above).
	Threshold float64
}

// DefaultDocConfig returns the defaults of DESIGN.md.
func DefaultDocConfig() DocConfig { return DocConfig{Shingle: 5, Threshold: 0.9} }

// Validate reports a setting out of range.
func (c DocConfig) Validate() error {
	switch {
	case c.Shingle < 1:
		return fmt.Errorf("doc shingle must be at least 1, not %d", c.Shingle)
	case !(c.Threshold > 0 && c.Threshold <= 1):
		return fmt.Errorf("doc-near must be in (0, 1], not %g", c.Threshold)
	}
	return nil
}

// withDefaults replaces zero (or negative) fields by their defaults.
func (c DocConfig) withDefaults() DocConfig {
	def := DefaultDocConfig()
	if c.Shingle <= 0 {
		c.Shingle = def.Shingle
	}
	if c.Threshold <= 0 {
		c.Threshold = def.Threshold
	}
	return c
}

// Sketch returns the sketch of a document's kept text. It allocates scratch buffers on
// every call; workers should each use a DocSketcher.
func (c DocConfig) Sketch(text string) DocSketch { return NewDocSketcher(c).Sketch(text) }

// DocSketch is what a worker computes from a document's kept text: the 4-bit MinHash
// signature, the LSH band keys and the number of distinct shingles. It is a value (232
// bytes) that can be sent between goroutines; the zero DocSketch is the sketch of a
// document without shingles.
type DocSketch struct {
	sig   [docSigBytes]byte
	bands [docBands]uint64
	n     uint32 // distinct shingles, saturating
}

// Shingles returns the number of distinct shingles of the document (0 for a document
// with no words or symbols at all).
func (sk DocSketch) Shingles() int { return int(sk.n) }

// Jaccard estimates the Jaccard similarity of the shingle sets of two documents.
func (sk DocSketch) Jaccard(o DocSketch) float64 {
	if sk.n == 0 || o.n == 0 {
		return 0
	}
	return estJaccard(sigMatches(&sk.sig, &o.sig))
}

// Containment estimates the share of the smaller document's shingles that the other
// holds, the measure DocConfig.Threshold applies to. It is 0 when the Jaccard estimate
// is under 0.1, too close to the noise floor of the signature to be converted.
func (sk DocSketch) Containment(o DocSketch) float64 {
	if sk.n == 0 || o.n == 0 {
		return 0
	}
	return estContainment(estJaccard(sigMatches(&sk.sig, &o.sig)), sk.n, o.n)
}

// sigMatches returns the number of bins whose 4-bit values agree.
func sigMatches(a, b *[docSigBytes]byte) int {
	diff := 0
	for i := 0; i < docSigBytes; i += 8 {
		x := binary.LittleEndian.Uint64(a[i:]) ^ binary.LittleEndian.Uint64(b[i:])
		x |= x >> 1
		x |= x >> 2 // bit 0 of each nibble: any bit of the nibble set
		diff += bits.OnesCount64(x & 0x1111_1111_1111_1111)
	}
	return docBins - diff
}

// estJaccard is the b-bit MinHash estimator for 4 bits: unequal values agree by
// accident with probability 1/16.
func estJaccard(matches int) float64 {
	p := float64(matches) / docBins
	return max(0, min(1, (p-1.0/16)/(1-1.0/16)))
}

// docMinJaccard is the smallest Jaccard estimate taken for a resemblance. Unrelated
// documents agree on 1/16 of the 4-bit bins by chance, so Ĵ has a noise floor of
// about ±0.016 at J = 0, and the conversion to containment multiplies it by about
// |B|/|A|: without a floor, a 5-word document would look contained in any long one.
// 0.1 is six standard deviations above that floor; the pairs it gives up (a copy under
// a tenth of its original's size) are beyond LSH anyway (P = 0.11 at J = 0.1).
const docMinJaccard = 0.1

// estContainment converts a Jaccard estimate into the containment of the smaller set;
// it is 0 when j is under docMinJaccard.
// docMinSizeRatio: a later document with fewer than 30 % of the shingles of an earlier one
// is never its duplicate, however contained: an excerpt, or a short piece that quotes a
// long one, keeps text of its own that a reader of the long one would not find.
const docMinSizeRatio = 0.3

// estContainedIn estimates the share of a later document's nNew shingles found in an
// earlier document of nOld shingles, from their estimated Jaccard similarity j. The
// later document is the one that would be removed, so it is its own text that must be
// found in the earlier: a later document that adds much to an earlier one stays.
func estContainedIn(j float64, nNew, nOld uint32) float64 {
	if j < docMinJaccard {
		return 0
	}
	a, b := float64(nNew), float64(nOld)
	return min(1, j*(a+b)/((1+j)*a))
}

func estContainment(j float64, na, nb uint32) float64 {
	if j < docMinJaccard {
		return 0
	}
	a, b := float64(min(na, nb)), float64(max(na, nb))
	return min(1, j*(a+b)/((1+j)*a))
}

// DocSketcher computes document sketches. It keeps scratch buffers, so it is not safe
// for concurrent use: give each worker its own.
type DocSketcher struct {
	k   int
	n   normalizer
	hs  []uint64 // shingle hashes, repeats included
	set []uint64 // scratch hash set counting distinct shingles
}

// NewDocSketcher returns a DocSketcher for c; zero fields take their defaults.
func NewDocSketcher(c DocConfig) *DocSketcher {
	return &DocSketcher{k: c.withDefaults().Shingle}
}

// shingles appends the shingle hashes of text to dst, repeats included.
func (s *DocSketcher) shingles(dst []uint64, text string) []uint64 {
	n := &s.n
	n.run(text)
	k := s.k
	if len(n.tokens) >= k {
		for i := 0; i+k <= len(n.tokens); i++ {
			w := n.exact[n.tokens[i].start:n.tokens[i+k-1].end]
			dst = append(dst, mix(xxhash.Sum64(w)^seedDoc))
		}
	} else if len(n.exact) > 0 {
		dst = append(dst, mix(xxhash.Sum64(n.exact)^seedDocWhole))
	}
	return dst
}

// AppendShingles appends the shingle hashes of text (repeats included) to dst and
// returns it: a way to sketch a document paragraph by paragraph with SketchHashes, with
// no shingle across two paragraphs.
func (s *DocSketcher) AppendShingles(dst []uint64, text string) []uint64 {
	return s.shingles(dst, text)
}

// Sketch returns the sketch of text, a document's kept text.
func (s *DocSketcher) Sketch(text string) DocSketch {
	s.hs = s.shingles(s.hs[:0], text)
	return s.sketch()
}

// SketchHashes sketches a document given the hashes of its features instead of its text,
// e.g. the shingles of its kept paragraphs (Doc.ParaShingles), which pass 2 has computed
// already. The hashes must be well mixed; repeats are counted once. A document's sketch
// from its text and from its paragraph shingles differ (shingles that cross paragraph
// boundaries), so one run must use one or the other throughout.
func (s *DocSketcher) SketchHashes(h []uint64) DocSketch {
	s.hs = append(s.hs[:0], h...)
	for i := range s.hs {
		s.hs[i] = mix(s.hs[i] ^ seedDoc)
	}
	return s.sketch()
}

func (s *DocSketcher) sketch() DocSketch {
	var sk DocSketch
	if len(s.hs) == 0 {
		return sk
	}
	var mins [docBins]uint64
	for i := range mins {
		mins[i] = docEmpty
	}
	sk.n = uint32(min(uint64(s.fill(&mins)), math.MaxUint32))
	densify(&mins)
	for t := range sk.bands {
		key := mix(seedDocBand + uint64(t)*0x9e37_79b9_7f4a_7c15)
		for _, v := range mins[t*docRows : (t+1)*docRows] {
			key = mix(key ^ v)
		}
		sk.bands[t] = key
	}
	for i := 0; i < docBins; i += 2 {
		lo := mix(mins[i]^nibSalt(i)) >> 60
		hi := mix(mins[i+1]^nibSalt(i+1)) >> 60
		sk.sig[i/2] = byte(lo | hi<<4)
	}
	return sk
}

func nibSalt(i int) uint64 { return seedDocNib + uint64(i)*0x9e37_79b9_7f4a_7c15 }

// fill puts the shingle hashes s.hs into their bins and returns how many are distinct.
// The bins come first, in a loop of their own without a branch: a bin takes a new
// minimum for about half of a document's shingles, a branch no processor predicts
// (with it, fill took 6.2 ns a shingle of a 600-shingle document, now 2.2; the whole
// sketch 9.0 and 5.1 in BenchmarkSketchHashes).
func (s *DocSketcher) fill(mins *[docBins]uint64) int {
	for _, h := range s.hs {
		b := h >> docValBits
		mins[b] = min(mins[b], h&(1<<docValBits-1))
	}
	size, shift := 16, 60
	for size < 2*len(s.hs) {
		size <<= 1
		shift--
	}
	if cap(s.set) < size {
		s.set = make([]uint64, size)
	}
	set := s.set[:size]
	clear(set)
	mask := size - 1
	n := 0
	for _, h := range s.hs {
		k := h | 1 // 0 marks a free slot
		// the hashes are well mixed: their top bits are a slot
		for i := int(h >> shift); ; i = (i + 1) & mask {
			c := set[i]
			if c == k {
				break
			}
			if c == 0 {
				set[i] = k
				n++
				break
			}
		}
	}
	return n
}

// densifyOrder holds, for every bin i, the order in which an empty bin i looks for a
// non-empty bin to borrow from (t[0][i]), and the ranks by lender (t[1][j][i] is the
// rank of bin j in bin i's order). Both are fixed for all documents, which is what
// makes borrowing consistent between two sketches.
var densifyOrder = sync.OnceValue(func() *[2][docBins][docBins]uint8 {
	var t [2][docBins][docBins]uint8
	var pri [docBins]uint64
	for i := range docBins {
		perm := &t[0][i]
		for j := range docBins {
			pri[j] = mix(seedDocPerm ^ uint64(i)<<8 ^ uint64(j))
			perm[j] = uint8(j)
		}
		slices.SortFunc(perm[:], func(a, b uint8) int {
			if pri[a] < pri[b] {
				return -1
			}
			if pri[a] > pri[b] {
				return 1
			}
			return int(a) - int(b)
		})
		for r, j := range perm {
			t[1][j][i] = uint8(r)
		}
	}
	return &t
})

// densify fills every empty bin with the value of the first non-empty bin in its
// borrowing order. Both ways of finding that bin give the same bin, without a branch
// that depends on the data inside their inner loops: with few non-empty bins, the one
// of lowest rank among them (a minimum over their rows of ranks, eight bins to a word);
// otherwise a walk along the order eight bins at a time, which leaves the loop on a
// branch that is mostly taken the first or second time (walking one bin at a time
// mispredicts the exit of nearly every walk).
func densify(mins *[docBins]uint64) {
	var full [docBins / 64]uint64 // bit i: bin i is not empty
	m := 0
	for w := range full {
		var f uint64
		for b, v := range mins[w*64 : w*64+64] {
			x := v + 1 // 0 for an empty bin only
			f |= ((x | -x) >> 63) << b
		}
		full[w] = f
		m += bits.OnesCount64(f)
	}
	if m == 0 || m == docBins {
		return
	}
	t := densifyOrder()
	if m <= densifyFew {
		// the lowest rank each bin gives a non-empty bin, eight bins to a word: a
		// minimum over the non-empty bins' rows of ranks, byte by byte
		var low [docBins / 8]uint64
		for i := range low {
			low[i] = ^uint64(0)
		}
		for w, f := range full {
			for ; f != 0; f &= f - 1 {
				row := &t[1][w*64+bits.TrailingZeros64(f)]
				for i := range low {
					low[i] = minBytes(low[i], binary.LittleEndian.Uint64(row[i*8:i*8+8]))
				}
			}
		}
		for w, f := range full {
			for e := ^f; e != 0; e &= e - 1 {
				i := w*64 + bits.TrailingZeros64(e)
				rank := uint8(low[i/8] >> (8 * (i % 8)))
				mins[i] = mins[t[0][i][rank]]
			}
		}
		return
	}
	var isFull [docBins]uint8
	for w, f := range full {
		for ; f != 0; f &= f - 1 {
			isFull[w*64+bits.TrailingZeros64(f)] = 1
		}
	}
	for w, f := range full {
		for e := ^f; e != 0; e &= e - 1 {
			i := w*64 + bits.TrailingZeros64(e)
			perm := &t[0][i]
			for k := 0; k < docBins; k += 8 {
				c := binary.LittleEndian.Uint64(perm[k : k+8])
				hit := isFull[uint8(c)] | isFull[uint8(c>>8)]<<1 | isFull[uint8(c>>16)]<<2 |
					isFull[uint8(c>>24)]<<3 | isFull[uint8(c>>32)]<<4 | isFull[uint8(c>>40)]<<5 |
					isFull[uint8(c>>48)]<<6 | isFull[uint8(c>>56)]<<7
				if hit != 0 {
					mins[i] = mins[uint8(c>>(8*bits.TrailingZeros8(hit)))]
					break
				}
			}
		}
	}
}

// minBytes returns the unsigned minimum of a and b in each of their eight bytes.
func minBytes(a, b uint64) uint64 {
	const tops = 0x8080_8080_8080_8080
	// in each byte's top bit: a's low seven bits are at least b's (no borrow leaves a
	// byte: its top bit is set on the left of the minus and clear on the right)
	lowGE := (a | tops) - (b &^ tops)
	// a >= b: a's top bit alone is set, or both are equal and the low bits decide
	ge := (a&^b | ^(a^b)&lowGE) & tops
	mask := (ge >> 7) * 0xff
	return b&mask | a&^mask
}

// densifyFew is the number of non-empty bins up to which densify takes the minimum rank
// (BenchmarkDensify: from about 20 non-empty bins on, walking the orders is faster).
const densifyFew = 20

// DocStats counts what a DocIndex decided.
type DocStats struct {
	Docs       int64 // documents added
	Kept       int64 // documents kept (not near-duplicates)
	Dups       int64 // near-duplicates of an earlier kept document
	Empty      int64 // documents without shingles: kept, never indexed
	Candidates int64 // candidate pairs verified against a stored signature
	Rejected   int64 // candidates the verification turned down
	Replaced   int64 // duplicates that replaced the earlier, smaller document (Place)
	Bytes      int64 // memory held by the index
}

// DocIndex finds document-level near-duplicates among documents added in input order.
// It is not safe for concurrent use: sketches are computed in parallel, and added by
// one goroutine in input order.
type DocIndex struct {
	threshold float64
	docs      int64
	recs      [][]docRec // chunks of docChunk records, one record per kept document
	nrecs     int
	tabs      [docTables]bandTable
	stats     DocStats
	sink      uint64    // keeps the touching loads of Add
	spill     *docSpill // signatures written out past a budget (UseSpool)
}

// docRec is what the index keeps of a kept document.
type docRec struct {
	ord uint32 // input ordinal
	n   uint32 // distinct shingles
	sig [docSigBytes]byte
}

const (
	docChunk  = 4096 // records a chunk
	docTables = 256  // band tables, chosen by the band key's top byte
)

// NewDocIndex returns an empty DocIndex for c; zero fields take their defaults.
func NewDocIndex(c DocConfig) *DocIndex {
	x := &DocIndex{threshold: c.withDefaults().Threshold}
	for i := range x.tabs {
		// staggered initial sizes (64 to 95 slots) spread the growth of the tables
		x.tabs[i].slots = make([]uint64, int(64*math.Pow(1.5, float64(i)/docTables)))
	}
	return x
}

// Add adds the next document, ordinal Stats().Docs (0, 1, 2, … in input order). If the
// document is a near-duplicate of an earlier kept document (estimated containment at
// least the threshold, verified on the stored signature), Add returns the ordinal of
// the earliest such document and true, and the document is not indexed. Otherwise the
// document is kept and indexed, and Add returns -1 and false. A sketch without
// shingles is never a duplicate and is not indexed.
func (x *DocIndex) Add(sk DocSketch) (dupOf int, ok bool) {
	m := x.Place(sk, nil)
	return m.Of, m.Of >= 0
}

// Match is what DocIndex.Place decided about a document.
type Match struct {
	// Of is the ordinal of the earlier kept document the new one is a near-duplicate
	// of, or -1.
	Of int
	// Replaced reports that the new document is kept in place of document Of, which
	// is dropped as its duplicate.
	Replaced bool
}

// Place is Add, except that the fuller copy stays: when the new document is a
// near-duplicate of an earlier kept one that has fewer distinct shingles, and
// replaceable(ordinal of the earlier one) allows it, the new document replaces the
// earlier one in the index and is kept, and the earlier one is the duplicate. A trimmed
// copy that comes before its original in the input (files walked in name order put a
// site's copy before the original on another site) then gives way to the original
// instead of keeping it out. The caller decides which documents may still be dropped
// (one that copies were already dropped in favour of, say, may not). With a nil
// replaceable, Place is Add.
func (x *DocIndex) Place(sk DocSketch, replaceable func(ord int) bool) Match {
	ord := x.docs
	x.docs++
	if sk.n == 0 {
		x.stats.Empty++
		return Match{Of: -1}
	}
	// Touch the home slot of every band first: the loads are independent, so the
	// memory system serves the cache misses in parallel rather than one by one.
	var touch uint64
	for _, key := range sk.bands {
		t := &x.tabs[key>>56]
		touch += t.slots[t.home(bandFP(key))]
	}
	x.sink = touch
	var cands [docBands]uint32
	var held uint32 // bit t: band t is held by an earlier document
	nc := 0
	for t, key := range sk.bands {
		r, found := x.tabs[key>>56].find(bandFP(key))
		if !found {
			continue
		}
		held |= 1 << t
		if !slices.Contains(cands[:nc], r) {
			cands[nc] = r
			nc++
		}
	}
	slices.Sort(cands[:nc]) // record numbers grow with input order: earliest first
	for _, r := range cands[:nc] {
		x.stats.Candidates++
		rec, spilled := x.record(r)
		if !(float64(sk.n) >= docMinSizeRatio*float64(rec.n)) {
			x.stats.Rejected++
			continue
		}
		if spilled {
			if outOfReach(&sk, rec, x.threshold) {
				x.stats.Rejected++
				continue
			}
			x.spill.readSig(r, rec)
		}
		j := estJaccard(sigMatches(&sk.sig, &rec.sig))
		if estContainedIn(j, sk.n, rec.n) >= x.threshold {
			x.stats.Dups++
			if sk.n > rec.n && replaceable != nil && replaceable(int(rec.ord)) && ord < math.MaxUint32 {
				old := int(rec.ord)
				rec.ord, rec.n, rec.sig = uint32(ord), sk.n, sk.sig
				if spilled {
					x.spill.replace(r, rec)
				}
				x.insertBands(&sk, held, r)
				x.stats.Replaced++
				return Match{Of: old, Replaced: true}
			}
			return Match{Of: int(rec.ord)}
		}
		x.stats.Rejected++
	}
	x.stats.Kept++
	if uint64(ord) >= math.MaxUint32 || uint64(x.nrecs) >= math.MaxUint32 {
		return Match{Of: -1}
	}
	r := uint32(x.nrecs)
	if x.nrecs%docChunk == 0 {
		if x.spill != nil {
			x.spill.out(x)
		}
		x.recs = append(x.recs, make([]docRec, 0, docChunk))
	}
	c := &x.recs[len(x.recs)-1]
	*c = append(*c, docRec{ord: uint32(ord), n: sk.n, sig: sk.sig})
	x.nrecs++
	x.insertBands(&sk, held, r)
	return Match{Of: -1}
}

// insertBands maps the bands of sk that no earlier record holds (not in held) to
// record r: the first document holding a band keeps it.
func (x *DocIndex) insertBands(sk *DocSketch, held uint32, r uint32) {
	for t, key := range sk.bands {
		if held&(1<<t) == 0 {
			x.tabs[key>>56].insert(bandFP(key), r)
		}
	}
}

// Len returns the number of documents indexed as kept.
func (x *DocIndex) Len() int { return x.nrecs }

// Stats returns the counts so far and the memory held.
func (x *DocIndex) Stats() DocStats {
	s := x.stats
	s.Docs = x.docs
	s.Bytes = int64(len(x.recs)) * (docChunk*int64(recSize) + 24)
	if x.spill != nil {
		s.Bytes -= int64(x.spill.chunks) * docChunk * docSigBytes
	}
	for i := range x.tabs {
		s.Bytes += 8 * int64(len(x.tabs[i].slots))
	}
	return s
}

const recSize = 8 + docSigBytes

// bandFP is the part of a band key a table stores: its low 32 bits, never 0.
func bandFP(key uint64) uint32 { return max(uint32(key), 1) }

// bandTable maps band key fingerprints to the record number of the first kept document
// holding the band: open addressing, linear probing, no deletion. A slot is fp<<32 |
// record, 0 when free; a key's home slot is derived from its fingerprint, so the table
// can grow without the full keys.
type bandTable struct {
	slots []uint64
	n     int
}

func (t *bandTable) home(fp uint32) int {
	return int((uint64(fp) * uint64(len(t.slots))) >> 32)
}

// find returns the record holding fp.
func (t *bandTable) find(fp uint32) (uint32, bool) {
	for i := t.home(fp); ; {
		s := t.slots[i]
		if s == 0 {
			return 0, false
		}
		if uint32(s>>32) == fp {
			return uint32(s), true
		}
		if i++; i == len(t.slots) {
			i = 0
		}
	}
}

// insert maps fp, which find did not find, to rec. The table grows by half when it
// would be more than 7/8 full.
func (t *bandTable) insert(fp, rec uint32) {
	if 8*(t.n+1) > 7*len(t.slots) {
		old := t.slots
		t.slots = make([]uint64, len(old)*3/2)
		for _, s := range old {
			if s != 0 {
				t.place(s)
			}
		}
	}
	t.place(uint64(fp)<<32 | uint64(rec))
	t.n++
}

// place puts slot value s in the first free slot from its home.
func (t *bandTable) place(s uint64) {
	for i := t.home(uint32(s >> 32)); ; {
		if t.slots[i] == 0 {
			t.slots[i] = s
			return
		}
		if i++; i == len(t.slots) {
			i = 0
		}
	}
}

// docSketchBytes is the size of an encoded DocSketch (AppendBinary).
const docSketchBytes = docSigBytes + 8*docBands + 4

// AppendBinary appends the sketch's encoding to b (the staged path hands sketches from
// apply to place in Parquet); the zero sketch encodes as nothing.
func (sk DocSketch) AppendBinary(b []byte) []byte {
	if sk == (DocSketch{}) {
		return b
	}
	b = append(b, sk.sig[:]...)
	for _, h := range sk.bands {
		b = binary.LittleEndian.AppendUint64(b, h)
	}
	return binary.LittleEndian.AppendUint32(b, sk.n)
}

// UnmarshalBinary sets sk from an encoding of AppendBinary.
func (sk *DocSketch) UnmarshalBinary(b []byte) error {
	if len(b) == 0 {
		*sk = DocSketch{}
		return nil
	}
	if len(b) != docSketchBytes {
		return fmt.Errorf("dedup: a document sketch is %d bytes, not %d", docSketchBytes, len(b))
	}
	copy(sk.sig[:], b)
	b = b[docSigBytes:]
	for i := range sk.bands {
		sk.bands[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	sk.n = binary.LittleEndian.Uint32(b[8*docBands:])
	return nil
}
