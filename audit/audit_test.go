package audit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/cespare/xxhash/v2"

	"github.com/winnowdata/winnow/schema"
)

// hostile is untrusted text that must come out escaped wherever it is shown.
const hostile = `<script>alert(1)</script><img src=x onerror=alert(2)> "quoted" 'single' & https://evil.example/x.png`

// synth describes a synthetic corpus for the audit tests.
type synth struct {
	docs    int // documents
	sources int // sources, chosen with a skewed law
	keys    int // distinct boilerplate keys per source
	seed    uint64
}

// bodyWords make the kept paragraphs look like prose.
var bodyWords = strings.Fields(`the council said on tuesday that the river had risen after a week of
	rain and that the harbour would stay closed while engineers inspected the old bridge near
	the station where residents gathered to watch the water museum library festival market
	school police court minister people city government report`)

// run feeds the corpus to f, one reused Doc at a time (so an Observe that kept d's
// slices would see them overwritten).
func (s synth) run(f func(*Doc)) {
	r := rand.New(rand.NewPCG(s.seed, 7))
	srcZipf := rand.NewZipf(r, 1.3, 3, uint64(s.sources-1))
	names := make([]string, s.sources)
	for i := range names {
		names[i] = fmt.Sprintf("source-%03d.example", i)
	}
	var d Doc
	var body strings.Builder
	para := func(text, reason string, key uint64, docCount int32) {
		d.Paras = append(d.Paras, Para{Text: text, Reason: reason, Key: key, DocCount: docCount})
	}
	for i := range s.docs {
		src := names[srcZipf.Uint64()]
		d = Doc{ID: fmt.Sprintf("%s/%07d", src, i), Source: src, Title: fmt.Sprintf("Article %d", i),
			Paras: d.Paras[:0]}
		// the site's footer on most pages
		if r.IntN(10) < 8 {
			text := "© " + src + ". All rights reserved. Subscribe to our newsletter."
			para(text, schema.ReasonBoilerplate, xxhash.Sum64String(text), 1000)
		}
		for j := range 2 + r.IntN(4) {
			body.Reset()
			fmt.Fprintf(&body, "Paragraph %d of document %d:", j, i)
			for range 12 + r.IntN(30) {
				body.WriteString(" " + bodyWords[r.IntN(len(bodyWords))])
			}
			para(body.String(), "", uint64(i)<<8|uint64(j), 1)
		}
		// one of the source's many notices
		if r.IntN(10) < 7 && s.keys > 0 {
			k := r.IntN(s.keys)
			text := fmt.Sprintf("%s notice %d: read more about this topic in our archive.", src, k)
			reason := schema.ReasonBoilerplate
			if k%5 == 0 {
				reason = schema.ReasonNearBoilerplate
			}
			para(text, reason, xxhash.Sum64String(text), int32(3+k%40))
		}
		// a caption repeated in the document
		if r.IntN(10) < 2 {
			text := fmt.Sprintf("Photo: the flooded quay. Picture agency %d", r.IntN(300))
			para(text, "", xxhash.Sum64String(text), 5)
			para(text, schema.ReasonDuplicateInDoc, xxhash.Sum64String(text), 5)
		}
		switch {
		case i%97 == 5:
			d.Reason, d.DupOf = schema.ReasonDuplicateDoc, fmt.Sprintf("%s/%07d", src, i-1)
		case i%211 == 7:
			for k := range d.Paras {
				d.Paras[k].Reason = schema.ReasonBoilerplate
			}
			d.Reason = schema.ReasonEmpty
		}
		f(&d)
	}
}

// audit returns an Audit of the corpus.
func (s synth) audit(opts Options) *Audit {
	a := New(opts)
	s.run(a.Observe)
	return a
}

// hostileDocs are documents whose every text field is hostile.
func hostileDocs() []*Doc {
	return []*Doc{
		{ID: "h/1 " + hostile, Source: "hostile " + hostile, Title: "Title " + hostile,
			Paras: []Para{
				{Text: "kept " + hostile, Key: 1},
				{Text: "removed " + hostile, Reason: schema.ReasonBoilerplate, Key: 2, DocCount: 9},
				{Text: "removed " + hostile, Reason: schema.ReasonDuplicateInDoc, Key: 2, DocCount: 9},
				{Text: "odd reason", Reason: "weird " + hostile, Key: 3},
			}},
		{ID: "h/2", Source: "hostile " + hostile, Reason: schema.ReasonDuplicateDoc, DupOf: "dup " + hostile,
			Paras: []Para{{Text: "removed " + hostile, Reason: schema.ReasonBoilerplate, Key: 2, DocCount: 9}}},
		{ID: "h/3", Source: "hostile " + hostile, Reason: "strange " + hostile,
			Paras: []Para{{Text: "x", Reason: schema.ReasonBoilerplate, Key: 4}}},
	}
}

