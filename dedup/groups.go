package dedup

import (
	"bufio"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"sync"

	"golang.org/x/sync/semaphore"
)

// Copy groups
//
// A story scraped twice, re-published without its site's header, or syndicated to ten
// sites must not make its own paragraphs boilerplate. So pass 1 counts copies of one
// story once: every count the rules read (paragraph keys, shape keys, band keys,
// prefixes, per-source keys and documents) is a count of copy groups, not of
// documents.
//
// A group is decided from the documents' own long paragraphs (CopyWords words or
// more), and from nothing that depends on the input order:
//
//  1. a document's node is the hash of its text: exact copies are one node;
//  2. the anchors of a long paragraph are the two smallest nodes holding it (nodes
//     compare as signed 64-bit integers, as SQL's BIGINT does), and a node's story is
//     its long paragraphs but those in more than twice as many documents as its
//     median word (its site's template: see story);
//  3. a node whose story holds 2×CopyWords words or more is compared with each anchor
//     (but itself) its story paragraphs anchor on for a fifth of their words or more;
//     the two are copies when the words of story paragraphs they share are at least
//     half of the story words of both (CopyShare) and at least CopyWords;
//  4. a node's group is named by the smallest node within maxHops copy links of it
//     (label): the copies of a story, linked in any pattern.
//
// Two anchors and links both ways, not one anchor and a link to a smaller node only:
// a story in five copies, a word edited in three of them, could anchor its paragraphs
// on an edited copy that shares half of its story or less with another edited copy,
// which then had no smaller copy to link to and made a group of its own (in
// TestSyndicatedWithEditsIsOneGroup 200 of 750 copies; on gen_corpus seed 1 a story
// split into three groups and its copies lost their text as boilerplate). Links both
// ways with one anchor still split that story; with two, none of seeds 1 to 4.
//
// Two pages of one site share its header and footer, but those are in all its pages,
// not in the few documents of one story, and are no part of either's story; where a
// site has two pages only, its template lines are short, and half of both pages is
// asked for: they do not link. A copy without the
// header and footer, or with another site's, or with a word edited, shares most of its
// words with the original, which shares most of its own with the copy. Because the
// anchors are the minima over all holders, and the links are a function of the anchors,
// the groups are the same whatever the order of the documents or the number of
// workers, and a GROUP BY over (paragraph, node) rows computes them as well.
//
// Counting: Add counts every document's keys as it comes and writes what it counted
// (the distinct hashes it added to each table), its long paragraphs and its band keys to
// a spool, one record a document. Seal finds the anchors from the records (anchored),
// decides the groups, then reads back the records of the documents in groups of two or
// more and takes back, for each hash, every count after a group's first: a hash held by
// k members of a group is counted once. Only the members of groups are read again. The
// band keys are then counted from the records (countBands).

// maxHops bounds how many copy links a document's group is looked for through.
const maxHops = 8

// Spool holds the records of pass 1 until Seal reads them back. A file is one
// (pipeline uses a temporary file); NewIndexFor keeps them in memory when given nil.
type Spool interface {
	io.Writer
	io.ReaderAt
}

// memSpool is a Spool in memory. Like a file, it may be read while it is written:
// Seal's chunk workers write buckets while a goroutine reads the records.
type memSpool struct {
	mu sync.RWMutex
	b  []byte
}

func (m *memSpool) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.b = append(m.b, p...)
	return len(p), nil
}

