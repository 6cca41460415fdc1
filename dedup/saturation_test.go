package dedup

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

// saturationCorpus wraps Reuters stories in three sites' templates: headers and
// footers, lines with a changing number or date, captions printed twice, "Read more:
// ‹title›" lines and stories printed again on other sites, so that every rule fires
// and most paragraphs become exact boilerplate as the corpus goes on.
func saturationCorpus(tb testing.TB) (sources, titles, texts []string) {
	stories := docReuters(tb, 300, 7)
	rng := rand.New(rand.NewPCG(3, 4))
	sites := []string{"a.example", "b.example", "c.example"}
	for i := range 900 {
		story := stories[rng.IntN(len(stories))]
		site := sites[i%len(sites)]
		paras := strings.Split(story, "\n\n")
		var page []string
		page = append(page, "Skip to content", site+" | Markets | World | Sport")
		if rng.IntN(3) == 0 {
			caption := fmt.Sprintf("FILE PHOTO: %s, March %d, 2021. Photo: %s staff", strings.TrimSuffix(paras[0], "."), 1+rng.IntN(28), site)
			page = append(page, caption, strings.ReplaceAll(caption, "'", "\u2019"))
		}
		page = append(page, fmt.Sprintf("Updated %d hours ago", 1+rng.IntN(23)))
		page = append(page, paras...)
		other := strings.Split(stories[rng.IntN(len(stories))], "\n\n")[0]
		page = append(page, "Read more: "+other[:min(len(other), 40)])
		page = append(page, fmt.Sprintf("© %d %s. All rights reserved.", 2018+rng.IntN(7), site), "Load more")
		sources = append(sources, site)
		titles = append(titles, paras[0][:min(len(paras[0]), 40)])
		texts = append(texts, strings.Join(page, "\n\n"))
	}
	return sources, titles, texts
}

// An Index made for the rules (NewIndexFor) stops counting the evidence of paragraphs
// that are exact boilerplate already, and pass 1 skips fingerprinting what Frequent
// recognises. Neither may remove a paragraph the full count keeps, or change a reason.
// With copy groups, a key in MinDocs documents can be in fewer groups, and the evidence
// of a later story holding it is then not counted: a near copy may stay that the full
// count removes (rarely: at most 1 % of the near_boilerplate). The counts reported for
// near_boilerplate and template may only be lower, and stay at MinDocs or more.
func TestSaturationKeepsDecisions(t *testing.T) {
	sources, titles, texts := saturationCorpus(t)
	rules := DefaultRules()

	exact := NewIndex()
	plain := NewFingerprinter(DefaultConfig())
	for i := range texts {
		var d Doc
		plain.Doc(titles[i], texts[i], &d)
		exact.Add(sources[i], &d)
	}
	sat := NewIndexFor(rules, 0)
	cfg := DefaultConfig()
	cfg.known = sat.frequent
	fast := NewFingerprinter(cfg)
	known := 0
	for i := range texts {
		var d Doc
		fast.Doc(titles[i], texts[i], &d)
		for _, p := range d.Paras {
			if p.known {
				known++
			}
		}
		sat.Add(sources[i], &d)
	}
	exact.Seal()
	sat.Seal()
	if known == 0 {
		t.Fatal("Frequent recognised no paragraph")
	}
	t.Logf("%d of the paragraphs were recognised by Frequent", known)

	je, js := NewJudge(rules, exact), NewJudge(rules, sat)
	reasons := map[string]int{}
	lower, missed := 0, 0
	for i := range texts {
		var d Doc
		plain.Doc(titles[i], texts[i], &d)
		want := je.Judge(nil, sources[i], &d)
		got := js.Judge(nil, sources[i], &d)
		for k := range want {
			w, g := want[k], got[k]
			reasons[w.Reason]++
			if g.Reason == "" && (w.Reason == "near_boilerplate" || w.Reason == "template") {
				missed++
				continue
			}
			if w.Reason != g.Reason {
				t.Fatalf("doc %d paragraph %d: %q with saturation, %q without", i, k, g.Reason, w.Reason)
			}
			switch w.Reason {
			case "near_boilerplate", "template":
				if g.DocCount > w.DocCount || int(g.DocCount) < rules.MinDocs {
					t.Errorf("doc %d paragraph %d (%s): count %d with saturation, %d without", i, k, w.Reason, g.DocCount, w.DocCount)
				}
				if g.DocCount < w.DocCount {
					lower++
				}
			default:
				if g.DocCount != w.DocCount {
					t.Errorf("doc %d paragraph %d (%q): count %d with saturation, %d without", i, k, w.Reason, g.DocCount, w.DocCount)
				}
			}
		}
	}
	t.Logf("reasons %v; %d near_boilerplate/template counts lower, %d kept", reasons, lower, missed)
	if missed*100 > reasons["near_boilerplate"]+reasons["template"] {
		t.Errorf("saturation kept %d of %d near_boilerplate and template paragraphs", missed, reasons["near_boilerplate"]+reasons["template"])
	}
	for _, r := range []string{"", "boilerplate", "near_boilerplate", "duplicate_in_doc", "template"} {
		if reasons[r] == 0 {
			t.Errorf("no paragraph with reason %q: the corpus does not exercise every rule", r)
		}
	}
}

