package dedup

import (
	"math"

	"github.com/cespare/xxhash/v2"
)

// Index holds the corpus-wide counts of pass 1: for every paragraph key (exact and
// shape) the number of documents holding it, the same per source, and for every
// paragraph band key the number of documents holding a paragraph with that band.
// Counts are per document (a paragraph printed twice in one article counts once).
//
// Echoes are not counted twice. When half or more of a document's long paragraphs come
// from one earlier document of another source (a syndicated copy, a re-scrape), the
// paragraphs it shares with that document are not counted again; its other paragraphs
// (its own site's header and footer, a line the copy added) are. Otherwise a story
// printed by three outlets would have every paragraph in three documents and look like
// boilerplate. Paragraphs that are already common (in two or more documents) are left
// out of the comparison, so a site's own header and footer never make its pages echoes
// of each other. Which of two copies comes first does not change what is counted: the
// shared paragraphs once, each copy's own paragraphs once. Add must be called in input
// order; the result is deterministic.
//
// Add is not safe for concurrent use; the lookups are, once adding is over (Seal), and
// Frequent is even while another goroutine adds.
type Index struct {
	keys    *table            // key -> documents, first document
	bands   counter           // band key -> documents, first document
	chars   counter           // character shingle of a short paragraph -> documents
	prefix  counter           // paragraph-start prefix -> documents
	titles  *table            // title key -> documents
	srcKeys *table            // srcKey(source, key) -> documents of that source
	srcDocs map[uint64]uint32 // source hash -> documents
	sources map[uint64]uint32 // source hash -> source ordinal
	docSrc  []uint32          // document ordinal -> source ordinal
	echoes  int64
	noSrc   bool             // per-source key counts are not needed (see NewIndexFor)
	cand    map[uint32]int32 // scratch: earlier document -> paragraphs matched

	budget   int64 // bytes for bands, chars and prefix before they turn into sketches
	sketched bool
	sink     uint64 // keeps the loads of prefetchKeys and prefetchEvidence

	// raw maps the raw-bytes hash of a paragraph seen in two documents or more to its
	// key and what Judge needs of it (see Known)
	raw    *rawTable
	sealed bool // counting is over (Seal)

	// satDocs: a paragraph whose key is in this many documents adds no more evidence
	// (see Add); known holds the raw hashes of such paragraphs for Frequent
	satDocs    uint32
	known      *knownTable
	knownBytes int64 // the size known had when Seal freed it
	knownN     int   // and its entries

	// scratch of collect
	ckeys, cbands, cchars, cprefix []uint64
	set                            growSet
}

// NewIndex returns an empty Index.
func NewIndex() *Index {
	return &Index{
		keys:    newTable(1 << 16),
		bands:   newTable(1 << 16),
		chars:   newTable(1 << 12),
		prefix:  newTable(1 << 12),
		titles:  newTable(1 << 12),
		raw:     newRawTable(1 << 12),
		srcKeys: newTable(1 << 16),
		srcDocs: map[uint64]uint32{},
		sources: map[uint64]uint32{},
		cand:    map[uint32]int32{},
		satDocs: math.MaxUint32,
		known:   newKnownTable(),
	}
}

// NewIndexFor returns an empty Index for rules and a memory budget in bytes (0 for no
// limit).
//
// With MinDocs of 3 or less the per-source rule (a key in a share of its source's
// documents, and in 3 of them at least) can never fire before the MinDocs rule does, so
// the per-source counts, a table as large as the key table, are not kept.
//
// The budget bounds the tables of near-duplicate evidence (band keys, character
// shingles, prefixes), which grow fastest: when their exact tables together pass it,
// they become count-min sketches of the budget's size (see sketch), and memory stops
// growing with them. The exact paragraph keys, one slot of 16 bytes each at a load of 3/8
// to 3/4, are never approximated.
func NewIndexFor(r Rules, budget int64) *Index {
	ix := NewIndex()
	ix.satDocs = uint32(r.MinDocs)
	ix.noSrc = r.MinDocs <= 3
	if ix.noSrc {
		ix.srcKeys = newTable(0) // stays empty
	}
	ix.budget = budget
	return ix
}

