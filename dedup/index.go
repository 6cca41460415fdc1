package dedup

import (
	"bufio"
	"fmt"
	"math"
	"math/bits"

	"github.com/cespare/xxhash/v2"
)

// Index holds the corpus-wide counts of pass 1: for every paragraph key (exact and
// shape) the number of copy groups holding it, the same per source, and for every
// paragraph band key the number of copy groups holding a paragraph with that band.
// A group is a story and its copies (see Copy groups in groups.go); a document alone is
// a group of one. Counts are per group: a paragraph printed twice in one article, or
// in three copies of one story, counts once.
//
// Add counts documents as they come (in any order: the result does not depend on it)
// and spools what each one counted; Seal decides the copy groups and takes back what
// the copies of a story counted twice.
//
// Add is not safe for concurrent use; the lookups are, once adding is over (Seal), and
// Frequent is even while another goroutine adds.
type Index struct {
	keys    *keyTable         // key (exact and shape) -> documents
	bands   counter           // band key -> documents
	prefix  counter           // paragraph-start prefix -> documents
	titles  *table            // title key -> documents
	srcKeys *keyTable         // srcKey(source, key) -> documents of that source
	srcDocs map[uint64]uint32 // source hash -> documents
	sources map[uint64]uint32 // source hash -> source ordinal
	srcHash []uint64          // source ordinal -> source hash
	docSrc  []uint32          // document ordinal -> source ordinal

	// copy groups (groups.go)
	longEst     *distinctEstimate // of the long paragraphs' keys (anchored)
	anchorKeys  int               // long paragraphs' keys Seal anchored (anchored)
	anchorBytes int64             // and the largest table of their anchors
	nodes       openTable[node]   // node (hash of a document's text) -> what Seal needs
	docHash     []uint64          // document ordinal -> node
	groupOf     []uint32          // document ordinal -> its group, named by a document's ordinal (Seal)
	groupSize   []uint32          // group -> documents
	copies      int64             // documents in groups of two or more
	groups      int64             // groups of two or more
	spool       Spool             // the records of Add, read back by Seal
	spw         *bufio.Writer
	spoolOff    int64 // the end of the records
	spoolEnd    int64 // the end of the spool: of the records, then of what Seal writes after them
	spoolErr    error
	offsets     []int64 // document ordinal -> offset of its record
	rbuf        []byte
	clong       []longPara
	near        map[uint64]int32 // key of a near-boilerplate paragraph -> groups (Seal)
	nearBits    []uint64         // a filter of near's keys (see setNear)
	nearShift   uint
	lset        growSet

	budget   int64 // bytes a partition of the bands or the anchors may take (twice), and an eighth for the prefixes
	sketched bool
	sink     uint64 // keeps the loads of prefetchKeys and prefetchEvidence

	// raw maps the raw-bytes hash of a paragraph seen in two documents or more to its
	// key and what Judge needs of it (see Known)
	raw    *rawTable
	sealed bool // counting is over (Seal)

	// an Index made by LoadIndex: KeyDocs reports floorKeys at least, and the totals
	// are those the counts carried
	loaded                      bool
	floorKeys                   uint32
	loadedDocs                  int64
	distinctKeys, distinctBands int

	// satDocs: a paragraph whose key is in this many documents adds no more evidence
	// (see Add); known holds the raw hashes of such paragraphs for Frequent
	satDocs    uint32
	known      *knownTable
	knownBytes int64 // the size known had when Seal freed it
	knownN     int   // and its entries

	// what the tables held when Seal released those judging does not read (the band
	// keys, the copy groups' nodes, the keys in one group), for the stats; keepBands
	// keeps the band counts and every key, for tests that compare counts
	sealedBytes, sealedEntries map[string]int64
	allKeys                    struct {
		bytes int64
		n     int
	} // the keys table before dropSingleKeys
	keepBands bool

	// the band keys, counted by Seal from the spool (countBands): bandEst estimates how
	// many distinct ones Add spooled (it sizes the partitions and their tables),
	// bandKeys is how many Seal counted,
	// bandBytes the tables of a round of partitions;
	// members are the documents of copy groups, by group (group)
	bandEst   *distinctEstimate // of the distinct band keys spooled
	bandKeys  int
	bandBytes int64
	members   []uint32
	// takeBack lists the band keys that copies of one story count more than once:
	// for each copy group, every distinct band key of a member that an earlier member
	// holds too. group writes it to the spool, after the records, as it reads the
	// members for the other take-backs; countRound takes them back from its
	// partitions' tables, and each round reads the list once.
	takeBack *spoolBuckets[uint64]

	// scratch of collect
	ckeys, cprefix []uint64
	cparas         []paraBands
	set            growSet
}

