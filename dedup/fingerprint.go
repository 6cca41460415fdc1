package dedup

import (
	"math/bits"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
)

// Config sets how documents are segmented and fingerprinted.
type Config struct {
	Split Split
	// Shingle is k, the number of words in a word shingle (default 5).
	Shingle int
	// CharShingle is the number of characters in a character shingle, used for
	// paragraphs of fewer than Shingle words (default 5).
	CharShingle int
	// lazyBands leaves Para.bands zero; Index.Add computes those it counts (none of a
	// paragraph whose key is in MinDocs documents already). Pass 2 of Clean sets it
	// (Judge needs no bands: Index.NearDocs); pass 1 does not, so that its workers
	// compute the bands in parallel rather than Add on its one goroutine.
	lazyBands bool
	// lazyTitle leaves Doc.TitleKey zero; Judge normalizes the title when the template
	// rule needs it, which is rarely. Pass 2 sets it; Index.Add needs the key.
	lazyTitle bool
	// known, when set, recognises a paragraph by the hash of its raw bytes as exact
	// boilerplate: it fills the zero Para it is given with what Judge needs of it and
	// reports true, so that pass 2 does not normalize it again (Index.knownRaw).
	known func(raw uint64, p *Para) bool
	// prefetch, when set with known, is given the raw hashes of all of a document's
	// paragraphs before known is asked about any of them, and returns any value read
	// from the slots known will look at (Index.prefetchFrequent, Index.prefetchKnown).
	// Its loads are independent of each other, so the memory system serves them at
	// once instead of one cache miss at a time; it changes only speed.
	prefetch func(raws []uint64) uint64
	// wantRest, when set, decides for each prefix of a short paragraph whether its
	// Para.rest is computed (hashing the rest of the paragraph); the others stay zero.
	// Index.Add reads no Rest, and Judge only the Rest of a prefix that MinDocs
	// documents or more start with. Pass 1 computes none. (Pass 2 computes all: most
	// short paragraphs start with a common word, and asking cost more than it saved.)
	wantRest func(prefix uint64) bool
}

// DefaultConfig returns the defaults of DESIGN.md.
func DefaultConfig() Config { return Config{Split: SplitAuto, Shingle: 5, CharShingle: 5} }

// Paragraph MinHash: Bands bands of Rows minimums each, one minimum per fixed
// multiply-add permutation of the shingle hashes. Two paragraphs with shingle Jaccard
// similarity J share a given band with probability J^Rows; see docs/dedup.md for the
// S-curve. (One-permutation hashing is faster but its bins are correlated on the short
// sets paragraphs make: it more than doubled the content lost on the dev corpus.)
const (
	Bands = 8
	Rows  = 8
)

// permA and permB are the multipliers (odd) and offsets of the permutations, drawn once
// from splitmix64 of fixed seeds; each gives four rows (see bandKeys).
var permA, permB = func() (a, b [Bands * Rows / 4]uint64) {
	for i := range a {
		a[i] = mix(uint64(2*i+1)*0x9e3779b97f4a7c15) | 1
		b[i] = mix(uint64(2*i+2) * 0x9e3779b97f4a7c15)
	}
	return
}()

// Para is one paragraph's fingerprint.
type Para struct {
	Span
	// Key is the xxhash64 of the normalized paragraph (Normalize): the exact key.
	Key uint64
	// ShapeKey is the xxhash64 of the digit-folded form (Shape); it equals Key when
	// folding changed nothing.
	ShapeKey uint64
	// Shingles of this paragraph are Doc.Shingles[lo:hi].
	lo, hi int32
	// Words is the number of word tokens; Short is Words < k (character shingles).
	Words int32
	Short bool
	// Numbers is how many numbers the paragraph holds (a table row holds several).
	Numbers int32
	// Raw is the xxhash64 of the paragraph's bytes as they are in the input.
	Raw uint64
	// known marks a paragraph that Config.known recognised by Raw as boilerplate: it was
	// not normalized again and has no shingles, prefixes or bands. docs is then the
	// number of documents holding its key.
	known bool
	docs  int32
	// prefix[i] and rest[i] split a short paragraph after its first i+1 words: the
	// namespaced hash of the prefix and the exact key of the remainder (comparable with
	// TitleKey). Zero where the paragraph is too short or too long (see TemplateWords),
	// and rest[i] where Config.wantRest declined it.
	prefix, rest [TemplatePrefix]uint64
	// bands are the LSH band keys of the paragraph's MinHash (all zero when it has no
	// shingles). Paragraphs that share a band key are near-duplicates with high
	// probability.
	bands [Bands]uint64
}

