package dedup

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
)

// judgeAll runs both passes over texts (one document each, no source) and returns the
// number of paragraphs removed, by reason.
func judgeAll(t testing.TB, texts []string) map[string]int {
	t.Helper()
	ix := NewIndexFor(DefaultRules(), 0)
	cfg := DefaultConfig()
	cfg.known = ix.frequent
	cfg.lazyBands = true
	fp := NewFingerprinter(cfg)
	var d Doc
	for _, text := range texts {
		fp.Doc("", text, &d)
		ix.Add("", &d)
	}
	if err := ix.Seal(); err != nil {
		t.Fatal(err)
	}
	j := NewJudge(DefaultRules(), ix)
	plain := NewFingerprinter(DefaultConfig())
	removed := map[string]int{}
	var decs []Decision
	for _, text := range texts {
		plain.Doc("", text, &d)
		decs = j.Judge(decs[:0], "", &d)
		for _, dec := range decs {
			if dec.Reason != "" {
				removed[dec.Reason]++
				if dec.Reason != "duplicate_in_doc" && int(dec.DocCount) < DefaultRules().MinDocs {
					t.Errorf("%s of %q claims %d documents, under MinDocs", dec.Reason, text, dec.DocCount)
				}
			}
		}
	}
	return removed
}

// randomShort returns n distinct documents of three words drawn from a vocabulary of
// made-up words of 3 to 12 letters (a stand-in for the words of a language: English
// has some tens of thousands in common use).
func randomShort(n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 1))
	vocab := make([]string, 30000)
	for i := range vocab {
		b := make([]byte, 3+r.IntN(10))
		for k := range b {
			b[k] = "etaoinshrdlucmfwypvbgkjqxz"[min(r.IntN(26), r.IntN(26))]
		}
		vocab[i] = string(b)
	}
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		t := vocab[r.IntN(len(vocab))] + " " + vocab[r.IntN(len(vocab))] + " " + vocab[r.IntN(len(vocab))]
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// Distinct short documents are never near-boilerplate by chance, at any corpus size:
// the share removed must stay under 0.1 % at 1 M documents (set WINNOW_SHORT_DOCS to
// try another size). A long test: skipped with -short. (The character-shingle rule it
// replaces removed 88 % at 100 k and 99.9 % at 1 M.)
func TestShortTextsStayAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("long: a million documents")
	}
	sizes := []int{100_000, 1_000_000}
	if s := os.Getenv("WINNOW_SHORT_DOCS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatal(err)
		}
		sizes = []int{n}
	}
	for _, n := range sizes {
		removed := judgeAll(t, randomShort(n, 7))
		total := 0
		for _, c := range removed {
			total += c
		}
		share := float64(total) / float64(n)
		t.Logf("%d documents: %d removed (%.4f %%) %v", n, total, 100*share, removed)
		if share > 0.001 {
			t.Errorf("%d distinct short documents: %.3f %% removed, want at most 0.1 %%", n, 100*share)
		}
	}
}

// A dateline that changes on every page is near boilerplate; the rows of a table,
// whose numbers are what they say, stay, however many documents share their words.
func TestNumberVaryingLines(t *testing.T) {
	months := []string{"January", "March", "June", "October"}
	words := randomShort(400, 3)
	var texts []string
	for i := range 40 {
		story := "The committee said " + strings.Join(words[10*i:10*i+10], " ") + "."
		dateline := fmt.Sprintf("Published %s %d, 20%02d at %d:%02d p.m. | Updated %d hours ago", months[i%4], 1+i%28, 10+i%15, 1+i%12, (7*i)%60, 1+i%23)
		row := fmt.Sprintf("Net %d,%03d,000 vs %d,%03d,000", 1+i, (37*i)%1000, 2+i, (91*i)%1000)
		pay := fmt.Sprintf("Pay %s %d", months[i%4], 1+i%28)
		texts = append(texts, strings.Join([]string{dateline, story, row, pay}, "\n\n"))
	}
	ix := NewIndexFor(DefaultRules(), 0)
	fp := NewFingerprinter(DefaultConfig())
	var d Doc
	for _, text := range texts {
		fp.Doc("", text, &d)
		ix.Add("", &d)
	}
	j := NewJudge(DefaultRules(), ix)
	for i, text := range texts {
		fp.Doc("", text, &d)
		got := j.Judge(nil, "", &d)
		want := []string{"near_boilerplate", "", "", ""}
		for k := range want {
			if got[k].Reason != want[k] {
				t.Errorf("doc %d paragraph %d %q: %q, want %q", i, k, strings.Split(text, "\n\n")[k], got[k].Reason, want[k])
			}
		}
	}
}

// BenchmarkShortTexts measures the false positives of near-boilerplate as the corpus
// grows: -bench ShortTexts -benchtime 1x reports the share removed at each size.
func BenchmarkShortTexts(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			texts := randomShort(n, 7)
			for b.Loop() {
				removed := judgeAll(b, texts)
				total := 0
				for _, c := range removed {
					total += c
				}
				b.ReportMetric(100*float64(total)/float64(n), "%removed")
			}
		})
	}
}

// The bands of a long paragraph make it near boilerplate when its near copies are in
// MinDocs groups and in one group in BandShare of the corpus: the same cluster of near
// copies is boilerplate in a small corpus and formulaic text in a large one, whose
// body would otherwise lose more the more documents it holds.
func TestBandShareScalesWithCorpus(t *testing.T) {
	words := randomShort(20000, 11) // three made-up words each, all different
	formula := "The water authority did not respond to a request for comment by the end of the day, " +
		"and a spokesman for the council said the matter would be taken up again at the next meeting " +
		"of the committee on public works, which is due to sit"
	for _, c := range []struct {
		docs, near int
		removed    bool
	}{
		{100, 3, true},   // MinDocs
		{100, 2, false},  // under MinDocs
		{3000, 3, true},  // 3,000 groups: one in 1,000 is 3
		{3001, 3, false}, // one in 1,000 of 3,001 is 4
		{6000, 6, true},
		{6000, 5, false},
	} {
		var texts []string
		for i := range c.docs {
			// a story paragraph of its own, long enough not to be short
			text := strings.Join(words[3*i:3*i+3], " ") + "."
			if i < c.near {
				// near copies: the formula with last words of each document's own
				text += "\n\n" + formula + " " + words[19999-i] + "."
			}
			texts = append(texts, text)
		}
		removed := judgeAll(t, texts)["near_boilerplate"]
		if want := map[bool]int{true: c.near}[c.removed]; removed != want {
			t.Errorf("%d documents, near copies in %d: %d near_boilerplate, want %d (bandMin %d)",
				c.docs, c.near, removed, want, bandMin(DefaultRules(), int64(c.docs)))
		}
	}
}
