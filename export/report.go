package export

// The HTML audit report.
//
// The pipeline feeds every document of pass 2 to an Audit, in input order, and writes the
// report at the end with WriteHTML. The Audit keeps tallies whose size does not depend on
// the corpus size: fixed-size counters per source and per reason, bounded tables of
// removed-paragraph keys, a fixed histogram and a handful of sample documents. Every
// choice (which keys a full table drops, which documents are samples, the order of every
// list) depends only on the input order, so the same input gives a byte-identical report.
//
// The report is one self-contained HTML file: inline CSS, inline SVG charts drawn here,
// a small inline script that makes the sources table sortable, and a Content Security
// Policy that forbids every fetch. All text from the input goes through html/template,
// which escapes it for its context.

import (
	"bufio"
	_ "embed"
	"fmt"
	"html/template"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"

	"github.com/winnowdata/winnow/schema"
)

// AuditPara is one paragraph of an audited document.
type AuditPara struct {
	Text string
	// Reason is why the paragraph was removed (a schema.Reason* value), or "" if it was
	// kept.
	Reason string
	// DocCount is the number of documents in the corpus holding the paragraph's key.
	DocCount int32
	// Key is the paragraph's exact fingerprint.
	Key uint64
}

// AuditDoc is one document as the audit sees it: its paragraphs in input order, each with
// its decision, and the document-level decision.
type AuditDoc struct {
	ID, Source, Title string
	Paras             []AuditPara
	// Reason is the document-level decision: "", schema.ReasonDuplicateDoc or
	// schema.ReasonEmpty.
	Reason string
	// DupOf is the kept document a duplicate_doc copies.
	DupOf string
}

// AuditOptions sizes an Audit. The zero value selects every default.
type AuditOptions struct {
	// TopParagraphs is the number of most frequent boilerplate paragraphs listed per
	// source (default 10; negative lists none).
	TopParagraphs int
	// Samples is the number of sample documents shown (default 6; negative shows none).
	Samples int
	// TopCaptions is the number of duplicated captions listed (default 50; negative lists
	// none).
	TopCaptions int
	// TableSources is the number of sources, the largest by documents, that the sources
	// table and the boilerplate section show (default 200).
	TableSources int
	// ChartSources is the number of sources in the chart of removal by source (default
	// 20).
	ChartSources int
	// KeysPerSource caps the removed-paragraph keys tallied per source (default 2000).
	KeysPerSource int
	// TotalKeys caps the removed-paragraph keys tallied over all sources together
	// (default 200000).
	TotalKeys int
	// CaptionKeys caps the duplicated-caption keys tallied (default 20000).
	CaptionKeys int
}

// Defaults of AuditOptions.
const (
	defaultTopParagraphs = 10
	defaultSamples       = 6
	defaultTopCaptions   = 50
	defaultTableSources  = 200
	defaultChartSources  = 20
	defaultKeysPerSource = 2000
	defaultTotalKeys     = 200_000
	defaultCaptionKeys   = 20_000
)

// Truncation limits of the text the audit stores and shows. Together with the options
// they bound the report: with the defaults it stays well under 5 MB whatever the input.
const (
	keyTextRunes    = 300  // text kept for a tallied key
	nameRunes       = 100  // source names, document ids and titles as shown
	sampleParaRunes = 600  // one paragraph of a sample document
	sampleRunes     = 6000 // all paragraphs of a sample document
	sampleParas     = 60   // paragraphs shown per sample document
)

// withDefaults returns o with its zero fields set to the defaults and the negative
// counts of shown items set to zero.
func (o AuditOptions) withDefaults() AuditOptions {
	shown := func(v *int, def int) {
		switch {
		case *v == 0:
			*v = def
		case *v < 0:
			*v = 0
		}
	}
	capped := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	shown(&o.TopParagraphs, defaultTopParagraphs)
	shown(&o.Samples, defaultSamples)
	shown(&o.TopCaptions, defaultTopCaptions)
	capped(&o.TableSources, defaultTableSources)
	capped(&o.ChartSources, defaultChartSources)
	capped(&o.KeysPerSource, defaultKeysPerSource)
	capped(&o.TotalKeys, defaultTotalKeys)
	capped(&o.CaptionKeys, defaultCaptionKeys)
	// A table must hold at least what it shows.
	o.KeysPerSource = max(o.KeysPerSource, 4*o.TopParagraphs, 16)
	o.TotalKeys = max(o.TotalKeys, o.KeysPerSource)
	o.CaptionKeys = max(o.CaptionKeys, 4*o.TopCaptions, 16)
	return o
}

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
	paraReasons = []int{rBoilerplate, rNearBoilerplate, rTemplate, rDuplicateInDoc, rOther}
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