// writeReport renders a's report and returns it.
func writeReport(t testing.TB, a *Audit, st *schema.Stats, title string) string {
	t.Helper()
	var b strings.Builder
	if err := a.Render(&b, st, title); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// tagRE matches a start tag; html/template writes every attribute value quoted with '"'
// and escapes '"' inside it, so attributes are matched by attrRE.
var (
	tagRE  = regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"]*")?)*)\s*/?>`)
	attrRE = regexp.MustCompile(`\s+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"]*)")?`)
)

type tag struct {
	name  string
	attrs map[string]string
}

func tags(html string) []tag {
	var out []tag
	for _, m := range tagRE.FindAllStringSubmatch(html, -1) {
		tg := tag{name: strings.ToLower(m[1]), attrs: map[string]string{}}
		for _, a := range attrRE.FindAllStringSubmatch(m[2], -1) {
			tg.attrs[strings.ToLower(a[1])] = a[2]
		}
		out = append(out, tg)
	}
	return out
}

// checkSafe fails unless html is free of what the report must never contain: a tag or
// handler from the input, a fetch from the network.
func checkSafe(t *testing.T, html string) {
	t.Helper()
	for _, bad := range []string{"<script>alert", "<img", "<iframe", "<object", "<embed", "javascript:"} {
		if strings.Contains(html, bad) {
			t.Errorf("report contains %q", bad)
		}
	}
	scripts := 0
	for _, tg := range tags(html) {
		if tg.name == "script" {
			scripts++
			if _, ok := tg.attrs["src"]; ok {
				t.Errorf("script with src: %v", tg.attrs)
			}
		}
		for name, val := range tg.attrs {
			if strings.HasPrefix(name, "on") {
				t.Errorf("<%s> has event handler %s=%q", tg.name, name, val)
			}
			if name == "src" || name == "href" || name == "xlink:href" || name == "action" || name == "srcset" {
				if strings.Contains(val, "http://") || strings.Contains(val, "https://") || strings.Contains(val, "//") {
					t.Errorf("<%s %s=%q> points to the network", tg.name, name, val)
				}
			}
		}
	}
	if scripts != 1 {
		t.Errorf("report has %d script elements, want 1", scripts)
	}
	if !strings.Contains(html, `content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:`) {
		t.Error("report lacks the Content-Security-Policy")
	}
}

func TestReportEscaping(t *testing.T) {
	escaped := `&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;`
	tests := []struct {
		name  string
		docs  []*Doc
		title string
		want  []string // each must appear, escaped
	}{
		{"paragraphs ids and sources", hostileDocs(), "audit", []string{
			"kept " + escaped, "removed " + escaped, "hostile " + escaped, "Title " + escaped}},
		{"report title", []*Doc{{ID: "1", Source: "s", Paras: []Para{{Text: "a", Reason: "boilerplate"}}}},
			"my " + hostile, []string{"<title>\u2068my " + escaped, "<h1><bdi>my " + escaped}},
		{"control characters and invalid UTF-8", []*Doc{{ID: "c\x00d", Source: "s\xff", Paras: []Para{
			{Text: "nul\x00 bell\a del\x7f bad\xc3", Reason: "boilerplate"}}}},
			"t", []string{"nul\uFFFD bell\uFFFD del\uFFFD bad\uFFFD", "c\uFFFDd", "s\uFFFD"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := New(Options{})
			for _, d := range tt.docs {
				a.Observe(d)
			}
			html := writeReport(t, a, nil, tt.title)
			checkSafe(t, html)
			for _, w := range tt.want {
				if !strings.Contains(html, w) {
					t.Errorf("report lacks %q", w)
				}
			}
			if strings.ContainsAny(html, "\x00\a\x7f") {
				t.Error("report contains control characters")
			}
		})
	}
}

// override reverses the text after it until a PDF, or the end of the bidi paragraph.
const override = "\u202E"

// bidiDocs are documents whose every text field carries a right-to-left override, some
// with stray closers that try to end the isolation around them.
func bidiDocs() []*Doc {
	return []*Doc{
		{ID: "id-" + override + "txt.exe", Source: "src-" + override + "moc.elpmaxe", Title: "title-" + override + "reversed",
			Paras: []Para{
				{Text: "kept-" + override + "reversed paragraph", Key: 1},
				{Text: "removed-" + override + "reversed notice on every page", Reason: schema.ReasonBoilerplate, Key: 2, DocCount: 9},
				{Text: "caption-" + override + "the flooded quay at dawn, March 3", Key: 3},
				{Text: "caption-" + override + "the flooded quay at dawn, March 3", Reason: schema.ReasonDuplicateInDoc, Key: 3},
				{Text: "escape-\u2069\u202C\u202C" + override + "after stray closers\n" + override + "second line", Key: 4},
			}},
		{ID: "dup-" + override + "1", Source: "src-" + override + "moc.elpmaxe", Reason: schema.ReasonDuplicateDoc,
			DupOf: "of-" + override + "id-txt.exe", Title: "\u2067unclosed isolate",
			Paras: []Para{{Text: "removed-" + override + "reversed notice on every page", Reason: schema.ReasonBoilerplate, Key: 2, DocCount: 9}}},
	}
}

// node is a run of text in a page, or an attribute value, with the elements open around
// it (innermost last).
type node struct {
	text  string
	attr  string // the attribute's name, for an attribute value
	stack []tag
}

// rawText are the elements whose content is not markup.
var rawText = map[string]bool{"script": true, "style": true}

// voidTags have no end tag.
var voidTags = map[string]bool{"meta": true, "link": true, "br": true, "wbr": true, "img": true, "input": true, "hr": true}

// textNodes splits the page written by html/template into its text runs and attribute
// values. It knows the page's own markup, not HTML at large.
func textNodes(t *testing.T, page string) []node {
	t.Helper()
	var out []node
	var stack []tag
	for pos := 0; pos < len(page); {
		lt := strings.IndexByte(page[pos:], '<')
		if lt < 0 {
			lt = len(page) - pos
		}
		if lt > 0 {
			out = append(out, node{text: page[pos : pos+lt], stack: slices.Clone(stack)})
		}
		pos += lt
		if pos >= len(page) {
			break
		}
		gt := strings.IndexByte(page[pos:], '>')
		if gt < 0 {
			t.Fatalf("unclosed tag at %d", pos)
		}
		raw := page[pos : pos+gt+1]
		pos += gt + 1
		switch {
		case strings.HasPrefix(raw, "</"):
			name := strings.ToLower(strings.Trim(raw[2:], "> \n"))
			i := len(stack) - 1
			for i >= 0 && stack[i].name != name {
				i--
			}
			if i < 0 {
				t.Fatalf("</%s> closes nothing", name)
			}
			stack = stack[:i]
		case strings.HasPrefix(raw, "<!"):
		default:
			tg := tags(raw)
			if len(tg) != 1 {
				t.Fatalf("cannot read tag %.80q", raw)
			}
			for name, val := range tg[0].attrs {
				out = append(out, node{text: val, attr: name, stack: append(slices.Clone(stack), tg[0])})
			}
			if rawText[tg[0].name] {
				end := strings.Index(page[pos:], "</"+tg[0].name+">")
				pos += end + len("</"+tg[0].name+">")
				continue
			}
			if !voidTags[tg[0].name] && !strings.HasSuffix(raw, "/>") {
				stack = append(stack, tg[0])
			}
		}
	}
	return out
}

// balanced reports whether s closes every embedding, override and isolate it opens, and
// nothing else.
func balanced(s string) bool {
	var open []rune
	for _, r := range s {
		switch r {
		case '\u202A', '\u202B', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068':
			open = append(open, r)
		case '\u202C':
			if len(open) == 0 || open[len(open)-1] >= '\u2066' {
				return false
			}
			open = open[:len(open)-1]
		case '\u2069': // closes the innermost isolate and the embeddings inside it
			i := len(open) - 1
			for i >= 0 && open[i] < '\u2066' {
				i--
			}
			if i < 0 {
				return false
			}
			open = open[:i]
		case '\n':
			if len(open) > 0 {
				return false
			}
		}
	}
	return len(open) == 0
}

// isolated reports whether n is set apart from the page's own text: inside a <bdi> or
// an element with dir="auto", or, where no element can be (the page's title, SVG text,
// an attribute value), between FSI and PDI.
func isolated(n node) bool {
	if n.attr == "" {
		in := n.stack[len(n.stack)-1]
		if in.name == "bdi" || in.attrs["dir"] == "auto" {
			return true
		}
	}
	return strings.HasPrefix(n.text, "\u2068") && strings.HasSuffix(n.text, "\u2069")
}

func TestReportBidi(t *testing.T) {
	a := New(Options{})
	for _, d := range bidiDocs() {
		a.Observe(d)
	}
	page := writeReport(t, a, nil, "audit of "+override+"lmtl.tropeR")
	if n := strings.Count(page, override); n < 10 {
		t.Fatalf("the page shows %d right-to-left overrides, want the input's, at least 10", n)
	}
	seen := map[string]bool{}
	for _, n := range textNodes(t, page) {
		if !strings.ContainsAny(n.text, "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069") {
			continue
		}
		where := "<" + n.stack[len(n.stack)-1].name + ">"
		if n.attr != "" {
			where += " " + n.attr + "="
		}
		if !balanced(n.text) {
			t.Errorf("%s %+q: bidi controls are not balanced", where, n.text)
		}
		if !isolated(n) {
			t.Errorf("%s %+q: input text is not isolated", where, n.text)
		}
		for _, s := range []string{"id-", "src-", "title-", "kept-", "removed-", "caption-", "escape-", "dup-", "of-", "audit of"} {
			if strings.Contains(n.text, s) {
				seen[s] = true
			}
		}
	}
	for _, s := range []string{"id-", "src-", "title-", "kept-", "removed-", "caption-", "escape-", "dup-", "of-", "audit of"} {
		if !seen[s] {
			t.Errorf("no text node shows %q", s)
		}
	}
	// The page's own words after an input text are outside its reach: the sample's meta
	// line goes on after the id and the source.
	for _, want := range []string{
		"<bdi>id-" + override + "txt.exe\u202C</bdi> · 2 of 5 paragraphs removed",
		"<h1><bdi>audit of " + override + "lmtl.tropeR\u202C</bdi></h1>",
		"<title>\u2068audit of " + override + "lmtl.tropeR\u202C\u2069</title>",
		`<p dir="auto">escape-` + override + "after stray closers\u202C\n" + override + "second line\u202C</p>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %+q", want)
		}
	}
}

func TestBalanceBidi(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"no controls", "plain text", "plain text"},
		{"empty", "", ""},
		{"balanced stays", "a\u202Eb\u202Cc", "a\u202Eb\u202Cc"},
		{"unclosed override", "a\u202Eb", "a\u202Eb\u202C"},
		{"unclosed isolate and embedding", "\u2067a\u202Bb", "\u2067a\u202Bb\u202C\u2069"},
		{"stray closers dropped", "\u2069\u202Ca", "a"},
		{"PDF does not close across an isolate", "\u202Ea\u2068b\u202Cc", "\u202Ea\u2068bc\u2069\u202C"},
		{"PDI closes the embeddings inside it", "\u2066a\u202Eb\u2069c", "\u2066a\u202Eb\u2069c"},
		{"closed at each line", "\u202Ea\nb\u202E", "\u202Ea\u202C\nb\u202E\u202C"},
		{"paragraph separator", "\u202Da\u2029b", "\u202Da\u202C\u2029b"},
		{"marks untouched", "a\u200Fb\u200E", "a\u200Fb\u200E"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := balanceBidi(tt.in)
			if got != tt.want {
				t.Errorf("balanceBidi(%+q) = %+q, want %+q", tt.in, got, tt.want)
			}
			if !balanced(got) {
				t.Errorf("balanceBidi(%+q) = %+q is not balanced", tt.in, got)
			}
		})
	}
}

func TestBreakable(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"empty", "", []string{""}},
		{"no break", "herald", []string{"herald"}},
		{"host", "capitalbusinessreview.example", []string{"capitalbusinessreview.", "example"}},
		{"trailing dot", "example.", []string{"example."}},
		{"url", "https://news.example/a_b", []string{"https:/", "/", "news.", "example/", "a_", "b"}},
		{"bidi controls stay whole", "src-\u202Emoc.elpmaxe\u202C", []string{"src-\u202Emoc.elpmaxe\u202C"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := breakable(tt.in)
			if !slices.Equal(got, tt.want) {
				t.Errorf("breakable(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if strings.Join(got, "") != tt.in {
				t.Errorf("parts of %q do not join back", tt.in)
			}
		})
	}
}

func TestReadsAsSentence(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"empty", "", false},
		{"dates of a table", "04/09/87 03/09/87 04/09/87 03/09/87", false},
		{"dashes", "- - - -", false},
		{"numbers", "1.23 4.56 7.89 10.11 12.13", false},
		{"continued row", "(cont.) 04/09/87 03/09/87 04/09/87 03/09/87", false},
		{"short label", "Revs not given", false},
		{"exactly four words", "Photo by John Smith", true},
		{"caption with date and credit", "File photo: The river rose after a week of rain, March 3, 2021. AP Photo/J. Doe", true},
		{"earnings line", "Avg shrs diluted 15.1 mln vs 11.1 mln, May 11, 2019. PA", true},
		{"words among more numbers", "Wheat 1.23 1.45 Corn 2.34 2.45 Soy 3.4 3.5 Oats 1.2 1.1", false},
		{"single letters", "a b c d e f", false},
		{"non-breaking spaces", "The\u00a0flooded\u00a0quay at dawn", true},
		{"Japanese, no spaces", "洪水で冠水した岸壁を歩く住民", true},
		{"Japanese, too short", "岸壁", false},
		{"Russian", "Затопленная набережная на рассвете", true},
		{"Arabic", "رصيف الميناء المغمور عند الفجر", true},
		{"invalid UTF-8", "\xff\xfe \xff \xff \xff", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := readsAsSentence(tt.in); got != tt.want {
				t.Errorf("readsAsSentence(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

// TestReportCaptions checks that the captions table lists caption copies only: not the
// rows of a table that repeat within a document, nor the second copy of a notice whose
// first copy was removed as boilerplate.
func TestReportCaptions(t *testing.T) {
	caption := "The flooded quay at dawn, March 3, 2021. AP Photo/J. Doe"
	notice := "Our Standards: The Global Wire Trust Principles."
	var docs []*Doc
	for i := range 3 {
		docs = append(docs, &Doc{ID: fmt.Sprint("doc-", i), Source: "wire", Paras: []Para{
			{Text: notice, Reason: schema.ReasonBoilerplate, Key: 1, DocCount: 40},
			{Text: caption, Key: 2, DocCount: 3},
			{Text: "Body text of the story, long enough to read as prose.", Key: uint64(100 + i)},
			{Text: "04/09/87 03/09/87 04/09/87 03/09/87", Key: 3},
			{Text: "04/09/87 03/09/87 04/09/87 03/09/87", Reason: schema.ReasonDuplicateInDoc, Key: 3},
			{Text: "- - - -", Key: 4},
			{Text: "- - - -", Reason: schema.ReasonDuplicateInDoc, Key: 4},
			{Text: strings.ReplaceAll(caption, "'", "’"), Reason: schema.ReasonDuplicateInDoc, Key: 2, DocCount: 3},
			{Text: notice, Reason: schema.ReasonDuplicateInDoc, Key: 1, DocCount: 40},
		}})
	}
	// a near copy (another key) of a kept caption, and a Japanese caption printed twice
	docs = append(docs, &Doc{ID: "doc-near", Source: "daily", Paras: []Para{
		{Text: "Residents watch the river rise near the old bridge. Photo: Daily", Key: 10},
		{Text: "Residents watch the river rise near the old bridge Photo: Daily", Reason: schema.ReasonDuplicateInDoc, Key: 11},
		{Text: "洪水で冠水した岸壁を歩く住民", Key: 12},
		{Text: "洪水で冠水した岸壁を歩く住民", Reason: schema.ReasonDuplicateInDoc, Key: 12},
	}})
	a := New(Options{})
	for _, d := range docs {
		a.Observe(d)
	}
	page := writeReport(t, a, nil, "captions")
	table := section(t, page, "captions-table")
	if n := strings.Count(table, "<tr><td class=\"n\">"); n != 3 {
		t.Errorf("captions table has %d rows, want 3", n)
	}
	for _, want := range []string{caption, "Residents watch the river rise", "洪水で冠水した岸壁を歩く住民"} {
		if !strings.Contains(table, want) {
			t.Errorf("captions table lacks %q", want)
		}
	}
	for _, bad := range []string{"04/09/87", "- - - -", "Our Standards"} {
		if strings.Contains(table, bad) {
			t.Errorf("captions table lists %q", bad)
		}
	}
	// the first row: three copies in three documents
	if !strings.Contains(table, `<td class="n">1</td><td class="txt" dir="auto">`+caption+`</td><td class="n">3</td><td class="n">3</td>`) {
		t.Errorf("the caption is not first with 3 copies in 3 documents:\n%s", table)
	}
	want := "Not listed: 9 other paragraphs removed as duplicate_in_doc, 6 with fewer than 4 words of letters"
	if s := section(t, page, "captions"); !strings.Contains(s, want) || !strings.Contains(s, "3 second copies of a paragraph removed as boilerplate") {
		t.Errorf("captions section does not account for what it leaves out; want %q in\n%s", want, s)
	}
	// all of them still count as duplicate_in_doc
	if s := section(t, page, "reasons-table"); !strings.Contains(s, "duplicate_in_doc</td><td>paragraph</td><td class=\"n\">14</td>") {
		t.Errorf("reasons table does not count 14 duplicate_in_doc paragraphs:\n%s", s)
	}
}

// section returns the element with the given id, up to its matching end tag.
func section(t *testing.T, html, id string) string {
	t.Helper()
	i := strings.Index(html, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no element #%s", id)
	}
	start := strings.LastIndex(html[:i], "<")
	name := regexp.MustCompile(`^<([a-zA-Z0-9]+)`).FindStringSubmatch(html[start:])[1]
	depth, pos := 0, start
	open, closeTag := "<"+name, "</"+name+">"
	for {
		o := strings.Index(html[pos:], open)
		c := strings.Index(html[pos:], closeTag)
		if c < 0 {
			t.Fatalf("#%s is not closed", id)
		}
		if o >= 0 && o < c {
			depth++
			pos += o + len(open)
			continue
		}
		depth--
		pos += c + len(closeTag)
		if depth == 0 {
			return html[start:pos]
		}
	}
}

func TestReportSections(t *testing.T) {
	a := synth{docs: 3000, sources: 30, keys: 50, seed: 1}.audit(Options{})
	for _, d := range hostileDocs() {
		a.Observe(d)
	}
	html := writeReport(t, a, nil, "Sections")
	checkSafe(t, html)
	tests := []struct {
		id   string
		want []string // substrings of the section
		min  map[string]int
	}{
		{"totals", []string{"Documents", "Paragraphs", "Text", "Sources"}, map[string]int{`class="card"`: 4}},
		{"reasons-table", []string{"boilerplate", "near_boilerplate", "duplicate_in_doc", "duplicate_doc", "empty", "other"}, nil},
		{"reasons-chart", []string{"<svg"}, map[string]int{"<rect": 4}},
		{"sources-chart", []string{"source-000.example"}, map[string]int{"<rect": 20}},
		{"histogram", []string{"none", "≤100%"}, map[string]int{"<rect": histBins}},
		{"sources-table", []string{"<tbody>", "source-000.<wbr>example", "All sources", `aria-sort="descending"`}, map[string]int{"<tr data-i=": 31}},
		{"boilerplate", []string{"<details", "<summary>", "All rights reserved"}, map[string]int{"<details": 30}},
		{"captions", []string{"Photo: the flooded quay"}, map[string]int{"<tr>": 20}},
		{"samples", []string{`<del dir="auto">`, `class="badge`}, map[string]int{`<article class="sample">`: 6}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			s := section(t, html, tt.id)
			for _, w := range tt.want {
				if !strings.Contains(s, w) {
					t.Errorf("#%s lacks %q", tt.id, w)
				}
			}
			for w, n := range tt.min {
				if got := strings.Count(s, w); got < n {
					t.Errorf("#%s has %d of %q, want at least %d", tt.id, got, w, n)
				}
			}
		})
	}
}