// Doc is the fingerprint of one document: its paragraphs and their shingles. A Doc is
// reused from document to document to avoid allocation.
type Doc struct {
	Paras    []Para
	Shingles []uint64
	// Hash is the xxhash64 of the document's text: exact copies share it (see Copy
	// groups).
	Hash uint64
	// TitleKey is the exact key of the document's title (Fingerprinter.Title), 0 if none
	// (and with Config.lazyTitle, until Judge needs it).
	TitleKey uint64
	title    string // with Config.lazyTitle: the title, while TitleKey is not computed
	lazy     bool
	size     int // bytes of the text
}

// growSet is a scratch set of hashes for one document: reset sizes it for the number of
// hashes to come and empties it. Hashes are well mixed, so a slot is found by their
// low bits; 0 marks a free slot and is kept apart.
type growSet struct {
	slots []uint64
	mask  uint64
	zero  bool
}

// scratchSize is the number of slots of a document's scratch table for n hashes: a
// power of two, at least 16 and twice n.
func scratchSize(n int) int {
	size := 16
	for size < 2*n {
		size *= 2
	}
	return size
}

func (s *growSet) reset(n int) {
	size := scratchSize(n)
	if cap(s.slots) < size {
		s.slots = make([]uint64, size)
	}
	s.slots = s.slots[:size]
	clear(s.slots)
	s.mask = uint64(size - 1)
	s.zero = false
}

func (s *growSet) has(v uint64) bool {
	if v == 0 {
		return s.zero
	}
	for i := (v ^ v>>29) & s.mask; ; i = (i + 1) & s.mask {
		switch s.slots[i] {
		case v:
			return true
		case 0:
			return false
		}
	}
}

// add puts v in the set and reports whether it was new; at most the n given to reset
// may be added.
func (s *growSet) add(v uint64) bool {
	if v == 0 {
		fresh := !s.zero
		s.zero = true
		return fresh
	}
	for i := (v ^ v>>29) & s.mask; ; i = (i + 1) & s.mask {
		switch s.slots[i] {
		case v:
			return false
		case 0:
			s.slots[i] = v
			return true
		}
	}
}

// distinct removes repeats from h in place, keeping first occurrences in order, and
// returns it.
func (s *growSet) distinct(h []uint64) []uint64 {
	if len(h) < 2 {
		return h
	}
	s.reset(len(h))
	out := h[:0]
	for _, v := range h {
		if s.add(v) {
			out = append(out, v)
		}
	}
	return out
}

// Tabular reports whether the document looks like a table: at least five paragraphs,
// and three in ten or more, hold two numbers or more.
func (d *Doc) Tabular() bool {
	rows := 0
	for _, p := range d.Paras {
		if p.Numbers >= 2 {
			rows++
		}
	}
	return rows >= 5 && 10*rows >= 3*len(d.Paras)
}

// ParaShingles returns the shingles of paragraph i.
func (d *Doc) ParaShingles(i int) []uint64 {
	p := d.Paras[i]
	return d.Shingles[p.lo:p.hi]
}

// Fingerprinter segments, normalizes and fingerprints documents. It keeps scratch
// buffers, so it is not safe for concurrent use: give each worker its own.
type Fingerprinter struct {
	cfg   Config
	n     normalizer
	spans []Span
	thash []uint64
	raws  []uint64 // raw hashes of the current document's paragraphs
	// titles remembers recent titles and their keys, direct-mapped by hash
	titles *[titleMemo]titleEntry
	sink   uint64 // keeps the loads of prefetching
}

// NewFingerprinter returns a Fingerprinter for cfg; zero fields take their defaults.
func NewFingerprinter(cfg Config) *Fingerprinter {
	def := DefaultConfig()
	if cfg.Shingle <= 0 {
		cfg.Shingle = def.Shingle
	}
	if cfg.CharShingle <= 0 {
		cfg.CharShingle = def.CharShingle
	}
	f := &Fingerprinter{cfg: cfg}
	f.titles = new([titleMemo]titleEntry)
	return f
}

// FingerprintVersion names how this build fingerprints text: its normalization,
// hashes, shingles and bands. Builds of one version give the same keys; the staged
// path's stages refuse files of another, so that no stage counts or judges keys a
// different build made. TestFingerprintVersion fails when a change gives other keys.
const FingerprintVersion = 2