// Audit collects what the HTML report shows. Feed it every document with Observe, in
// input order, then call WriteHTML. Its memory is bounded by its options and grows with
// the number of sources only by a fixed-size record each, never with the number of
// documents. An Audit is not safe for concurrent use.
type Audit struct {
	opts      AuditOptions
	sources   map[string]*sourceAudit
	total     counts
	hist      [histBins]int64 // see histBin
	noParas   int64           // documents without paragraphs (not in the histogram)
	nKeys     int             // entries in all sources' key tables
	captions  keyTable
	samples   []*sample // sorted by (hash, id), at most opts.Samples
	scratch   []docKey  // per-document scratch
	keyPrunes int       // global prunes of the source tables, for tests
}

// docKey is one removed paragraph of the current document, gathered to count each key
// once per document.
type docKey struct {
	key      uint64
	caption  bool
	reason   int
	docCount int32
	text     string
}

// NewAudit returns an empty Audit sized by opts.
func NewAudit(opts AuditOptions) *Audit {
	return &Audit{opts: opts.withDefaults(), sources: map[string]*sourceAudit{}}
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

// Observe adds one document to the audit. It copies what it keeps: it retains neither d
// nor anything d points to.
func (a *Audit) Observe(d *AuditDoc) {
	if d == nil {
		return
	}
	src := a.sources[d.Source]
	if src == nil {
		src = &sourceAudit{name: strings.Clone(d.Source)}
		a.sources[src.name] = src
	}
	var c counts
	c.docs = 1
	c.paras = int64(len(d.Paras))
	a.scratch = a.scratch[:0]
	for _, p := range d.Paras {
		n := int64(len(p.Text))
		c.bytes += n
		if p.Reason == "" {
			continue
		}
		r := paraReason(p.Reason)
		c.parasRemoved[r]++
		c.bytesRemoved[r] += n
		if tallied(r) || r == rDuplicateInDoc {
			a.scratch = append(a.scratch, docKey{key: p.Key, caption: r == rDuplicateInDoc,
				reason: r, docCount: p.DocCount, text: p.Text})
		}
	}
	if d.Reason != "" {
		c.docsRemoved[docReason(d.Reason)]++
	}
	src.add(&c)
	a.total.add(&c)

	if c.paras == 0 {
		a.noParas++
	} else if c.bytes > 0 {
		a.hist[histBin(c.removedBytes(), c.bytes)]++
	} else {
		a.hist[histBin(c.removedParas(), c.paras)]++
	}

	a.tally(src)
	if c.removedParas() > 0 || c.removedDocs() > 0 {
		a.offerSample(d, c.removedParas())
	}
}

// tally adds the current document's removed keys (in a.scratch) to the key tables.
// Drop counts a document that Observe saw kept as removed after all, for a
// document-level reason: a later, fuller copy of it replaced it (dedup.DocIndex.Place).
// Its paragraphs and sample stay as Observe recorded them.
func (a *Audit) Drop(source, reason string) {
	src := a.sources[source]
	if src == nil {
		return
	}
	r := docReason(reason)
	src.docsRemoved[r]++
	a.total.docsRemoved[r]++
}

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
func (a *Audit) offerSample(d *AuditDoc, removed int64) {
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

// clean makes untrusted text safe to store and show: valid UTF-8, no NUL or other
// control characters but tab and newline.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			if r == '\r' {
				return -1
			}
			return '\uFFFD'
		}
		return r
	}, s)
}

func isControl(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' || r == 0x7f || r >= 0x80 && r < 0xa0
}

