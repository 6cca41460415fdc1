package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/winnowdata/winnow/schema"
)

// TestDeterminism cleans the same input with --workers 1, 2 and 8, twice with 2, and
// once on the built binary with GOMAXPROCS=1 from another working folder, and checks
// that the corpus (Parquet and JSONL), the ledger and the stats are byte-identical, and
// that the Parquet files embed no time, host, user or path, only the version, the
// schema version and the flags that change the result.
func TestDeterminism(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	docs := writeCorpus(t, in, corpusSpec{bytes: 6 << 20, seed: 5, sources: 4, boilerplate: true})
	// a folder of .txt articles too, so that the order of files counts
	for i := range 40 {
		write(t, dir, filepath.Join("txt", "site"+strconv.Itoa(i%3)+".example", strconv.Itoa(i)+".txt"),
			[]byte("Title "+strconv.Itoa(i)+"\n\nHome | News | Sport\n\n"+article(i)+"\n\n© 2024 Site. All rights reserved.\n"))
	}
	txt := filepath.Join(dir, "txt")
	outputs := []string{"corpus.parquet", "corpus.jsonl", "removed.parquet", "stats.json"}
	args := func(out string) []string {
		return []string{"clean", in, txt, "-o", filepath.Join(out, outputs[0]), "--jsonl", filepath.Join(out, outputs[1]),
			"--removed", filepath.Join(out, outputs[2]), "--stats", filepath.Join(out, outputs[3]), "--quiet"}
	}

	type runResult struct {
		name  string
		files map[string][]byte
	}
	var runs []runResult
	collect := func(name, out string) {
		r := runResult{name: name, files: map[string][]byte{}}
		for _, o := range outputs {
			b, err := os.ReadFile(filepath.Join(out, o))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			r.files[o] = b
		}
		runs = append(runs, r)
	}
	for _, run := range []struct {
		name    string
		workers int
	}{{"workers-1", 1}, {"workers-2", 2}, {"workers-8", 8}, {"workers-2-again", 2}} {
		out := filepath.Join(dir, run.name)
		if err := os.Mkdir(out, 0o755); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		code, _, stderr := winnow(t, append(args(out), "--workers", strconv.Itoa(run.workers))...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", run.name, code, stderr)
		}
		t.Logf("%s: %v", run.name, time.Since(start).Round(time.Millisecond))
		collect(run.name, out)
	}
	if !testing.Short() {
		// The binary, one OS thread, another working folder and relative paths.
		bin := buildWinnow(t)
		out := filepath.Join(dir, "binary")
		if err := os.Mkdir(out, 0o755); err != nil {
			t.Fatal(err)
		}
		a := args(".")
		a[1], a[2] = "../in.jsonl", "../txt"
		cmd := exec.Command(bin, append(a, "--workers", "3")...)
		cmd.Dir = out
		cmd.Env = append(os.Environ(), "GOMAXPROCS=1", "TMPDIR="+out)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("binary: %v\n%s", err, b)
		}
		collect("binary GOMAXPROCS=1 --workers 3", out)
	}

	for _, r := range runs[1:] {
		for _, o := range outputs {
			a, b := runs[0].files[o], r.files[o]
			if !bytes.Equal(a, b) {
				i := 0
				for i < min(len(a), len(b)) && a[i] == b[i] {
					i++
				}
				t.Errorf("%s of %s differs from %s: %d and %d bytes, first difference at byte %d",
					o, r.name, runs[0].name, len(b), len(a), i)
			}
		}
	}

	// The input exercises every rule, so the comparison covers their output.
	st := readStats(t, filepath.Join(dir, "workers-1"))
	if st.DocumentsIn != int64(docs+40) {
		t.Errorf("%d documents in, want %d", st.DocumentsIn, docs+40)
	}
	for _, reason := range []string{schema.ReasonBoilerplate, schema.ReasonNearBoilerplate, schema.ReasonDuplicateInDoc} {
		if st.Removed[reason] == 0 {
			t.Errorf("no paragraph removed as %s: the input does not test it", reason)
		}
	}
	if st.DocsRemoved[schema.ReasonDuplicateDoc] == 0 {
		t.Errorf("no document removed as %s: the input does not test it", schema.ReasonDuplicateDoc)
	}

	// The Parquet metadata holds the version, the schema version and the flags that
	// change the result, and nothing of the machine, the time or the paths.
	host, _ := os.Hostname()
	wd, _ := os.Getwd()
	forbidden := []string{dir, wd, "workers", time.Now().UTC().Format("2006-01-02"), time.Now().Format("2006-01-02")}
	if len(host) >= 4 {
		forbidden = append(forbidden, host)
	}
	if u := os.Getenv("USER"); len(u) >= 4 {
		forbidden = append(forbidden, u)
	}
	for _, o := range []string{"corpus.parquet", "removed.parquet"} {
		b := runs[0].files[o]
		f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("%s: %v", o, err)
		}
		md := f.Metadata()
		if want := "winnow version " + version; md.CreatedBy != want {
			t.Errorf("%s: created_by %q, want %q", o, md.CreatedBy, want)
		}
		var keys []string
		for _, kv := range md.KeyValueMetadata {
			keys = append(keys, kv.Key)
			for _, s := range forbidden {
				if strings.Contains(kv.Value, s) {
					t.Errorf("%s: metadata %s = %q holds %q", o, kv.Key, kv.Value, s)
				}
			}
		}
		if want := []string{schema.MetaFlags, schema.MetaSchemaVersion, schema.MetaVersion}; !slices.Equal(keys, want) {
			t.Errorf("%s: metadata keys %q, want %q", o, keys, want)
		}
		if v, _ := f.Lookup(schema.MetaFlags); !strings.Contains(v, "min-docs=3") || !strings.Contains(v, "near=0.8") {
			t.Errorf("%s: flags %q lack the result flags", o, v)
		}
		for _, s := range forbidden {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds %q", o, s)
			}
		}
	}
}

// write writes data to name below dir, making its folders, and returns its path.
func write(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// readStats reads the stats.json of a run's folder.
func readStats(t *testing.T, dir string) schema.Stats {
	t.Helper()
	var st schema.Stats
	b, err := os.ReadFile(filepath.Join(dir, "stats.json"))
	if err == nil {
		err = json.Unmarshal(b, &st)
	}
	if err != nil {
		t.Fatal(err)
	}
	return st
}
