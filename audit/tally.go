package audit

import (
	"maps"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"

	"github.com/winnowdata/winnow/schema"
)

// Reasons as indexes into the fixed-size counters. The order is the display order.
const (
	rBoilerplate = iota
	rNearBoilerplate
	rTemplate
	rDuplicateInDoc
	rOther // a paragraph reason this version does not know
	rDuplicateDoc
	rEmpty
	rOtherDoc // a document reason this version does not know
	nReasons
)

var reasonNames = [nReasons]string{
	rBoilerplate:     schema.ReasonBoilerplate,
	rNearBoilerplate: schema.ReasonNearBoilerplate,
	rTemplate:        schema.ReasonTemplate,
	rDuplicateInDoc:  schema.ReasonDuplicateInDoc,
	rOther:           "other",
	rDuplicateDoc:    schema.ReasonDuplicateDoc,
	rEmpty:           schema.ReasonEmpty,
	rOtherDoc:        "other",
}

// paraReasons and docReasons are the reasons of each level, in display order.
var (
	// (the paragraphs of a document dropped as a duplicate are removed paragraphs too,
	// as the stats count them)
	paraReasons = []int{rBoilerplate, rNearBoilerplate, rTemplate, rDuplicateInDoc, rDuplicateDoc, rOther}
	docReasons  = []int{rDuplicateDoc, rEmpty, rOtherDoc}
)

// paraReason returns the counter index of a paragraph reason.
func paraReason(s string) int {
	switch s {
	case schema.ReasonBoilerplate:
		return rBoilerplate
	case schema.ReasonNearBoilerplate:
		return rNearBoilerplate
	case schema.ReasonTemplate:
		return rTemplate
	case schema.ReasonDuplicateInDoc:
		return rDuplicateInDoc
	case schema.ReasonDuplicateDoc:
		return rDuplicateDoc
	}
	return rOther
}

// docReason returns the counter index of a document reason.
func docReason(s string) int {
	switch s {
	case schema.ReasonDuplicateDoc:
		return rDuplicateDoc
	case schema.ReasonEmpty:
		return rEmpty
	}
	return rOtherDoc
}

// tallied reports whether removals of paragraph reason r are tallied by key per source.
func tallied(r int) bool { return r == rBoilerplate || r == rNearBoilerplate || r == rTemplate }

// counts are the fixed-size counters of a source or of the whole corpus.
type counts struct {
	docs         int64
	paras        int64
	bytes        int64
	docsRemoved  [nReasons]int64
	parasRemoved [nReasons]int64
	bytesRemoved [nReasons]int64
}

func (c *counts) add(o *counts) {
	c.docs += o.docs
	c.paras += o.paras
	c.bytes += o.bytes
	for i := range nReasons {
		c.docsRemoved[i] += o.docsRemoved[i]
		c.parasRemoved[i] += o.parasRemoved[i]
		c.bytesRemoved[i] += o.bytesRemoved[i]
	}
}

// removedParas returns the paragraphs removed for any reason.
func (c *counts) removedParas() (n int64) {
	for _, r := range paraReasons {
		n += c.parasRemoved[r]
	}
	return n
}

func (c *counts) removedBytes() (n int64) {
	for _, r := range paraReasons {
		n += c.bytesRemoved[r]
	}
	return n
}

func (c *counts) removedDocs() (n int64) {
	for _, r := range docReasons {
		n += c.docsRemoved[r]
	}
	return n
}

// keyEntry is one tallied paragraph key.
type keyEntry struct {
	count    int64  // documents (per source) or removed copies (captions)
	docs     int64  // captions: documents with a removed copy
	docCount int32  // largest DocCount seen
	reason   int8   // reason of the first removal seen
	text     string // first text seen, a bounded copy of its start (keyText when shown)
	source   string // captions: source of the first removal seen
}

// keyTable is a bounded tally of paragraph keys. When it is full, prune drops the keys
// with the smallest counts (count 1 first), so the counts it holds are lower bounds: a
// key dropped and seen again starts over.
type keyTable struct {
	m       map[uint64]*keyEntry
	dropped int64 // keys dropped by pruning, over the run
	floor   int64 // the largest count ever dropped: counts up to it may be incomplete
}

// entry returns the entry of key, creating it (with text) when absent. It reports whether
// it created one.
func (t *keyTable) entry(key uint64, text string, reason int) (*keyEntry, bool) {
	if e := t.m[key]; e != nil {
		return e, false
	}
	if t.m == nil {
		t.m = map[uint64]*keyEntry{}
	}
	e := &keyEntry{text: head(text, 4*keyTextRunes), reason: int8(reason)}
	t.m[key] = e
	return e, true
}