// clip returns a cleaned copy of s cut to at most n runes (the last one "…" when cut).
// The copy shares no memory with s.
func clip(s string, n int) string {
	cut := false
	if limit := 4 * n; len(s) > limit { // cheap pre-cut of long text, on a rune start
		i := limit
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s, cut = s[:i], true
	}
	s = clean(s)
	if utf8.RuneCountInString(s) > n {
		k := 0
		for i := range s {
			if k == n-1 {
				s = s[:i]
				break
			}
			k++
		}
		cut = true
	}
	if cut {
		return strings.TrimRightFunc(s, isSpace) + "…"
	}
	return strings.Clone(s)
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' }

// keyText is the stored text of a tallied key: cut and with its white space collapsed.
// head returns a copy of at most the first n bytes of s, cut on a rune start: what a
// tallied key keeps of its text until the report shows it (keyText). Keys come and go
// as the tallies prune, so the cleaning waits until a key is shown.
func head(s string, n int) string {
	if len(s) > n {
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n]
	}
	return strings.Clone(s)
}

func keyText(s string) string {
	return strings.Join(strings.Fields(clip(s, keyTextRunes)), " ")
}

//go:embed report_template.html
var reportTemplateText string

var reportTemplate = template.Must(template.New("report").Parse(reportTemplateText))

// WriteHTML writes the report to path ("-" for standard output), atomically: the file
// appears whole or not at all. st, the run's statistics, gives the totals when it is not
// nil; otherwise they come from the observed documents. title heads the page.
func (a *Audit) WriteHTML(path string, st *schema.Stats, title string) error {
	f, err := CreateAtomic(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := a.Render(f, st, title); err != nil {
		return err
	}
	return f.Commit()
}

// Render writes the report to w, as WriteHTML does to a file. Writing into an
// AtomicFile and committing it later lets a caller put the report in place together
// with its other outputs.
func (a *Audit) Render(f *AtomicFile, st *schema.Stats, title string) error {
	v := a.view(st, title)
	w := bufio.NewWriterSize(f, 64<<10)
	err := reportTemplate.Execute(w, v)
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		if f.writeErr != nil {
			return f.writeErr
		}
		return fmt.Errorf("write %s: %w", f.path, err)
	}
	return nil
}

// reportView is what the template shows; every field is computed and ordered here.
type reportView struct {
	Title         string
	Subtitle      string
	Version       string
	SchemaVersion string
	Cards         []card
	Reasons       []reasonRow
	ReasonsChart  chart
	SourcesChart  chart
	Histogram     histogram
	Legend        []legendItem
	Table         sourceTable
	Boilerplate   []sourceKeys
	TopParagraphs int
	Captions      []captionRow
	CaptionsNote  string
	Samples       []sampleView
}

type card struct {
	Label, Value, Sub string
}

type legendItem struct{ Name, Class string }

type reasonRow struct {
	Name, Class, Level string
	Paras, Bytes, Docs string
	ParasPct, BytesPct string
}

// chart is a horizontal bar chart in SVG; coordinates are in its viewBox.
type chart struct {
	ID     string
	Label  string // aria-label
	W, H   float64
	Grid   []gridLine
	Rows   []chartRow
	LabelX float64
}

type gridLine struct {
	X, Y1, Y2 float64
	Label     string
}

type chartRow struct {
	Y, TextY float64
	Label    string
	Full     string // the label before clipping, when it was clipped
	Segs     []segment
	Value    string
	ValueX   float64
}

type segment struct {
	X, W  float64
	Y, H  float64
	Class string
	Title string
}

type histogram struct {
	Label  string
	W, H   float64
	BaseY  float64
	Bars   []histBar
	Note   string
	Grid   []gridLine
	AxisX1 float64
	AxisX2 float64
}

type histBar struct {
	X, Y, W, H   float64
	Label        string
	LabelX       float64
	Count        string
	CountY       float64
	Class, Title string
}

type sourceTable struct {
	Columns []column
	Rows    []sourceRow
	Total   sourceRow
	Note    string
}

type column struct {
	Name, Title string
	Class       string // reason swatch, or ""
	Num         bool
	Sorted      string // aria-sort of the initial order, or ""
}

type sourceRow struct {
	Name  string
	Cells []cell
	Mini  []segment
}

type cell struct {
	Text, Title string
	V           string // sort value
}

type sourceKeys struct {
	Name    string
	Docs    string
	Open    bool
	Rows    []keyRow
	Note    string
	Summary string
}

type keyRow struct {
	Rank                   int
	Text, Reason, Class    string
	Count, Share, DocCount string
	ShareW                 float64
}

type captionRow struct {
	Rank                         int
	Text, Copies, Docs, DocCount string
	Source                       string
}