// knownTable is written by one goroutine and read by others at the same time (run
// with -race): a reader finds every entry inserted before it looked, with its info, and
// never an entry that was not inserted.
func TestKnownTableConcurrent(t *testing.T) {
	kt := newKnownTable()
	const n = 200_000
	raw := func(i int) uint64 { return mix(uint64(i) + 1) }
	var done sync.WaitGroup
	var published [n]bool // written before the insert that publishes it
	var mu sync.Mutex
	upto := 0 // entries [0, upto) are inserted
	for range 2 {
		done.Add(1)
		go func() {
			defer done.Done()
			for round := 0; round < 50; round++ {
				mu.Lock()
				m := upto
				mu.Unlock()
				for i := 0; i < m; i += 97 {
					info, ok := kt.get(raw(i))
					if !ok || info.key != uint64(i) {
						t.Errorf("entry %d inserted but get = %v, %v", i, info, ok)
						return
					}
				}
				if _, ok := kt.get(raw(n + round)); ok {
					t.Errorf("found an entry never inserted")
					return
				}
			}
		}()
	}
	for i := range n {
		published[i] = true
		kt.insert(raw(i), rawInfo{key: uint64(i)})
		if i%1000 == 999 {
			mu.Lock()
			upto = i + 1
			mu.Unlock()
		}
	}
	done.Wait()
	for i := range n {
		if info, ok := kt.get(raw(i)); !ok || info.key != uint64(i) || !published[i] {
			t.Fatalf("entry %d: %v, %v", i, info, ok)
		}
	}
}

// Evidence is counted until the key is in MinDocs documents: a paragraph in two
// documents and a near copy of it in a third make the copy near boilerplate, with or
// without saturation.
func TestSaturationCountsUntilMinDocs(t *testing.T) {
	p := "Sign up for our morning newsletter to get the top stories of the day delivered to your inbox before breakfast, " +
		"with analysis from our correspondents around the world and the markets data you need to start the day, free of charge"
	near := strings.Replace(p, "free of charge", "at no charge", 1)
	// each document's own story is longer than the shared paragraph: pages made mostly
	// of one shared paragraph would be copies of one another (see Copy groups)
	own := func(i int) string {
		var b strings.Builder
		for k := range 3 {
			fmt.Fprintf(&b, "Story %d, part %d: %s\n\n", i, k, bodies[(i+k)%len(bodies)])
		}
		return b.String()
	}
	texts := []string{own(0) + p, own(1) + p, own(2) + near, own(3) + p}
	for _, ix := range []*Index{NewIndex(), NewIndexFor(DefaultRules(), 0)} {
		cfg := DefaultConfig()
		cfg.known = ix.frequent
		fp := NewFingerprinter(cfg)
		for _, text := range texts {
			var d Doc
			fp.Doc("", text, &d)
			ix.Add("s", &d)
		}
		ix.Seal()
		j := NewJudge(DefaultRules(), ix)
		var d Doc
		NewFingerprinter(DefaultConfig()).Doc("", texts[2], &d)
		if got := j.Judge(nil, "s", &d); got[3].Reason != "near_boilerplate" {
			t.Errorf("satDocs %d: near copy judged %+v, want near_boilerplate", ix.satDocs, got[3])
		}
	}
}