func TestReportEmpty(t *testing.T) {
	html := writeReport(t, New(Options{}), nil, "")
	checkSafe(t, html)
	for _, w := range []string{"winnow audit report", "No documents were read.", "No boilerplate was removed.",
		"No duplicated captions were removed.", "No document had anything removed."} {
		if !strings.Contains(html, w) {
			t.Errorf("empty report lacks %q", w)
		}
	}
}

func TestReportStats(t *testing.T) {
	st := schema.NewStats()
	st.Version = "9.8.7"
	st.DocumentsIn, st.DocumentsOut, st.DocumentsSkip = 1234567, 1000000, 3
	st.ParagraphsIn, st.ParagraphsOut = 10_000_000, 9_000_000
	st.BytesIn, st.BytesOut = 1_000_000_000, 800_000_000
	st.Removed[schema.ReasonBoilerplate] = 1_000_000
	st.RemovedBytes[schema.ReasonBoilerplate] = 200_000_000
	st.DocsRemoved[schema.ReasonDuplicateDoc] = 234567
	a := New(Options{})
	a.Observe(&Doc{ID: "1", Source: "s", Paras: []Para{{Text: "a", Reason: "boilerplate"}}})
	html := writeReport(t, a, st, "Stats")
	totals := section(t, html, "totals")
	for _, w := range []string{"1,234,567", "1,000,000 kept · 234,567 removed · 3 skipped", "10,000,000",
		"1.0 GB", "800.0 MB kept · 20.0% removed"} {
		if !strings.Contains(totals, w) {
			t.Errorf("totals lack %q", w)
		}
	}
	if !strings.Contains(html, "winnow 9.8.7") {
		t.Error("report lacks the version")
	}
}