func (m *memSpool) ReadAt(p []byte, off int64) (int, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if off >= int64(len(m.b)) {
		return 0, io.EOF
	}
	n := copy(p, m.b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// anchorPair is the two smallest nodes (signed order) holding a long paragraph: its
// anchors (see Copy groups). b is 0 while there is one (a node of hash 0 is taken for
// 1, as the tables do).
type anchorPair struct{ a, b uint64 }

// add puts node n among the holders, the first holder when fresh.
func (p *anchorPair) add(n uint64, fresh bool) {
	n = fixKey(n)
	switch {
	case fresh:
		p.a, p.b = n, 0
	case n == p.a || n == p.b:
	case int64(n) < int64(p.a):
		p.a, p.b = n, p.a
	case p.b == 0 || int64(n) < int64(p.b):
		p.b = n
	}
}

// nodes returns the anchors and how many there are.
func (p anchorPair) nodes() ([2]uint64, int) {
	if p.b != 0 {
		return [2]uint64{p.a, p.b}, 2
	}
	return [2]uint64{p.a}, 1
}

// node is what the Index keeps of a distinct document text (see Copy groups).
type node struct {
	words uint32 // words of long paragraphs
	first uint32 // ordinal of the first document with this text
}

// longPara is a long paragraph of a record: its key and words.
type longPara struct {
	key   uint64
	words uint32
}

// record is one document's spool record, decoded.
type record struct {
	node               uint64
	src                uint32
	long               []longPara
	story              []bool // long paragraphs of its story (Index.story)
	keys, bands, prefx []uint64
	paras              []paraBands // the paragraphs whose bands were counted
}

// writeRecord appends the spool record of one document to the spool.
func (ix *Index) writeRecord(rec *record) error {
	b := ix.rbuf[:0]
	b = binary.LittleEndian.AppendUint64(b, rec.node)
	b = binary.AppendUvarint(b, uint64(rec.src))
	b = binary.AppendUvarint(b, uint64(len(rec.long)))
	for _, l := range rec.long {
		b = binary.LittleEndian.AppendUint64(b, l.key)
		b = binary.AppendUvarint(b, uint64(l.words))
	}
	for _, hs := range [][]uint64{rec.keys, rec.prefx} {
		b = binary.AppendUvarint(b, uint64(len(hs)))
		for _, h := range hs {
			b = binary.LittleEndian.AppendUint64(b, h)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(rec.paras)))
	for _, p := range rec.paras {
		b = binary.LittleEndian.AppendUint64(b, p.key)
		flag := byte(0)
		if p.short {
			flag = 1
		}
		b = append(b, flag)
		for _, h := range p.bands {
			b = binary.LittleEndian.AppendUint64(b, h)
		}
	}
	ix.rbuf = b
	var head [binary.MaxVarintLen64]byte
	n := binary.PutUvarint(head[:], uint64(len(b)))
	ix.offsets = append(ix.offsets, ix.spoolOff)
	if _, err := ix.spw.Write(head[:n]); err != nil {
		return err
	}
	if _, err := ix.spw.Write(b); err != nil {
		return err
	}
	ix.spoolOff += int64(n + len(b))
	return nil
}

var errRecord = errors.New("dedup: corrupt spool record")

// readRecord reads the record of document ord into rec, whose slices it reuses (see
// decodeRecord for full; it builds no band set).
func (ix *Index) readRecord(ord int, rec *record, full bool) (err error) {
	ix.rbuf, err = ix.readRecordInto(ord, rec, ix.rbuf, full, false)
	return err
}

// readRecordInto is readRecord through buf rather than the Index's buffer, for
// goroutines that read records at once, and with the band set when bandSet; it returns
// buf, grown.
func (ix *Index) readRecordInto(ord int, rec *record, buf []byte, full, bandSet bool) ([]byte, error) {
	b, err := ix.readRecordBytes(ord, buf)
	if err != nil {
		return b, err
	}
	return b, decodeRecord(b, rec, full, bandSet)
}

// readRecordBytes reads the spool record of document ord into buf, grown if it is too
// small, and returns it.
func (ix *Index) readRecordBytes(ord int, buf []byte) ([]byte, error) {
	off, end := ix.recordSpan(ord)
	if int64(cap(buf)) < end-off {
		buf = make([]byte, end-off)
	}
	b := buf[:end-off]
	if _, err := ix.spool.ReadAt(b, off); err != nil && !(errors.Is(err, io.EOF) && len(b) > 0) {
		return b, fmt.Errorf("reading the pass 1 spool: %w", err)
	}
	return b, nil
}

// recordSpan returns where the record of document ord starts and ends in the spool.
func (ix *Index) recordSpan(ord int) (off, end int64) {
	off, end = ix.offsets[ord], ix.spoolOff
	if ord+1 < len(ix.offsets) {
		end = ix.offsets[ord+1]
	}
	return off, end
}

// decodeRecord decodes the spool record b into rec, whose slices it reuses; the keys,
// bands and prefixes only when full, and the set of the document's band keys
// (rec.bands) only with bandSet too.
func decodeRecord(b []byte, rec *record, full, bandSet bool) error {
	n, k := binary.Uvarint(b)
	if k <= 0 || int(n) != len(b)-k {
		return errRecord
	}
	d := decoder{b: b[k:]}
	rec.node = d.u64()
	rec.src = uint32(d.uv())
	nl := int(d.uv())
	if nl > len(d.b)/9 {
		return errRecord
	}
	rec.long = rec.long[:0]
	for range nl {
		key := d.u64()
		rec.long = append(rec.long, longPara{key, uint32(d.uv())})
	}
	if !full {
		return nil
	}
	for _, hs := range []*[]uint64{&rec.keys, &rec.prefx} {
		m := int(d.uv())
		if m > len(d.b)/8 {
			return errRecord
		}
		*hs = (*hs)[:0]
		for range m {
			*hs = append(*hs, d.u64())
		}
	}
	m := int(d.uv())
	if m > len(d.b)/(9+8*Bands) {
		return errRecord
	}
	rec.paras = rec.paras[:0]
	for range m {
		p := paraBands{key: d.u64()}
		if len(d.b) > 0 {
			p.short = d.b[0] == 1
			d.b = d.b[1:]
		}
		for k := range p.bands {
			p.bands[k] = d.u64()
		}
		rec.paras = append(rec.paras, p)
	}
	if d.bad || len(d.b) != 0 {
		return errRecord
	}
	if !bandSet {
		return nil
	}
	// the distinct bands the document counted
	rec.bands = rec.bands[:0]
	for _, p := range rec.paras {
		rec.bands = append(rec.bands, p.bands[:]...)
	}
	slices.Sort(rec.bands)
	rec.bands = slices.Compact(rec.bands)
	return nil
}

// paraBands is a paragraph whose bands a document counted: its key, whether it is
// short, its band keys.
type paraBands struct {
	key   uint64
	short bool
	bands [Bands]uint64
}

// decideNear reads every record once the counts are final and keeps the keys of the
// paragraphs whose bands make them near boilerplate (Index.NearDocs): Judge then looks
// a paragraph up instead of computing its MinHash again. Every paragraph's bands are in
// the records of the first documents holding it (a paragraph's evidence is counted
// until its key is in MinDocs documents).
func (ix *Index) decideNear(minDocs int) error {
	// one goroutine reads the records in order, in chunks of about nearChunk bytes;
	// workers decode them and look their bands up, each into a map of its own (a key's
	// count is the same in every record that holds it: its bands are those of its text)
	workers := chunkWorkers()
	recs := make([]record, workers)
	found := make([]map[uint64]int32, workers)
	for w := range found {
		found[w] = map[uint64]int32{}
	}
	counted := newBandBits(ix.bands.(*partedTable))
	err := ix.eachChunk(nil, func(w int, b []byte) error {
		return ix.nearChunk(b, minDocs, counted, &recs[w], found[w])
	})
	if err != nil {
		return err
	}
	for w := 1; w < workers; w++ {
		maps.Copy(found[0], found[w])
	}
	ix.setNear(found[0])
	return nil
}

// bandBits has a bit set for every band key in the counts (those in two groups or
// more: countRound keeps no other), and a few more. Nearly every band key a record
// holds is in no table, and the bitmap, at 16 bits a key counted (gen_corpus 200 MB:
// 38 k keys, a bitmap of 128 KiB), says so in one load that stays in the caches.
type bandBits struct {
	words []uint64
	shift uint
}

func newBandBits(pt *partedTable) bandBits {
	size := 1 << 16
	for size < 16*pt.len() {
		size <<= 1
	}
	bb := bandBits{words: make([]uint64, size/64), shift: uint(64 - bits.TrailingZeros(uint(size)))}
	for _, t := range pt.tables {
		t.each(func(k uint64, _ uint32) {
			i := bb.bit(k >> 16)
			bb.words[i/64] |= 1 << (i % 64)
		})
	}
	return bb
}

// bit returns the bit of fingerprint fp (packedFP).
func (bb bandBits) bit(fp uint64) uint64 { return fp * 0x9e37_79b9_7f4a_7c15 >> bb.shift }

// maybe reports whether band key h may be counted: false means it is not.
func (bb bandBits) maybe(h uint64) bool {
	i := bb.bit(packedFP(h))
	return bb.words[i/64]&(1<<(i%64)) != 0
}

// nearChunkBytes is the size of the chunks of records that decideNear's workers take.
const nearChunkBytes = 1 << 20

// readChunks reads the spool's records in order and sends them in chunks of whole
// records (each prefixed by its length, as written) to chunks, reusing the buffers
// that come back on free. With only, it sends only the records of the documents i
// with only[i], each after its ordinal (a uvarint).
func (ix *Index) readChunks(chunks chan<- []byte, free <-chan []byte, only []bool) error {
	var cur []byte
	err := ix.eachRecordBytes(func(i int, b []byte) error {
		if only != nil && !only[i] {
			return nil
		}
		if cur == nil {
			select {
			case cur = <-free:
			default:
				cur = make([]byte, 0, nearChunkBytes)
			}
		}
		if only != nil {
			cur = binary.AppendUvarint(cur, uint64(i))
		}
		if cur = append(cur, b...); len(cur) >= nearChunkBytes {
			chunks <- cur
			cur = nil
		}
		return nil
	})
	if err == nil && len(cur) > 0 {
		chunks <- cur
	}
	return err
}

// nearChunk decides the paragraphs of the records in chunk b (see decideNear) into
// near.
func (ix *Index) nearChunk(b []byte, minDocs int, counted bandBits, rec *record, near map[uint64]int32) error {
	for len(b) > 0 {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return errRecord
		}
		if err := decodeRecord(b[:k+int(n)], rec, true, false); err != nil {
			return err
		}
		b = b[k+int(n):]
		for _, p := range rec.paras {
			if n := ix.bandGroups(&p, counted); n >= minDocs {
				near[p.key] = int32(min(n, math.MaxInt32))
			}
		}
	}
	return nil
}

// bandGroups returns the BandQuorum-th largest group count of p's bands
// (ShortBandQuorum for a short paragraph).
func (ix *Index) bandGroups(p *paraBands, counted bandBits) int {
	var c [Bands]int
	for i, b := range p.bands {
		if counted.maybe(b) {
			c[i] = int(ix.bands.get(b).docs)
		}
	}
	slices.Sort(c[:])
	if p.short {
		return c[Bands-ShortBandQuorum]
	}
	return c[Bands-BandQuorum]
}

// decoder reads the fields of a spool record; bad is set when the record ends early.
type decoder struct {
	b   []byte
	bad bool
}

func (d *decoder) u64() uint64 {
	if len(d.b) < 8 {
		d.bad = true
		return 0
	}
	v := binary.LittleEndian.Uint64(d.b)
	d.b = d.b[8:]
	return v
}

func (d *decoder) uv() uint64 {
	v, k := binary.Uvarint(d.b)
	if k <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[k:]
	return v
}

// copyCandidate is the share of a document's long words that must be anchored on
// another document for the two to be compared, as a divisor: a fifth.
const copyCandidate = 5

// candScratch is what one goroutine verifying copy candidates reuses from one
// document to the next (copyEdges).
type candScratch struct {
	rec, cand record
	buf       []byte
	inCand    map[uint64]bool // of cand's long paragraphs, whether each is in its story
	stories   storyScratch
}

// sharedWords returns the words of the long paragraphs that rec and document ord
// both hold, and the story words (storyInto) of each, reading ord's record into sc.cand. A
// paragraph the two share counts in the story of both, even where one of them left it
// out (a wire paragraph that most of a copy's words are rarer than).
func (ix *Index) sharedWords(rec *record, ord int, sc *candScratch) (shared, own, theirs uint32, err error) {
	cand := &sc.cand
	if sc.buf, err = ix.readRecordInto(ord, cand, sc.buf, false, false); err != nil {
		return 0, 0, 0, err
	}
	theirs = ix.storyInto(cand, &sc.stories)
	clear(sc.inCand)
	for k, l := range cand.long {
		sc.inCand[l.key] = cand.story[k]
	}
	own = 0
	for k, l := range rec.long {
		if rec.story[k] {
			own += l.words
		}
		inStory, ok := sc.inCand[l.key]
		if !ok {
			continue
		}
		shared += l.words
		if !rec.story[k] {
			own += l.words
		}
		if !inStory {
			theirs += l.words
		}
	}
	return shared, own, theirs, nil
}

// storyScratch holds the buffers of storyInto, one per goroutine.
type storyScratch struct{ dfs, sorted []dfWords }

// storyInto marks, of rec's long paragraphs, those that tell its story (rec.story),
// and returns their words, with the buffers of sc: a paragraph in more than twice as
// many documents as the median word of the document (its site's header and footer, a
// notice on every page) is the site's, not the story's. A story and its copies are in
// the same few documents; the lines of a site's template are in all its pages.
// (Counts are of documents, as Add left them.)
func (ix *Index) storyInto(rec *record, sc *storyScratch) uint32 {
	sc.dfs = sc.dfs[:0]
	total := uint32(0)
	for _, l := range rec.long {
		// (a key absent from the table is in one document: dropSingleKeys)
		sc.dfs = append(sc.dfs, dfWords{max(ix.keys.get(l.key).docs, 1), l.words})
		total += l.words
	}
	sorted := append(sc.sorted[:0], sc.dfs...)
	sc.sorted = sorted
	slices.SortFunc(sorted, func(a, b dfWords) int { return cmp.Compare(a.df, b.df) })
	median, run := uint32(0), uint32(0)
	for _, x := range sorted {
		run += x.words
		if 2*run >= total {
			median = x.df
			break
		}
	}
	rec.story = rec.story[:0]
	words := uint32(0)
	for i, l := range rec.long {
		in := sc.dfs[i].df <= 2*median
		rec.story = append(rec.story, in)
		if in {
			words += l.words
		}
	}
	return words
}

// anchoredWords is a story paragraph of document doc anchored on another node, and
// its words (group).
type anchoredWords struct {
	doc   uint32
	words uint32
	node  uint64
}

// anchored returns, for each document that looks for copies (look), the paragraphs of
// its story anchored on another node than its own. The anchors are found at Seal, not
// by Add, in rounds of partitions of the long paragraphs' keys (anchorParts), sized so
// that a round's tables stay within the memory budget at any corpus size. In a round,
// the records are read in order and each long key goes to its partition's goroutine,
// which builds that partition's table of anchors (buildAnchors); then workers read the
// records that look again, in chunks, and look their story paragraphs up in the
// round's tables (lookAnchors). Records are read through a buffer (a read call each,
// or a map of the file, cost more: one in every page of a spool a quarter the size of
// the input counts in the resident memory). The result is in no particular order.
func (ix *Index) anchored(look []bool) ([]anchoredWords, error) {
	round := bandRound()
	parts := ix.anchorParts() * round
	ix.anchorKeys, ix.anchorBytes = 0, 0
	var found []anchoredWords
	// with rounds to come, the first reads the records and puts in their buckets the
	// (key, node) pairs of later rounds' tables and the story paragraphs to look up in
	// them (see spoolBuckets)
	var later *anchorBuckets
	if rounds := parts / round; rounds > 1 {
		later = &anchorBuckets{
			pairs: newSpoolBuckets(ix, rounds, 16, appendPair, pairAt),
			asks:  newSpoolBuckets(ix, rounds, 24, appendAsk, askAt),
		}
	}
	for first := 0; first < parts; first += round {
		ts, err := ix.buildAnchors(first, round, parts, later)
		if err == nil {
			found, err = ix.lookAnchors(found, ts, first, parts, look, later)
		}
		var bytes int64
		for i := range ts {
			t := &ts[i]
			ix.anchorKeys += t.len()
			bytes += t.bytes()
			t.slab.free()
		}
		ix.anchorBytes = max(ix.anchorBytes, bytes)
		if err != nil {
			return nil, err
		}
	}
	return found, nil
}

// anchorBatch is how many (key, node) pairs buildAnchors hands a partition at once.
const anchorBatch = 4096

// anchorBuckets are what the later rounds of anchored read instead of the records.
type anchorBuckets struct {
	pairs *spoolBuckets[anchorPair] // (long paragraph key, node) for the tables
	asks  *spoolBuckets[anchorAsk]  // story paragraphs to look up
}

// anchorAsk is a story paragraph of document doc, of node node, to look up.
type anchorAsk struct {
	doc, words uint32
	key, node  uint64
}

func appendPair(b []byte, p anchorPair) []byte {
	return binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(b, p.a), p.b)
}

