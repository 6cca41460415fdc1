package dedup

import (
	"fmt"
	"math"

	"github.com/winnowdata/winnow/schema"
)

// Rules are the paragraph removal thresholds of DESIGN.md.
type Rules struct {
	// MinDocs: a paragraph key in at least this many copy groups (documents, a story
	// and its copies counting once) is boilerplate.
	MinDocs int
	// MinSourceShare: a key in at least this share of its source's groups (and in at
	// least MinSourceDocs of them) is boilerplate.
	MinSourceShare float64
	// Near: the share of a paragraph's shingles that must have occurred earlier in its
	// document for it to be a duplicate_in_doc.
	Near float64
}

// DefaultRules returns the defaults of DESIGN.md.
func DefaultRules() Rules { return Rules{MinDocs: 3, MinSourceShare: 0.5, Near: 0.8} }

// Validate reports a threshold out of range.
func (r Rules) Validate() error {
	switch {
	case r.MinDocs < 2:
		return fmt.Errorf("min-docs must be at least 2, not %d", r.MinDocs)
	case r.MinSourceShare <= 0 || r.MinSourceShare > 1:
		return fmt.Errorf("min-source-share must be in (0, 1], not %g", r.MinSourceShare)
	case r.Near <= 0 || r.Near > 1:
		return fmt.Errorf("near must be in (0, 1], not %g", r.Near)
	}
	return nil
}

// The fixed parameters of the rules: what Rules leaves to the user is there, what
// this package decided (and docs/dedup.md measures) is here.
const (
	// MinSourceDocs is the least number of stories of one source that an exact paragraph
	// must be in to be that source's boilerplate by MinSourceShare: a site with two pages
	// in a crawl repeats its header and footer on both, and two different stories of one
	// site do not share a paragraph otherwise (copies of one story are one group, see Copy
	// groups).
	MinSourceDocs = 2

	// ShapeWords is the longest paragraph, in words, whose numbers the shape folds:
	// notices that change a number from page to page (a dateline, a copyright line,
	// "Updated 5 hours ago") are short, while a number changed in a long sentence is a new
	// fact, and a longer paragraph has shingles enough (ten or more) for the band rule to
	// judge its near copies.
	ShapeWords = 14

	// BandQuorum is how many of a paragraph's bands must be frequent for near_boilerplate:
	// one band of Rows = 8 minimums, shared by MinDocs groups that are each near the
	// paragraph (see docs/dedup.md).
	BandQuorum = 1

	// ShortBandQuorum is BandQuorum for a short paragraph, whose bands are of its
	// character shingles: two texts of three words that share two words share half their
	// character shingles, and across a million documents some band of such a text meets
	// two others by chance, so two of its bands must be frequent. Nor is a short paragraph
	// whose numbers the shape keeps (a row of a table, "Pay April 15") judged by its
	// bands: its characters are mostly those of the other rows, and its number is what it
	// says.
	ShortBandQuorum = 2

	// BandShare: the bands of a long paragraph make it near boilerplate only when its near
	// copies are in one copy group in BandShare of the corpus or more (and in MinDocs). A
	// formulaic paragraph ("The council did not respond to a request for comment by
	// Thursday afternoon.", a quote that recurs with another name) has near copies in a
	// share of the corpus's stories, not in a fixed number: with MinDocs alone the bands
	// removed more of the body text the larger the corpus (on gen_corpus, 0.02 % of it on
	// 20 MB, 0.11 % on 200 MB, 0.36 % on 1 GB, 0.67 % on 3 GB), a share of the corpus does
	// not. The largest such cluster there held one document in 1,600 (200 MB) and one in
	// 2,300 (1 GB). A site's template repeats exactly on its own pages, and is boilerplate
	// by its key whatever the share. Up to BandShare × MinDocs groups the threshold is
	// MinDocs.
	BandShare = 1000

	// TableRowWords is the longest paragraph, in words, that duplicate_in_doc treats as a
	// row of a table in a Tabular document, where rows and labels legitimately repeat.
	TableRowWords = 10

	// CopyWords is the least number of words of a paragraph that defines a story for copy
	// groups, and the least number of words two copies must share. Story paragraphs are
	// longer than most lines of a site's template (menus, teaser headlines): with 8, pages
	// of two-page sites whose template outweighs their story became copies of each other,
	// and their template was counted once (zyte recall 0.695 against 0.708).
	CopyWords = 12

	// CopyShare is the share of the long words of each of two documents that their shared
	// long paragraphs must make up for one to be a copy of the other, as a divisor: at
	// least 1/CopyShare of them. (Integers, like every comparison of the copy groups, so
	// that SQL computes the same groups.)
	CopyShare = 2
)