// The removed shares of the totals are the sums of the reasons' rows: the bytes of
// kept text join paragraphs with blank lines, and the bytes read hold the white space
// between them, so "in - out" is not what was removed.
func TestReportOneAccounting(t *testing.T) {
	st := schema.NewStats()
	st.DocumentsIn, st.DocumentsOut = 10, 8
	st.ParagraphsIn, st.ParagraphsOut = 100, 60
	st.BytesIn, st.BytesOut = 10_000, 6_500
	st.Removed[schema.ReasonBoilerplate] = 30
	st.Removed[schema.ReasonDuplicateDoc] = 10
	st.RemovedBytes[schema.ReasonBoilerplate] = 2_000
	st.RemovedBytes[schema.ReasonDuplicateDoc] = 1_000
	st.DocsRemoved[schema.ReasonDuplicateDoc] = 2
	html := writeReport(t, New(Options{}), st, "Stats")
	totals := section(t, html, "totals")
	for _, w := range []string{"60 kept · 40.0% removed", "6.5 kB kept · 30.0% removed"} {
		if !strings.Contains(totals, w) {
			t.Errorf("totals lack %q", w)
		}
	}
	if n := strings.Count(section(t, html, "by-reason"), "<td>document</td>"); n != 2 {
		t.Errorf("%d rows of document reasons, want duplicate_doc and empty", n)
	}
}

