package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// copiesCorpus returns the documents of a site of six pages and, at the end, three more
// copies of its first story: one exact (a second scrape), one without the site's
// header and footer (a scraper that cut the template away) and one re-published under
// another site's header and footer.
func copiesCorpus() (ids, texts []string, story []string) {
	story = []string{
		"The harbour board approved a plan on Tuesday to dredge the eastern channel before the autumn storms, ending a dispute that had delayed the work for two years.",
		"Fishermen had complained that boats could only leave at high tide, and two trawlers ran aground in the channel last winter, according to the board's own report.",
		"The work will cost about four million and is to be paid for by a rise in mooring fees, which the board said would be phased in over three years.",
	}
	bodies := [][]string{story}
	for i := range 5 {
		bodies = append(bodies, []string{
			fmt.Sprintf("Story %d of the week: the council met on Thursday evening to discuss the plans for the market square, the library and the new bus routes in the town.", i),
			fmt.Sprintf("Residents asked questions about parking for an hour, and the mayor promised a full answer in writing before the next meeting, number %d of the year.", i+10),
		})
	}
	header := "Harbour Times | Home | News | Sport | Weather | What's on"
	footer := "Copyright Harbour Times Media. All rights reserved. Sign up for our newsletter to get the news of the town in your inbox every morning."
	for i, b := range bodies {
		ids = append(ids, fmt.Sprintf("page-%d", i))
		texts = append(texts, header+"\n\n"+strings.Join(b, "\n\n")+"\n\n"+footer)
	}
	ids = append(ids, "page-0-again", "page-0-bare", "elsewhere-0")
	texts = append(texts, texts[0], strings.Join(story, "\n\n"),
		"Coast Courier - regional news\n\n"+strings.Join(story, "\n\n")+"\n\nRead more stories from the coast on the Coast Courier website, updated every hour.")
	return ids, texts, story
}

// A story present four times (the original, an exact copy, a copy without the
// template, a copy on another site) keeps exactly one copy, whole, in every order of
// the input and with or without a source field; the site's template still goes.
func TestThreeCopiesKeepOneWholeCopy(t *testing.T) {
	ids, texts, story := copiesCorpus()
	copies := []int{0, 6, 7, 8}
	for _, withSource := range []bool{true, false} {
		for _, order := range permutations(copies) {
			name := fmt.Sprintf("source=%v/order=%v", withSource, order)
			t.Run(name, func(t *testing.T) {
				// the copies take the places of the original and the two last pages in
				// the given order
				perm := []int{1, 2, 3, 4, 5}
				perm = slices.Insert(perm, 0, order[0])
				perm = append(perm, order[1:]...)
				dir := t.TempDir()
				var b strings.Builder
				for _, i := range perm {
					rec := map[string]string{"id": ids[i], "text": texts[i]}
					if withSource {
						rec["source"] = "harbourtimes.example"
						if strings.HasPrefix(ids[i], "elsewhere") {
							rec["source"] = "coastcourier.example"
						}
					}
					line, _ := json.Marshal(rec)
					b.Write(append(line, '\n'))
				}
				in := filepath.Join(dir, "in.jsonl")
				if err := os.WriteFile(in, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				opts := Defaults()
				opts.Inputs = []string{in}
				opts.JSONL = filepath.Join(dir, "out.jsonl")
				opts.Workers = 2
				if _, err := Clean(context.Background(), opts); err != nil {
					t.Fatal(err)
				}
				var kept []string
				whole := strings.Join(story, "\n\n")
				for _, line := range strings.Split(strings.TrimSpace(readFile(t, opts.JSONL)), "\n") {
					var rec struct{ ID, Text string }
					if err := json.Unmarshal([]byte(line), &rec); err != nil {
						t.Fatal(err)
					}
					if strings.Contains(rec.Text, "Harbour Times") {
						t.Errorf("%s kept the site's template: %q", rec.ID, rec.Text)
					}
					if strings.Contains(rec.Text, story[0][:40]) {
						kept = append(kept, rec.ID)
						// (the copy on another site keeps that site's lines: one page
						// of it is all there is to learn its template from)
						if !strings.Contains(rec.Text, whole) {
							t.Errorf("%s does not hold the whole story: %q", rec.ID, rec.Text)
						}
					}
				}
				if len(kept) != 1 {
					t.Errorf("copies of the story kept: %v, want one", kept)
				}
			})
		}
	}
}

func permutations(s []int) [][]int {
	if len(s) <= 1 {
		return [][]int{slices.Clone(s)}
	}
	var out [][]int
	for i := range s {
		rest := slices.Concat(s[:i], s[i+1:])
		for _, p := range permutations(rest) {
			out = append(out, append([]int{s[i]}, p...))
		}
	}
	return out
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