type sampleView struct {
	Title, ID, Source   string
	Reason, ReasonClass string
	DupOf               string
	Summary             string
	Paras               []sampleParagraphView
	Omitted             string
}

type sampleParagraphView struct {
	Text, Reason, Class string
	Removed             bool
}

// reasonClass is the CSS class of reason index r.
func reasonClass(r int) string {
	switch r {
	case rBoilerplate:
		return "r-bp"
	case rNearBoilerplate:
		return "r-nb"
	case rTemplate:
		return "r-tp"
	case rDuplicateInDoc:
		return "r-di"
	case rDuplicateDoc:
		return "r-dd"
	case rEmpty:
		return "r-em"
	}
	return "r-ot"
}

// totalsFromStats converts run statistics into counters. ok is false when st holds no
// documents (then the observed counters serve).
func totalsFromStats(st *schema.Stats) (c counts, out [3]int64, skipped int64, ok bool) {
	if st == nil || st.DocumentsIn == 0 && st.ParagraphsIn == 0 {
		return c, out, 0, false
	}
	c.docs, c.paras, c.bytes = st.DocumentsIn, st.ParagraphsIn, st.BytesIn
	for reason, n := range st.Removed {
		c.parasRemoved[paraReason(reason)] += n
	}
	for reason, n := range st.RemovedBytes {
		c.bytesRemoved[paraReason(reason)] += n
	}
	for reason, n := range st.DocsRemoved {
		c.docsRemoved[docReason(reason)] += n
	}
	return c, [3]int64{st.DocumentsOut, st.ParagraphsOut, st.BytesOut}, st.DocumentsSkip, true
}

func (a *Audit) view(st *schema.Stats, title string) *reportView {
	if title == "" {
		title = "winnow audit report"
	}
	v := &reportView{Title: clip(title, 2*nameRunes),
		TopParagraphs: a.opts.TopParagraphs, SchemaVersion: schema.Version}
	if st != nil {
		v.Version = clip(st.Version, 40)
		if st.SchemaVersion != "" {
			v.SchemaVersion = clip(st.SchemaVersion, 40)
		}
	}

	tot, out, skipped, ok := totalsFromStats(st)
	if !ok {
		tot = a.total
		out = [3]int64{tot.docs - tot.removedDocs(), tot.paras - tot.removedParas(),
			tot.bytes - tot.removedBytes()}
	}
	v.Subtitle = fmt.Sprintf("%s documents from %s sources · schema %s", formatNum(tot.docs),
		formatNum(int64(len(a.sources))), v.SchemaVersion)
	if v.Version != "" {
		v.Subtitle = "winnow " + v.Version + " · " + v.Subtitle
	}
	v.Cards = []card{
		{"Documents", formatNum(tot.docs), docsSub(tot, out[0], skipped)},
		{"Paragraphs", formatNum(tot.paras), fmt.Sprintf("%s kept · %s removed", formatNum(out[1]),
			formatPct(tot.paras-out[1], tot.paras))},
		{"Text", formatBytes(tot.bytes), fmt.Sprintf("%s kept · %s removed", formatBytes(out[2]),
			formatPct(tot.bytes-out[2], tot.bytes))},
		{"Sources", formatNum(int64(len(a.sources))), a.sourcesSub()},
	}

	for _, r := range reasonOrder(&tot) {
		row := reasonRow{Name: reasonNames[r], Class: reasonClass(r)}
		if r < rDuplicateDoc {
			row.Level = "paragraph"
			row.Paras = formatNum(tot.parasRemoved[r])
			row.ParasPct = formatPct(tot.parasRemoved[r], tot.paras)
			row.Bytes = formatBytes(tot.bytesRemoved[r])
			row.BytesPct = formatPct(tot.bytesRemoved[r], tot.bytes)
			row.Docs = "–"
		} else {
			row.Level = "document"
			row.Paras, row.ParasPct, row.Bytes, row.BytesPct = "–", "–", "–", "–"
			row.Docs = formatNum(tot.docsRemoved[r]) + " (" + formatPct(tot.docsRemoved[r], tot.docs) + ")"
		}
		v.Reasons = append(v.Reasons, row)
	}
	v.ReasonsChart = reasonsChart(&tot)
	for _, r := range paraReasons {
		if r != rOther || a.total.parasRemoved[r] > 0 {
			v.Legend = append(v.Legend, legendItem{reasonNames[r], reasonClass(r)})
		}
	}

	bySize := a.sourcesBySize()
	v.SourcesChart = a.sourcesChart(bySize[:min(len(bySize), a.opts.ChartSources)])
	v.Histogram = a.histogram()
	shown := bySize[:min(len(bySize), a.opts.TableSources)]
	v.Table = a.sourceTable(shown, len(bySize))
	v.Boilerplate = a.boilerplate(shown)
	v.Captions, v.CaptionsNote = a.topCaptions()
	for _, s := range a.samples {
		v.Samples = append(v.Samples, sampleViewOf(s))
	}
	return v
}

