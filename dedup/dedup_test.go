package dedup

import (
	"maps"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

func spans(text string, mode Split) []string {
	var out []string
	for _, s := range Segment(nil, text, mode) {
		out = append(out, text[s.Start:s.End])
	}
	return out
}

func TestSegment(t *testing.T) {
	tests := []struct {
		name string
		text string
		mode Split
		want []string
	}{
		{"empty", "", SplitAuto, nil},
		{"only space", " \n\t\n", SplitAuto, nil},
		{"one line", "Hello world", SplitAuto, []string{"Hello world"}},
		{"blank lines", "A b\n\nC d\n\n\nE", SplitAuto, []string{"A b", "C d", "E"}},
		{"inner line break kept", "A\nb\n\nC", SplitAuto, []string{"A\nb", "C"}},
		{"auto falls back to lines", "A\nB\nC", SplitAuto, []string{"A", "B", "C"}},
		{"blank mode keeps lines together", "A\nB\nC", SplitBlank, []string{"A\nB\nC"}},
		{"line mode", "A\nB\n\nC", SplitLine, []string{"A", "B", "C"}},
		{"CRLF", "A b\r\n\r\nC\r\nd\r\n", SplitAuto, []string{"A b", "C\r\nd"}},
		{"CR only", "A\r\rB", SplitAuto, []string{"A", "B"}},
		{"surrounding space trimmed", "  A  \n \nB\u00a0", SplitAuto, []string{"A", "B"}},
		{"leading blank lines", "\n\n\nA\n\nB", SplitAuto, []string{"A", "B"}},
		{"whitespace-only line with nbsp", "A\n\u00a0\nB", SplitAuto, []string{"A", "B"}},
		{"non-Latin", "Привет мир\n\n東京は晴れ", SplitAuto, []string{"Привет мир", "東京は晴れ"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := spans(tt.text, tt.mode)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("Segment(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"case and punctuation", "Hello, World!", "hello world"},
		{"curly and straight quotes agree", "Russia’s attack", "russia s attack"},
		{"straight", "Russia's attack", "russia s attack"},
		{"dashes", "a – b — c - d", "a b c d"},
		{"nbsp and runs of space", "a\u00a0 \t b\n\nc", "a b c"},
		{"zero width and soft hyphen dropped", "in\u00adcredi\u200bble", "incredible"},
		{"a zero-width joiner does not keep an accent from its letter", "cafe\u200d\u0301", "café"},
		{"a format character between two marks: they are ordered", "\u0730\u070f\u0739", "\u0739\u0730"},
		{"iota stays a letter", "\u0399\u0302 \u03b9", "\u03b9\u0302 \u03b9"},
		{"NFKC ligature and fullwidth", "ﬁne ＡＢＣ１２", "fine abc12"},
		{"case fold sharp s", "STRASSE straße", "strasse strasse"},
		{"digits kept", "Updated 5 hours ago", "updated 5 hours ago"},
		{"decimal kept", "Shr 1.23 dlrs", "shr 1.23 dlrs"},
		{"space before a thousands separator", "selling 1 ,800,000 shares", "selling 1,800,000 shares"},
		{"a comma after a number ends it", "in 1986 , 2,000 jobs", "in 1986 2,000 jobs"},
		{"symbols only", "* * *", "* * *"},
		{"Han one token a character", "東京は晴れ", "東 京 は 晴 れ"},
		{"Cyrillic", "ПРИВЕТ, Мир", "привет мир"},
		{"invalid UTF-8", "a\xffb", "a b"},
		{"emoji presentation selector dropped", "I \u2764\ufe0f NY \u2b07\ufe0f", "i ny"},
		{"the same without it", "I \u2764 NY \u2b07", "i ny"},
		{"text presentation selector dropped", "Done \u2714\ufe0e today", "done today"},
		{"a selector after a letter", "ok\ufe0f fine", "ok fine"},
		{"Mongolian variation selector", "\u1820\u180b\u1821", "\u1820\u1821"},
		{"a selector with accented text", "Café \u2600\ufe0f Été", "café été"},
		{"a modifier letter apostrophe is an apostrophe", "Марʼян Обʼєднаний", "мар ян об єднаний"},
		{"as the curly one is", "Мар’ян Об’єднаний", "мар ян об єднаний"},
		{"and the straight one", "Мар'ян Об'єднаний", "мар ян об єднаний"},
		{"the turned comma too", "Oʻzbekiston", "o zbekiston"},
		{"an acute accent used as an apostrophe", "don´t stop, l´homme", "don t stop l homme"},
		{"a diaeresis or a cedilla alone", "a¨b c¸d", "a b c d"},
		{"spacing accents alone are symbols", "´ ¨ ´", "' ' '"},
		{"the Arabic tatweel stretches a word", "كـتـاب جديـد", "كتاب جديد"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestShape(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"year folded", "© 2023 Daily Ledger", "0 daily ledger"},
		{"one count folded", "Updated 5 hours ago", "updated 0 hours ago"},
		{"date folded", "Published 12 March 2021", "published 0 march 0"},
		{"clock time folded", "Last updated: 12 March 2021 at 14:05", "last updated 0 march 0 at 0"},
		{"table row kept", "Shr 12 cts vs 15 cts", "shr 12 cts vs 15 cts"},
		{"decimal kept", "Net 5.6 mln", "net 5.6 mln"},
		{"thousands kept", "155,221 bags", "155,221 bags"},
		{"no digits", "Load more", "load more"},
		{"dateline folded", "Published March 5, 2021 at 3:45 p.m. | Updated 5 hours ago", "published march 0 0 at 0 p m updated 0 hours ago"},
		{"two numbers of a dateline folded", "Posted June 14, 2022, 10:02 a.m., updated 3 hours ago", "posted june 0 0 0 a m updated 0 hours ago"},
		{"bare day of a table kept", "Pay April 15", "pay april 15"},
		{"quantity kept", "U.K. MONEY MARKET GIVEN 195 MLN STG HELP", "u k money market given 195 mln stg help"},
		{"long sentence kept", "WASHINGTON, March 9 - The following proposed securities offerings were filed with the Securities and Exchange Commission", "washington march 9 the following proposed securities offerings were filed with the securities and exchange commission"},
		{"dateline with a weekday", "Posted Tuesday, June 14, 2022 10:02 AM", "posted tuesday june 0 0 0 am"},
		{"two dates are content", "NOTE: Dividend payable April 10 to shareholders of record March 30.", "note dividend payable april 10 to shareholders of record march 30"},
		{"table row with a time kept", "Open 10:00 12 34", "open 10:00 12 34"},
		{"few words kept", "March 5 3:45 June 9", "march 5 3:45 june 9"},
		{"table of dates kept", "04/09/87 03/09/87", "04 09 87 03 09 87"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Shape(tt.in); got != tt.want {
				t.Errorf("Shape(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// fingerprint returns the fingerprint of text under the default config.
func fingerprint(text string) *Doc {
	var d Doc
	NewFingerprinter(DefaultConfig()).Doc("", text, &d)
	return &d
}

func TestFingerprintShingles(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		shingles  int
		short     bool
		wantWords int32
	}{
		{"exactly k words", "one two three four five", 1, false, 5},
		{"k+2 words", "one two three four five six seven", 3, false, 7},
		{"short uses characters", "Load more", len("load more") - 5 + 1, true, 2},
		{"tiny is one shingle", "Menu", 1, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := fingerprint(tt.text)
			if len(d.Paras) != 1 {
				t.Fatalf("got %d paragraphs", len(d.Paras))
			}
			p := d.Paras[0]
			if got := len(d.ParaShingles(0)); got != tt.shingles || p.Short != tt.short || p.Words != tt.wantWords {
				t.Errorf("shingles %d short %v words %d, want %d %v %d", got, p.Short, p.Words, tt.shingles, tt.short, tt.wantWords)
			}
		})
	}
}

func TestKeysAgreeAcrossQuotes(t *testing.T) {
	a := fingerprint("Ukrainian servicemen ride BMP-1, amid Russia’s attack on Ukraine")
	b := fingerprint("Ukrainian servicemen ride BMP-1, amid Russia's attack on Ukraine")
	if a.Paras[0].Key != b.Paras[0].Key {
		t.Error("curly and straight apostrophes give different keys")
	}
	if a.Paras[0].bands != b.Paras[0].bands {
		t.Error("curly and straight apostrophes give different bands")
	}
}

// judge runs pass 1 over docs and pass 2 over each, returning the reasons per doc.
func judge(t *testing.T, rules Rules, docs []struct{ source, text string }) [][]string {
	t.Helper()
	fp := NewFingerprinter(DefaultConfig())
	ix := NewIndex()
	for _, d := range docs {
		var f Doc
		fp.Doc("", d.text, &f)
		ix.Add(d.source, &f)
	}
	j := NewJudge(rules, ix)
	var out [][]string
	for _, d := range docs {
		var f Doc
		fp.Doc("", d.text, &f)
		var reasons []string
		for _, dec := range j.Judge(nil, d.source, &f) {
			reasons = append(reasons, dec.Reason)
		}
		out = append(out, reasons)
	}
	return out
}

var bodies = []string{
	"The central bank raised its main interest rate by a quarter point on Tuesday, citing persistent inflation in services.",
	"Farmers in the northern province reported the best wheat harvest in a decade after a wet spring and a mild summer.",
	"The city council approved a new budget that expands bus service and delays the renovation of the old library.",
	"Shares of the carmaker fell sharply after it cut its delivery forecast for the year, blaming a shortage of chips.",
	"Scientists said the comet would be visible to the naked eye for about a week, best seen just before dawn.",
}

func TestRules(t *testing.T) {
	var docs []struct{ source, text string }
	for i, b := range bodies {
		text := "Skip to main content\n\n" + b + "\n\n© 202" + string(rune('0'+i)) + " Daily Ledger Media Group. All rights reserved.\n\nLoad more"
		docs = append(docs, struct{ source, text string }{"ledger", text})
	}
	caption := "Ukrainian servicemen ride an infantry fighting vehicle, amid Russia’s attack on Ukraine, in Donetsk region"
	docs = append(docs, struct{ source, text string }{"other",
		caption + "\n\n" + strings.ReplaceAll(caption, "’", "'") + "\n\n" + bodies[0][:40] + " something else entirely new here."})
	got := judge(t, DefaultRules(), docs)
	for i := range bodies {
		want := []string{"boilerplate", "", "near_boilerplate", "boilerplate"}
		if strings.Join(got[i], ",") != strings.Join(want, ",") {
			t.Errorf("doc %d: reasons %q, want %q", i, got[i], want)
		}
	}
	if want := []string{"", "duplicate_in_doc", ""}; strings.Join(got[5], ",") != strings.Join(want, ",") {
		t.Errorf("caption doc: reasons %q, want %q", got[5], want)
	}
}

func TestTableRowsStay(t *testing.T) {
	// the column header row "4/2/87 Prev Wk ..." (10 words) repeats in each section
	table := "CORN\n\n4/2/87 Prev Wk 4/2/87 Prev Wk\n\nAcreage (mln acres) --\n\nPlanted 76.7 76.7 83.4\n\nHarvested 69.2 69.2 75.2\n\nYield 119.3 118.0 118.0\n\nUnnamed-B nil nil nil nil\n\n" +
		"WHEAT\n\n4/2/87 Prev Wk 4/2/87 Prev Wk\n\nAcreage (mln acres) --\n\nPlanted 72.0 72.0 75.6\n\nHarvested 60.7 60.7 64.7\n\nYield 34.4 34.4 37.5\n\nUnnamed-B nil nil nil nil"
	got := judge(t, DefaultRules(), []struct{ source, text string }{{"s", table}})
	for i, r := range got[0] {
		if r != "" {
			t.Errorf("paragraph %d of a table removed: %s", i, r)
		}
	}
}

func TestSyndicatedStoryIsNotBoilerplate(t *testing.T) {
	story := strings.Join(bodies, "\n\n")
	var docs []struct{ source, text string }
	for _, s := range []string{"a", "b", "c", "d"} {
		docs = append(docs, struct{ source, text string }{s, story + "\n\nThis story was first published by " + s + "."})
	}
	got := judge(t, DefaultRules(), docs)
	for i, reasons := range got {
		for k, r := range reasons[:len(bodies)] {
			if r != "" {
				t.Errorf("doc %d paragraph %d of a syndicated story removed as %s", i, k, r)
			}
		}
	}
}

func FuzzSegment(f *testing.F) {
	for _, s := range []string{"", "a\n\nb", "a\r\n\r\nb\rc", " \n\u00a0\n x ", "\n\n\n"} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, text string, mode uint8) {
		m := Split(mode % 3)
		prev := 0
		for _, s := range Segment(nil, text, m) {
			if s.Start < prev || s.End <= s.Start || s.End > len(text) {
				t.Fatalf("bad span %v after %d in %q", s, prev, text)
			}
			if gap := text[prev:s.Start]; strings.TrimFunc(gap, isSpace) != "" {
				t.Fatalf("non-space %q dropped between paragraphs of %q", gap, text)
			}
			prev = s.End
		}
		if rest := text[prev:]; strings.TrimFunc(rest, isSpace) != "" {
			t.Fatalf("non-space tail %q dropped from %q", rest, text)
		}
	})
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"", "Hello, World", "Russia’s", "ﬁ ＡＢＣ", "Shr 1.23 vs 4", "a\xffb", "東京", "* * *", "İstanbul ǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q is not valid UTF-8", s, n)
		}
		if n2 := Normalize(n); n2 != n {
			t.Fatalf("not idempotent: Normalize(%q) = %q, Normalize of that = %q", s, n, n2)
		}
		if sh := Shape(n); Shape(sh) != sh {
			t.Fatalf("Shape not idempotent on %q", s)
		}
	})
}

func TestTemplate(t *testing.T) {
	titles := []string{"Ferry service resumes after storm", "Library extends opening hours",
		"Local bakery wins national prize", "River levels fall as rain eases"}
	// pass 1 computes no Rest: Index.Add must not need it
	first := DefaultConfig()
	first.wantRest = func(uint64) bool { return false }
	fp := NewFingerprinter(first)
	ix := NewIndex()
	docs := make([]Doc, len(titles))
	texts := make([]string, len(titles))
	for i, title := range titles {
		texts[i] = bodies[i] + "\n\nRead more: " + titles[(i+1)%len(titles)] +
			"\n\nHe said the council would meet again " + [...]string{"next week", "on Monday", "in spring", "soon"}[i] + "."
		fp.Doc(title, texts[i], &docs[i])
		ix.Add("site", &docs[i])
	}
	// a fifth document points to itself: its own title does not make it a template
	self := "Harbour works delayed again"
	titles = append(titles, self)
	texts = append(texts, bodies[0]+"\n\nRead more: "+self+"\n\nHe said the council would meet again later.")
	var own Doc
	fp.Doc(self, texts[len(texts)-1], &own)
	ix.Add("site", &own)
	// pass 2 fingerprints lazily (the title key only when the template rule asks)
	lazy := DefaultConfig()
	lazy.lazyBands, lazy.lazyTitle = true, true
	// and hashes the rest of a paragraph only after a common prefix, as pass 2 does
	common := func(prefix uint64) bool { return ix.PrefixDocs(prefix) >= DefaultRules().MinDocs }
	wanted := lazy
	wanted.wantRest = common
	for _, cfg := range []Config{DefaultConfig(), lazy, wanted} {
		fp := NewFingerprinter(cfg)
		j := NewJudge(DefaultRules(), ix)
		for i := range texts {
			var d Doc
			fp.Doc(titles[i], texts[i], &d)
			for _, p := range d.Paras {
				for k, h := range p.prefix {
					if h != 0 && (p.rest[k] != 0) != (cfg.wantRest == nil || common(h)) {
						t.Errorf("want rest %v, doc %d: Rest[%d] = %#x after prefix in %d documents", cfg.wantRest != nil, i, k, p.rest[k], ix.PrefixDocs(h))
					}
				}
			}
			decs := j.Judge(nil, "site", &d)
			want := "template"
			if titles[i] == self {
				want = ""
			}
			if decs[1].Reason != want {
				t.Errorf("lazy title %v, doc %d: %q is %q, want %q", cfg.lazyTitle, i, texts[i][d.Paras[1].Start:d.Paras[1].End], decs[1].Reason, want)
			}
			if decs[0].Reason != "" || decs[2].Reason != "" {
				t.Errorf("lazy title %v, doc %d: content removed: %+v", cfg.lazyTitle, i, decs)
			}
		}
	}
}

// Pass 2 recognises exact boilerplate by its raw bytes (Config.known) instead of
// normalizing it again: the decisions must not change.
func TestKnownSkipsNormalizing(t *testing.T) {
	var texts []string
	for i, b := range bodies {
		texts = append(texts, "Skip to content\n\n"+b+"\n\n© 202"+string(rune('0'+i))+" Daily Ledger. All rights reserved.\n\nLoad more\n\nLoad more")
	}
	fp := NewFingerprinter(DefaultConfig())
	ix := NewIndex()
	for _, text := range texts {
		var d Doc
		fp.Doc("", text, &d)
		ix.Add("s", &d)
	}
	rules := DefaultRules()
	cfg := DefaultConfig()
	cfg.lazyBands = true
	cfg.known = func(raw uint64, p *Para) bool { return ix.knownRaw(raw, rules.MinDocs, p) }
	fast := NewFingerprinter(cfg)
	j := NewJudge(rules, ix)
	for i, text := range texts {
		var slow, quick Doc
		fp.Doc("", text, &slow)
		fast.Doc("", text, &quick)
		want := j.Judge(nil, "s", &slow)
		got := j.Judge(nil, "s", &quick)
		known := 0
		for k := range got {
			if got[k] != want[k] {
				t.Errorf("doc %d paragraph %d: %+v with Known, %+v without", i, k, got[k], want[k])
			}
			if quick.Paras[k].known {
				known++
			}
		}
		if known != 3 { // "Skip to content" and both "Load more"
			t.Errorf("doc %d: %d paragraphs recognised by their raw bytes, want 3", i, known)
		}
	}
}

// A caption printed twice in a table-like document is still a duplicate: it is a
// sentence, longer than a row.
func TestCaptionInTableIsDuplicate(t *testing.T) {
	caption := "Farmers harvest wheat near the river as prices climb for a third week, March 4, 2021. REUTERS/Staff"
	rows := "Planted 72.0 72.0 75.6\n\nHarvested 60.7 60.7 64.7\n\nYield 34.4 34.4 37.5\n\nStocks 12.1 11.8 10.2\n\nExports 4.4 4.1 3.9"
	got := judge(t, DefaultRules(), []struct{ source, text string }{{"s", caption + "\n\n" + strings.ReplaceAll(caption, "REUTERS/Staff", "Reuters/Staff") + "\n\nWHEAT\n\n" + rows}})
	if got[0][0] != "" || got[0][1] != "duplicate_in_doc" {
		t.Errorf("caption decisions %q, %q; want kept, duplicate_in_doc", got[0][0], got[0][1])
	}
	for i, r := range got[0][2:] {
		if r != "" {
			t.Errorf("row %d removed: %s", i, r)
		}
	}
}

// TestBandKeysDefinition checks bandKeys against the definition of its rows: row 4i+q
// is the minimum over the shingles of the q-th 16-bit quarter (from the low end) of
// h*permA[i]+permB[i]; band b hashes rows b*Rows to b*Rows+Rows-1, four to a word.
func TestBandKeysDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for n := 1; n <= 100; n++ {
		sh := make([]uint64, n)
		for i := range sh {
			sh[i] = rng.Uint64()
		}
		var rows [Bands * Rows]uint16
		for r := range rows {
			rows[r] = ^uint16(0)
			for _, h := range sh {
				v := h*permA[r/4] + permB[r/4]
				rows[r] = min(rows[r], uint16(v>>(16*(r%4))))
			}
		}
		got := bandKeys(sh)
		for b := range Bands {
			k := uint64(b) + 0x2545_f491_4f6c_dd1d
			band := rows[b*Rows : (b+1)*Rows]
			for q := 0; q < Rows; q += 4 {
				k = mix(k ^ (uint64(band[q]) | uint64(band[q+1])<<16 | uint64(band[q+2])<<32 | uint64(band[q+3])<<48))
			}
			if got[b] != k {
				t.Fatalf("%d shingles, band %d: %x, want %x", n, b, got[b], k)
			}
		}
	}
}

// TestTitleMemo checks that remembered title keys are the keys: the same title twice,
// titles that collide in the memo, and a title too long to be remembered.
func TestTitleMemo(t *testing.T) {
	fp := NewFingerprinter(DefaultConfig())
	long := strings.Repeat("Very long scraped title ", 40)
	titles := []string{"Ferry service resumes", "Ferry Service Resumes!", long, "", long + "x"}
	for i := range 3000 {
		titles = append(titles, "Story number "+strings.Repeat("i", i%7)+string(rune('a'+i%26))+" of the day")
	}
	for round := range 2 {
		for _, title := range titles {
			var n normalizer
			if got, want := fp.Title(title), titleKey(&n, title); got != want {
				t.Fatalf("round %d: Title(%.40q) = %x, want %x", round, title, got, want)
			}
		}
	}
	if fp.Title("Ferry service resumes") != fp.Title("ferry SERVICE resumes") {
		t.Error("titles that normalize alike have different keys")
	}
}

// Pass 1 leaves the bands out (Config.lazyBands) and Index.Add computes those it
// counts or looks up: the counts must be those of eager bands, and the bands of
// paragraphs whose key is frequent already must stay uncomputed.
func TestLazyBandsInAdd(t *testing.T) {
	story := strings.Join(bodies, "\n\n")
	type doc struct{ source, text string }
	var docs []doc
	for i, s := range []string{"a", "b", "c", "f", "d"} {
		// a syndicated story with each site's own header and footer, one copy with a
		// paragraph reworded, and a line of the site's own
		text := "Skip to content\n\n" + story
		if i == 3 {
			text = strings.Replace(text, "council", "city council", 1)
		}
		text += "\n\nSite " + s + " news, " + strings.Repeat("page ", i+1) + "\n\nLoad more"
		docs = append(docs, doc{s, text})
	}
	for i, b := range bodies {
		docs = append(docs, doc{"e", b + "\n\nRead the whole story on site e, number " + string(rune('1'+i)) + "."})
	}
	lazy := DefaultConfig()
	lazy.lazyBands = true
	eager, deferred := NewIndexFor(DefaultRules(), 0), NewIndexFor(DefaultRules(), 0)
	eager.keepBands, deferred.keepBands = true, true
	fe, fl := NewFingerprinter(DefaultConfig()), NewFingerprinter(lazy)
	var de, dl []Doc
	skipped := 0
	for _, d := range docs {
		var a, b Doc
		fe.Doc("", d.text, &a)
		fl.Doc("", d.text, &b)
		eager.Add(d.source, &a)
		deferred.Add(d.source, &b)
		de, dl = append(de, a), append(dl, b)
		for _, p := range b.Paras {
			if p.hi > p.lo && p.bands == ([Bands]uint64{}) {
				skipped++
			}
		}
	}
	if err := eager.Seal(); err != nil {
		t.Fatal(err)
	}
	if err := deferred.Seal(); err != nil {
		t.Fatal(err)
	}
	if c, _ := eager.Copies(); c != 5 {
		t.Fatalf("%d documents in copy groups, want the 5 copies of the story", c)
	}
	if a, b := eager.Copies(); true {
		if c, d := deferred.Copies(); a != c || b != d {
			t.Fatalf("copies: %d in %d groups eager, %d in %d lazy", a, b, c, d)
		}
	}
	if skipped == 0 {
		t.Errorf("every paragraph's bands were computed: those of frequent paragraphs need none")
	}
	if !maps.Equal(eager.TableEntries(), deferred.TableEntries()) {
		t.Errorf("table entries: %v eager, %v lazy", eager.TableEntries(), deferred.TableEntries())
	}
	for i := range de {
		for k, p := range de[i].Paras {
			if a, b := eager.KeyDocs(p.Key), deferred.KeyDocs(p.Key); a != b {
				t.Errorf("doc %d paragraph %d: key in %d documents eager, %d lazy", i, k, a, b)
			}
			for _, h := range p.bands {
				if a, b := eager.bandDocs(h), deferred.bandDocs(h); a != b {
					t.Errorf("doc %d paragraph %d: band in %d documents eager, %d lazy", i, k, a, b)
				}
			}
		}
	}
}
