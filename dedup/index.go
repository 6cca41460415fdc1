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
// Add is not safe for concurrent use; the lookups are, once adding is over.
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
	sink     uint64 // keeps the loads of prefetch

	// raw maps the raw-bytes hash of a paragraph seen in two documents or more to its
	// key and what Judge needs of it (see Known)
	raw    *rawTable
	sealed bool // counting is over (Seal)
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
	ix.noSrc = r.MinDocs <= 3
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
// paragraph keys), "raw" (Known), "source_keys", "bands", "chars", "prefixes" and
// "titles".
func (ix *Index) TableBytes() map[string]int64 {
	return map[string]int64{
		"keys": ix.keys.bytes(), "raw": ix.raw.bytes(), "source_keys": ix.srcKeys.bytes(),
		"bands": ix.bands.bytes(), "chars": ix.chars.bytes(), "prefixes": ix.prefix.bytes(),
		"titles": ix.titles.bytes(),
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
func (ix *Index) Add(source string, d *Doc) bool {
	src := sourceHash(source)
	so, ok := ix.sources[src]
	if !ok {
		so = uint32(len(ix.sources))
		ix.sources[src] = so
	}
	doc := uint32(len(ix.docSrc) + 1)
	ix.docSrc = append(ix.docSrc, so)
	ix.prefetch(d)
	inc(ix.srcDocs, src)
	echoed := ix.echo(so, d)
	if echoed != 0 {
		ix.echoes++
	}
	keys, bands := d.Uniq()
	if echoed != 0 {
		keys, bands = ix.unshared(d, echoed)
	}
	for _, k := range keys {
		ix.keys.add(k, doc)
		if !ix.noSrc {
			ix.srcKeys.add(srcKey(src, k), doc)
		}
	}
	for _, b := range bands {
		ix.bands.add(b, doc)
	}
	for i := range d.Paras {
		p := &d.Paras[i]
		if p.Raw != 0 && ix.keys.get(p.Key).docs >= 2 {
			ix.raw.put(p.Raw, p)
		}
	}
	for _, h := range d.uchars {
		ix.chars.add(h, doc)
	}
	for _, h := range d.uprefix {
		ix.prefix.add(h, doc)
	}
	if d.TitleKey != 0 {
		ix.titles.add(d.TitleKey, doc)
	}
	ix.checkBudget()
	return echoed != 0
}

// prefetch touches every table slot that adding d will look at. The tables are far
// larger than the processor's caches, so almost every lookup is a cache miss; the
// touches are independent loads, which the processor overlaps, and the lookups that
// follow find their slots in cache. Add does the same work either way, in less time.
func (ix *Index) prefetch(d *Doc) {
	keys, bands := d.Uniq()
	var v uint64
	for _, k := range keys {
		v += ix.keys.touch(k)
	}
	for _, b := range bands {
		v += ix.bands.touch(b)
	}
	for i := range d.Paras {
		v += ix.raw.touch(d.Paras[i].Raw)
	}
	for _, h := range d.uchars {
		v += ix.chars.touch(h)
	}
	for _, h := range d.uprefix {
		v += ix.prefix.touch(h)
	}
	ix.sink += v
}

// origin returns the first document holding paragraph p (its exact key, or failing
// that the earliest of its band keys), or 0.
func (ix *Index) origin(p *Para) uint32 {
	first := ix.keys.get(p.Key).first
	if first == 0 {
		for _, b := range p.Bands {
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
		if first := ix.origin(p); first != 0 && ix.docSrc[first-1] != so {
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

// unshared returns the distinct keys and band keys of the paragraphs of d that do not
// come from document echoed: what an echo adds to the counts.
func (ix *Index) unshared(d *Doc, echoed uint32) (keys, bands []uint64) {
	d.ukeys, d.ushingles = d.ukeys[:0], d.ushingles[:0]
	for i := range d.Paras {
		p := &d.Paras[i]
		if ix.uncommon(p) && ix.origin(p) == echoed {
			continue
		}
		d.ukeys = append(d.ukeys, p.Key)
		if p.ShapeKey != p.Key {
			d.ukeys = append(d.ukeys, p.ShapeKey)
		}
		if p.Hi > p.Lo {
			d.ushingles = append(d.ushingles, p.Bands[:]...)
		}
	}
	return d.set.distinct(d.ukeys), d.set.distinct(d.ushingles)
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
	for i := range ix.raw.slots {
		s := &ix.raw.slots[i]
		if s.key != 0 {
			s.val.docs = ix.keys.get(s.val.key).docs
		}
	}
	ix.sealed = true
}

// Known returns, for the raw-bytes hash of a paragraph, the fingerprint fields Judge
// needs (Key, ShapeKey, Words, Short, Numbers, Docs) when the paragraph was seen in pass 1 and
// its exact key is in minDocs documents or more: it is boilerplate whatever else it
// shares. Pass 2 then skips normalizing it. Such a paragraph is still a duplicate_in_doc
// when its exact key occurred earlier in the document, but a near copy of an earlier
// paragraph is not looked for, and later paragraphs are not compared with it.
func (ix *Index) Known(raw uint64, minDocs int) (Para, bool) {
	e, ok := ix.raw.get(raw)
	if !ok {
		return Para{}, false
	}
	if !ix.sealed {
		e.docs = ix.keys.get(e.key).docs
	}
	if int(e.docs) < minDocs {
		return Para{}, false
	}
	return Para{Key: e.key, ShapeKey: e.key, Words: int32(e.words), Short: e.short,
		Numbers: int32(e.numbers), Docs: int32(min(e.docs, math.MaxInt32))}, true
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