// NewIndex returns an empty Index.
func NewIndex() *Index {
	ix := &Index{
		keys:    newKeyTable(1 << 16),
		bands:   newPackedTable(1 << 16),
		prefix:  newTable(1 << 12),
		titles:  newTable(1 << 12),
		raw:     newRawTable(1 << 12),
		srcKeys: newKeyTable(1 << 16),
		srcDocs: map[uint64]uint32{},
		sources: map[uint64]uint32{},
		longEst: new(distinctEstimate),
		nodes:   newOpenTable[node](1 << 12),
		satDocs: math.MaxUint32,
		known:   newKnownTable(),
		bandEst: new(distinctEstimate),
	}
	ix.UseSpool(&memSpool{})
	return ix
}

// UseSpool makes the Index keep the records of Add (what each document counted, for
// Seal to take back what copies counted twice) in s instead of memory: a temporary
// file, say. Call it before the first Add. The records take 8 bytes for every key and
// prefix a document counts, 73 for every paragraph whose bands it counts (its key, a
// flag and eight band keys: a paragraph not yet in MinDocs documents) and about 10 for
// every long paragraph: a quarter of the input's size on new text. Seal appends to s
// the band keys that copies repeat (8 bytes each).
func (ix *Index) UseSpool(s Spool) {
	ix.spool, ix.spw = s, newSpoolWriter(s)
}

// NewIndexFor returns an empty Index for rules and a memory budget in bytes (0 for no
// limit).
//
// Per-source counts are kept for documents with a source (not ""), for the per-source
// rule of Judge.
//
// The budget bounds the tables that Seal builds from the spool, the band keys and the
// copy groups' anchors: each is counted in as many partitions of its keys as it takes
// for a partition's table to fit half of it, exactly (see countBands, anchored). The
// prefix table, small, turns into a count-min sketch past an eighth of it (see sketch).
// The paragraph keys, one slot of 16 bytes each at a load of 1/2 to 3/4, are held whole
// and exact.
func NewIndexFor(r Rules, budget int64) *Index {
	ix := NewIndex()
	ix.satDocs = uint32(r.MinDocs)
	ix.budget = budget
	return ix
}

// checkBudget turns the evidence tables into sketches once they pass the budget.
func (ix *Index) checkBudget() {
	if ix.budget <= 0 || ix.sketched {
		return
	}
	if ix.prefix.bytes() <= ix.budget/8 {
		return
	}
	ix.sketched = true
	ix.prefix = toSketch(ix.prefix, ix.budget/8)
}

// Loaded reports whether the Index was made by LoadIndex.
func (ix *Index) Loaded() bool { return ix.loaded }

// Sketched reports whether the evidence tables became sketches under the budget.
func (ix *Index) Sketched() bool { return ix.sketched }

// Bytes returns the memory held by the count tables.
func (ix *Index) Bytes() int64 {
	var n int64
	for _, b := range ix.TableBytes() {
		n += b
	}
	return n
}

// TableBytes returns the memory held by each count table, by name: "keys" (exact
// paragraph keys), "raw" (Known), "source_keys", "bands", "prefixes",
// "titles", "frequent_raw" (Frequent, held during counting only), and the tables of
// the copy groups, "copy_anchors" and "copy_nodes".
func (ix *Index) TableBytes() map[string]int64 {
	if ix.sealedBytes != nil {
		return ix.sealedBytes
	}
	return map[string]int64{
		"keys": ix.keys.bytes(), "raw": ix.raw.bytes(), "source_keys": ix.srcKeys.bytes(),
		"bands": ix.bands.bytes(), "prefixes": ix.prefix.bytes(),
		"titles": ix.titles.bytes(), "frequent_raw": max(ix.known.bytes(), ix.knownBytes),
		"copy_anchors": ix.anchorBytes, "copy_nodes": ix.nodes.bytes(),
	}
}

