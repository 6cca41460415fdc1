package audit

import "strings"

// Para is one paragraph of an audited document.
type Para struct {
	Text string
	// Reason is why the paragraph was removed (a schema.Reason* value), or "" if it was
	// kept.
	Reason string
	// DocCount is the number of documents in the corpus holding the paragraph's key.
	DocCount int32
	// Key is the paragraph's exact fingerprint.
	Key uint64
}

// Doc is one document as the audit sees it: its paragraphs in input order, each with
// its decision, and the document-level decision.
type Doc struct {
	ID, Source, Title string
	Paras             []Para
	// Reason is the document-level decision: "", schema.ReasonDuplicateDoc or
	// schema.ReasonEmpty.
	Reason string
	// DupOf is the kept document a duplicate_doc copies.
	DupOf string
}

// Options sizes an Audit. The zero value selects every default.
type Options struct {
	// TopParagraphs is the number of most frequent boilerplate paragraphs listed per
	// source (default 10; negative lists none).
	TopParagraphs int
	// Samples is the number of sample documents shown (default 6; negative shows none).
	Samples int
	// TopCaptions is the number of duplicated captions listed (default 50; negative lists
	// none). A caption is a paragraph removed as duplicate_in_doc that reads as a
	// sentence, a second copy of a kept one (see captionCopy).
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

// Defaults of Options.
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
func (o Options) withDefaults() Options {
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

// Audit collects what the HTML report shows. Feed it every document with Observe, in
// input order, then call Render. Its memory is bounded by its options and grows with
// the number of sources only by a fixed-size record each, never with the number of
// documents. An Audit is not safe for concurrent use.
type Audit struct {
	opts      Options
	sources   map[string]*sourceAudit
	total     counts
	hist      [histBins]int64 // see histBin
	noParas   int64           // documents without paragraphs (not in the histogram)
	nKeys     int             // entries in all sources' key tables
	captions  keyTable
	notCaps   notCaptions          // duplicate_in_doc removals left out of the captions
	samples   []*sample            // sorted by (hash, id), at most opts.Samples
	scratch   []docKey             // per-document scratch
	firsts    map[uint64]firstCopy // per-document scratch of captionCopy
	keyPrunes int                  // global prunes of the source tables, for tests
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

// New returns an empty Audit sized by opts.
func New(opts Options) *Audit {
	return &Audit{opts: opts.withDefaults(), sources: map[string]*sourceAudit{}}
}

// Observe adds one document to the audit. It copies what it keeps: it retains neither d
// nor anything d points to.
func (a *Audit) Observe(d *Doc) {
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
	for i, p := range d.Paras {
		n := int64(len(p.Text))
		c.bytes += n
		if p.Reason == "" {
			continue
		}
		r := paraReason(p.Reason)
		c.parasRemoved[r]++
		c.bytesRemoved[r] += n
		caption := r == rDuplicateInDoc && a.captionCopy(d, i)
		if tallied(r) || caption {
			a.scratch = append(a.scratch, docKey{key: p.Key, caption: caption,
				reason: r, docCount: p.DocCount, text: p.Text})
		}
	}
	if n := len(a.firsts); n > 1024 {
		a.firsts = nil // a long document's table would cost every later clear
	} else if n > 0 {
		clear(a.firsts)
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

// Drop counts a document that Observe saw kept as removed after all, for a
// document-level reason: a later, fuller copy of it replaced it (dedup.DocIndex.Place).
// paras and bytes are its kept paragraphs and their bytes, which become removed ones;
// its sample stays as Observe recorded it.
func (a *Audit) Drop(source, reason string, paras, bytes int64) {
	src := a.sources[source]
	if src == nil {
		return
	}
	r := docReason(reason)
	src.docsRemoved[r]++
	a.total.docsRemoved[r]++
	// its kept paragraphs are removed now, as the stats count them
	src.parasRemoved[r] += paras
	src.bytesRemoved[r] += bytes
	a.total.parasRemoved[r] += paras
	a.total.bytesRemoved[r] += bytes
}