func TestReportDeterministic(t *testing.T) {
	tests := []struct {
		name string
		s    synth
		opts Options
	}{
		{"default caps", synth{docs: 5000, sources: 40, keys: 200, seed: 2}, Options{}},
		{"tiny caps force pruning", synth{docs: 5000, sources: 40, keys: 200, seed: 3},
			Options{KeysPerSource: 20, TotalKeys: 200, CaptionKeys: 30, TableSources: 10, ChartSources: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first := writeReport(t, tt.s.audit(tt.opts), nil, "Determinism")
			second := writeReport(t, tt.s.audit(tt.opts), nil, "Determinism")
			if first != second {
				t.Fatal("two reports of the same input differ")
			}
			if tt.opts.KeysPerSource > 0 && !strings.Contains(first, "rare paragraphs were dropped") {
				t.Error("pruned tallies are not flagged")
			}
		})
	}
}

// TestReportBounded observes 200k documents with 50k distinct removed keys and checks
// that the tallies stay under their caps and the report under 5 MB.
func TestReportBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("200k documents")
	}
	s := synth{docs: 200_000, sources: 25, keys: 3000, seed: 4}
	opts := Options{}.withDefaults()
	a := s.audit(Options{})
	distinct := map[uint64]bool{}
	s.run(func(d *Doc) {
		for _, p := range d.Paras {
			if p.Reason != "" {
				distinct[p.Key] = true
			}
		}
	})
	if len(distinct) < 50_000 {
		t.Fatalf("corpus has %d distinct removed keys, want at least 50k", len(distinct))
	}
	checkCaps(t, a, opts)
	var pruned int64
	for _, src := range a.sources {
		pruned += src.keys.dropped
	}
	if pruned == 0 {
		t.Error("no source tally reached its cap")
	}
	html := writeReport(t, a, nil, "200k documents")
	t.Logf("%d documents, %d distinct removed keys: report %d bytes", s.docs, len(distinct), len(html))
	if len(html) >= 5<<20 {
		t.Errorf("report is %d bytes, want < 5 MB", len(html))
	}

	// A small global budget makes the sources share it.
	small := Options{KeysPerSource: 1000, TotalKeys: 5000, CaptionKeys: 100}
	a = synth{docs: 50_000, sources: 25, keys: 2000, seed: 5}.audit(small)
	checkCaps(t, a, small.withDefaults())
	if a.keyPrunes == 0 {
		t.Error("the global key budget was never enforced")
	}
}