// TableEntries returns the number of hashes each count table holds, by the names of
// TableBytes (for a sketch: the distinct hashes added to it).
func (ix *Index) TableEntries() map[string]int64 {
	if ix.sealedEntries != nil {
		return ix.sealedEntries
	}
	return map[string]int64{
		"keys": int64(ix.keys.len()), "raw": int64(ix.raw.len()), "source_keys": int64(ix.srcKeys.len()),
		"bands": int64(ix.bands.len()), "prefixes": int64(ix.prefix.len()),
		"titles": int64(ix.titles.len()), "frequent_raw": int64(max(ix.known.n, ix.knownN)),
		"copy_anchors": int64(ix.anchorKeys), "copy_nodes": int64(ix.nodes.len()),
	}
}

func sourceHash(source string) uint64 { return xxhash.Sum64String(source) }

func srcKey(src, key uint64) uint64 { return mix(key ^ mix(src+0x632b_e59b_d9b4_e019)) }

func inc(m map[uint64]uint32, k uint64) {
	if v := m[k]; v < math.MaxUint32 {
		m[k] = v + 1
	}
}

// Add counts one document of source with fingerprint d, and spools what it counted
// for Seal (see Index).
//
// Every paragraph's exact key is counted. Its near-duplicate evidence (shape key, band
// keys, prefix) is counted only while the key is in fewer than
// MinDocs documents (for an Index made by NewIndexFor): past that, each of those
// hashes is in MinDocs documents or more already, so counting them again changes no
// decision of Judge; it would only cost the lookups, one per band, that make up most of
// the work on a corpus whose paragraphs are mostly repeats. The counts Judge reports
// for near_boilerplate and template are then the documents that held the evidence
// before its paragraph became exact boilerplate: at least MinDocs, never more than the
// documents holding it.
func (ix *Index) Add(source string, d *Doc) {
	src := sourceHash(source)
	so, ok := ix.sources[src]
	if !ok {
		so = uint32(len(ix.sources))
		ix.sources[src] = so
		ix.srcHash = append(ix.srcHash, src)
	}
	ord := uint32(len(ix.docSrc))
	ix.docSrc = append(ix.docSrc, so)
	ix.docHash = append(ix.docHash, d.Hash)
	inc(ix.srcDocs, src)
	ix.prefetchKeys(d)
	keys, prefix := ix.collect(d)
	ix.prefetchEvidence(prefix)
	bySource := ix.countsSource(src)
	for _, k := range keys {
		ix.keys.add(k)
		if bySource {
			ix.srcKeys.add(srcKey(src, k))
		}
	}
	// the band keys are counted by Seal, from the spool (countBands)
	for i := range ix.cparas {
		for _, b := range ix.cparas[i].bands {
			ix.bandEst.add(b)
		}
	}
	for _, h := range prefix {
		ix.prefix.add(h)
	}
	for i := range d.Paras {
		p := &d.Paras[i]
		// Frequent found a Known paragraph's raw hash in known, so it is in raw and
		// published already: nothing to record
		if p.Raw == 0 || p.known {
			continue
		}
		if docs := ix.keys.get(p.Key).docs; docs >= 2 {
			e := ix.raw.put(p.Raw, p)
			if docs >= ix.satDocs && e.flags&rawPublished == 0 {
				e.flags |= rawPublished
				ix.known.insert(p.Raw, *e)
			}
		}
	}
	if d.TitleKey != 0 {
		ix.titles.add(d.TitleKey)
	}
	// the story of the document: its long paragraphs, and the node they anchor on
	long, words := ix.clong[:0], uint32(0)
	ix.lset.reset(len(d.Paras))
	for i := range d.Paras {
		p := &d.Paras[i]
		if p.Words < CopyWords || !ix.lset.add(p.Key) {
			continue
		}
		ix.longEst.add(p.Key)
		long = append(long, longPara{p.Key, uint32(p.Words)})
		words += uint32(p.Words)
	}
	ix.clong = long
	if nd, fresh := ix.nodes.ref(d.Hash); fresh {
		nd.words, nd.first = words, ord
	}
	if ix.spoolErr == nil {
		ix.spoolErr = ix.writeRecord(&record{node: d.Hash, src: so, long: long,
			keys: keys, paras: ix.cparas, prefx: prefix})
	}
	ix.checkBudget()
}

// countsSource reports whether the documents of the source with hash src are counted
// per source: all but those without a source.
func (ix *Index) countsSource(src uint64) bool { return src != noSource }

