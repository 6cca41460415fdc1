package dedup

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

// A DocIndex that writes its oldest signatures out after one chunk of records places
// every document as one that holds them all: copies of early documents found, fuller
// copies of early documents replacing them, in the same order.
func TestDocIndexSpillPlacesAlike(t *testing.T) {
	const stories = 3*docChunk + 500
	words := randomShort(stories*8, 3)
	story := func(i int, paras int) string {
		ps := make([]string, paras)
		for k := range ps {
			ps[k] = strings.Join([]string{words[i*8+k], words[(i*8+k+1)%len(words)], words[(i*8+k+2)%len(words)], "and", words[(i*8+k+3)%len(words)]}, " ")
		}
		return strings.Join(ps, "\n\n")
	}
	s := NewDocSketcher(DefaultDocConfig())
	var sks []DocSketch
	for i := range stories {
		sks = append(sks, s.Sketch(story(i, 8)))
	}
	for i := 0; i < stories; i += 97 {
		// later: a fuller copy of an early story (its credit line too), which replaces
		// it, then the story again, a duplicate of the fuller copy
		credit := "\n\nReporting by " + words[(i+1)*8-1]
		sks = append(sks, s.Sketch(story(i, 8)+credit), s.Sketch(story(i, 8)))
	}
	for _, budget := range []int64{1, docChunk * recSize} {
		placeAlike(t, sks, budget)
	}
}

func placeAlike(t *testing.T, sks []DocSketch, budget int64) {
	all := NewDocIndex(DefaultDocConfig())
	out := NewDocIndex(DefaultDocConfig())
	out.UseSpool(&memSpool{}, budget)
	yes := func(int) bool { return true }
	replaced, dups := 0, 0
	for i, sk := range sks {
		a, b := all.Place(sk, yes), out.Place(sk, yes)
		if a != b {
			t.Fatalf("budget %d: document %d: placed %+v with the signatures written out, %+v without", budget, i, b, a)
		}
		if a.Replaced {
			replaced++
		} else if a.Of >= 0 {
			dups++
		}
	}
	if err := out.Err(); err != nil {
		t.Fatal(err)
	}
	if out.spill.chunks < 2 || len(out.spill.replaced) == 0 || replaced == 0 || dups == 0 {
		t.Fatalf("budget %d: nothing to compare: %d chunks written out, %d of their records replaced; %d replacements, %d duplicates",
			budget, out.spill.chunks, len(out.spill.replaced), replaced, dups)
	}
	// every record reads back as the index that holds them all has it
	for r := range uint32(all.Len()) {
		want := all.recs[r/docChunk][r%docChunk]
		got, spilled := out.record(r)
		if spilled {
			out.spill.readSig(r, got)
		}
		if *got != want {
			t.Fatalf("budget %d: record %d (written out: %v) reads %d, %d, want %d, %d, or its signature differs", budget, r, spilled, got.ord, got.n, want.ord, want.n)
		}
	}
	if a, b := all.Stats(), out.Stats(); b.Bytes >= a.Bytes || b.Candidates != a.Candidates || b.Dups != a.Dups {
		t.Errorf("budget %d: stats %+v with the signatures written out, %+v without", budget, b, a)
	}
}

// failingSpool is a Spool whose writes fail.
type failingSpool struct{ memSpool }

func (*failingSpool) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// A spool that cannot be written keeps every record in memory, places every document
// as the index without one does, and reports its error.
func TestDocIndexSpillWriteError(t *testing.T) {
	s := NewDocSketcher(DefaultDocConfig())
	words := randomShort(docChunk*2+100, 5)
	all, out := NewDocIndex(DefaultDocConfig()), NewDocIndex(DefaultDocConfig())
	out.UseSpool(&failingSpool{}, 1)
	for i := range words {
		sk := s.Sketch(words[i] + " and " + words[(i+1)%len(words)] + " then " + words[i/2])
		if a, b := all.Place(sk, nil), out.Place(sk, nil); a != b {
			t.Fatalf("document %d: %+v with a failing spool, %+v without", i, b, a)
		}
	}
	if err := out.Err(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Err() = %v, want the spool's error", err)
	}
	if out.spill.chunks != 0 || len(out.recs) != len(all.recs) {
		t.Errorf("%d chunks written out, %d held; want none written, %d held", out.spill.chunks, len(out.recs), len(all.recs))
	}
}

// outOfReach turns a candidate down only when comparing the whole signatures would:
// on random pairs of signatures agreeing on any share of their bins, of any sizes and
// at any threshold. And it turns most unrelated candidates down.
func TestOutOfReachIsSure(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	turned := 0
	for range 200_000 {
		var a, b DocSketch
		share := r.Float64()
		for i := range a.sig {
			a.sig[i] = byte(r.Uint32())
			b.sig[i] = byte(r.Uint32())
			if r.Float64() < share {
				b.sig[i] = b.sig[i]&0xf0 | a.sig[i]&0x0f
			}
			if r.Float64() < share {
				b.sig[i] = b.sig[i]&0x0f | a.sig[i]&0xf0
			}
		}
		a.n, b.n = uint32(1+r.IntN(2000)), uint32(1+r.IntN(2000))
		threshold := []float64{0.5, 0.8, 0.9, 0.95, 1}[r.IntN(5)]
		rec := docRec{n: b.n, sig: b.sig}
		whole := estContainedIn(estJaccard(sigMatches(&a.sig, &b.sig)), a.n, b.n) >= threshold
		out := outOfReach(&a, &rec, threshold)
		if out && whole {
			t.Fatalf("share %.2f, sizes %d and %d, threshold %g: turned down a candidate that is contained", share, a.n, b.n, threshold)
		}
		if share < 0.1 && threshold >= 0.9 && out {
			turned++
		}
	}
	if turned == 0 {
		t.Error("outOfReach turned down no unrelated candidate")
	}
	t.Logf("%d unrelated candidates turned down", turned)
}