func pairAt(b []byte) anchorPair {
	return anchorPair{binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:])}
}

func appendAsk(b []byte, a anchorAsk) []byte {
	b = binary.LittleEndian.AppendUint32(b, a.doc)
	b = binary.LittleEndian.AppendUint32(b, a.words)
	b = binary.LittleEndian.AppendUint64(b, a.key)
	return binary.LittleEndian.AppendUint64(b, a.node)
}

func askAt(b []byte) anchorAsk {
	return anchorAsk{binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint32(b[4:]),
		binary.LittleEndian.Uint64(b[8:]), binary.LittleEndian.Uint64(b[16:])}
}

// buildAnchors builds the anchor tables of partitions first to first+n-1 of parts,
// one goroutine each, from every record's long paragraphs: read from the records in
// the first round, which puts those of later rounds in later's buckets, and from the
// round's bucket after.
func (ix *Index) buildAnchors(first, n, parts int, later *anchorBuckets) ([]openTable[anchorPair], error) {
	ts := make([]openTable[anchorPair], n)
	for q := range ts {
		ts[q] = newOpenTable[anchorPair](int(ix.longEst.count() * 1.03 / float64(parts)))
	}
	// a pair is (key, node)
	fan := newFanOut(n, anchorBatch, func(q int, batch []anchorPair) {
		t := &ts[q]
		for _, kn := range batch {
			a, fresh := t.ref(kn.a)
			a.add(kn.b, fresh)
		}
	}, nil)
	var err error
	if first > 0 {
		err = later.pairs.each(first/n, func(kn anchorPair) { fan.add(anchorPart(kn.a, parts)-first, kn) })
		fan.close()
		return ts, err
	}
	var w *bucketWriter[anchorPair]
	if later != nil {
		w = later.pairs.writer()
	}
	var rec record
	var putErr error
	err = ix.eachRecord(&rec, false, false, func(_ int, rec *record) {
		for _, l := range rec.long {
			kn := anchorPair{l.key, rec.node}
			if p := anchorPart(l.key, parts); p < n {
				fan.add(p, kn)
			} else if putErr == nil {
				putErr = w.put(p/n, kn)
			}
		}
	})
	fan.close()
	if err == nil {
		err = putErr
	}
	if err == nil && w != nil {
		err = w.close()
	}
	return ts, err
}