var noSource = sourceHash("")

// Frequent sets in p, for the raw-bytes hash of a paragraph, the fingerprint fields Add
// needs of it (Key, Words, Numbers, Short; Known set) and reports true, when a paragraph
// with these raw bytes was added already and its key was then in MinDocs documents or
// more (Config.known): Add counts its key and nothing else, so there is no need to
// normalize and shingle it. It is safe for concurrent use with Add (pass 1's workers
// call it while the Index counts); an answer may lag behind Add, which costs time, never
// a different count.
func (ix *Index) frequent(raw uint64, p *Para) bool {
	e, ok := ix.known.get(raw)
	if !ok {
		return false
	}
	e.fill(p)
	p.known = true
	return true
}

// PrefetchFrequent touches the slots Frequent looks at for raws and returns a value
// read from them (see Config.prefetch). Safe for concurrent use, as Frequent is.
func (ix *Index) prefetchFrequent(raws []uint64) uint64 {
	s := ix.known.cur.Load()
	var v uint64
	for _, r := range raws {
		v += s.slots[fixKey(r)&s.mask].raw.Load()
	}
	return v
}

// PrefetchKnown touches the slots Known looks at for raws and returns a value read from
// them (see Config.prefetch). Safe for concurrent use once the Index is sealed.
func (ix *Index) prefetchKnown(raws []uint64) uint64 {
	var v uint64
	for _, r := range raws {
		v += ix.raw.touch(r)
	}
	return v
}

// prefetchKeys touches the slots of d's paragraph keys and raw hashes, and
// prefetchEvidence those of the rest of the evidence collect keeps. The tables are far
// larger than the processor's caches, so almost every lookup is a cache miss; the
// touches are independent loads, which the processor overlaps, and the lookups that
// follow find their slots in cache. Add does the same work either way, in less time.
func (ix *Index) prefetchKeys(d *Doc) {
	var v uint64
	for i := range d.Paras {
		p := &d.Paras[i]
		v += ix.keys.touch(p.Key)
		if p.known {
			continue // Add looks nothing else up for it
		}
		v += ix.raw.touch(p.Raw)
	}
	ix.sink += v
}

// prefetchJudge touches the key slots Judge looks up for d's paragraphs that Known did
// not recognise (see prefetchKeys).
func (ix *Index) prefetchJudge(d *Doc) uint64 {
	var v uint64
	for i := range d.Paras {
		if p := &d.Paras[i]; !p.known {
			v += ix.keys.touch(p.Key)
			if p.ShapeKey != p.Key {
				v += ix.keys.touch(p.ShapeKey)
			}
		}
	}
	return v
}

func (ix *Index) prefetchEvidence(prefix []uint64) {
	var v uint64
	for _, h := range prefix {
		v += ix.prefix.touch(h)
	}
	ix.sink += v
}

// collect returns the distinct hashes that d adds to each count table: the keys of its
// paragraphs, and the evidence (shape keys, band keys, prefixes) of
// the paragraphs whose key is in fewer than satDocs documents. The slices are the
// Index's scratch, valid until the next call.
func (ix *Index) collect(d *Doc) (keys, prefix []uint64) {
	keys, prefix = ix.ckeys[:0], ix.cprefix[:0]
	ix.cparas = ix.cparas[:0]
	for i := range d.Paras {
		p := &d.Paras[i]
		saturated := p.known || ix.keys.get(p.Key).docs >= ix.satDocs
		if !saturated {
			for _, h := range p.prefix {
				if h != 0 {
					prefix = append(prefix, h)
				}
			}
		}
		keys = append(keys, p.Key)
		if saturated {
			continue
		}
		if p.ShapeKey != p.Key {
			keys = append(keys, p.ShapeKey)
		}
		if p.hi > p.lo {
			ix.cparas = append(ix.cparas, paraBands{key: p.Key, short: p.Short, bands: *d.bands(p)})
		}
	}
	ix.ckeys = ix.set.distinct(keys)
	ix.cprefix = ix.set.distinct(prefix)
	return ix.ckeys, ix.cprefix
}

// Docs returns the number of documents added.
func (ix *Index) Docs() int64 {
	if ix.loaded {
		return ix.loadedDocs
	}
	return int64(len(ix.docSrc))
}

