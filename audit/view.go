package audit

import (
	"fmt"
	"slices"
	"strings"

	"github.com/winnowdata/winnow/schema"
)

// reportView is what the template shows; every field is computed and ordered here.
type reportView struct {
	Title         string // from the input: shown in <bdi>
	PageTitle     string // Title isolated for the <title> element
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
	CaptionsNotes []string
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
	Label    string // a source name, isolated (FSI … PDI)
	Full     string // the label before clipping, when it was clipped, isolated
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
	v.PageTitle = isolate(v.Title)
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
	v.Subtitle = fmt.Sprintf("%s from %s · schema %s", counted(tot.docs, "document"),
		counted(int64(len(a.sources)), "source"), v.SchemaVersion)
	if v.Version != "" {
		v.Subtitle = "winnow " + v.Version + " · " + v.Subtitle
	}
	v.Cards = []card{
		{"Documents", formatNum(tot.docs), docsSub(tot, out[0], skipped)},
		// removed: the sum of the reasons' rows below, one accounting for both
		{"Paragraphs", formatNum(tot.paras), fmt.Sprintf("%s kept · %s removed", formatNum(out[1]),
			formatPct(tot.removedParas(), tot.paras))},
		{"Text", formatBytes(tot.bytes), fmt.Sprintf("%s kept · %s removed", formatBytes(out[2]),
			formatPct(tot.removedBytes(), tot.bytes))},
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
			if tot.parasRemoved[r] > 0 {
				// a dropped duplicate's kept paragraphs, removed with it
				row.Paras = formatNum(tot.parasRemoved[r])
				row.ParasPct = formatPct(tot.parasRemoved[r], tot.paras)
				row.Bytes = formatBytes(tot.bytesRemoved[r])
				row.BytesPct = formatPct(tot.bytesRemoved[r], tot.bytes)
			}
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
	v.Captions, v.CaptionsNotes = a.topCaptions()
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
		if r == rDuplicateDoc {
			continue // a document reason, with a row of its own below
		}
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

// topCaptions lists the captions most often removed as duplicate_in_doc (captionCopy).
// The note says what the list leaves out.
func (a *Audit) topCaptions() ([]captionRow, []string) {
	if a.opts.TopCaptions <= 0 {
		return nil, nil
	}
	_, es := topEntries(&a.captions, a.opts.TopCaptions)
	rows := make([]captionRow, len(es))
	for i, e := range es {
		rows[i] = captionRow{Rank: i + 1, Text: keyText(e.text), Copies: formatNum(e.count),
			Docs: formatNum(e.docs), DocCount: formatNum(int64(e.docCount)),
			Source: clip(e.source, 40)}
	}
	var notes []string
	if n := a.notCaps; n.rows > 0 || n.notices > 0 {
		var parts []string
		if n.rows > 0 {
			parts = append(parts, fmt.Sprintf("%s with fewer than %d words of letters (table rows of numbers, dates or dashes, short labels)",
				formatNum(n.rows), captionWords))
		}
		if n.notices > 0 {
			parts = append(parts, fmt.Sprintf("%s second copies of a paragraph removed as boilerplate or template (a notice printed twice on a page)",
				formatNum(n.notices)))
		}
		notes = append(notes, fmt.Sprintf("Not listed: %s other paragraphs removed as duplicate_in_doc, %s.",
			formatNum(n.rows+n.notices), strings.Join(parts, ", and ")))
	}
	if a.captions.dropped > 0 {
		notes = append(notes, fmt.Sprintf("The caption tally is capped: %s rare captions were dropped, so counts up to %s may be low.",
			formatNum(a.captions.dropped), formatNum(a.captions.floor)))
	}
	return rows, notes
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
