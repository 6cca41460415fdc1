package pipeline

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// genCorpus writes a JSONL corpus of n articles of made-up text that holds every
// kind of repeat the rules know: each site's header and footer (boilerplate), a
// dateline whose numbers change (a shape), a footer with a word that changes (near
// copies, found by bands), "Read more: ‹another article's title›" (template), captions
// printed twice (duplicate_in_doc), a site with two pages (per-source boilerplate),
// stories syndicated to other sites, re-scraped whole or without the template (copy
// groups) and a story printed again with an extra paragraph (near-duplicate
// documents). Deterministic for a seed.
func genCorpus(t testing.TB, dir string, n int, seed uint64) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	words := strings.Fields(`the council said on monday that a new bridge over the river would open next year after
		delays caused by floods and a shortage of steel while residents asked for a bus route to the station and
		traders in the market hall welcomed plans for late opening hours on fridays as the school board met to
		discuss a budget for teachers nurses police officers farmers fishermen students pensioners drivers cyclists
		who live in towns villages harbours valleys hills forests near lakes beaches mills farms factories`)
	sentence := func(k int) string {
		var b strings.Builder
		for i := range k {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[rng.IntN(len(words))])
		}
		s := b.String()
		return strings.ToUpper(s[:1]) + s[1:] + "."
	}
	months := []string{"January", "March", "May", "July", "September", "November"}
	sites := []string{"harbour.example", "valley.example", "metro.example", "hills.example"}
	type doc struct{ id, source, title, text string }
	var docs []doc
	var titles []string
	for i := range n {
		site := sites[i%len(sites)]
		title := sentence(6)
		var paras []string
		paras = append(paras, "Skip to content | "+site+" | Subscribe")
		paras = append(paras, fmt.Sprintf("Published %s %d, 20%02d at %d:%02d p.m. | Updated %d hours ago",
			months[rng.IntN(len(months))], 1+rng.IntN(28), 10+rng.IntN(14), 1+rng.IntN(12), rng.IntN(60), 1+rng.IntN(9)))
		caption := sentence(9) + " Photo: J. Doe/" + site
		if i%5 == 0 {
			paras = append(paras, caption, strings.ReplaceAll(caption, "J. Doe", "J. Doe "))
		}
		for range 3 + rng.IntN(4) {
			paras = append(paras, sentence(14+rng.IntN(20)))
		}
		if i%3 == 0 && len(titles) > 0 {
			paras = append(paras, "Read more: "+titles[rng.IntN(len(titles))])
		}
		paras = append(paras, "Sign up for the "+words[rng.IntN(len(words))]+" newsletter and get the morning headlines from "+site+" in your inbox every day of the week.")
		paras = append(paras, "© 2024 "+site+" All rights reserved.")
		titles = append(titles, title)
		docs = append(docs, doc{fmt.Sprintf("%s/%d", site, i), site, title, strings.Join(paras, "\n\n")})
	}
	// a site with two pages: its template is on both
	for k := range 2 {
		docs = append(docs, doc{fmt.Sprintf("tiny.example/%d", k), "tiny.example", sentence(5),
			"Tiny Gazette: news from the lighthouse\n\n" + sentence(25) + "\n\n" + sentence(22) + "\n\nTiny Gazette is run by volunteers."})
	}
	// copies: syndicated, re-scraped whole, without the template, and printed again
	// with one more paragraph
	m := len(docs)
	for i := 0; i < m; i += 7 {
		d := docs[i]
		paras := strings.Split(d.text, "\n\n")
		body := strings.Join(paras[2:len(paras)-2], "\n\n")
		switch i % 4 {
		case 0:
			docs = append(docs, doc{d.id + "/wire", "wire.example", d.title, body + "\n\nThis story first appeared on " + d.source + "."})
		case 1:
			docs = append(docs, doc{d.id + "/again", d.source, d.title, d.text})
		case 2:
			docs = append(docs, doc{d.id + "/bare", "", d.title, body})
		case 3:
			docs = append(docs, doc{d.id + "/update", d.source, d.title, d.text + "\n\n" + sentence(30)})
		}
	}
	// shuffled, so that copies come before and after their originals
	rng.Shuffle(len(docs), func(a, b int) { docs[a], docs[b] = docs[b], docs[a] })
	var b strings.Builder
	for _, d := range docs {
		rec := map[string]string{"id": d.id, "text": d.text, "title": d.title}
		if d.source != "" {
			rec["source"] = d.source
		}
		enc, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(enc)
		b.WriteByte('\n')
	}
	path := filepath.Join(dir, fmt.Sprintf("gen-%d.jsonl", seed))
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