// SpoolBytes returns the size of the records Add spooled.
func (ix *Index) SpoolBytes() int64 { return ix.spoolOff }

// Copies returns the number of documents in copy groups of two or more, and the number
// of such groups (known once sealed).
func (ix *Index) Copies() (docs, groups int64) { return ix.copies, ix.groups }

// stories returns the number of copy groups of the corpus: its documents, each group
// of copies counting once. Valid once sealed.
func (ix *Index) stories() int64 { return ix.Docs() - ix.copies + ix.groups }

// Group returns the group of document ord (0, 1, … in the order of Add), named by the
// ordinal of one of its documents (the first with the text of the group's root); ord
// itself for a document that has no copy. Valid once the Index is sealed.
func (ix *Index) Group(ord int) int { return int(ix.groupOf[ord]) }

// GroupSize returns the number of documents in the group of document ord (1 for a
// document that has no copy). Valid once the Index is sealed.
func (ix *Index) GroupSize(ord int) int { return int(ix.groupSize[ix.groupOf[ord]]) }

// KeyDocs returns the number of documents holding paragraph key k.
func (ix *Index) KeyDocs(k uint64) int { return int(max(ix.keys.get(k).docs, ix.floorKeys)) }

// SourceDocs returns the number of copy groups of source, and how many of them hold
// key k; zero for documents without a source.
func (ix *Index) SourceDocs(source string, k uint64) (withKey, all int) {
	src := sourceHash(source)
	if !ix.countsSource(src) {
		return 0, 0
	}
	return int(ix.srcKeys.get(srcKey(src, k)).docs), int(ix.srcDocs[src])
}

// NearDocs returns, for the key of a paragraph that Add counted, the number of copy
// groups holding its near copies when its bands make it near boilerplate, or 0: the
// BandQuorum-th largest group count of its band keys (ShortBandQuorum for a short
// paragraph), when it is MinDocs or more (2 or more for an Index not made by
// NewIndexFor). Valid once sealed; it looks the paragraph up, so Judge computes no
// MinHash.
func (ix *Index) NearDocs(key uint64) int {
	if ix.nearBits == nil {
		return int(ix.near[key])
	}
	if b := key >> ix.nearShift; ix.nearBits[b/64]&(1<<(b%64)) == 0 {
		return 0
	}
	return int(ix.near[key])
}

// setNear makes near the Index's near-boilerplate paragraphs, with a filter of one
// bit in eight or more per key, indexed by the key's top bits (keys are hashes): Judge
// asks NearDocs about every paragraph, and the filter, a byte or two a key where the
// map takes tens, answers most of them without the cache misses of the map. Keys that
// are not spread (as in tests) only make the filter pass more of them on to the map.
func (ix *Index) setNear(near map[uint64]int32) {
	ix.near = near
	n := uint64(64)
	for n < 8*uint64(len(near)) {
		n <<= 1
	}
	ix.nearBits = make([]uint64, n/64)
	ix.nearShift = uint(64 - bits.Len64(n-1))
	for k := range near {
		b := k >> ix.nearShift
		ix.nearBits[b/64] |= 1 << (b % 64)
	}
}

// bandDocs returns the number of documents holding a paragraph with band key b (for
// tests: a sealed Index keeps its band table only with keepBands).
func (ix *Index) bandDocs(b uint64) int { return int(ix.bands.get(b).docs) }

// Seal ends counting: Add must not be called again. It decides the copy groups and
// takes back what copies of one story counted twice (see Copy groups), then copies
// the count of every key that Known can return into Known's own table, so that Known
// finds everything in one lookup instead of two. Its only errors are those of the
// spool. Sealing twice does nothing.
func (ix *Index) Seal() error {
	if ix.sealed {
		return nil
	}
	if ix.spoolErr != nil {
		return fmt.Errorf("writing the pass 1 spool: %w", ix.spoolErr)
	}
	if err := ix.group(); err != nil {
		return err
	}
	ix.knownBytes, ix.knownN = ix.known.bytes(), ix.known.n
	ix.known = newKnownTable() // Frequent is for pass 1 only
	for i := range ix.raw.slots {
		s := &ix.raw.slots[i]
		if s.key != 0 {
			s.val.docs = ix.keys.get(s.val.key).docs
		}
	}
	ix.release()
	// near copies in MinDocs groups, or in 2 (the least MinDocs of any rules) for an
	// Index not made for its rules
	thr := 2
	if ix.satDocs != math.MaxUint32 {
		thr = int(ix.satDocs)
	}
	if err := ix.countBands(); err != nil {
		return err
	}
	if err := ix.decideNear(thr); err != nil {
		return err
	}
	ix.sealedBytes["bands"], ix.sealedEntries["bands"] = ix.bandBytes, int64(ix.bandKeys)
	if !ix.keepBands {
		ix.bands.(*partedTable).free()
		ix.bands = newPackedTable(0)
	}
	ix.sealed = true
	return nil
}