// Decision is the verdict on one paragraph: Reason is "" to keep it.
type Decision struct {
	Reason string
	// DocCount is the number of documents holding the paragraph's key (for the ledger).
	DocCount int32
}

// Judge applies Rules to documents against a finished Index. It keeps scratch state, so
// it is not safe for concurrent use: give each worker its own.
type Judge struct {
	rules Rules
	ix    *Index
	// bandMin is the least number of copy groups the near copies of a long paragraph
	// must be in for its bands to make it near boilerplate (see BandShare)
	bandMin int
	keys    growSet    // paragraph keys seen so far in the document
	first   firstTable // shingle -> the earlier paragraph of the document that held it first
	hits    []int32    // scratch of nearCopy: shingles of the paragraph first held by each earlier one
	hit     []int32    // the paragraphs hits counts for
	n       normalizer
	sink    uint64 // keeps the loads of prefetching
}

// NewJudge returns a Judge of rules over ix. It seals ix if that was not done: call
// Index.Seal first to have a spool error returned rather than panicking.
func NewJudge(rules Rules, ix *Index) *Judge {
	if err := ix.Seal(); err != nil {
		panic(err)
	}
	return &Judge{rules: rules, ix: ix, bandMin: bandMin(rules, ix.stories())}
}

// bandMin returns the least number of copy groups the near copies of a long paragraph
// must be in, in a corpus of stories copy groups: MinDocs, or one group in BandShare,
// whichever is more.
func bandMin(r Rules, stories int64) int {
	return max(r.MinDocs, int(min((stories+BandShare-1)/BandShare, math.MaxInt32)))
}

// Judge appends to dst one Decision per paragraph of d, in order, and returns it. The
// first rule that applies gives the reason:
//  1. duplicate_in_doc: the exact key, or at least Near of the shingles, occurred in an
//     earlier paragraph of the same document (not for a row of a table: a paragraph of
//     at most TableRowWords words in a Tabular document);
//  2. boilerplate: the exact key is in MinDocs documents or more, or in MinSourceShare of
//     the documents of source (and in at least 3 of them);
//  3. near_boilerplate: the digit-folded shape key is in MinDocs groups or more; or
//     BandQuorum of its MinHash band keys are in MinDocs groups and in one group in
//     BandShare of the corpus (ShortBandQuorum of them in MinDocs groups for a short
//     paragraph, whose bands are of character shingles; none for a short paragraph
//     whose numbers are content);
//  4. template: a prefix that starts paragraphs in MinDocs documents, followed by the
//     title of another document.
func (j *Judge) Judge(dst []Decision, source string, d *Doc) []Decision {
	j.keys.reset(len(d.Paras))
	j.first.reset(len(d.Shingles))
	if cap(j.hits) < len(d.Paras) {
		j.hits = make([]int32, len(d.Paras))
	}
	j.hits = j.hits[:len(d.Paras)]
	j.sink += j.ix.prefetchJudge(d)
	r := j.rules
	table := d.Tabular()
	for i, p := range d.Paras {
		sh := d.ParaShingles(i)
		dec := Decision{DocCount: p.docs}
		if !p.known {
			dec.DocCount = int32(j.ix.KeyDocs(p.Key))
		}
		dupKey := j.keys.has(p.Key)
		inDoc := dupKey || (len(sh) > 0 && j.nearCopy(d, sh))
		if table && p.Words <= TableRowWords {
			// row and column labels repeat in a table: they are not a second caption
			inDoc = false
		}
		switch {
		case inDoc:
			dec.Reason = schema.ReasonDuplicateInDoc
		case p.known || int(dec.DocCount) >= r.MinDocs || j.sourceFrequent(source, p.Key):
			dec.Reason = schema.ReasonBoilerplate
		case p.ShapeKey != p.Key && j.ix.KeyDocs(p.ShapeKey) >= r.MinDocs:
			dec.Reason = schema.ReasonNearBoilerplate
			dec.DocCount = int32(j.ix.KeyDocs(p.ShapeKey))
		case len(sh) > 0 && !(p.Short && p.Numbers > 0 && p.ShapeKey == p.Key) && j.ix.NearDocs(p.Key) >= j.nearMin(&p):
			// (a short paragraph whose numbers are content, "Pay April 15", is not near
			// "Pay April 16" for all its shared characters: see ShortBandQuorum)
			dec.Reason = schema.ReasonNearBoilerplate
			dec.DocCount = int32(j.ix.NearDocs(p.Key))
		default:
			if n := j.template(d, &p); n > 0 {
				dec.Reason = schema.ReasonTemplate
				dec.DocCount = int32(n)
			}
		}
		dst = append(dst, dec)
		j.keys.add(p.Key)
		for _, h := range sh {
			j.first.add(h, int32(i))
		}
	}
	return dst
}