func docsSub(tot counts, out, skipped int64) string {
	s := fmt.Sprintf("%s kept · %s removed", formatNum(out), formatNum(tot.removedDocs()))
	if skipped > 0 {
		s += fmt.Sprintf(" · %s skipped", formatNum(skipped))
	}
	return s
}

// sourcesSub says how many sources lose more than a quarter of their paragraphs.
func (a *Audit) sourcesSub() string {
	var n int64
	for _, s := range a.sources {
		if 4*s.removedParas() > s.paras {
			n++
		}
	}
	return formatNum(n) + " with over 25% of paragraphs removed"
}

// reasonOrder returns the reasons shown in the by-reason table: the known ones always,
// "other" only when it counted something.
func reasonOrder(c *counts) []int {
	var rs []int
	for _, r := range paraReasons {
		if r != rOther || c.parasRemoved[r] > 0 {
			rs = append(rs, r)
		}
	}
	for _, r := range docReasons {
		if r != rOtherDoc || c.docsRemoved[r] > 0 {
			rs = append(rs, r)
		}
	}
	return rs
}

// sourcesBySize returns the sources, most documents first, ties by name.
func (a *Audit) sourcesBySize() []*sourceAudit {
	ss := make([]*sourceAudit, 0, len(a.sources))
	for _, s := range a.sources {
		ss = append(ss, s)
	}
	slices.SortFunc(ss, func(x, y *sourceAudit) int {
		if x.docs != y.docs {
			if x.docs > y.docs {
				return -1
			}
			return 1
		}
		return strings.Compare(x.name, y.name)
	})
	return ss
}

// Chart geometry, in viewBox units (the SVG scales to the page width).
const (
	chartW      = 880.0
	chartLabelW = 190.0
	chartValueW = 130.0
	rowH        = 26.0
	barH        = 16.0
	chartTop    = 26.0
)

func round1(x float64) float64 { return math.Round(x*10) / 10 }

// reasonsChart draws the removed paragraphs per reason.
func reasonsChart(tot *counts) chart {
	rs := []int{}
	var maxV int64
	for _, r := range paraReasons {
		if r == rBoilerplate || tot.parasRemoved[r] > 0 {
			rs = append(rs, r)
			maxV = max(maxV, tot.parasRemoved[r])
		}
	}
	c := chart{ID: "reasons-chart", Label: "Removed paragraphs by reason", W: chartW, LabelX: chartLabelW - 8}
	barW := chartW - chartLabelW - chartValueW
	for i, r := range rs {
		y := chartTop + float64(i)*rowH
		n := tot.parasRemoved[r]
		w := 0.0
		if maxV > 0 {
			w = barW * float64(n) / float64(maxV)
		}
		if n > 0 {
			w = max(w, 1)
		}
		row := chartRow{Y: y, TextY: round1(y + barH/2 + 4.5), Label: reasonNames[r],
			Value:  fmt.Sprintf("%s (%s)", formatNum(n), formatPct(n, tot.paras)),
			ValueX: round1(chartLabelW + w + 6)}
		row.Segs = []segment{{X: chartLabelW, W: round1(w), Y: y, H: barH, Class: reasonClass(r),
			Title: fmt.Sprintf("%s: %s paragraphs", reasonNames[r], formatNum(n))}}
		c.Rows = append(c.Rows, row)
	}
	c.H = chartTop + float64(len(rs))*rowH + 4
	c.Grid = []gridLine{{X: chartLabelW, Y1: chartTop - 6, Y2: c.H - 4}}
	return c
}