// checkBudget turns the evidence tables into sketches once they pass the budget.
func (ix *Index) checkBudget() {
	if ix.budget <= 0 || ix.sketched {
		return
	}
	if ix.bands.bytes()+ix.chars.bytes()+ix.prefix.bytes() <= ix.budget {
		return
	}
	ix.sketched = true
	ix.bands = toSketch(ix.bands.(*table), ix.budget*6/8)
	ix.chars = toSketch(ix.chars.(*table), ix.budget/8)
	ix.prefix = toSketch(ix.prefix.(*table), ix.budget/8)
}

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
// paragraph keys), "raw" (Known), "source_keys", "bands", "chars", "prefixes",
// "titles", and "frequent_raw" (Frequent, held during counting only).
func (ix *Index) TableBytes() map[string]int64 {
	return map[string]int64{
		"keys": ix.keys.bytes(), "raw": ix.raw.bytes(), "source_keys": ix.srcKeys.bytes(),
		"bands": ix.bands.bytes(), "chars": ix.chars.bytes(), "prefixes": ix.prefix.bytes(),
		"titles": ix.titles.bytes(), "frequent_raw": max(ix.known.bytes(), ix.knownBytes),
	}
}

// TableEntries returns the number of hashes each count table holds, by the names of
// TableBytes (for a sketch: the distinct hashes added to it).
func (ix *Index) TableEntries() map[string]int64 {
	return map[string]int64{
		"keys": int64(ix.keys.len()), "raw": int64(ix.raw.len()), "source_keys": int64(ix.srcKeys.len()),
		"bands": int64(ix.bands.len()), "chars": int64(ix.chars.len()), "prefixes": int64(ix.prefix.len()),
		"titles": int64(ix.titles.len()), "frequent_raw": int64(max(ix.known.n, ix.knownN)),
	}
}

func sourceHash(source string) uint64 { return xxhash.Sum64String(source) }

func srcKey(src, key uint64) uint64 { return mix(key ^ mix(src+0x632b_e59b_d9b4_e019)) }

func inc(m map[uint64]uint32, k uint64) {
	if v := m[k]; v < math.MaxUint32 {
		m[k] = v + 1
	}
}

