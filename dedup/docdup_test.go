package dedup

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

// Two unrelated news stories, eight paragraphs each, written for these tests.
var docPortStory = []string{
	"ROTTERDAM, March 4 - Dock workers at the port of Rotterdam began a 48-hour strike on Tuesday over pay and staffing, halting container traffic at Europe's largest port and leaving dozens of ships waiting at anchor in the North Sea, union officials said.",
	"The FNV Havens union said about 4,000 workers had walked out after talks with terminal operators broke down late on Monday. The union is seeking a 7 percent pay rise over two years and guarantees that automation will not lead to forced redundancies.",
	"Terminal operator ECT said it regretted the action and that its offer of a 4.5 percent increase remained on the table. \"We are ready to resume talks at any moment, but not under the pressure of a stoppage,\" a spokeswoman said.",
	"Shipping lines including Maersk and Hapag-Lloyd said they were diverting some vessels to Antwerp and Hamburg. Freight forwarders warned that the disruption could take up to a week to clear even if the strike ends on schedule.",
	"The port handled 14.5 million containers last year, and a prolonged stoppage would ripple through supply chains already strained by congestion in Asia, analysts said.",
	"Dutch economy minister Mark Verhoeven urged both sides to return to the negotiating table, saying the port was vital infrastructure for the whole of northwestern Europe.",
	"It is the first strike at the port since 2011, when workers stopped for three days in a dispute over the opening of a new automated terminal on the Maasvlakte.",
	"Unions said further action was possible later this month if no agreement was reached, and that workers at the ports of Amsterdam and Vlissingen would hold meetings on Thursday to decide whether to docJoin.",
}

var docCoffeeStory = []string{
	"BOGOTA, March 4 - Colombia's coffee growers federation cut its forecast for this year's harvest to 11.8 million 60-kilo bags on Wednesday, citing heavy rains that have delayed flowering in the main producing regions of Antioquia, Caldas and Huila.",
	"The federation had previously expected output of 12.6 million bags. Its general manager told reporters in Bogota that the wet weather had also increased the risk of leaf rust, a fungus that devastated plantations a decade ago.",
	"Arabica futures in New York rose as much as 3 percent after the announcement before paring gains, as traders weighed the smaller Colombian crop against expectations of a large harvest in Brazil.",
	"Exporters said shipments in the first two months of the year were down by about a fifth from a year earlier, and that some contracts with roasters in the United States and Japan had been pushed back.",
	"The government has offered growers subsidised credit to renew ageing trees with rust-resistant varieties, but smallholders say the program is too slow and the paperwork too heavy for farms of a few hectares.",
	"Colombia is the world's largest producer of washed arabica beans, prized by roasters for their mild flavour, and coffee remains a major source of rural employment in the Andean country.",
	"Analysts at a Bogota brokerage said the revised forecast could still prove optimistic if the rains persist into April, when the secondary crop known as the mitaca begins to flower.",
	"The federation will publish its next estimate in June, after a survey of plantations in the coffee belt, and exporters expect shipments to recover in the second half if the weather improves.",
}

// A follow-up to docPortStory: two new paragraphs.
var docPortUpdate = []string{
	"Late on Wednesday the terminal operators raised their offer to 5.5 percent over two years and agreed to a joint study on the effects of automation, the union said, calling the proposal a step in the right direction.",
	"Union members will vote on the offer on Friday. If they accept, work would resume on Saturday morning, and the port authority said it would extend opening hours at the container terminals to clear the backlog of waiting ships.",
}

var (
	docSiteHeader = []string{
		"Daily Trade Wire - independent news on markets, commodities and shipping since 1998",
		"Home | Markets | Commodities | Shipping | Energy | Opinion | Subscribe",
		"Sign up for our free morning briefing and get the day's top stories in your inbox",
		"Advertisement - story continues below",
	}
	docSiteFooter = []string{
		"Copyright 2024 Daily Trade Wire Media Group. All rights reserved. Republication or redistribution of content is prohibited docWithout prior written consent.",
		"Follow us on social media for breaking updates from our reporters around the world.",
		"Terms of use | Privacy policy | Cookie settings | Contact the newsroom | Careers",
		"Market data delayed by at least 15 minutes. Prices are indicative and not an offer to trade.",
	}
)

func docEarnings(name string, v ...float64) string {
	return fmt.Sprintf("%s <%s> 4TH QTR NET\n\nShr profit %.2f dlrs vs profit %.2f dlrs\n\nNet profit %.1f mln vs profit %.1f mln\n\nRevs %.1f mln vs %.1f mln\n\nYear\n\nShr profit %.2f dlrs vs %.2f dlrs\n\nNet profit %.1f mln vs %.1f mln\n\nRevs %.1f mln vs %.1f mln\n\nNOTE: Latest year includes gain of %.1f mln dlrs from sale of a unit.",
		name, strings.ToUpper(name[:3]), v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12])
}