// Hash namespaces: a word shingle, a character shingle and a paragraph key never
// collide by construction, even when their texts are equal.
const (
	seedWord   = 0x77c3_1a5e_0b2d_9f41
	seedChar   = 0x3c6e_f372_fe94_f82b
	seedPrefix = 0x1f83_d9ab_fb41_bd6b
	seedShape  = 0x5be0_cd19_137e_2179
)

// Template boilerplate ("Read more: ‹headline›"): paragraphs of at most TemplateWords
// words are split after each of their first TemplatePrefix words.
const (
	TemplatePrefix = 4
	TemplateWords  = 30
)

// mix is the splitmix64 finalizer: it spreads a namespaced hash over all 64 bits.
func mix(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

// Title returns the exact key of a title: the key a paragraph holding the same words
// would have; 0 for an empty title.
func (f *Fingerprinter) Title(title string) uint64 {
	if title == "" {
		return 0
	}
	if len(title) > titleMemoLen {
		return titleKey(&f.n, title)
	}
	e := &f.titles[xxhash.Sum64String(title)&(titleMemo-1)]
	if e.title == title {
		return e.key
	}
	e.title, e.key = title, titleKey(&f.n, title)
	return e.key
}

// titleMemo is the number of titles a Fingerprinter remembers the keys of (a story's
// title comes back with every copy of it), and titleMemoLen the longest title it keeps,
// so that a scrape that put whole pages in the title field cannot pin them.
const (
	titleMemo    = 1 << 12
	titleMemoLen = 512
)

// titleEntry is a remembered title and its key.
type titleEntry struct {
	title string
	key   uint64
}

func titleKey(n *normalizer, title string) uint64 {
	n.run(title)
	if len(n.exact) == 0 {
		return 0
	}
	return xxhash.Sum64(n.exact)
}

// Doc fills d with the fingerprint of the document text with the given title.
func (f *Fingerprinter) Doc(title, text string, d *Doc) {
	if f.cfg.lazyTitle {
		d.TitleKey, d.title, d.lazy = 0, title, true
	} else {
		d.TitleKey, d.title, d.lazy = f.Title(title), "", false
	}
	d.Paras = d.Paras[:0]
	d.Shingles = d.Shingles[:0]
	d.Hash, d.size = xxhash.Sum64String(text), len(text)
	f.spans = Segment(f.spans[:0], text, f.cfg.Split)
	f.raws = f.raws[:0]
	for _, s := range f.spans {
		f.raws = append(f.raws, xxhash.Sum64String(text[s.Start:s.End]))
	}
	f.prefetch()
	for i, s := range f.spans {
		t := text[s.Start:s.End]
		raw := f.raws[i]
		// each Para (about 200 bytes) is filled in place: most paragraphs of a scraped
		// corpus take one of the short ways below, of which copying it was a good part
		d.Paras = append(d.Paras, Para{})
		p := &d.Paras[len(d.Paras)-1]
		if f.cfg.known != nil {
			if f.cfg.known(raw, p) {
				p.Span, p.Raw, p.known = s, raw, true
				p.lo = int32(len(d.Shingles))
				p.hi = p.lo
				continue
			}
			*p = Para{}
		}
		f.para(t, s, d, p)
		p.Raw = raw
	}
}

// prefetch touches, for every paragraph of the document, the slot Known will look at:
// the tables are far larger than the caches, and loads issued together overlap, where
// lookups made one paragraph at a time wait for each miss.
func (f *Fingerprinter) prefetch() {
	if f.cfg.known != nil && f.cfg.prefetch != nil {
		f.sink += f.cfg.prefetch(f.raws)
	}
}

// para fingerprints the paragraph text at span s into p, a zero Para, and appends its
// shingles to d.Shingles.
func (f *Fingerprinter) para(text string, s Span, d *Doc, p *Para) {
	n := &f.n
	n.run(text)
	p.Span, p.Key, p.Words, p.Numbers = s, xxhash.Sum64(n.exact), int32(len(n.tokens)), int32(n.numbers)
	p.ShapeKey = p.Key
	if shape := n.shapeForm(); string(shape) != string(n.exact) {
		// namespaced: a shape key is never the exact key of another paragraph, so the
		// two kinds of key count apart (the staged path's SQL counts them that way)
		p.ShapeKey = mix(xxhash.Sum64(shape) ^ seedShape)
	}
	p.lo = int32(len(d.Shingles))
	k := f.cfg.Shingle
	if len(n.tokens) >= k {
		// a shingle hashes the hashes of its k tokens, so each token is read once
		f.thash = f.thash[:0]
		for _, t := range n.tokens {
			f.thash = append(f.thash, sum64Short(n.exact[t.start:t.end]))
		}
		for i := 0; i+k <= len(f.thash); i++ {
			h := uint64(seedWord)
			for _, t := range f.thash[i : i+k] {
				h = (bits.RotateLeft64(h, 27) ^ t) * 0x9e37_79b9_7f4a_7c15
			}
			d.Shingles = append(d.Shingles, mix(h))
		}
	} else if len(n.shapeForm()) > 0 {
		p.Short = true
		d.Shingles = charShingles(d.Shingles, n.exact, f.cfg.CharShingle)
	}
	if w := len(n.tokens); w >= 2 && w <= TemplateWords {
		for i := 0; i < TemplatePrefix && i+1 < w; i++ {
			p.prefix[i] = mix(xxhash.Sum64(n.exact[:n.tokens[i].end]) ^ seedPrefix)
			if f.cfg.wantRest == nil || f.cfg.wantRest(p.prefix[i]) {
				p.rest[i] = xxhash.Sum64(n.exact[n.tokens[i+1].start:])
			}
		}
	}
	p.hi = int32(len(d.Shingles))
	if p.hi > p.lo && !f.cfg.lazyBands {
		p.bands = bandKeys(d.Shingles[p.lo:p.hi])
	}
}

// bands returns the band keys of p, one of d's paragraphs, computing them first when
// Config.lazyBands left them out.
func (d *Doc) bands(p *Para) *[Bands]uint64 {
	if p.hi > p.lo && p.bands == ([Bands]uint64{}) {
		p.bands = bandKeys(d.Shingles[p.lo:p.hi])
	}
	return &p.bands
}

// bandKeys returns the LSH band keys of the MinHash of the shingle set sh (not empty).
func bandKeys(sh []uint64) (keys [Bands]uint64) {
	// Each multiply-add gives four rows, its four 16-bit quarters: the top ones are
	// functions of all of h, the lowest a permutation of h's low 16 bits (the
	// multiplier is odd). Shingle hashes are uniform, so all four are MinHash rows, for
	// a quarter of the multiplies; 16 bits a row make a chance tie of two minimums rare
	// at paragraph sizes (about one in 2,000 for 30 shingles), and eight rows make a
	// band of 128 bits. rows[i] holds the four rows of permutation i, a 16-bit
	// quarter each.
	var rows [Bands * Rows / 4]uint64
	minRows(sh, &rows)
	const perBand = Rows / 4
	for b := range keys {
		k := uint64(b) + 0x2545_f491_4f6c_dd1d
		for _, r := range rows[b*perBand : (b+1)*perBand] {
			k = mix(k ^ r)
		}
		keys[b] = k
	}
	return keys
}

// minRowsGeneric sets rows[i] to the four row minimums of permutation i over sh, a
// 16-bit quarter each (all ones when sh is empty); minRows may run a vector version.
// One permutation at a time over all shingles: its four minimums stay in registers.
func minRowsGeneric(sh []uint64, rows *[Bands * Rows / 4]uint64) {
	for i := range rows {
		a, b := permA[i], permB[i]
		m0, m1, m2, m3 := ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)
		for _, h := range sh {
			v := h*a + b
			m0 = min(m0, v&0xffff)
			m1 = min(m1, v>>16&0xffff)
			m2 = min(m2, v>>32&0xffff)
			m3 = min(m3, v>>48)
		}
		rows[i] = m0 | m1<<16 | m2<<32 | m3<<48
	}
}

// charShingles appends the hashes of the n-rune windows of b (or of b whole when it
// is shorter than n runes).
func charShingles(dst []uint64, b []byte, n int) []uint64 {
	if utf8.RuneCount(b) <= n {
		return append(dst, mix(xxhash.Sum64(b)^seedChar))
	}
	// ends[i] is the byte offset after rune i; a window is runes [i-n+1, i]
	var starts [64]int
	ring := starts[:0]
	if n > len(starts) {
		ring = make([]int, 0, n)
	}
	ring = ring[:n]
	r := 0
	for i := 0; i < len(b); {
		_, size := utf8.DecodeRune(b[i:])
		ring[r%n] = i
		r++
		i += size
		if r >= n {
			start := ring[r%n]
			dst = append(dst, mix(sum64Short(b[start:i])^seedChar))
		}
	}
	return dst
}