func checkCaps(t *testing.T, a *Audit, opts Options) {
	t.Helper()
	total := 0
	for name, src := range a.sources {
		if n := len(src.keys.m); n > opts.KeysPerSource {
			t.Errorf("source %s tallies %d keys, cap %d", name, n, opts.KeysPerSource)
		}
		total += len(src.keys.m)
		for _, e := range src.keys.m {
			if len(e.text) > 4*keyTextRunes+3 {
				t.Fatalf("tallied text of %d bytes", len(e.text))
			}
		}
	}
	if total != a.nKeys {
		t.Errorf("nKeys = %d, tables hold %d", a.nKeys, total)
	}
	if total > opts.TotalKeys {
		t.Errorf("sources tally %d keys, cap %d", total, opts.TotalKeys)
	}
	if n := len(a.captions.m); n > opts.CaptionKeys {
		t.Errorf("captions tally %d keys, cap %d", n, opts.CaptionKeys)
	}
	if n := len(a.samples); n > opts.Samples {
		t.Errorf("%d samples, cap %d", n, opts.Samples)
	}
}

// TestReportWorstCaseSize fills every shown list with the longest, most escaped text.
func TestReportWorstCaseSize(t *testing.T) {
	long := strings.Repeat(`"<&>'`, 150) // longer than anything the audit keeps
	opts := Options{}.withDefaults()
	a := New(Options{})
	for s := range opts.TableSources + 50 {
		src := fmt.Sprintf("%04d%s", s, long)
		for k := range opts.TopParagraphs + 2 {
			d := &Doc{ID: fmt.Sprintf("%d/%d%s", s, k, long), Source: src, Title: long, DupOf: long,
				Reason: schema.ReasonDuplicateDoc}
			for p := range 24 {
				d.Paras = append(d.Paras, Para{Text: fmt.Sprint(p, k) + long, Reason: schema.ReasonBoilerplate,
					Key: uint64(s<<16 | k<<8 | p%8)})
				// a caption (words of letters, a first copy kept) with the most escaped text
				d.Paras = append(d.Paras, Para{Text: "caption words of letters " + fmt.Sprint(p, k) + long,
					Reason: schema.ReasonDuplicateInDoc, Key: uint64(s<<16 | k<<8 | 0x80 | p)})
			}
			a.Observe(d)
		}
	}
	html := writeReport(t, a, nil, long)
	t.Logf("worst-case report: %d bytes", len(html))
	if len(html) >= 5<<20 {
		t.Errorf("report is %d bytes, want < 5 MB", len(html))
	}
}