func docJoin(paras ...[]string) string {
	var all []string
	for _, p := range paras {
		all = append(all, p...)
	}
	return strings.Join(all, "\n\n")
}

// docWithout returns paras docWithout the paragraphs at the given indices.
func docWithout(paras []string, drop ...int) []string {
	var out []string
	for i, p := range paras {
		if !slices.Contains(drop, i) {
			out = append(out, p)
		}
	}
	return out
}

func docCurly(s string) string {
	s = strings.ReplaceAll(s, "'", "\u2019")
	open := true
	return strings.Map(func(r rune) rune {
		if r == '"' {
			open = !open
			if !open {
				return '\u201c'
			}
			return '\u201d'
		}
		return r
	}, s)
}

// docExactSet returns the distinct shingle hashes of text, sorted.
func docExactSet(s *DocSketcher, text string) []uint64 {
	h := s.shingles(nil, text)
	slices.Sort(h)
	return slices.Compact(h)
}

// docExactContainment is the exact containment of the smaller set in the other.
func docExactContainment(a, b []uint64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	common := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			common++
			i++
			j++
		}
	}
	return float64(common) / float64(min(len(a), len(b)))
}

// docExactContainedIn returns the share of later's shingles found in earlier, the
// one-way measure DocIndex applies, or 0 when later has under docMinSizeRatio of
// earlier's shingles (DocIndex never merges such a pair).
func docExactContainedIn(later, earlier []uint64) float64 {
	if len(later) == 0 || float64(len(later)) < docMinSizeRatio*float64(len(earlier)) {
		return 0
	}
	return docExactContainment(later, earlier) * float64(min(len(later), len(earlier))) / float64(len(later))
}

func TestDocDupConfig(t *testing.T) {
	if err := DefaultDocConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []DocConfig{{Shingle: 0, Threshold: 0.8}, {Shingle: 5, Threshold: 0}, {Shingle: 5, Threshold: 1.1}, {Shingle: 5, Threshold: math.NaN()}} {
		if c.Validate() == nil {
			t.Errorf("Validate(%+v) = nil, want an error", c)
		}
	}
	// zero fields take the defaults
	a := NewDocSketcher(DocConfig{}).Sketch(docJoin(docPortStory))
	b := NewDocSketcher(DefaultDocConfig()).Sketch(docJoin(docPortStory))
	if a != b {
		t.Error("zero DocConfig sketches differently from DefaultDocConfig")
	}
}

func TestDocDupSketch(t *testing.T) {
	s := NewDocSketcher(DefaultDocConfig())
	article := docJoin(docPortStory)
	tests := []struct {
		name     string
		a, b     string
		shingles int     // of a; -1 to skip
		equal    bool    // sketches identical
		minC     float64 // estimated containment at least
		maxC     float64 // and at most
	}{
		{name: "empty", a: "", b: "", shingles: 0, equal: true, maxC: 0},
		{name: "white space", a: " \n\t\r\n ", b: "", shingles: 0, equal: true, maxC: 0},
		{name: "CRLF vs LF", a: strings.ReplaceAll(article, "\n", "\r\n"), b: article, shingles: -1, equal: true, minC: 1, maxC: 1},
		{name: "docCurly quotes and dashes", a: docCurly(strings.ReplaceAll(article, " - ", " \u2013 ")), b: article, shingles: -1, equal: true, minC: 1, maxC: 1},
		{name: "case and punctuation", a: strings.ToUpper(article), b: strings.ReplaceAll(article, ", ", " ; "), shingles: -1, equal: true, minC: 1, maxC: 1},
		{name: "exactly k words", a: "the quick brown fox jumps", b: "The quick, brown fox jumps!", shingles: 1, equal: true, minC: 1, maxC: 1},
		{name: "fewer than k words: exact repeat", a: "Click to subscribe", b: "CLICK TO SUBSCRIBE.", shingles: 1, equal: true, minC: 1, maxC: 1},
		{name: "fewer than k words: different", a: "Click to subscribe", b: "Click to unsubscribe", shingles: 1, maxC: 0.3},
		{name: "tiny text inside a long one", a: "strike at the port", b: article, shingles: 1, maxC: 0.3},
		{name: "symbols only", a: "*** --- ***", b: "*** --- ***", shingles: 1, equal: true, minC: 1, maxC: 1},
		{name: "numbers kept", a: "Shr profit 1.12 dlrs vs profit 87 cts", b: "Shr profit 2.05 dlrs vs profit 64 cts", shingles: 4, maxC: 0.3},
		{name: "non-Latin script", a: "Портовые рабочие в Роттердаме начали 48-часовую забастовку во вторник из-за зарплаты", b: "портовые рабочие в роттердаме начали 48-часовую забастовку во вторник из-за зарплаты", shingles: 9, equal: true, minC: 1, maxC: 1},
		{name: "CJK", a: "鹿特丹港口工人周二开始为期四十八小时的罢工", b: "鹿特丹港口工人周二开始为期四十八小时的罢工", shingles: -1, equal: true, minC: 1, maxC: 1},
		{name: "invalid UTF-8", a: "port \xff\xfe strike \xc3 over pay and staffing", b: "port strike over pay and staffing", shingles: 2, equal: true, minC: 1, maxC: 1},
		{name: "unrelated stories", a: article, b: docJoin(docCoffeeStory), shingles: -1, maxC: 0.2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := s.Sketch(tt.a), s.Sketch(tt.b)
			if tt.shingles >= 0 && a.Shingles() != tt.shingles {
				t.Errorf("Shingles() = %d, want %d", a.Shingles(), tt.shingles)
			}
			if got := a == b; got != tt.equal {
				t.Errorf("sketches equal = %v, want %v", got, tt.equal)
			}
			if c := a.Containment(b); c < tt.minC || c > tt.maxC {
				t.Errorf("Containment = %.3f, want in [%g, %g]", c, tt.minC, tt.maxC)
			}
			if c, d := a.Containment(b), b.Containment(a); c != d {
				t.Errorf("Containment not symmetric: %.3f vs %.3f", c, d)
			}
		})
	}
}