// lookAnchors appends to found the anchors, in the tables ts of partitions first to
// first+len(ts)-1 of parts, of the story paragraphs of the records that look. In the
// first round workers decode chunks of records and look them up, each into a slice of
// its own, and put those of later rounds in later's buckets; a later round looks up
// the paragraphs of its bucket.
func (ix *Index) lookAnchors(found []anchoredWords, ts []openTable[anchorPair], first, parts int, look []bool, later *anchorBuckets) ([]anchoredWords, error) {
	if first > 0 {
		err := later.asks.each(first/len(ts), func(a anchorAsk) {
			found = appendAnchors(found, &ts[anchorPart(a.key, parts)-first], a)
		})
		return found, err
	}
	workers := chunkWorkers()
	recs := make([]record, workers)
	scs := make([]storyScratch, workers)
	founds := make([][]anchoredWords, workers)
	ws := make([]*bucketWriter[anchorAsk], workers)
	for w := range ws {
		if later != nil {
			ws[w] = later.asks.writer()
		}
	}
	err := ix.eachChunk(look, func(w int, b []byte) (err error) {
		founds[w], err = ix.lookChunk(founds[w], b, &recs[w], &scs[w], ts, parts, ws[w])
		return err
	})
	if err != nil {
		return found, err
	}
	if later != nil {
		for _, w := range ws {
			if err := w.flush(); err != nil {
				return found, err
			}
		}
		if err := later.asks.sync(); err != nil {
			return found, err
		}
	}
	for _, f := range founds {
		found = append(found, f...)
	}
	return found, nil
}

