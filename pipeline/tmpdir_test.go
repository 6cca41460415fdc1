package pipeline

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTmpDir: with Options.TmpDir the run's spools are made there and nowhere in the
// system's temporary folder, for a file and for stdin; the outputs are those of a run
// without it, and both folders are empty after the run.
func TestTmpDir(t *testing.T) {
	dir := t.TempDir()
	in := genCorpus(t, dir, 700, 21) // three batches a pass
	corpus, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	sys := filepath.Join(dir, "sys")
	if err := os.Mkdir(sys, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", sys)
	names := func(d string) []string {
		es, err := os.ReadDir(d)
		if err != nil {
			t.Fatal(err)
		}
		var ns []string
		for _, e := range es {
			ns = append(ns, e.Name())
		}
		return ns
	}
	run := func(name string, input string, tmp string) string {
		out := filepath.Join(dir, name)
		if err := os.Mkdir(out, 0o755); err != nil {
			t.Fatal(err)
		}
		opts := Defaults()
		opts.Inputs = []string{input}
		opts.Stdin = bytes.NewReader(corpus)
		opts.TmpDir = tmp
		seen := map[string]bool{}
		opts.Progress = func(pass int, _, _ int64) {
			if pass != 2 {
				return
			}
			for _, n := range names(tmp) {
				seen[n[:strings.LastIndex(n[:strings.LastIndex(n, "-")], "-")+1]] = true
			}
			if ns := names(sys); len(ns) > 0 {
				t.Errorf("%s: in the system's temporary folder during pass 2: %v", name, ns)
			}
		}
		if tmp == "" {
			opts.Progress = nil
		}
		if _, err := Clean(context.Background(), outputsOf(out, opts)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if tmp != "" {
			want := []string{"winnow-counts-", "winnow-fingerprints-", "winnow-spool-"}
			if input == "-" {
				want = append(want, "winnow-stdin-")
			}
			for _, w := range want {
				if !seen[w] {
					t.Errorf("%s: no %s file in TmpDir during pass 2 (saw %v)", name, w, seen)
				}
			}
			if ns := names(tmp); len(ns) > 0 {
				t.Errorf("%s: left in TmpDir: %v", name, ns)
			}
		}
		if ns := names(sys); len(ns) > 0 {
			t.Errorf("%s: left in the system's temporary folder: %v", name, ns)
		}
		return out
	}
	want := run("default", in, "")
	files := []string{"corpus.parquet", "corpus.jsonl", "removed.parquet"}
	for _, input := range []string{in, "-"} {
		tmp := filepath.Join(dir, "tmp"+strings.Trim(filepath.Base(input), ".-"))
		if err := os.Mkdir(tmp, 0o755); err != nil {
			t.Fatal(err)
		}
		name := "file"
		if input == "-" {
			name = "stdin"
		}
		got := run(name, input, tmp)
		if input == in {
			sameOutputs(t, want, got, files, "TmpDir")
		}
	}
}