// TestDocDupEstimate checks the containment estimate against the exact value on
// documents drawn from one vocabulary with controlled overlap and sizes.
func TestDocDupEstimate(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := make([]string, 5000)
	for i := range words {
		words[i] = fmt.Sprintf("w%d", i)
	}
	s := NewDocSketcher(DefaultDocConfig())
	var sum, sum2 float64
	n := 0
	for range 300 {
		base := make([]string, 100+rng.IntN(900))
		for i := range base {
			base[i] = words[rng.IntN(len(words))]
		}
		// copy: a contiguous share of the base, plus some new words at the end
		keep := len(base) * (40 + rng.IntN(61)) / 100
		start := rng.IntN(len(base) - keep + 1)
		cp := slices.Clone(base[start : start+keep])
		for range rng.IntN(len(cp)/3 + 1) {
			cp = append(cp, words[rng.IntN(len(words))])
		}
		a, b := strings.Join(base, " "), strings.Join(cp, " ")
		exact := docExactContainment(docExactSet(s, a), docExactSet(s, b))
		sa, sb := s.Sketch(a), s.Sketch(b)
		d := sa.Containment(sb) - exact
		sum += d
		sum2 += d * d
		n++
	}
	mean, rms := sum/float64(n), math.Sqrt(sum2/float64(n))
	t.Logf("containment estimate over %d pairs: bias %+.4f, rms error %.4f", n, mean, rms)
	if math.Abs(mean) > 0.02 || rms > 0.06 {
		t.Errorf("containment estimate: bias %+.4f, rms %.4f; want |bias| ≤ 0.02, rms ≤ 0.06", mean, rms)
	}
}

// TestDocDupEstimateSmall checks that densification keeps the Jaccard estimate
// unbiased on sets far smaller than the 256 bins (k = 1, so sets are controlled).
func TestDocDupEstimateSmall(t *testing.T) {
	s := NewDocSketcher(DocConfig{Shingle: 1})
	for _, size := range []int{3, 8, 20, 50, 120} {
		for _, share := range []float64{0.3, 0.6, 0.9} {
			var bias, sq float64
			const trials = 200
			for trial := range trials {
				common := int(math.Round(float64(size) * share))
				var a, b []string
				for i := range size {
					a = append(a, fmt.Sprintf("t%dw%d", trial, i))
				}
				b = append(b, a[:common]...)
				for i := common; i < size; i++ {
					b = append(b, fmt.Sprintf("t%dx%d", trial, i))
				}
				j := float64(common) / float64(2*size-common)
				d := s.Sketch(strings.Join(a, " ")).Jaccard(s.Sketch(strings.Join(b, " "))) - j
				bias += d / trials
				sq += d * d / trials
			}
			if math.Abs(bias) > 0.01 || math.Sqrt(sq) > 0.05 {
				t.Errorf("%d shingles, %.0f%% shared: bias %+.4f, rms %.4f; want |bias| ≤ 0.01, rms ≤ 0.05",
					size, 100*share, bias, math.Sqrt(sq))
			}
		}
	}
}