// nearMin returns the least number of copy groups whose near copies of p make it near
// boilerplate by its bands.
func (j *Judge) nearMin(p *Para) int {
	if p.Short {
		return j.rules.MinDocs
	}
	return j.bandMin
}

// template returns the number of documents sharing the paragraph's prefix when the
// paragraph is a recurring prefix followed by the title of another document ("Read
// more: ‹headline›"), else 0.
func (j *Judge) template(d *Doc, p *Para) int {
	for i, h := range p.prefix {
		if h == 0 {
			break
		}
		rest := p.rest[i]
		if rest == 0 {
			continue // not computed (Config.wantRest): the prefix is not common enough
		}
		titled := j.ix.TitleDocs(rest)
		if titled > 0 && rest == j.titleKey(d) {
			titled--
		}
		if titled < 1 {
			continue
		}
		if n := j.ix.PrefixDocs(h); n >= j.rules.MinDocs {
			return n
		}
	}
	return 0
}

// titleKey returns d's TitleKey, computing it first under Config.lazyTitle.
func (j *Judge) titleKey(d *Doc) uint64 {
	if d.lazy {
		d.TitleKey, d.title, d.lazy = titleKey(&j.n, d.title), "", false
	}
	return d.TitleKey
}

// nearCopy reports whether Near of the shingles sh of a paragraph already occurred in
// earlier paragraphs of d (a caption printed twice), unless one earlier paragraph more
// than twice as long holds them: a teaser higher on the page that quotes the lead with
// more around it, where the lead is the text and the teaser the page's furniture (on
// the zyte pages this keeps 6 of the 39 content paragraphs lost; the dev corpus's captions printed
// twice all still go).
func (j *Judge) nearCopy(d *Doc, sh []uint64) bool {
	if !j.firstHolds(sh) {
		return false
	}
	j.hit = j.hit[:0]
	for _, h := range sh {
		if k, ok := j.first.get(h); ok {
			if j.hits[k] == 0 {
				j.hit = append(j.hit, k)
			}
			j.hits[k]++
		}
	}
	quoted := false
	for _, k := range j.hit {
		p := d.Paras[k]
		if float64(j.hits[k]) >= j.rules.Near*float64(len(sh)) && int(p.hi-p.lo) > 2*len(sh) {
			quoted = true
		}
		j.hits[k] = 0
	}
	return !quoted
}

// firstTable maps the shingles of a document to the first paragraph holding them.
type firstTable struct {
	keys []uint64
	vals []int32
	mask uint64
}

func (t *firstTable) reset(n int) {
	size := scratchSize(n)
	if cap(t.keys) < size {
		t.keys, t.vals = make([]uint64, size), make([]int32, size)
	}
	t.keys, t.vals = t.keys[:size], t.vals[:size]
	clear(t.keys)
	t.mask = uint64(size - 1)
}

// add maps h to paragraph k, unless h is in the table already.
func (t *firstTable) add(h uint64, k int32) {
	h = fixKey(h)
	for i := (h ^ h>>29) & t.mask; ; i = (i + 1) & t.mask {
		switch t.keys[i] {
		case h:
			return
		case 0:
			t.keys[i], t.vals[i] = h, k
			return
		}
	}
}

func (t *firstTable) get(h uint64) (int32, bool) {
	h = fixKey(h)
	for i := (h ^ h>>29) & t.mask; ; i = (i + 1) & t.mask {
		switch t.keys[i] {
		case h:
			return t.vals[i], true
		case 0:
			return 0, false
		}
	}
}

func (j *Judge) sourceFrequent(source string, k uint64) bool {
	with, all := j.ix.SourceDocs(source, k)
	return with >= MinSourceDocs && float64(with) >= j.rules.MinSourceShare*float64(all)
}

// firstHolds reports whether the earlier paragraphs of the document hold Near of the
// shingles sh or more. It stops at the first missing shingle that puts that share out
// of reach: on new text, within the first few.
func (j *Judge) firstHolds(sh []uint64) bool {
	n := float64(len(sh))
	missing := 0
	for _, h := range sh {
		if _, ok := j.first.get(h); !ok {
			missing++
			if float64(len(sh)-missing)/n < j.rules.Near {
				return false
			}
		}
	}
	return float64(len(sh)-missing)/n >= j.rules.Near
}