// sourcesChart draws, for the largest sources, the share of their paragraphs removed,
// stacked by reason, highest share first.
func (a *Audit) sourcesChart(ss []*sourceAudit) chart {
	ss = slices.Clone(ss)
	share := func(s *sourceAudit) float64 {
		if s.paras == 0 {
			return 0
		}
		return float64(s.removedParas()) / float64(s.paras)
	}
	slices.SortStableFunc(ss, func(x, y *sourceAudit) int {
		sx, sy := share(x), share(y)
		switch {
		case sx > sy:
			return -1
		case sx < sy:
			return 1
		}
		return 0 // stable: keeps the size order
	})
	barW := chartW - chartLabelW - 190
	c := chart{ID: "sources-chart", Label: "Share of paragraphs removed, by source and reason", W: chartW,
		LabelX: chartLabelW - 8}
	for i, s := range ss {
		y := chartTop + float64(i)*rowH
		row := chartRow{Y: y, TextY: round1(y + barH/2 + 4.5), Label: clip(s.name, 26)}
		if full := clip(s.name, nameRunes); full != row.Label {
			row.Full = full
		}
		x := chartLabelW
		for _, r := range paraReasons {
			n := s.parasRemoved[r]
			if n == 0 || s.paras == 0 {
				continue
			}
			w := barW * float64(n) / float64(s.paras)
			row.Segs = append(row.Segs, segment{X: round1(x), W: round1(max(w, 0.5)), Y: y, H: barH,
				Class: reasonClass(r), Title: fmt.Sprintf("%s: %s of %s paragraphs (%s)",
					reasonNames[r], formatNum(n), formatNum(s.paras), formatPct(n, s.paras))})
			x += w
		}
		row.Value = fmt.Sprintf("%s of %s paragraphs", formatPct(s.removedParas(), s.paras), formatNum(s.paras))
		row.ValueX = round1(chartLabelW + barW + 8)
		c.Rows = append(c.Rows, row)
	}
	c.H = chartTop + float64(len(ss))*rowH + 4
	for _, p := range []int{0, 25, 50, 75, 100} {
		c.Grid = append(c.Grid, gridLine{X: round1(chartLabelW + barW*float64(p)/100),
			Y1: chartTop - 6, Y2: c.H - 4, Label: fmt.Sprintf("%d%%", p)})
	}
	return c
}

// histogram draws the number of documents per removed share.
func (a *Audit) histogram() histogram {
	const (
		w, h           = chartW, 280.0
		left, right    = 70.0, 20.0
		margin, bottom = 24.0, 44.0
		gap            = 6.0
	)
	var maxV int64
	var all int64
	for _, n := range a.hist {
		maxV = max(maxV, n)
		all += n
	}
	hs := histogram{Label: "Documents by share of their text removed", W: w, H: h,
		BaseY: h - bottom, AxisX1: left, AxisX2: w - right}
	bw := (w - left - right) / histBins
	plotH := h - margin - bottom
	// The axis runs to a round number: at most five steps of 1, 2 or 5 times a power of 10.
	step := niceStep(maxV)
	top := (maxV + step - 1) / step * step
	for i, n := range a.hist {
		bh := 0.0
		if top > 0 {
			bh = plotH * float64(n) / float64(top)
		}
		if n > 0 {
			bh = max(bh, 1)
		}
		x := left + float64(i)*bw
		label := "none"
		title := "nothing removed"
		if i > 0 {
			label = fmt.Sprintf("≤%d%%", 10*i)
			title = fmt.Sprintf("more than %d%% and at most %d%% removed", 10*(i-1), 10*i)
		}
		class := "h-bar"
		if i == 0 {
			class = "h-none"
		}
		hs.Bars = append(hs.Bars, histBar{X: round1(x + gap/2), W: round1(bw - gap),
			Y: round1(h - bottom - bh), H: round1(bh), Label: label, LabelX: round1(x + bw/2),
			Count: formatNum(n), CountY: round1(h - bottom - bh - 6), Class: class,
			Title: fmt.Sprintf("%s documents (%s): %s", formatNum(n), formatPct(n, all), title)})
	}
	for v := step; v <= top; v += step {
		y := round1(h - bottom - plotH*float64(v)/float64(top))
		hs.Grid = append(hs.Grid, gridLine{X: left - 8, Y1: y, Y2: y, Label: formatNum(v)})
	}
	hs.Note = fmt.Sprintf("%s documents; %s had nothing removed (%s).", formatNum(all),
		formatNum(a.hist[0]), formatPct(a.hist[0], all))
	if n := a.total.removedDocs(); n > 0 {
		hs.Note += fmt.Sprintf(" The %s documents removed whole count here by their paragraph removals only.", formatNum(n))
	}
	if a.noParas > 0 {
		hs.Note += fmt.Sprintf(" %s documents without paragraphs are not counted.", formatNum(a.noParas))
	}
	return hs
}