// TestDocDupDensify checks that the two ways of finding the bin to borrow from agree.
func TestDocDupDensify(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	order := densifyOrder()
	for trial := range 600 {
		var mins [docBins]uint64
		for i := range mins {
			mins[i] = docEmpty
		}
		m := 1 + trial*37%255 // up to m bins, some drawn twice
		for range m {
			mins[rng.IntN(docBins)] = rng.Uint64() >> (64 - docValBits)
		}
		orig := mins
		densify(&mins)
		for i := range mins {
			if orig[i] != docEmpty {
				if mins[i] != orig[i] {
					t.Fatalf("trial %d: non-empty bin %d changed", trial, i)
				}
				continue
			}
			var want uint64 = docEmpty
			for _, c := range order[0][i] {
				if orig[c] != docEmpty {
					want = orig[c]
					break
				}
			}
			if mins[i] != want {
				t.Fatalf("trial %d (%d full bins): bin %d = %x, want %x", trial, m, i, mins[i], want)
			}
		}
	}
}

func TestDocDupBandTable(t *testing.T) {
	var tab bandTable
	tab.slots = make([]uint64, 64)
	rng := rand.New(rand.NewPCG(5, 6))
	keys := map[uint32]uint32{}
	for i := range uint32(20000) {
		fp := max(rng.Uint32(), 1)
		if _, found := tab.find(fp); !found {
			tab.insert(fp, i)
			keys[fp] = i
		}
	}
	if tab.n != len(keys) {
		t.Errorf("table holds %d keys, want %d", tab.n, len(keys))
	}
	if load := float64(tab.n) / float64(len(tab.slots)); load > 0.875 || load < 0.58 {
		t.Errorf("load %.3f out of [7/12, 7/8]", load)
	}
	for fp, want := range keys {
		if got, ok := tab.find(fp); !ok || got != want {
			t.Fatalf("find(%x) = %d, %v; want %d (the first)", fp, got, ok, want)
		}
	}
	for range 1000 {
		fp := max(rng.Uint32(), 1)
		if _, in := keys[fp]; in {
			continue
		}
		if r, ok := tab.find(fp); ok {
			t.Fatalf("find(%x) = %d, a key never inserted", fp, r)
		}
	}
}

// TestDocDupIndex feeds sequences of documents and checks every Add.
func TestDocDupIndex(t *testing.T) {
	article := docJoin(docPortStory)
	// trimmed copy: one paragraph of eight cut, a line appended, docCurly quotes
	trimmed := docCurly(docJoin(docWithout(docPortStory, 4), []string{"Reporting by Anna de Vries; Editing by Mark Potter"}))
	// chain: B extends A with an update, C drops half of A and keeps the update
	chainB := docJoin(docPortStory, docPortUpdate)
	chainC := docJoin(docPortStory[:4], docPortUpdate)
	boiler := func(body []string) string { return docJoin(docSiteHeader, body, docSiteFooter) }
	tests := []struct {
		name string
		docs []string
		want []int // dupOf for each document, -1 when kept
	}{
		{name: "identical", docs: []string{article, article}, want: []int{-1, 0}},
		{name: "trimmed copy", docs: []string{article, trimmed}, want: []int{-1, 0}},
		// the original holds a paragraph (an eighth of its text) that the earlier copy
		// lacks: containment about 0.88, under the default 0.9, so both stay
		{name: "trimmed copy first", docs: []string{trimmed, article}, want: []int{-1, -1}},
		{name: "unrelated stories", docs: []string{article, docJoin(docCoffeeStory)}, want: []int{-1, -1}},
		{name: "docEarnings differing in numbers", docs: []string{
			docEarnings("Acme Industries Inc", 1.12, 0.87, 14.5, 11.2, 210.4, 187.9, 3.05, 2.41, 39.6, 31.3, 602.7, 551.0, 4.2),
			docEarnings("Acme Industries Inc", 0.94, 1.03, 12.1, 13.4, 199.8, 205.2, 2.77, 2.98, 35.0, 37.7, 588.1, 590.4, 2.9),
		}, want: []int{-1, -1}},
		{name: "shared boilerplate only", docs: []string{boiler(docPortStory), boiler(docCoffeeStory)}, want: []int{-1, -1}},
		{name: "boilerplate copy", docs: []string{boiler(docPortStory), article}, want: []int{-1, 0}},
		{name: "earliest kept", docs: []string{article, docJoin(docCoffeeStory), trimmed, article, docCurly(docJoin(docCoffeeStory))}, want: []int{-1, -1, 0, 0, 1}},
		// C is a near copy of B (contained in it) but not of A; B is a duplicate of A and
		// not indexed, so C is compared with A only and kept: no transitive closure.
		// B adds an update to A, so B stays (a later document must be contained in the
		// earlier); C is B without half of A: it is contained in B
		{name: "chain", docs: []string{article, chainB, chainC}, want: []int{-1, -1, 1}},
		{name: "tiny repeats", docs: []string{"Click to subscribe", "Photo: Reuters", "click to subscribe!", "Photo - Reuters"}, want: []int{-1, -1, 0, 1}},
		{name: "empty documents", docs: []string{"", " ", article, "", article}, want: []int{-1, -1, -1, -1, 2}},
	}
	s := NewDocSketcher(DefaultDocConfig())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := NewDocIndex(DefaultDocConfig())
			for i, d := range tt.docs {
				dup, ok := x.Add(s.Sketch(d))
				if ok != (tt.want[i] >= 0) || dup != tt.want[i] {
					t.Errorf("doc %d: Add = %d, %v; want %d", i, dup, ok, tt.want[i])
				}
			}
			st := x.Stats()
			if st.Docs != int64(len(tt.docs)) || st.Kept+st.Dups+st.Empty != st.Docs || int64(x.Len()) != st.Kept {
				t.Errorf("stats %+v inconsistent with %d documents, Len %d", st, len(tt.docs), x.Len())
			}
		})
	}

	// the premises of the chain case, on exact containment
	a, b, c := docExactSet(s, article), docExactSet(s, chainB), docExactSet(s, chainC)
	ab, bc, ac := docExactContainment(a, b), docExactContainment(b, c), docExactContainment(a, c)
	t.Logf("chain: C(A,B) %.2f, C(B,C) %.2f, C(A,C) %.2f", ab, bc, ac)
	if ab < 0.9 || bc < 0.9 || ac > 0.72 {
		t.Errorf("chain premises do not hold: C(A,B) %.2f, C(B,C) %.2f, C(A,C) %.2f", ab, bc, ac)
	}
	tr := docExactContainment(a, docExactSet(s, trimmed))
	bp := docExactContainment(docExactSet(s, boiler(docPortStory)), docExactSet(s, boiler(docCoffeeStory)))
	t.Logf("trimmed copy: exact containment %.2f; shared boilerplate: %.2f", tr, bp)
}