// release frees, once the copy groups are decided and before the band keys are counted
// (countBands), what neither that nor judging reads: the anchors and nodes of the copy
// groups (Group reads groupOf) and the keys in one group; Seal frees the band counts
// once it has decided near boilerplate (Judge reads NearDocs). On a gigabyte of new
// text they are nearly all of the Index, and pass 2 holds the document sketches and the
// writers' buffers on top of what is left. It notes the tables' sizes for the stats
// first.
func (ix *Index) release() {
	ix.sealedBytes, ix.sealedEntries = ix.TableBytes(), ix.TableEntries()
	ix.distinctKeys = ix.keys.len()
	if ix.allKeys.n > 0 {
		ix.sealedBytes["keys"], ix.sealedEntries["keys"] = ix.allKeys.bytes, int64(ix.allKeys.n)
		ix.distinctKeys = ix.allKeys.n
	}
	ix.nodes.slab.free()
	ix.nodes = newOpenTable[node](0)
	// every paragraph judged was counted, so a key absent from the table is in one
	// group: the table keeps the keys in two or more, as an Index loaded from counts
	// does (on new text, a small share of them); group dropped the keys in one
	// document already, and this drops those the copies' take-back left in one group
	if !ix.keepBands {
		ix.keys = ix.keys.keepFrequent(2)
		ix.floorKeys = 1
	}
}

// dropSingleKeys drops, as group starts, the keys in one document, nearly all of them
// on new text: no copy takes back a count from them, and story reads them as one
// document. The counts table was pass 1's largest (192 MiB on 3 GB of new text), and
// group builds the anchors' tables next to it. It notes the table's size for the
// stats first.
func (ix *Index) dropSingleKeys() {
	if ix.keepBands {
		return
	}
	ix.allKeys.bytes, ix.allKeys.n = ix.keys.bytes(), ix.keys.len()
	ix.keys = ix.keys.keepFrequent(2)
}

// Known sets in p, for the raw-bytes hash of a paragraph, the fingerprint fields Judge
// needs (Key, ShapeKey, Words, Short, Numbers, Docs) and reports true, when the
// paragraph was seen in pass 1 and its exact key is in minDocs documents or more
// (Config.known): it is boilerplate whatever else it shares. Pass 2 then skips
// normalizing it. Such a paragraph is still a duplicate_in_doc when its exact key
// occurred earlier in the document, but a near copy of an earlier paragraph is not
// looked for, and later paragraphs are not compared with it.
func (ix *Index) knownRaw(raw uint64, minDocs int, p *Para) bool {
	e, ok := ix.raw.get(raw)
	if !ok {
		return false
	}
	if !ix.sealed {
		e.docs = ix.keys.get(e.key).docs
	}
	if int(e.docs) < minDocs {
		return false
	}
	e.fill(p)
	p.docs = int32(min(e.docs, math.MaxInt32))
	return true
}

// PrefixDocs returns the number of documents with a short paragraph starting with
// prefix h (Para.prefix).
func (ix *Index) PrefixDocs(h uint64) int { return int(ix.prefix.get(h).docs) }

// TitleDocs returns the number of documents whose title has key k.
func (ix *Index) TitleDocs(k uint64) int { return int(ix.titles.get(k).docs) }

// DistinctKeys returns the number of distinct paragraph keys counted.
func (ix *Index) DistinctKeys() int {
	if ix.loaded || ix.sealedEntries != nil {
		return ix.distinctKeys
	}
	return ix.keys.len()
}

// DistinctBands returns the number of distinct band keys counted.
func (ix *Index) DistinctBands() int {
	if ix.loaded {
		return ix.distinctBands
	}
	if ix.sealedEntries != nil {
		return ix.bandKeys
	}
	return ix.bands.len()
}