// sourceTable builds the sortable table of the shown sources.
func (a *Audit) sourceTable(shown []*sourceAudit, all int) sourceTable {
	var t sourceTable
	t.Columns = []column{
		{Name: "Source", Title: "source name"},
		{Name: "Documents", Num: true, Sorted: "descending", Title: "documents read"},
		{Name: "Docs removed", Num: true, Title: "documents removed whole (duplicate_doc, empty)"},
		{Name: "Paragraphs", Num: true, Title: "paragraphs read"},
		{Name: "Paragraphs removed", Num: true, Title: "share of paragraphs removed, any reason"},
		{Name: "Bytes removed", Num: true, Title: "share of paragraph text removed, any reason"},
	}
	var reasons []int
	for _, r := range paraReasons {
		if a.total.parasRemoved[r] > 0 || r == rBoilerplate {
			reasons = append(reasons, r)
			// a zero-width space lets the header wrap after the underscore
			name := strings.ReplaceAll(reasonNames[r], "_", "_\u200b")
			t.Columns = append(t.Columns, column{Name: name, Num: true, Class: reasonClass(r),
				Title: "share of paragraphs removed as " + reasonNames[r] + " (hover a cell for bytes)"})
		}
	}
	row := func(name string, c *counts) sourceRow {
		r := sourceRow{Name: name}
		r.Cells = []cell{
			{Text: formatNum(c.docs), V: fmt.Sprint(c.docs)},
			{Text: formatNum(c.removedDocs()), V: fmt.Sprint(c.removedDocs()),
				Title: fmt.Sprintf("%s duplicate_doc, %s empty", formatNum(c.docsRemoved[rDuplicateDoc]),
					formatNum(c.docsRemoved[rEmpty]))},
			{Text: formatNum(c.paras), V: fmt.Sprint(c.paras)},
			{Text: formatPct(c.removedParas(), c.paras), V: ratio(c.removedParas(), c.paras),
				Title: formatNum(c.removedParas()) + " paragraphs"},
			{Text: formatPct(c.removedBytes(), c.bytes), V: ratio(c.removedBytes(), c.bytes),
				Title: formatBytes(c.removedBytes()) + " of " + formatBytes(c.bytes)},
		}
		for _, rs := range reasons {
			r.Cells = append(r.Cells, cell{Text: formatPct(c.parasRemoved[rs], c.paras),
				V: ratio(c.parasRemoved[rs], c.paras),
				Title: fmt.Sprintf("%s paragraphs; %s of bytes (%s)", formatNum(c.parasRemoved[rs]),
					formatPct(c.bytesRemoved[rs], c.bytes), formatBytes(c.bytesRemoved[rs]))})
		}
		const miniW = 80.0
		x := 0.0
		for _, rs := range reasons {
			if c.paras == 0 || c.parasRemoved[rs] == 0 {
				continue
			}
			w := miniW * float64(c.parasRemoved[rs]) / float64(c.paras)
			r.Mini = append(r.Mini, segment{X: round1(x), W: round1(max(w, 0.5)), Class: reasonClass(rs)})
			x += w
		}
		return r
	}
	for _, s := range shown {
		t.Rows = append(t.Rows, row(clip(s.name, nameRunes), &s.counts))
	}
	t.Total = row("All sources", &a.total)
	if left := all - len(shown); left > 0 {
		var docs int64
		for _, s := range a.sourcesBySize()[len(shown):] {
			docs += s.docs
		}
		t.Note = fmt.Sprintf("Showing the %s largest of %s sources; %s smaller sources with %s documents are left out (they are in the totals).",
			formatNum(int64(len(shown))), formatNum(int64(all)), formatNum(int64(left)), formatNum(docs))
	}
	return t
}

// topEntries returns the n largest entries of t: count, then corpus documents,
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