// appendAnchors appends to found the anchors of a in t but a's own node: the two
// smallest holders of its key.
func appendAnchors(found []anchoredWords, t *openTable[anchorPair], a anchorAsk) []anchoredWords {
	ap, _ := t.find(a.key)
	as, n := ap.nodes()
	for _, x := range as[:n] {
		if x != fixKey(a.node) {
			found = append(found, anchoredWords{a.doc, a.words, x})
		}
	}
	return found
}

// lookChunk is the first round of lookAnchors on chunk b, whose records each follow
// their document's ordinal: the story paragraphs of partitions 0 to len(ts)-1 are
// looked up in ts, those of later rounds put in later (nil when there is none).
func (ix *Index) lookChunk(found []anchoredWords, b []byte, rec *record, sc *storyScratch, ts []openTable[anchorPair], parts int, later *bucketWriter[anchorAsk]) ([]anchoredWords, error) {
	for len(b) > 0 {
		ord, k := binary.Uvarint(b)
		if k <= 0 {
			return found, errRecord
		}
		b = b[k:]
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return found, errRecord
		}
		if err := decodeRecord(b[:k+int(n)], rec, false, false); err != nil {
			return found, err
		}
		b = b[k+int(n):]
		if ix.storyInto(rec, sc) < 2*CopyWords {
			// a page whose one long paragraph is its site's sign-up line (all its long
			// paragraphs are template, so the median is theirs) tells no story: with
			// CopyWords, such pages of one site linked to each other (dev: 20 pages)
			continue
		}
		for i, l := range rec.long {
			if !rec.story[i] {
				continue
			}
			a := anchorAsk{uint32(ord), l.words, l.key, rec.node}
			if q := anchorPart(l.key, parts); q < len(ts) {
				found = appendAnchors(found, &ts[q], a)
			} else if err := later.put(q/len(ts), a); err != nil {
				return found, err
			}
		}
	}
	return found, nil
}

// anchorParts returns the number of partitions anchored finds the anchors in: a table
// of every long paragraph's key takes 48 bytes a key (24 a slot, at a load of 1/2).
func (ix *Index) anchorParts() int { return ix.partitions(48, ix.longEst) }

// partitions returns how many partitions a table of the distinct keys est saw, at
// perKey bytes each, takes to fit half the memory budget: one without a budget.
func (ix *Index) partitions(perKey float64, est *distinctEstimate) int {
	if ix.budget <= 0 {
		return 1
	}
	half := max(ix.budget/2, 1)
	need := int64(perKey * est.count())
	return int(max(1, (need+half-1)/half))
}

// anchorPart returns the partition of long paragraph key k among parts: by its low
// bits, as a table's homes are its high bits.
func anchorPart(k uint64, parts int) int {
	if parts == 1 {
		return 0
	}
	return int(home(fixKey(k)<<32, uint64(parts)))
}

// dfWords is a long paragraph's document count and words (storyInto).
type dfWords struct{ df, words uint32 }

