package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeCopies writes a second JSONL file holding copies of documents of in: exact
// copies under new ids, and copies without their site's header and footer.
func writeCopies(t *testing.T, in, dir string) string {
	t.Helper()
	b, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var d map[string]string
		if err := json.Unmarshal([]byte(line), &d); err != nil {
			t.Fatal(err)
		}
		if i%2 == 1 {
			continue
		}
		d["id"] += "/copy"
		if i%4 == 0 {
			paras := strings.Split(d["text"], "\n\n")
			d["text"] = strings.Join(paras[1:len(paras)-2], "\n\n")
			d["source"] = "mirror.example"
		}
		enc, _ := json.Marshal(d)
		out.Write(enc)
		out.WriteByte('\n')
	}
	path := filepath.Join(dir, "copies.jsonl")
	if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// memoryFields are the stats that describe the memory of the run that counted, not
// the corpus: a staged run's stats leave them out.
var memoryFields = []string{"counts_spool_bytes", "index_bytes", "sketched", "index_bytes_by_table", "index_entries_by_table"}

func readStats(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, f := range memoryFields {
		delete(m, f)
	}
	return m
}

// sameOutputs checks that the files of folder got are byte for byte those of want,
// and the stats but for the figures of memory (readStats).
func sameOutputs(t *testing.T, want, got string, files []string, what string) {
	t.Helper()
	for _, f := range files {
		a, err1 := os.ReadFile(filepath.Join(want, f))
		b, err2 := os.ReadFile(filepath.Join(got, f))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s: %s differs from clean's (%d and %d bytes)", what, f, len(a), len(b))
		}
	}
	ja, _ := json.Marshal(readStats(t, filepath.Join(want, "stats.json")))
	jb, _ := json.Marshal(readStats(t, filepath.Join(got, "stats.json")))
	if !bytes.Equal(ja, jb) {
		t.Errorf("%s: stats differ:\nclean  %s\nstaged %s", what, ja, jb)
	}
}

func outputsOf(dir string, opts Options) Options {
	opts.Output = filepath.Join(dir, "corpus.parquet")
	opts.JSONL = filepath.Join(dir, "corpus.jsonl")
	opts.Removed = filepath.Join(dir, "removed.parquet")
	opts.Stats = filepath.Join(dir, "stats.json")
	opts.Report = filepath.Join(dir, "report.html")
	if opts.OnError == "skip" {
		opts.Rejects = filepath.Join(dir, "rejects.jsonl")
	}
	return opts
}

// runStaged runs the four stages on n shards, each stage as its own call, and
// writes the outputs into dir.
func runStaged(t *testing.T, opts Options, n int, dir string) {
	t.Helper()
	ctx := context.Background()
	fp, judged, counts := filepath.Join(dir, "fp"), filepath.Join(dir, "judged"), filepath.Join(dir, "counts.parquet")
	// the shards run in reverse order: no stage may depend on another shard's run
	for i := n - 1; i >= 0; i-- {
		if err := Fingerprint(ctx, opts, Shard{i, n}, fp); err != nil {
			t.Fatalf("fingerprint %d/%d: %v", i, n, err)
		}
	}
	if err := Reduce(ctx, opts, []string{fp}, counts); err != nil {
		t.Fatalf("reduce: %v", err)
	}
	for i := n - 1; i >= 0; i-- {
		if err := Apply(ctx, opts, Shard{i, n}, counts, judged); err != nil {
			t.Fatalf("apply %d/%d: %v", i, n, err)
		}
	}
	if _, err := Place(ctx, outputsOf(dir, opts), []string{judged}, counts); err != nil {
		t.Fatalf("place: %v", err)
	}
}

// The staged path writes what Clean writes, byte for byte, whatever the number of
// shards: sharded by file (a folder of .txt articles) or by record (JSONL files fewer
// than the shards), with exact copies and copies without their template.
func TestStagedIsClean(t *testing.T) {
	dir := t.TempDir()
	corpus := writeCorpus(t, dir)
	copies := writeCopies(t, corpus, dir)
	gen := genCorpus(t, dir, 400, 1)
	// a file with malformed records, for --on-error skip: each rejected record is
	// reported once, whichever shard reads it
	bad := filepath.Join(dir, "bad.jsonl")
	b, err := os.ReadFile(corpus)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	bb := strings.Join(lines[:3], "") + "{\"id\": 1, \"text\": \n" + strings.Join(lines[3:6], "") + "not json\n" + strings.Join(lines[6:], "")
	if err := os.WriteFile(bad, []byte(bb), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := map[string][]string{
		"jsonl":  {corpus, copies},
		"gen":    {gen},
		"skip":   {bad, copies},
		"folder": {filepath.Join("..", "testdata", "sample")},
	}
	for name, inputs := range cases {
		t.Run(name, func(t *testing.T) {
			opts := Defaults()
			opts.Inputs = inputs
			opts.Workers = 2
			opts.Version = "test"
			if name == "skip" {
				opts.OnError = "skip"
			}
			want := filepath.Join(t.TempDir(), "clean")
			if err := os.Mkdir(want, 0o755); err != nil {
				t.Fatal(err)
			}
			st, err := Clean(context.Background(), outputsOf(want, opts))
			if err != nil {
				t.Fatal(err)
			}
			if st.DocumentsOut == 0 || st.DocumentsOut == st.DocumentsIn {
				t.Fatalf("clean kept %d of %d documents: not a test of anything", st.DocumentsOut, st.DocumentsIn)
			}
			if name == "gen" {
				// the generated corpus holds every reason
				for _, reason := range []string{"duplicate_in_doc", "boilerplate", "near_boilerplate", "template", "duplicate_doc"} {
					if st.Removed[reason] == 0 {
						t.Errorf("clean removed no %s paragraph from the generated corpus", reason)
					}
				}
				if st.CopyGroups == 0 {
					t.Error("clean found no copy group in the generated corpus")
				}
			}
			for _, n := range []int{1, 2, 3, 7} {
				got := filepath.Join(t.TempDir(), fmt.Sprint("staged", n))
				if err := os.Mkdir(got, 0o755); err != nil {
					t.Fatal(err)
				}
				runStaged(t, opts, n, got)
				files := []string{"corpus.parquet", "corpus.jsonl", "removed.parquet", "report.html"}
				if name == "skip" {
					files = append(files, "rejects.jsonl")
					if st.DocumentsSkip != 2 {
						t.Fatalf("clean skipped %d records, want 2", st.DocumentsSkip)
					}
				}
				sameOutputs(t, want, got, files, fmt.Sprintf("%d shards", n))
			}
		})
	}
}