// boilerplate lists the most frequent removed paragraphs of each shown source.
func (a *Audit) boilerplate(shown []*sourceAudit) []sourceKeys {
	if a.opts.TopParagraphs <= 0 {
		return nil
	}
	var out []sourceKeys
	for _, s := range shown {
		if len(s.keys.m) == 0 {
			continue
		}
		_, es := topEntries(&s.keys, a.opts.TopParagraphs)
		sk := sourceKeys{Name: clip(s.name, nameRunes), Docs: formatNum(s.docs), Open: len(out) < 3}
		for i, e := range es {
			share := 0.0
			if s.docs > 0 {
				share = float64(e.count) / float64(s.docs)
			}
			sk.Rows = append(sk.Rows, keyRow{Rank: i + 1, Text: keyText(e.text), Reason: reasonNames[e.reason],
				Class: reasonClass(int(e.reason)), Count: formatNum(e.count),
				Share: formatPct(e.count, s.docs), ShareW: round1(60 * min(share, 1)),
				DocCount: formatNum(int64(e.docCount))})
		}
		top := es[0]
		sk.Summary = fmt.Sprintf("top paragraph on %s of %s pages", formatPct(top.count, s.docs), formatNum(s.docs))
		if s.keys.dropped > 0 {
			sk.Note = fmt.Sprintf("The tally of this source is capped: %s rare paragraphs were dropped, so counts up to %s may be low.",
				formatNum(s.keys.dropped), formatNum(s.keys.floor))
		}
		out = append(out, sk)
	}
	return out
}

// topCaptions lists the paragraphs most often removed as duplicate_in_doc.
func (a *Audit) topCaptions() ([]captionRow, string) {
	if a.opts.TopCaptions <= 0 {
		return nil, ""
	}
	_, es := topEntries(&a.captions, a.opts.TopCaptions)
	rows := make([]captionRow, len(es))
	for i, e := range es {
		rows[i] = captionRow{Rank: i + 1, Text: keyText(e.text), Copies: formatNum(e.count),
			Docs: formatNum(e.docs), DocCount: formatNum(int64(e.docCount)),
			Source: clip(e.source, 40)}
	}
	note := ""
	if a.captions.dropped > 0 {
		note = fmt.Sprintf("The caption tally is capped: %s rare captions were dropped, so counts up to %s may be low.",
			formatNum(a.captions.dropped), formatNum(a.captions.floor))
	}
	return rows, note
}

func sampleViewOf(s *sample) sampleView {
	v := sampleView{Title: s.title, ID: s.id, Source: s.source, DupOf: s.dupOf,
		Summary: fmt.Sprintf("%d of %d paragraphs removed", s.nRemoved, s.nParas)}
	if v.Title == "" {
		v.Title = s.id
	}
	if s.reason != "" {
		v.Reason = clip(s.reason, 40)
		v.ReasonClass = reasonClass(docReason(s.reason))
	}
	for _, p := range s.paras {
		pv := sampleParagraphView{Text: p.Text}
		if p.Reason != "" {
			pv.Removed, pv.Reason, pv.Class = true, p.Reason, reasonClass(paraReason(p.Reason))
		}
		v.Paras = append(v.Paras, pv)
	}
	if s.omitted > 0 {
		v.Omitted = fmt.Sprintf("%d more paragraphs not shown", s.omitted)
	}
	return v
}

// ratio formats a/b as a sort key.
func ratio(a, b int64) string {
	if b == 0 {
		return "0"
	}
	return fmt.Sprintf("%.6f", float64(a)/float64(b))
}

// formatNum writes n with thousands separators.
func formatNum(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// formatPct writes a/b as a percentage with one decimal ("–" when b is 0). A non-zero
// share that rounds to 0.0% is written "<0.1%".
func formatPct(a, b int64) string {
	if b == 0 {
		return "–"
	}
	p := 100 * float64(a) / float64(b)
	if a > 0 && p < 0.05 {
		return "<0.1%"
	}
	return fmt.Sprintf("%.1f%%", p)
}

// formatBytes writes n in decimal units.
func formatBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f := float64(n)
	for _, u := range []string{"kB", "MB", "GB", "TB"} {
		f /= unit
		if f < unit || u == "TB" {
			return fmt.Sprintf("%.1f %s", f, u)
		}
	}
	return ""
}

// niceStep returns the step of an axis from 0 to at least maxV in at most five steps of
// 1, 2 or 5 times a power of ten.
func niceStep(maxV int64) int64 {
	for p := int64(1); ; p *= 10 {
		for _, m := range []int64{1, 2, 5} {
			if s := m * p; s*5 >= maxV {
				return s
			}
		}
	}
}
