package pipeline

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/winnowdata/winnow/schema"
)

// The stats say what the corpus and the ledger hold: documents, paragraphs and bytes
// out are those of the corpus rows, and every removed paragraph and document is a
// ledger row of its reason (a duplicate_doc row carries the dropped document's kept
// paragraphs).
func TestStatsMatchOutputs(t *testing.T) {
	dir := t.TempDir()
	in := writeCorpus(t, dir)
	// and a story with copies, so that copy groups drop documents too
	ids, texts, _ := copiesCorpus()
	var b strings.Builder
	for i := range ids {
		line, _ := json.Marshal(map[string]string{"id": ids[i], "text": texts[i]})
		b.Write(append(line, '\n'))
	}
	in2 := filepath.Join(dir, "copies.jsonl")
	if err := os.WriteFile(in2, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := Defaults()
	opts.Inputs = []string{in, in2}
	opts.JSONL = filepath.Join(dir, "out.jsonl")
	opts.Removed = filepath.Join(dir, "removed.jsonl")
	st, err := Clean(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	var docs, paras, bytes int64
	for _, line := range strings.Split(strings.TrimSpace(readFile(t, opts.JSONL)), "\n") {
		var r schema.Record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		docs++
		paras += int64(r.NParagraphs)
		bytes += int64(len(r.Text))
		if got := int32(len(strings.Split(r.Text, "\n\n"))); got != r.NParagraphs {
			t.Errorf("%s: n_paragraphs %d, text has %d", r.ID, r.NParagraphs, got)
		}
	}
	removed, removedDocs := map[string]int64{}, map[string]int64{}
	for _, line := range strings.Split(strings.TrimSpace(readFile(t, opts.Removed)), "\n") {
		var r schema.Removal
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		switch {
		case r.Index >= 0:
			removed[r.Reason]++
		case r.Reason == schema.ReasonDuplicateDoc:
			removedDocs[r.Reason]++
			removed[r.Reason] += int64(len(strings.Split(r.Text, "\n\n")))
		default:
			removedDocs[r.Reason]++
		}
	}
	if st.DocumentsOut != docs || st.ParagraphsOut != paras || st.BytesOut != bytes {
		t.Errorf("stats out: %d documents, %d paragraphs, %d bytes; the corpus holds %d, %d, %d",
			st.DocumentsOut, st.ParagraphsOut, st.BytesOut, docs, paras, bytes)
	}
	if removedDocs[schema.ReasonDuplicateDoc] == 0 {
		t.Fatal("no duplicate_doc: the corpus does not exercise document placement")
	}
	for reason, n := range removed {
		if st.Removed[reason] != n {
			t.Errorf("removed_paragraphs[%s] = %d, the ledger holds %d", reason, st.Removed[reason], n)
		}
	}
	for reason, n := range removedDocs {
		if st.DocsRemoved[reason] != n {
			t.Errorf("removed_documents[%s] = %d, the ledger holds %d", reason, st.DocsRemoved[reason], n)
		}
	}
	var sum int64
	for _, n := range st.Removed {
		sum += n
	}
	if st.ParagraphsIn != st.ParagraphsOut+sum {
		t.Errorf("paragraphs in %d, out %d + removed %d", st.ParagraphsIn, st.ParagraphsOut, sum)
	}
	if st.DocumentsIn != st.DocumentsOut+st.DocsRemoved[schema.ReasonEmpty]+st.DocsRemoved[schema.ReasonDuplicateDoc] {
		t.Errorf("documents in %d, out %d, removed %v", st.DocumentsIn, st.DocumentsOut, st.DocsRemoved)
	}
}