// pruneTables drops entries from tables until at most target remain in all of them
// together: every entry whose count is at most the smallest threshold that frees enough.
// Ties fall together, so the result does not depend on map order. It returns how many it
// dropped.
func pruneTables(target int, tables ...*keyTable) int {
	var all []int64
	for _, t := range tables {
		for _, e := range t.m {
			all = append(all, e.count)
		}
	}
	excess := len(all) - target
	if excess <= 0 {
		return 0
	}
	slices.Sort(all)
	threshold := all[excess-1]
	dropped := 0
	for _, t := range tables {
		n := len(t.m)
		maps.DeleteFunc(t.m, func(_ uint64, e *keyEntry) bool { return e.count <= threshold })
		d := n - len(t.m)
		if d > 0 {
			t.dropped += int64(d)
			t.floor = max(t.floor, threshold)
		}
		dropped += d
	}
	return dropped
}

// sourceAudit is what the audit keeps per source.
type sourceAudit struct {
	name string
	counts
	keys keyTable // removed keys of the tallied reasons, counted once per document
}

// sample is one stored sample document.
type sample struct {
	hash     uint64
	id       string
	source   string
	title    string
	reason   string
	dupOf    string
	paras    []sampleParagraph
	omitted  int // paragraphs not stored
	nParas   int
	nRemoved int
}

type sampleParagraph struct {
	Text   string
	Reason string
}

// histBins is the number of bars of the histogram of the removed share per document: one
// for "nothing removed", then ten of ten percent each.
const histBins = 11

// histBin returns the bin of a removed share in [0, 1]: 0 for exactly nothing, else
// bin i holds shares in ((i-1)/10, i/10].
func histBin(removed, total int64) int {
	if removed <= 0 || total <= 0 {
		return 0
	}
	if removed >= total {
		return histBins - 1
	}
	// ceil(10 * removed / total), in integers so no rounding moves a share across bins.
	return int((10*removed + total - 1) / total)
}

// tally adds the current document's removed keys (in a.scratch) to the key tables.
func (a *Audit) tally(src *sourceAudit) {
	ks := a.scratch
	if len(ks) == 0 {
		return
	}
	// Group equal keys, keeping input order within a key so the first text wins.
	slices.SortStableFunc(ks, func(x, y docKey) int {
		if x.caption != y.caption {
			if x.caption {
				return 1
			}
			return -1
		}
		switch {
		case x.key < y.key:
			return -1
		case x.key > y.key:
			return 1
		}
		return 0
	})
	for i := 0; i < len(ks); {
		j := i + 1
		for j < len(ks) && ks[j].key == ks[i].key && ks[j].caption == ks[i].caption {
			j++
		}
		k := ks[i]
		docCount := k.docCount
		for _, o := range ks[i+1 : j] {
			docCount = max(docCount, o.docCount)
		}
		if k.caption {
			e, _ := a.captions.entry(k.key, k.text, k.reason)
			if e.source == "" {
				e.source = src.name
			}
			e.count += int64(j - i)
			e.docs++
			e.docCount = max(e.docCount, docCount)
			if len(a.captions.m) > a.opts.CaptionKeys {
				pruneTables(a.opts.CaptionKeys*3/4, &a.captions)
			}
		} else {
			e, created := src.keys.entry(k.key, k.text, k.reason)
			e.count++
			e.docCount = max(e.docCount, docCount)
			if created {
				a.nKeys++
				if len(src.keys.m) > a.opts.KeysPerSource {
					a.nKeys -= pruneTables(a.opts.KeysPerSource*3/4, &src.keys)
				}
				if a.nKeys > a.opts.TotalKeys {
					a.pruneAllSources()
				}
			}
		}
		i = j
	}
	// Drop the references to d's strings.
	clear(a.scratch)
}