// Add counts one document of source with fingerprint d (see Index for echoes). It
// reports whether the document echoed an earlier one.
//
// Every paragraph's exact key is counted. Its near-duplicate evidence (shape key, band
// keys, character shingles, prefix) is counted only while the key is in fewer than
// MinDocs documents (for an Index made by NewIndexFor): past that, each of those
// hashes is in MinDocs documents or more already, so counting them again changes no
// decision of Judge; it would only cost the lookups, one per band, that make up most of
// the work on a corpus whose paragraphs are mostly repeats. The counts Judge reports
// for near_boilerplate and template are then the documents that held the evidence
// before its paragraph became exact boilerplate: at least MinDocs, never more than the
// documents holding it.
func (ix *Index) Add(source string, d *Doc) bool {
	src := sourceHash(source)
	so, ok := ix.sources[src]
	if !ok {
		so = uint32(len(ix.sources))
		ix.sources[src] = so
	}
	doc := uint32(len(ix.docSrc) + 1)
	ix.docSrc = append(ix.docSrc, so)
	inc(ix.srcDocs, src)
	ix.prefetchKeys(d)
	echoed := ix.echo(so, d)
	if echoed != 0 {
		ix.echoes++
	}
	keys, bands, chars, prefix := ix.collect(d, echoed)
	ix.prefetchEvidence(bands, chars, prefix)
	for _, k := range keys {
		ix.keys.add(k, doc)
		if !ix.noSrc {
			ix.srcKeys.add(srcKey(src, k), doc)
		}
	}
	for _, b := range bands {
		ix.bands.add(b, doc)
	}
	for _, h := range chars {
		ix.chars.add(h, doc)
	}
	for _, h := range prefix {
		ix.prefix.add(h, doc)
	}
	for i := range d.Paras {
		p := &d.Paras[i]
		// Frequent found a Known paragraph's raw hash in known, so it is in raw and
		// published already: nothing to record
		if p.Raw == 0 || p.Known {
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
		ix.titles.add(d.TitleKey, doc)
	}
	ix.checkBudget()
	return echoed != 0
}

// Frequent sets in p, for the raw-bytes hash of a paragraph, the fingerprint fields Add
// needs of it (Key, Words, Numbers, Short; Known set) and reports true, when a paragraph
// with these raw bytes was added already and its key was then in MinDocs documents or
// more (Config.Known): Add counts its key and nothing else, so there is no need to
// normalize and shingle it. It is safe for concurrent use with Add (pass 1's workers
// call it while the Index counts); an answer may lag behind Add, which costs time, never
// a different count.
func (ix *Index) Frequent(raw uint64, p *Para) bool {
	e, ok := ix.known.get(raw)
	if !ok {
		return false
	}
	e.fill(p)
	p.Known = true
	return true
}

// PrefetchFrequent touches the slots Frequent looks at for raws and returns a value
// read from them (see Config.Prefetch). Safe for concurrent use, as Frequent is.
func (ix *Index) PrefetchFrequent(raws []uint64) uint64 {
	s := ix.known.cur.Load()
	var v uint64
	for _, r := range raws {
		v += s.slots[fixKey(r)&s.mask].raw.Load()
	}
	return v
}

// PrefetchKnown touches the slots Known looks at for raws and returns a value read from
// them (see Config.Prefetch). Safe for concurrent use once the Index is sealed.
func (ix *Index) PrefetchKnown(raws []uint64) uint64 {
	var v uint64
	for _, r := range raws {
		v += ix.raw.touch(r)
	}
	return v
}

// prefetchKeys touches the slots of d's paragraph keys, raw hashes and band keys, and
// prefetchEvidence those of the rest of the evidence collect keeps. The tables are far
// larger than the processor's caches, so almost every lookup is a cache miss; the
// touches are independent loads, which the processor overlaps, and the lookups that
// follow find their slots in cache. Add does the same work either way, in less time.
func (ix *Index) prefetchKeys(d *Doc) {
	var v uint64
	for i := range d.Paras {
		p := &d.Paras[i]
		v += ix.keys.touch(p.Key)
		if p.Known {
			continue // Add looks nothing else up for it
		}
		v += ix.raw.touch(p.Raw)
		if p.Hi > p.Lo && p.Bands != ([Bands]uint64{}) {
			// echo looks bands up, and collect keeps them unless p is saturated
			// (under Config.LazyBands they are computed later, and touched then)
			for _, b := range p.Bands {
				v += ix.bands.touch(b)
			}
		}
	}
	ix.sink += v
}

// prefetchJudge touches the key slots Judge looks up for d's paragraphs that Known did
// not recognise (see prefetchKeys).
func (ix *Index) prefetchJudge(d *Doc) uint64 {
	var v uint64
	for i := range d.Paras {
		if p := &d.Paras[i]; !p.Known {
			v += ix.keys.touch(p.Key)
			if p.ShapeKey != p.Key {
				v += ix.keys.touch(p.ShapeKey)
			}
		}
	}
	return v
}

func (ix *Index) prefetchEvidence(bands, chars, prefix []uint64) {
	var v uint64
	for _, h := range bands {
		v += ix.bands.touch(h)
	}
	for _, h := range chars {
		v += ix.chars.touch(h)
	}
	for _, h := range prefix {
		v += ix.prefix.touch(h)
	}
	ix.sink += v
}

// collect returns the distinct hashes that d adds to each count table: the keys of its
// paragraphs, and the evidence (shape keys, band keys, character shingles, prefixes) of
// the paragraphs whose key is in fewer than satDocs documents. An echo (echoed != 0)
// adds neither the keys nor the shape and band keys of the paragraphs it shares with
// the document it echoes. The slices are the Index's scratch, valid until the next
// call.
func (ix *Index) collect(d *Doc, echoed uint32) (keys, bands, chars, prefix []uint64) {
	keys, bands, chars, prefix = ix.ckeys[:0], ix.cbands[:0], ix.cchars[:0], ix.cprefix[:0]
	for i := range d.Paras {
		p := &d.Paras[i]
		saturated := p.Known || ix.keys.get(p.Key).docs >= ix.satDocs
		if !saturated {
			for _, h := range p.Prefix {
				if h != 0 {
					prefix = append(prefix, h)
				}
			}
			if p.Short {
				chars = append(chars, d.ParaShingles(i)...)
			}
		}
		if echoed != 0 && ix.uncommon(p) && ix.origin(d, p) == echoed {
			continue
		}
		keys = append(keys, p.Key)
		if saturated {
			continue
		}
		if p.ShapeKey != p.Key {
			keys = append(keys, p.ShapeKey)
		}
		if p.Hi > p.Lo {
			bands = append(bands, d.bands(p)[:]...)
		}
	}
	ix.ckeys, ix.cbands = ix.set.distinct(keys), ix.set.distinct(bands)
	ix.cchars, ix.cprefix = ix.set.distinct(chars), ix.set.distinct(prefix)
	return ix.ckeys, ix.cbands, ix.cchars, ix.cprefix
}

// origin returns the first document holding paragraph p (its exact key, or failing
// that the earliest of its band keys), or 0.
func (ix *Index) origin(d *Doc, p *Para) uint32 {
	first := ix.keys.get(p.Key).first
	if first == 0 {
		for _, b := range d.bands(p) {
			if f := ix.bands.get(b).first; f != 0 && (first == 0 || f < first) {
				first = f
			}
		}
	}
	return first
}

// uncommon reports whether p takes part in echo detection: a long paragraph not yet
// in two documents.
func (ix *Index) uncommon(p *Para) bool {
	return !p.Short && p.Hi > p.Lo && ix.keys.get(p.Key).docs < 2
}

// echo returns the earlier document of another source that half or more of d's
// uncommon long paragraphs (at least two) come from, or 0.
func (ix *Index) echo(so uint32, d *Doc) uint32 {
	clear(ix.cand)
	n := int32(0)
	for i := range d.Paras {
		p := &d.Paras[i]
		if !ix.uncommon(p) {
			continue
		}
		n++
		if first := ix.origin(d, p); first != 0 && ix.docSrc[first-1] != so {
			ix.cand[first]++
		}
	}
	if n < 2 {
		return 0
	}
	best := uint32(0)
	for doc, c := range ix.cand {
		if 2*c >= n && (best == 0 || c > ix.cand[best] || c == ix.cand[best] && doc < best) {
			best = doc
		}
	}
	return best
}

// Docs returns the number of documents added, echoes included.
func (ix *Index) Docs() int64 { return int64(len(ix.docSrc)) }

// Echoes returns the number of documents not counted as echoes of earlier ones.
func (ix *Index) Echoes() int64 { return ix.echoes }

// KeyDocs returns the number of documents holding paragraph key k.
func (ix *Index) KeyDocs(k uint64) int { return int(ix.keys.get(k).docs) }

// SourceDocs returns the number of documents of source, and how many of them hold key k.
func (ix *Index) SourceDocs(source string, k uint64) (withKey, all int) {
	src := sourceHash(source)
	return int(ix.srcKeys.get(srcKey(src, k)).docs), int(ix.srcDocs[src])
}

// BandDocs returns the number of documents holding a paragraph with band key b.
func (ix *Index) BandDocs(b uint64) int { return int(ix.bands.get(b).docs) }

// CharDocs returns the number of documents whose short paragraphs hold character
// shingle h.
func (ix *Index) CharDocs(h uint64) int { return int(ix.chars.get(h).docs) }

// Seal ends counting: Add must not be called again. It copies the document count of
// every key that Known can return into Known's own table, so that Known finds
// everything in one lookup instead of two.
func (ix *Index) Seal() {
	ix.knownBytes, ix.knownN = ix.known.bytes(), ix.known.n
	ix.known = newKnownTable() // Frequent is for pass 1 only
	for i := range ix.raw.slots {
		s := &ix.raw.slots[i]
		if s.key != 0 {
			s.val.docs = ix.keys.get(s.val.key).docs
		}
	}
	ix.sealed = true
}

// Known sets in p, for the raw-bytes hash of a paragraph, the fingerprint fields Judge
// needs (Key, ShapeKey, Words, Short, Numbers, Docs) and reports true, when the
// paragraph was seen in pass 1 and its exact key is in minDocs documents or more
// (Config.Known): it is boilerplate whatever else it shares. Pass 2 then skips
// normalizing it. Such a paragraph is still a duplicate_in_doc when its exact key
// occurred earlier in the document, but a near copy of an earlier paragraph is not
// looked for, and later paragraphs are not compared with it.
func (ix *Index) Known(raw uint64, minDocs int, p *Para) bool {
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
	p.Docs = int32(min(e.docs, math.MaxInt32))
	return true
}

// PrefixDocs returns the number of documents with a short paragraph starting with
// prefix h (Para.Prefix).
func (ix *Index) PrefixDocs(h uint64) int { return int(ix.prefix.get(h).docs) }

// TitleDocs returns the number of documents whose title has key k.
func (ix *Index) TitleDocs(k uint64) int { return int(ix.titles.get(k).docs) }

// DistinctKeys returns the number of distinct paragraph keys counted.
func (ix *Index) DistinctKeys() int { return ix.keys.len() }

// DistinctBands returns the number of distinct band keys counted.
func (ix *Index) DistinctBands() int { return ix.bands.len() }