// TestDocDupDeterminism sketches in parallel, in two different orders, and adds the
// sketches twice: the decisions must be identical.
func TestDocDupDeterminism(t *testing.T) {
	var docs []string
	for i := range 60 {
		base := docPortStory
		if i%2 == 1 {
			base = docCoffeeStory
		}
		paras := docWithout(base, i%8, (i/8)%8)
		if i%3 == 0 {
			paras = append(paras, fmt.Sprintf("Update %d: more to follow.", i))
		}
		docs = append(docs, docJoin(paras))
	}
	sketch := func(reverse bool) []DocSketch {
		out := make([]DocSketch, len(docs))
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() {
				s := NewDocSketcher(DefaultDocConfig())
				for k := range docs {
					i := k
					if reverse {
						i = len(docs) - 1 - k
					}
					if i%4 == w {
						out[i] = s.Sketch(docs[i])
					}
				}
			})
		}
		wg.Wait()
		return out
	}
	run := func(sks []DocSketch) []int {
		x := NewDocIndex(DefaultDocConfig())
		res := make([]int, len(sks))
		for i, sk := range sks {
			res[i], _ = x.Add(sk)
		}
		return res
	}
	s1, s2 := sketch(false), sketch(true)
	if !slices.Equal(s1, s2) {
		t.Fatal("sketches depend on the worker schedule")
	}
	r1, r2 := run(s1), run(s2)
	if !slices.Equal(r1, r2) {
		t.Fatalf("decisions differ between runs:\n%v\n%v", r1, r2)
	}
	t.Logf("decisions: %v", r1)
}

// docReutersPath is the Reuters-21578 sample shared by the project's tests; it is not part
// of the repository.
var docReutersPath = filepath.Join("..", "..", "shared", "data", "reuters21578.jsonl.gz")