// TestObserveRetainsNothing checks that Observe copies what it keeps.
func TestObserveRetainsNothing(t *testing.T) {
	big := strings.Repeat("boilerplate text ", 1000)
	d := &Doc{ID: big[:40], Source: big[:20], Title: big[:60], Paras: []Para{
		{Text: big[:500], Reason: schema.ReasonBoilerplate, Key: 1},
		{Text: big[:100], Reason: schema.ReasonDuplicateInDoc, Key: 2},
		{Text: big, Key: 3},
	}}
	a := New(Options{})
	a.Observe(d)
	for i := range d.Paras {
		d.Paras[i] = Para{Text: "MUTATED", Reason: schema.ReasonTemplate}
	}
	base := uintptr(unsafe.Pointer(unsafe.StringData(big)))
	inside := func(s string) bool {
		if s == "" {
			return false
		}
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		return p >= base && p < base+uintptr(len(big))
	}
	var kept []string
	for name, src := range a.sources {
		kept = append(kept, name, src.name)
		for _, e := range src.keys.m {
			kept = append(kept, e.text)
		}
	}
	for _, e := range a.captions.m {
		kept = append(kept, e.text, e.source)
	}
	for _, s := range a.samples {
		kept = append(kept, s.id, s.source, s.title)
		for _, p := range s.paras {
			kept = append(kept, p.Text)
		}
	}
	for _, s := range kept {
		if inside(s) {
			t.Errorf("the audit keeps a string inside the document's memory: %.30q", s)
		}
	}
	html := writeReport(t, a, nil, "")
	if strings.Contains(html, "MUTATED") {
		t.Error("the report shows paragraphs changed after Observe")
	}
}

// failWriter fails with errFull once it has taken n bytes.
type failWriter struct{ n int }

var errFull = errors.New("no space left on device")

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, errFull
	}
	w.n -= len(p)
	return len(p), nil
}

// shortWriter takes one byte less than it is given, without an error.
type shortWriter struct{}

func (shortWriter) Write(p []byte) (int, error) { return max(len(p)-1, 0), nil }

func TestRenderWriteErrors(t *testing.T) {
	a := synth{docs: 200, sources: 5, keys: 10, seed: 6}.audit(Options{})
	size := len(writeReport(t, a, nil, "x"))
	tests := []struct {
		name string
		w    io.Writer
		is   error
	}{
		{"fails at once", &failWriter{n: 0}, errFull},
		{"fails in the first buffer", &failWriter{n: 1000}, errFull},
		{"fails on the last byte", &failWriter{n: size - 1}, errFull},
		{"short write", shortWriter{}, io.ErrShortWrite},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := a.Render(tt.w, nil, "x")
			if !errors.Is(err, tt.is) {
				t.Fatalf("Render = %v, want %v", err, tt.is)
			}
			if err != tt.is {
				t.Errorf("Render wrapped the writer's error: %v", err)
			}
		})
	}
	if err := a.Render(&failWriter{n: size}, nil, "x"); err != nil {
		t.Errorf("Render into a writer that takes exactly the page: %v", err)
	}
}

