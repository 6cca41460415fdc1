package ingest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestExclude: the outputs of a run, found by a folder walk or a glob, are passed over
// and reported, whether named as they are found, through another spelling of the path
// or through a symbolic link; a folder output is passed over with all it holds.
func TestExclude(t *testing.T) {
	dir := t.TempDir()
	rec := func(id string) []byte { return []byte(`{"id":"` + id + `","text":"x"}` + "\n") }
	writeFile(t, dir, "data/a.jsonl", rec("a"))
	writeFile(t, dir, "data/clean.jsonl", rec("output"))
	writeFile(t, dir, "data/removed.jsonl", rec("ledger"))
	writeFile(t, dir, "data/shards/part-00000.jsonl", rec("shard"))
	writeFile(t, dir, "data/sub/b.jsonl", rec("b"))
	writeFile(t, dir, "data/sub/clean.jsonl", rec("c")) // same name, another file
	if err := os.Symlink("clean.jsonl", filepath.Join(dir, "data", "z-link.jsonl")); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	t.Chdir(dir)
	exclude := []string{
		filepath.Join(data, "clean.jsonl"),     // absolute
		"data/./removed.jsonl",                 // relative, another spelling
		"data/shards",                          // a folder
		filepath.Join(data, "not-yet.parquet"), // not written yet
		"-",
	}
	for _, tc := range []struct {
		name   string
		inputs []string
	}{
		{"folder", []string{data}},
		{"relative folder", []string{"data"}},
		{"glob", []string{"data/*"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var skipped []string
			opts := DefaultOptions()
			opts.Exclude = exclude
			opts.OnExclude = func(p string) { skipped = append(skipped, filepath.Base(p)) }
			res := readAll(t, tc.inputs, opts)
			if res.err != nil {
				t.Fatal(res.err)
			}
			var got []string
			for _, d := range res.docs {
				got = append(got, d.ID)
			}
			if want := []string{"a", "b", "c"}; !slices.Equal(got, want) {
				t.Errorf("read %v, want %v", got, want)
			}
			slices.Sort(skipped)
			if want := []string{"clean.jsonl", "removed.jsonl", "shards", "z-link.jsonl"}; !slices.Equal(skipped, want) {
				t.Errorf("reported %v, want %v", skipped, want)
			}
		})
	}
	// without Exclude, everything is read
	res := readAll(t, []string{data}, DefaultOptions())
	if len(res.docs) != 7 {
		t.Errorf("without Exclude: %d documents, want 7", len(res.docs))
	}
	// everything excluded: no input files
	opts := DefaultOptions()
	opts.Exclude = []string{"data/sub"}
	if res := readAll(t, []string{"data/sub/*.jsonl"}, opts); res.err == nil || !strings.Contains(res.err.Error(), "no input files") {
		t.Errorf("a glob inside an excluded folder: %v, want no input files", res.err)
	}
}