// copyEdges verifies the candidates found (sorted by document, then node): a pair of
// nodes whose documents share enough long words is an edge, a copy. The documents are
// cut into runs of about equal length, verified on a goroutine each (chunkWorkers);
// the edges come back in the order of found, whatever the number of goroutines.
func (ix *Index) copyEdges(found []anchoredWords) ([][2]uint64, error) {
	cuts := []int{0}
	for w, k := chunkWorkers(), 1; k < w; k++ {
		c := max(len(found)*k/w, cuts[len(cuts)-1])
		for c > 0 && c < len(found) && found[c].doc == found[c-1].doc {
			c++
		}
		cuts = append(cuts, c)
	}
	cuts = append(cuts, len(found))
	edges := make([][][2]uint64, len(cuts)-1)
	errs := make([]error, len(cuts)-1)
	var wg sync.WaitGroup
	for i := range edges {
		if cuts[i] < cuts[i+1] {
			wg.Go(func() { edges[i], errs[i] = ix.verifyCandidates(found[cuts[i]:cuts[i+1]]) })
		}
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return slices.Concat(edges...), nil
}

// verifyCandidates is copyEdges on a run of found that starts and ends at a document's
// first and last candidate.
func (ix *Index) verifyCandidates(found []anchoredWords) ([][2]uint64, error) {
	sc := &candScratch{inCand: map[uint64]bool{}}
	rec := &sc.rec
	var edges [][2]uint64 // pairs of nodes that are copies of each other
	for start := 0; start < len(found); {
		doc := found[start].doc
		var err error
		if sc.buf, err = ix.readRecordInto(int(doc), rec, sc.buf, false, false); err != nil {
			return nil, err
		}
		own := ix.storyInto(rec, &sc.stories)
		for start < len(found) && found[start].doc == doc {
			a, w := found[start].node, uint32(0)
			for ; start < len(found) && found[start].doc == doc && found[start].node == a; start++ {
				w += found[start].words
			}
			// a candidate: the paragraphs anchored on a are a fair part of the
			// document; what it really shares with a is counted on a's record
			if w < CopyWords || w*copyCandidate < own {
				continue
			}
			other, ok := ix.nodes.find(a)
			if !ok {
				continue
			}
			w, mine, theirs, err := ix.sharedWords(rec, int(other.first), sc)
			if err != nil {
				return nil, err
			}
			if w < CopyWords || w*CopyShare < mine || w*CopyShare < theirs {
				continue
			}
			edges = append(edges, [2]uint64{rec.node, a})
		}
	}
	return edges, nil
}

// group decides the copy groups (see Copy groups) and takes back the counts of the
// members of each group after its first.
func (ix *Index) group() error {
	if err := ix.spw.Flush(); err != nil {
		return fmt.Errorf("writing the pass 1 spool: %w", err)
	}
	ix.spoolEnd = ix.spoolOff // Seal writes after the records
	ix.dropSingleKeys()
	n := len(ix.docHash)
	// the documents that look for copies: the first with each text, of CopyWords long
	// words or more
	look := make([]bool, n)
	for i := range n {
		nd, _ := ix.nodes.find(ix.docHash[i])
		look[i] = nd.first == uint32(i) && nd.words >= CopyWords
	}
	found, err := ix.anchored(look)
	if err != nil {
		return err
	}
	// each document's candidates, in order: the nodes its story's paragraphs are
	// anchored on, with their words
	slices.SortFunc(found, func(x, y anchoredWords) int {
		if c := cmp.Compare(x.doc, y.doc); c != 0 {
			return c
		}
		return cmp.Compare(x.node, y.node)
	})
	edges, err := ix.copyEdges(found)
	if err != nil {
		return err
	}
	labels := ix.label(edges)
	ix.groupOf = make([]uint32, n)
	size := make([]uint32, n)
	for i := range n {
		at, _ := ix.nodes.index(ix.docHash[i])
		root, _ := ix.nodes.find(labels[at])
		ix.groupOf[i] = root.first
		size[root.first]++
	}
	ix.groupSize = size
	var members []uint32
	for i := range n {
		if size[ix.groupOf[i]] > 1 {
			members = append(members, uint32(i))
		}
	}
	ix.copies = int64(len(members))
	ix.members = members // for countBands
	slices.SortFunc(members, func(a, b uint32) int {
		if c := cmp.Compare(ix.groupOf[a], ix.groupOf[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	// a group's hashes seen so far: keys, prefixes, per-source keys and bands (the
	// bands are taken back by countBands, from the list written here)
	var seen [4]map[uint64]struct{}
	for k := range seen {
		seen[k] = map[uint64]struct{}{}
	}
	bandKeys := newBandBuckets(ix, 1)
	bands := bandKeys.writer()
	srcSeen := map[uint32]bool{}
	// takeBack takes back from c every count of hs after the group's first (set k)
	takeBack := func(k int, hs []uint64, c counter) {
		for _, h := range hs {
			if _, ok := seen[k][h]; ok {
				c.sub(h)
			} else {
				seen[k][h] = struct{}{}
			}
		}
	}
	var rec record
	var sks []uint64
	// the members are read at random in the spool, on a goroutine of their own
	// (eachGroup: 48 -> 37 ms on gen_corpus 200 MB, medians of 10)
	ahead := ix.readAhead(ix.members)
	defer ahead.close()
	err = ix.eachGroup(func(group []uint32) error {
		ix.groups++
		for k := range seen {
			clear(seen[k])
		}
		clear(srcSeen)
		for _, m := range group {
			b, err := ahead.next(m)
			if err == nil {
				err = decodeRecord(b, &rec, true, true)
			}
			if err != nil {
				return err
			}
			src := ix.srcHash[rec.src]
			if srcSeen[rec.src] {
				ix.srcDocs[src]--
			}
			srcSeen[rec.src] = true
			takeBack(0, rec.keys, ix.keys)
			takeBack(1, rec.prefx, ix.prefix)
			if ix.countsSource(src) {
				sks = sks[:0]
				for _, h := range rec.keys {
					sks = append(sks, srcKey(src, h))
				}
				takeBack(2, sks, ix.srcKeys)
			}
			for _, h := range rec.bands {
				if _, ok := seen[3][h]; !ok {
					seen[3][h] = struct{}{}
				} else if err := bands.put(0, h); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err == nil {
		err = bands.close()
	}
	ix.takeBack = bandKeys
	return err
}

// recordsAhead reads records on a goroutine of its own, in a given order, ahead of
// the goroutine that decodes them: at most aheadRecords records, and aheadBytes bytes
// but for one larger record, are read and not yet decoded.
type recordsAhead struct {
	ch     chan aheadRecord
	free   chan []byte
	room   *semaphore.Weighted // bytes read ahead
	stop   context.CancelFunc  // ends the reader (see stop)
	exited chan struct{}       // closed by the reader as it returns
	last   aheadRecord         // the record next returned last
}

type aheadRecord struct {
	ord    uint32
	b      []byte
	weight int64 // of room
	err    error
}

const aheadRecords = 64

// aheadBytes: a variable for the tests, which read ahead with less.
var aheadBytes int64 = 8 << 20

// readAhead starts reading the records of ords, in that order; next returns them,
// and close ends the reading.
func (ix *Index) readAhead(ords []uint32) *recordsAhead {
	ctx, stop := context.WithCancel(context.Background())
	a := &recordsAhead{ch: make(chan aheadRecord, aheadRecords), free: make(chan []byte, aheadRecords+2),
		room: semaphore.NewWeighted(aheadBytes), stop: stop, exited: make(chan struct{})}
	go func() {
		defer close(a.exited)
		defer close(a.ch)
		for _, o := range ords {
			off, end := ix.recordSpan(int(o))
			w := min(end-off, aheadBytes)
			if a.room.Acquire(ctx, w) != nil {
				return
			}
			var buf []byte
			select {
			case buf = <-a.free:
			default:
			}
			b, err := ix.readRecordBytes(int(o), buf)
			select {
			case a.ch <- aheadRecord{o, b, w, err}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return a
}

// next returns the bytes of the next record, which must be that of ord; they are valid
// until the next call.
func (a *recordsAhead) next(ord uint32) ([]byte, error) {
	if a.last.b != nil {
		a.room.Release(a.last.weight)
		if cap(a.last.b) <= 1<<20 { // a huge record's buffer is not kept
			select {
			case a.free <- a.last.b:
			default:
			}
		}
		a.last = aheadRecord{}
	}
	r, ok := <-a.ch
	if !ok || r.ord != ord {
		return nil, errors.New("dedup: records read ahead out of order")
	}
	a.last = r
	return r.b, r.err
}

// close ends the reading, and returns once the reader has.
func (a *recordsAhead) close() {
	a.stop()
	<-a.exited
}

// eachGroup calls fn with the members of each copy group of two or more (ix.members,
// sorted by group: group), a group after another, and stops at fn's first error.
func (ix *Index) eachGroup(fn func(group []uint32) error) error {
	ms := ix.members
	for start := 0; start < len(ms); {
		end := start + 1
		for end < len(ms) && ix.groupOf[ms[end]] == ix.groupOf[ms[start]] {
			end++
		}
		if err := fn(ms[start:end]); err != nil {
			return err
		}
		start = end
	}
	return nil
}

// label names each node's group: the smallest node (signed) within maxHops copy links
// of it, found by maxHops rounds of every node taking the smallest label among its own
// and its copies' (each round reads the labels of the round before: the same rounds
// as the joins of docs/reduce.sql). The copies of a story are linked in a chain or a
// star of a few links, well within maxHops. It returns the labels by slot of the node
// table: made here, not kept in the nodes, which pass 1 holds for every distinct text.
func (ix *Index) label(edges [][2]uint64) []uint64 {
	slots := ix.nodes.slots
	labels := make([]uint64, len(slots))
	for i := range slots {
		if s := &slots[i]; s.key != 0 {
			labels[i] = ix.docHash[s.val.first]
		}
	}
	if len(edges) == 0 {
		return labels
	}
	next := make([]uint64, len(slots))
	for range maxHops {
		copy(next, labels)
		for _, e := range edges {
			a, _ := ix.nodes.index(e[0])
			b, _ := ix.nodes.index(e[1])
			if int64(labels[b]) < int64(next[a]) {
				next[a] = labels[b]
			}
			if int64(labels[a]) < int64(next[b]) {
				next[b] = labels[a]
			}
		}
		labels, next = next, labels
	}
	return labels
}

// newSpoolWriter buffers writes to a spool.
func newSpoolWriter(s Spool) *bufio.Writer { return bufio.NewWriterSize(s, 1<<16) }

// countBands counts the band keys the records hold, by copy group, as Add counts the
// keys: each document adds its distinct band keys, and the copies of a story count
// once (the members of each group take back what they repeat, listed once by
// group). Pass 1 only spools the bands; counting them here, in partitions of
// the band keys (bandParts), keeps the counts exact under any memory budget: a
// partition's list holds its share of the band keys. The partitions are counted a
// round of bandRound at a time: one goroutine reads and decodes the records (first
// round) or the round's bucket (later rounds) into the partitions' lists, then each
// list is sorted and counted on a goroutine of its own (countRound). A partition's
// table keeps only its keys in two groups or more, the only ones decideNear can find
// frequent: a small share on new text, which decideNear then finds in cache.
func (ix *Index) countBands() error {
	takeBack := ix.takeBack
	ix.takeBack = nil
	round := bandRound()
	parts := (ix.bandParts() + round - 1) / round * round
	pt := &partedTable{tables: make([]*packedTable, parts)}
	ix.bandKeys, ix.bandBytes = 0, 0
	// The first round reads the records. With rounds to come, it also sorts the keys
	// of those rounds into a bucket each, in blocks at the end of the spool, that the
	// round reads then: the records are read once, however many rounds the budget
	// takes, and each key is written and read once more.
	var buckets *spoolBuckets[uint64]
	var later *bucketWriter[uint64]
	if parts > round {
		buckets = newBandBuckets(ix, parts/round)
		later = buckets.writer()
	}
	err := ix.countRound(pt, 0, round, takeBack, func(add func(q int, h uint64)) error {
		var doc []uint64
		var set growSet
		readErr := ix.eachRecordBytes(func(_ int, b []byte) error {
			doc = doc[:0]
			err := recordBands(b, func(h uint64) {
				if later != nil || bandPart(h, parts) < round {
					doc = append(doc, h)
				}
			})
			for _, h := range set.distinct(doc) {
				if p := bandPart(h, parts); p < round {
					add(p, h)
				} else if err == nil {
					err = later.put(p/round, h)
				}
			}
			return err
		})
		if readErr != nil {
			return readErr
		}
		if later != nil {
			return later.close()
		}
		return nil
	})
	if err != nil {
		return err
	}
	for first := round; first < parts; first += round {
		err := ix.countRound(pt, first, round, takeBack, func(add func(q int, h uint64)) error {
			return buckets.each(first/round, func(h uint64) { add(bandPart(h, parts)-first, h) })
		})
		if err != nil {
			return err
		}
	}
	ix.bands = pt
	ix.members = nil
	return nil
}

// bandRound is how many partitions of the band keys countBands counts at once.
func bandRound() int { return min(max(runtime.GOMAXPROCS(0), 1), 4) }

// countRound counts partitions first to first+n-1 of pt (see countBands): feed hands
// it, with add, each document's distinct keys of those partitions, partition by
// partition in the order of the documents; then it takes back the keys of takeBack.
// The keys of a partition are collected and sorted (fpList); its table holds the keys
// counted twice or more.
func (ix *Index) countRound(pt *partedTable, first, n int, takeBack *spoolBuckets[uint64], feed func(add func(q int, h uint64)) error) error {
	parts := len(pt.tables)
	counted, bytes := make([]int, n), make([]int64, n)
	lists := make([]*fpList, n)
	for q := range n {
		lists[q] = newFPList(int(ix.bandEst.count() * 1.1 / float64(parts)))
	}
	defer func() {
		for _, l := range lists {
			l.free()
		}
	}()
	if err := feed(func(q int, h uint64) { lists[q].add(h) }); err != nil {
		return err
	}
	var wg sync.WaitGroup
	for q, l := range lists {
		wg.Go(func() {
			bytes[q] = l.bytes()
			counted[q], pt.tables[first+q] = l.count(2)
			l.free()
		})
	}
	wg.Wait()
	// with every key added, the keys that copies repeat are taken back (after, so
	// that a count saturated by the adds stays saturated, as in docs/reduce.sql); a key
	// added once is not in the table, and a count taken back stays at 1 or less
	err := takeBack.each(0, func(h uint64) {
		if q := bandPart(h, parts) - first; q >= 0 && q < n {
			pt.tables[first+q].sub(h)
		}
	})
	if err != nil {
		return err
	}
	var round int64
	for q := range n {
		pt.tables[first+q] = pt.tables[first+q].keepFrequent(2)
		ix.bandKeys += counted[q]
		round += bytes[q]
	}
	ix.bandBytes = max(ix.bandBytes, round)
	return nil
}

// newBandBuckets returns buckets of band keys for rounds rounds.
func newBandBuckets(ix *Index, rounds int) *spoolBuckets[uint64] {
	return newSpoolBuckets(ix, rounds, 8, binary.LittleEndian.AppendUint64, binary.LittleEndian.Uint64)
}

// partedTable is the band counts of countBands: a table a partition of the keys.
type partedTable struct{ tables []*packedTable }

var _ counter = (*partedTable)(nil)

func (p *partedTable) table(k uint64) *packedTable { return p.tables[bandPart(k, len(p.tables))] }
func (p *partedTable) add(k uint64)                { p.table(k).add(k) }
func (p *partedTable) sub(k uint64)                { p.table(k).sub(k) }
func (p *partedTable) get(k uint64) slot           { return p.table(k).get(k) }
func (p *partedTable) touch(k uint64) uint64       { return p.table(k).touch(k) }

func (p *partedTable) len() int {
	n := 0
	for _, t := range p.tables {
		n += t.len()
	}
	return n
}

func (p *partedTable) bytes() int64 {
	var n int64
	for _, t := range p.tables {
		n += t.bytes()
	}
	return n
}

// free unmaps the tables.
func (p *partedTable) free() {
	for _, t := range p.tables {
		t.slab.free()
	}
}

// bandParts returns the number of partitions countBands counts the band keys in: a
// table of all the distinct band keys Add spooled takes 16 bytes a key (8 a slot, at a
// load of 1/2).
func (ix *Index) bandParts() int { return ix.partitions(16, ix.bandEst) }

// bandPart returns the partition of band key h among parts, from the bits of h that
// packedTable keeps, so that keys it counts together fall in one partition: the low
// bits of its fingerprint, as a table's homes are the high bits (partitions by the high
// bits would fill the start of each table and leave the rest empty).
func bandPart(h uint64, parts int) int {
	if parts == 1 {
		return 0
	}
	return int(home(packedFP(h)<<40, uint64(parts)))
}

// eachRecord decodes the spool's records in order into rec (see decodeRecord for full
// and bandSet) and calls fn with each and its document's ordinal.
func (ix *Index) eachRecord(rec *record, full, bandSet bool, fn func(int, *record)) error {
	return ix.eachRecordBytes(func(i int, b []byte) error {
		if err := decodeRecord(b, rec, full, bandSet); err != nil {
			return err
		}
		fn(i, rec)
		return nil
	})
}

// eachRecordBytes calls fn with each of the spool's records in order, as bytes (valid
// until fn returns), and its document's ordinal; it stops at fn's first error.
func (ix *Index) eachRecordBytes(fn func(int, []byte) error) error {
	seq := bufio.NewReaderSize(io.NewSectionReader(ix.spool, 0, ix.spoolOff), 1<<20)
	var buf []byte
	for i := range len(ix.offsets) {
		off, end := ix.recordSpan(i)
		if cap(buf) < int(end-off) {
			buf = make([]byte, end-off)
		}
		b := buf[:end-off]
		if _, err := io.ReadFull(seq, b); err != nil {
			return fmt.Errorf("reading the pass 1 spool: %w", err)
		}
		if err := fn(i, b); err != nil {
			return err
		}
	}
	return nil
}

// recordBands calls fn with every band key of the spool record b (repeats included),
// passing over the rest of it without decoding it (see decodeRecord for the layout).
func recordBands(b []byte, fn func(uint64)) error {
	n, k := binary.Uvarint(b)
	if k <= 0 || int(n) != len(b)-k {
		return errRecord
	}
	d := decoder{b: b[k:]}
	d.skip(8) // node
	d.uv()    // source
	nl := d.uv()
	if nl > uint64(len(d.b)/9) {
		return errRecord
	}
	for range nl {
		d.skip(8)
		d.uv()
	}
	for range 2 { // keys, prefixes
		m := d.uv()
		if m > uint64(len(d.b)/8) {
			return errRecord
		}
		d.skip(8 * int(m))
	}
	m := d.uv()
	if m > uint64(len(d.b)/(9+8*Bands)) {
		return errRecord
	}
	for range m {
		d.skip(9)
		for range Bands {
			fn(d.u64())
		}
	}
	if d.bad || len(d.b) != 0 {
		return errRecord
	}
	return nil
}