// pruneAllSources brings the key tables of all sources together down to three quarters
// of TotalKeys.
func (a *Audit) pruneAllSources() {
	names := make([]string, 0, len(a.sources))
	for name, s := range a.sources {
		if len(s.keys.m) > 0 {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	tables := make([]*keyTable, len(names))
	for i, name := range names {
		tables[i] = &a.sources[name].keys
	}
	a.nKeys -= pruneTables(a.opts.TotalKeys*3/4, tables...)
	a.keyPrunes++
}

// offerSample keeps d as a sample if its ID hashes among the smallest seen.
func (a *Audit) offerSample(d *Doc, removed int64) {
	if a.opts.Samples <= 0 {
		return
	}
	h := xxhash.Sum64String(d.ID)
	less := func(s *sample) bool { return h < s.hash || h == s.hash && d.ID < s.id }
	if len(a.samples) == a.opts.Samples && !less(a.samples[len(a.samples)-1]) {
		return
	}
	s := &sample{hash: h, id: clip(d.ID, nameRunes), source: clip(d.Source, nameRunes),
		title: clip(d.Title, 2*nameRunes), reason: clip(d.Reason, 40),
		dupOf: clip(d.DupOf, nameRunes), nParas: len(d.Paras), nRemoved: int(removed)}
	budget := sampleRunes
	for i, p := range d.Paras {
		if i == sampleParas || budget <= 0 {
			s.omitted = len(d.Paras) - i
			break
		}
		limit := min(sampleParaRunes, budget)
		text := clip(p.Text, limit)
		budget -= utf8.RuneCountInString(text)
		s.paras = append(s.paras, sampleParagraph{Text: text, Reason: clip(p.Reason, 40)})
	}
	i, _ := slices.BinarySearchFunc(a.samples, s, func(x, y *sample) int {
		switch {
		case x.hash < y.hash:
			return -1
		case x.hash > y.hash:
			return 1
		}
		return strings.Compare(x.id, y.id)
	})
	a.samples = slices.Insert(a.samples, i, s)
	if len(a.samples) > a.opts.Samples {
		a.samples[len(a.samples)-1] = nil
		a.samples = a.samples[:len(a.samples)-1]
	}
}

// descending; ties by text and key.
func topEntries(t *keyTable, n int) ([]uint64, []*keyEntry) {
	keys := slices.Collect(maps.Keys(t.m))
	slices.SortFunc(keys, func(x, y uint64) int {
		ex, ey := t.m[x], t.m[y]
		switch {
		case ex.count != ey.count:
			return cmpDesc(ex.count, ey.count)
		case ex.docCount != ey.docCount:
			return cmpDesc(int64(ex.docCount), int64(ey.docCount))
		case ex.text != ey.text:
			return strings.Compare(ex.text, ey.text)
		}
		return cmpDesc(int64(y), int64(x)) // ascending key, as unsigned
	})
	keys = keys[:min(n, len(keys))]
	es := make([]*keyEntry, len(keys))
	for i, k := range keys {
		es[i] = t.m[k]
	}
	return keys, es
}

func cmpDesc(x, y int64) int {
	switch {
	case x > y:
		return -1
	case x < y:
		return 1
	}
	return 0
}

// captionWords is the least number of words of letters in a caption.
const captionWords = 4

// notCaptions counts the paragraphs removed as duplicate_in_doc that the captions table
// leaves out.
type notCaptions struct {
	rows    int64 // too few words of letters: table rows of numbers, dates or dashes
	notices int64 // second copies of a paragraph removed for another reason
}

// firstCopy is the first paragraph of a document with a given key.
type firstCopy struct {
	index  int
	reason int // -1 when it was kept
}

// captionCopy reports whether paragraph i of d, removed as duplicate_in_doc, is what the
// rules call a duplicated caption (dedup's rule 1: "a caption printed twice is a
// sentence with a date and a credit"), and counts it in a.notCaps when it is not. It is
// one when
//   - it reads as a sentence (readsAsSentence): not a row of numbers, dates or dashes
//     ("04/09/87 03/09/87", "- - - -") that a table repeats, nor a short label; and
//   - its earlier copy with the same key, if the document has one, was not removed as
//     boilerplate or template: a notice printed at the top and the foot of every page is
//     removed as boilerplate the first time and as duplicate_in_doc the second, and is
//     the site's template, not a caption. An earlier copy removed as near_boilerplate
//     does not count: that evidence is similarity to other documents, which a caption
//     quoting a sentence of another story also has. (A near copy, with another key,
//     counts as a caption copy.)
//
// On the labelled dev corpus (4,000 Reuters articles in 8 outlet templates, seed 7) this
// lists 1,429 of the 1,512 paragraphs removed as duplicate_in_doc: all 1,420 labelled
// caption copies and 9 repeated sentences of content; it leaves out 28 table rows
// ("04/09/87 03/09/87 04/09/87 03/09/87", 27 of them) and 55 second copies of a
// boilerplate notice.
func (a *Audit) captionCopy(d *Doc, i int) bool {
	p := &d.Paras[i]
	if !readsAsSentence(p.Text) {
		a.notCaps.rows++
		return false
	}
	if a.firsts == nil {
		a.firsts = map[uint64]firstCopy{}
	}
	if len(a.firsts) == 0 {
		// built once per document, at its first caption candidate
		for k, q := range d.Paras {
			if _, ok := a.firsts[q.Key]; !ok {
				r := -1
				if q.Reason != "" {
					r = paraReason(q.Reason)
				}
				a.firsts[q.Key] = firstCopy{index: k, reason: r}
			}
		}
	}
	if f := a.firsts[p.Key]; f.index < i && (f.reason == rBoilerplate || f.reason == rTemplate) {
		a.notCaps.notices++
		return false
	}
	return true
}

// readsAsSentence reports whether s holds at least captionWords words of letters and
// they are at least half of its words. A word of letters has two letters or more and
// more letters than digits ("Reuters", "U.S.", "Wire/PA"; not "04/09/87", "-", "5-14").
// In scripts written without spaces (Han, kana, Thai, Lao, Khmer, Myanmar) every two
// letters count as a word.
func readsAsSentence(s string) bool {
	words, lettered := 0, 0
	for _, w := range strings.Fields(s) {
		letters, digits, dense := 0, 0, 0
		for _, r := range w {
			switch {
			case unicode.IsLetter(r):
				letters++
				if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai,
					unicode.Lao, unicode.Khmer, unicode.Myanmar) {
					dense++
				}
			case unicode.IsDigit(r):
				digits++
			}
		}
		n := 1
		if dense > 0 {
			n = max(dense/2, 1)
		}
		words += n
		if dense > 0 || letters >= 2 && letters > digits {
			lettered += n
		}
	}
	return lettered >= captionWords && 2*lettered >= words
}