func TestReportManySources(t *testing.T) {
	a := New(Options{TableSources: 5, ChartSources: 3})
	for i := range 40 {
		for range i + 1 {
			a.Observe(&Doc{ID: fmt.Sprint(i), Source: fmt.Sprintf("s%02d", i),
				Paras: []Para{{Text: "t", Reason: schema.ReasonBoilerplate, Key: uint64(i)}}})
		}
	}
	html := writeReport(t, a, nil, "")
	table := section(t, html, "sources-table")
	if n := strings.Count(table, "<tr data-i="); n != 5 {
		t.Errorf("table has %d source rows, want 5", n)
	}
	if !strings.Contains(table, "s39") || strings.Contains(table, "s34") {
		t.Error("table does not hold the largest sources")
	}
	if !strings.Contains(html, "Showing the 5 largest of 40 sources; 35 smaller sources with 630 documents are left out") {
		t.Error("report does not say how many sources are left out")
	}
	if n := strings.Count(section(t, html, "sources-chart"), "<rect"); n != 3 {
		t.Errorf("sources chart has %d bars, want 3", n)
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		name, in string
		n        int
		want     string
	}{
		{"empty", "", 5, ""},
		{"short", "abc", 5, "abc"},
		{"exact", "abcde", 5, "abcde"},
		{"one over", "abcdef", 5, "abcd…"},
		{"trailing space before cut", "abc def", 5, "abc…"},
		{"multibyte", "東京東京東京", 4, "東京東…"},
		{"invalid UTF-8", "a\xffb", 5, "a\uFFFDb"},
		{"NUL and CR", "a\x00b\r\nc", 10, "a\uFFFDb\nc"},
		{"long pre-cut on a rune start", strings.Repeat("é", 100), 10, strings.Repeat("é", 9) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clip(tt.in, tt.n); got != tt.want {
				t.Errorf("clip(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}

func TestHistBin(t *testing.T) {
	tests := []struct {
		removed, total int64
		want           int
	}{
		{0, 10, 0}, {0, 0, 0}, {1, 1000, 1}, {1, 10, 1}, {2, 10, 2}, {11, 100, 2},
		{99, 100, 10}, {100, 100, 10}, {5, 3, 10},
	}
	for _, tt := range tests {
		if got := histBin(tt.removed, tt.total); got != tt.want {
			t.Errorf("histBin(%d, %d) = %d, want %d", tt.removed, tt.total, got, tt.want)
		}
	}
}

func TestFormat(t *testing.T) {
	tests := []struct{ got, want string }{
		{formatNum(0), "0"}, {formatNum(999), "999"}, {formatNum(1000), "1,000"},
		{formatNum(-1234567), "-1,234,567"},
		{counted(1, "source"), "1 source"}, {counted(0, "source"), "0 sources"}, {counted(1234, "document"), "1,234 documents"},
		{formatPct(1, 3), "33.3%"}, {formatPct(0, 0), "–"}, {formatPct(1, 100000), "<0.1%"},
		{formatBytes(999), "999 B"}, {formatBytes(1500), "1.5 kB"}, {formatBytes(1_000_000_000), "1.0 GB"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// longNameDocs are documents of sources with long names that have no place to break a
// line: a table must wrap them, not widen the page.
func longNameDocs() []*Doc {
	var docs []*Doc
	for i, name := range []string{
		strings.Repeat("averyveryverylongsubdomain", 5) + ".example",
		"https://news.example/" + strings.Repeat("section/", 4) + strings.Repeat("x", 80),
	} {
		for k := range 40 {
			docs = append(docs, &Doc{ID: fmt.Sprintf("long/%d/%d", i, k), Source: name, Paras: []Para{
				{Text: "Footer of the long-named site.", Reason: schema.ReasonBoilerplate, Key: uint64(9000 + i), DocCount: 40},
				{Text: fmt.Sprintf("Story %d of the long-named site.", k), Key: uint64(9100 + 100*i + k)},
			}})
		}
	}
	return docs
}

// TestWriteReportSample writes a sample report to $WINNOW_REPORT_OUT, for a look in a
// browser and for the Chromium test of interop/report.test.mjs:
//
//	WINNOW_REPORT_OUT=/tmp/report.html go test -run TestWriteReportSample ./audit/
func TestWriteReportSample(t *testing.T) {
	out := os.Getenv("WINNOW_REPORT_OUT")
	if out == "" {
		t.Skip("set WINNOW_REPORT_OUT to write a sample report")
	}
	a := synth{docs: 20_000, sources: 60, keys: 300, seed: 8}.audit(Options{})
	for _, d := range hostileDocs() {
		a.Observe(d)
	}
	for _, d := range bidiDocs() {
		a.Observe(d)
	}
	for _, d := range longNameDocs() {
		a.Observe(d)
	}
	st := schema.NewStats()
	st.Version = "dev"
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Render(f, st, "Audit of the synthetic corpus"); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", out, fi.Size())
}

func ExampleAudit() {
	a := New(Options{Samples: 2})
	footer := "© Herald. All rights reserved."
	for i, body := range []string{"The river rose.", "Rain again.", "The bridge closed."} {
		a.Observe(&Doc{
			ID: fmt.Sprintf("herald/%d.txt", i), Source: "herald", Title: body,
			Paras: []Para{
				{Text: body, Key: uint64(i)},
				{Text: footer, Reason: schema.ReasonBoilerplate, DocCount: 3, Key: xxhash.Sum64String(footer)},
			},
		})
	}
	var page bytes.Buffer
	if err := a.Render(&page, nil, "Herald audit"); err != nil {
		fmt.Println(err)
		return
	}
	html := page.Bytes()
	for _, id := range []string{"totals", "reasons-chart", "sources-table", "histogram", "captions", "samples"} {
		fmt.Printf("#%s: %v\n", id, bytes.Contains(html, []byte(`id="`+id+`"`)))
	}
	fmt.Println("struck through:", bytes.Count(html, []byte("<del")))
	// Output:
	// #totals: true
	// #reasons-chart: true
	// #sources-table: true
	// #histogram: true
	// #captions: true
	// #samples: true
	// struck through: 2
}