// docReuters returns up to n article texts, every step-th article of the file, or skips
// the test when the file is missing.
func docReuters(tb testing.TB, n, step int) []string {
	docs, err := loadDocReuters(n, step)
	if errors.Is(err, fs.ErrNotExist) {
		tb.Skipf("Reuters sample not available: %v", err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return docs
}

func loadDocReuters(n, step int) ([]string, error) {
	f, err := os.Open(docReutersPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", docReutersPath, err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<22)
	var out []string
	for i := 0; sc.Scan() && len(out) < n; i++ {
		if i%step != 0 {
			continue
		}
		var rec struct{ Text string }
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", docReutersPath, i+1, err)
		}
		if strings.TrimSpace(rec.Text) != "" {
			out = append(out, rec.Text)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", docReutersPath, err)
	}
	return out, nil
}

// docEdits are the synthetic copy types of TestDocDupReuters.
var docEdits = []string{"requote", "cut", "append", "cut+append", "words", "truncate", "wrap"}

// docSynthCopy returns a copy of text made by edit kind.
func docSynthCopy(rng *rand.Rand, text string, kind string) string {
	paras := strings.Split(text, "\n\n")
	cut := func() {
		if len(paras) >= 3 {
			paras = docWithout(paras, 1+rng.IntN(len(paras)-1))
			return
		}
		w := strings.Fields(paras[len(paras)-1])
		paras[len(paras)-1] = strings.Join(w[:len(w)*4/5], " ")
	}
	appendLine := func() {
		paras = append(paras, fmt.Sprintf("Reporting by Reporter %d; Editing by Editor %d", rng.IntN(100), rng.IntN(100)))
	}
	switch kind {
	case "requote":
		return docCurly(strings.ReplaceAll(text, "\n\n", "\n \n"))
	case "cut":
		cut()
	case "append":
		appendLine()
	case "cut+append":
		cut()
		appendLine()
	case "words": // a re-scrape with a few words edited
		w := strings.Fields(text)
		for range max(1, len(w)/60) {
			w[rng.IntN(len(w))] = fmt.Sprintf("edit%d", rng.IntN(1000))
		}
		return strings.Join(w, " ")
	case "truncate": // the first 70-90% of the words
		w := strings.Fields(text)
		return strings.Join(w[:len(w)*(70+rng.IntN(21))/100], " ")
	case "wrap":
		return docJoin([]string{"Daily Trade Wire | Markets | Commodities", "Advertisement"}, paras, []string{"Copyright 2024 Daily Trade Wire. All rights reserved."})
	}
	return strings.Join(paras, "\n\n")
}

// TestDocDupReuters measures merge precision and recall on 2000 Reuters articles plus
// 1000 synthetic copies, against exact one-way containment (the later document's
// shingles found in the earlier, as DocIndex measures it). It runs only when the Reuters
// sample is available.
func TestDocDupReuters(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	orig := docReuters(t, 2000, 9)
	cfg := DefaultDocConfig()
	rng := rand.New(rand.NewPCG(7, 8))
	type doc struct {
		text   string
		of     int    // stream position of the original, for copies; -1 otherwise
		kind   string // edit kind of copies
		at     float64
		origIx int
	}
	var docs []doc
	for i, text := range orig {
		docs = append(docs, doc{text: text, of: -1, at: float64(i), origIx: i})
	}
	for i := 0; i < len(orig) && i < 1000; i++ {
		kind := docEdits[i%len(docEdits)]
		docs = append(docs, doc{text: docSynthCopy(rng, orig[i], kind), kind: kind, at: float64(i) + 0.5 + rng.Float64()*300, origIx: i})
	}
	sort.SliceStable(docs, func(i, j int) bool { return docs[i].at < docs[j].at })
	pos := map[int]int{} // original index -> stream position
	for p, d := range docs {
		if d.kind == "" {
			pos[d.origIx] = p
		}
	}
	for p := range docs {
		if docs[p].kind != "" {
			docs[p].of = pos[docs[p].origIx]
		}
	}

	// sketches and exact sets
	s := NewDocSketcher(cfg)
	sks := make([]DocSketch, len(docs))
	sets := make([][]uint64, len(docs))
	for i, d := range docs {
		sks[i] = s.Sketch(d.text)
		sets[i] = docExactSet(s, d.text)
	}
	// exact containment of every pair that shares a shingle, through an inverted index
	post := map[uint64][]int32{}
	bestEarlier := make([]float64, len(docs)) // best exact containment with an earlier document
	for i := range docs {
		overlap := map[int32]int{}
		for _, h := range sets[i] {
			for _, j := range post[h] {
				overlap[j]++
			}
			post[h] = append(post[h], int32(i))
		}
		for j, c := range overlap {
			if float64(len(sets[i])) >= docMinSizeRatio*float64(len(sets[j])) {
				bestEarlier[i] = max(bestEarlier[i], float64(c)/float64(len(sets[i])))
			}
		}
	}

	x := NewDocIndex(cfg)
	var merges, good, nearMiss, positives, found int
	type row struct{ n, truePos, merged int }
	byKind := map[string]*row{}
	var errSum, errSum2 float64
	var errN int
	for i, sk := range sks {
		dup, ok := x.Add(sk)
		truth := bestEarlier[i] >= cfg.Threshold
		if truth {
			positives++
			if ok {
				found++
			}
		}
		if ok {
			merges++
			c := docExactContainedIn(sets[i], sets[dup])
			if c >= cfg.Threshold {
				good++
			} else if c >= cfg.Threshold-0.1 {
				nearMiss++
			} else {
				t.Logf("false merge: doc %d (%s) into %d, exact containment %.2f, estimate %.2f\n%.200q\n%.200q",
					i, docs[i].kind, dup, c, sk.Containment(sks[dup]), docs[i].text, docs[dup].text)
			}
		}
		if d := docs[i]; d.kind != "" {
			r := byKind[d.kind]
			if r == nil {
				r = &row{}
				byKind[d.kind] = r
			}
			r.n++
			c := docExactContainedIn(sets[i], sets[d.of])
			if c >= cfg.Threshold {
				r.truePos++
				if ok {
					r.merged++
				} else {
					na, nb := len(sets[i]), len(sets[d.of])
					t.Logf("missed copy: doc %d (%s) of %d, exact containment %.2f, estimate %.2f, Jaccard %.2f (estimate %.2f), sizes %d/%d",
						i, d.kind, d.of, c, estContainedIn(sk.Jaccard(sks[d.of]), sk.n, sks[d.of].n), c*float64(na)/(float64(na+nb)-c*float64(na)),
						sk.Jaccard(sks[d.of]), na, nb)
				}
			}
			e := estContainedIn(sk.Jaccard(sks[d.of]), sk.n, sks[d.of].n) - c
			errSum += e
			errSum2 += e * e
			errN++
		}
	}
	st := x.Stats()
	precision := float64(good) / float64(max(merges, 1))
	recall := float64(found) / float64(max(positives, 1))
	t.Logf("%d documents (%d Reuters articles, %d synthetic copies): %d merges, %d kept, %d empty",
		len(docs), len(orig), len(docs)-len(orig), st.Dups, st.Kept, st.Empty)
	t.Logf("precision %.4f (%d/%d merges at exact containment ≥ %.1f; %d more within 0.1 below)",
		precision, good, merges, cfg.Threshold, nearMiss)
	t.Logf("recall %.4f (%d/%d documents with an earlier document at exact containment ≥ %.1f)",
		recall, found, positives, cfg.Threshold)
	t.Logf("containment estimate on copy pairs: bias %+.4f, rms error %.4f",
		errSum/float64(errN), math.Sqrt(errSum2/float64(errN)))
	t.Logf("candidates verified %d, rejected %d; index %d bytes, %.0f bytes/kept document",
		st.Candidates, st.Rejected, st.Bytes, float64(st.Bytes)/float64(st.Kept))
	for _, k := range docEdits {
		r := byKind[k]
		t.Logf("  copies %-10s %4d, %4d at containment ≥ %.1f, %4d of those merged (%.3f)",
			k, r.n, r.truePos, cfg.Threshold, r.merged, float64(r.merged)/float64(max(r.truePos, 1)))
	}
	if precision < 0.95 {
		t.Errorf("precision %.4f < 0.95", precision)
	}
	if recall < 0.9 {
		t.Errorf("recall %.4f < 0.9", recall)
	}
}

func FuzzDocDupSketch(f *testing.F) {
	f.Add(docJoin(docPortStory))
	f.Add("Click to subscribe")
	f.Add("")
	f.Add("*** --- ***")
	f.Add("port \xff\xfe strike \xc3 over pay")
	f.Add("鹿特丹港口工人周二开始为期四十八小时的罢工")
	s := NewDocSketcher(DefaultDocConfig())
	f.Fuzz(func(t *testing.T, text string) {
		a := s.Sketch(text)
		if a != s.Sketch(strings.ReplaceAll(text, "\n", "\r\n")) {
			t.Error("CRLF changes the sketch")
		}
		if a.Shingles() == 0 {
			if a != (DocSketch{}) {
				t.Error("a sketch docWithout shingles is not the zero DocSketch")
			}
			return
		}
		if c := a.Containment(a); c != 1 {
			t.Errorf("Containment with itself = %g", c)
		}
		x := NewDocIndex(DefaultDocConfig())
		if _, ok := x.Add(a); ok {
			t.Error("first document is a duplicate")
		}
		if dup, ok := x.Add(a); !ok || dup != 0 {
			t.Errorf("repeat: Add = %d, %v; want 0, true", dup, ok)
		}
	})
}

func ExampleDocIndex() {
	story := "Dock workers at the port of Rotterdam began a 48-hour strike on Tuesday over pay and staffing, halting container traffic at Europe's largest port.\n\n" +
		"The union said about 4,000 workers had walked out after talks with terminal operators broke down late on Monday.\n\n" +
		"Shipping lines said they were diverting some vessels to Antwerp and Hamburg."
	docs := []string{
		story,
		"Coffee growers cut their harvest forecast on Wednesday, citing heavy rains that have delayed flowering in the main producing regions.",
		// a syndicated copy: last paragraph cut, the apostrophe curly
		strings.ReplaceAll(story[:strings.LastIndex(story, "\n\n")], "'", "\u2019"),
	}
	cfg := DefaultDocConfig()
	s := NewDocSketcher(cfg) // one per worker
	x := NewDocIndex(cfg)    // one, fed in input order
	for i, d := range docs {
		if dup, ok := x.Add(s.Sketch(d)); ok {
			fmt.Printf("document %d: duplicate of %d\n", i, dup)
		} else {
			fmt.Printf("document %d: kept\n", i)
		}
	}
	// Output:
	// document 0: kept
	// document 1: kept
	// document 2: duplicate of 0
}

// Place keeps the fuller of two near-duplicates: the original that comes after its
// trimmed copy replaces it, unless the caller says the copy may not go.
func TestDocPlaceFullerStays(t *testing.T) {
	s := NewDocSketcher(DefaultDocConfig())
	// the copy lacks the original's credit line: the original is contained in it to
	// 0.9 or more, and holds more shingles
	copyText := docJoin(docPortStory)
	original := docJoin(docPortStory, []string{"Reporting by Anna de Vries in Rotterdam; additional reporting by Bart Meijer; editing by Mark Potter"})
	a, b := s.Sketch(copyText), s.Sketch(original)
	if b.Shingles() <= a.Shingles() {
		t.Fatalf("premise: original %d shingles, copy %d", b.Shingles(), a.Shingles())
	}
	x := NewDocIndex(DefaultDocConfig())
	if m := x.Place(a, func(int) bool { return true }); m.Of != -1 {
		t.Fatalf("first document: %+v", m)
	}
	if m := x.Place(b, func(int) bool { return true }); m != (Match{Of: 0, Replaced: true}) {
		t.Fatalf("original after its copy: %+v, want it to replace document 0", m)
	}
	// the index now holds the original: a third copy is its duplicate
	if m := x.Place(s.Sketch(copyText), func(int) bool { return true }); m != (Match{Of: 1}) {
		t.Errorf("copy after the original: %+v, want duplicate of 1", m)
	}
	if st := x.Stats(); st.Replaced != 1 || st.Kept != 1 || st.Dups != 2 {
		t.Errorf("stats %+v", st)
	}

	y := NewDocIndex(DefaultDocConfig())
	y.Place(a, nil)
	if m := y.Place(b, func(int) bool { return false }); m != (Match{Of: 0}) {
		t.Errorf("replacement refused: %+v, want a duplicate of 0, as Add says", m)
	}
}

// TestMinBytes checks the byte-wise minimum of densify on every pair of byte values, in
// every byte of the word, beside bytes that could borrow or carry.
func TestMinBytes(t *testing.T) {
	for _, fill := range []uint64{0, 0x7f7f_7f7f_7f7f_7f7f, 0x8080_8080_8080_8080, ^uint64(0)} {
		for a := range 256 {
			for b := range 256 {
				for pos := 0; pos < 64; pos += 8 {
					x := fill&^(0xff<<pos) | uint64(a)<<pos
					y := fill&^(0xff<<pos) | uint64(b)<<pos
					want := fill&^(0xff<<pos) | uint64(min(a, b))<<pos
					if got := minBytes(x, y); got != want {
						t.Fatalf("minBytes(%016x, %016x) = %016x, want %016x", x, y, got, want)
					}
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for range 100000 {
		x, y := rng.Uint64(), rng.Uint64()
		var want uint64
		for pos := 0; pos < 64; pos += 8 {
			want |= min(x>>pos&0xff, y>>pos&0xff) << pos
		}
		if got := minBytes(x, y); got != want {
			t.Fatalf("minBytes(%016x, %016x) = %016x, want %016x", x, y, got, want)
		}
	}
}

// A sketch's encoding reads back as the same sketch, and bytes that are not an encoding
// are an error, never a panic.
func FuzzDocSketchBinary(f *testing.F) {
	sk := DocConfig{Shingle: 5, Threshold: 0.9}.Sketch("one two three four five six seven eight nine ten")
	f.Add(sk.AppendBinary(nil))
	f.Add([]byte{})
	f.Add([]byte("not a sketch"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var got DocSketch
		if err := got.UnmarshalBinary(b); err != nil {
			return
		}
		again := got.AppendBinary(nil)
		var back DocSketch
		if err := back.UnmarshalBinary(again); err != nil || back != got {
			t.Fatalf("round trip of %x: %v", b, err)
		}
	})
}
