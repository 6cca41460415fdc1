package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeCorpus writes a small JSONL corpus: three sites with headers and footers, a
// caption printed twice, and a story syndicated to a second site.
func writeCorpus(t testing.TB, dir string) string {
	t.Helper()
	var b strings.Builder
	stories := []string{
		"The ferry returned to its timetable on Monday after three days of cancellations caused by gales.\n\nOperators said the first sailing left at seven with forty passengers on board.\n\nResidents had relied on a small boat to bring in medicine and bread.",
		"The library will stay open until nine on weekdays from next month, the council said.\n\nStaff numbers rise by two full-time posts to cover the longer shifts.\n\nA survey found students wanted somewhere quiet to study after school.",
		"A bakery on Mill Lane was named the best independent bakery in the country.\n\nJudges praised its sourdough and a rye loaf made to a family recipe.\n\nThe owners will give away a free loaf to every customer on Saturday.",
		"River levels dropped by almost a metre overnight as the heavy rain finally eased.\n\nThe agency lifted two flood warnings but kept a third near the old mill.\n\nEngineers will inspect the embankments before the barriers come down.",
	}
	others := []string{
		"The school choir will sing at the regional festival next weekend.\n\nPupils rehearsed twice a week since September.",
		"A protected cycle lane opened across the east bridge on Friday.\n\nCycling groups welcomed it but want safer approach roads.",
		"The old market hall will be restored with a heritage grant.\n\nTraders move to a temporary site while it is closed.",
		"Volunteers filled two hundred bags with rubbish on the north beach.\n\nOrganisers plan to repeat the clean-up every season.",
	}
	n := 0
	doc := func(site, body string) {
		n++
		text := "Skip to content\n\n" + body + "\n\n© 2024 " + site + " All rights reserved.\n\nLoad more"
		fmt.Fprintf(&b, "{\"id\":\"%s/%d\",\"source\":\"%s\",\"text\":%q}\n", site, n, site, text)
	}
	caption := "A ferry leaves the harbour in Monday’s calm weather after the storm, Photo: J. Doe"
	doc("a.example", caption+"\n\n"+strings.ReplaceAll(caption, "’", "'")+"\n\n"+stories[0])
	for _, s := range stories[1:] {
		doc("a.example", s)
	}
	// story 0 syndicated to b and c, with curly quotes and a line of their own
	for _, site := range []string{"b.example", "c.example"} {
		doc(site, strings.ReplaceAll(stories[0], "'", "’")+"\n\nThis story first appeared on a.example.")
		doc(site, others[0])
		doc(site, others[1])
		others = others[2:]
	}
	path := filepath.Join(dir, "corpus.jsonl")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestWorkersDoNotChangeOutput(t *testing.T) {
	dir := t.TempDir()
	in := writeCorpus(t, dir)
	var first string // the outputs of 1 worker
	for _, workers := range []int{1, 2, 5} {
		out := filepath.Join(dir, fmt.Sprint("w", workers))
		if err := os.Mkdir(out, 0o755); err != nil {
			t.Fatal(err)
		}
		opts := Defaults()
		opts.Inputs = []string{in}
		opts.Workers = workers
		if _, err := Clean(context.Background(), outputsOf(out, opts)); err != nil {
			t.Fatalf("workers %d: %v", workers, err)
		}
		if first == "" {
			first = out
			continue
		}
		sameOutputs(t, first, out, []string{"corpus.parquet", "corpus.jsonl", "removed.parquet"}, fmt.Sprint(workers, " workers"))
	}
	jsonl, err := os.ReadFile(filepath.Join(first, "corpus.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(jsonl, []byte(`"dup_count":2`)) {
		t.Errorf("the syndicated story's first copy should carry dup_count 2:\n%s", jsonl)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Options)
		want string
	}{
		{"ok", func(*Options) {}, ""},
		{"no input", func(o *Options) { o.Inputs = nil }, "no input"},
		{"min docs", func(o *Options) { o.Rules.MinDocs = 1 }, "min-docs"},
		{"near", func(o *Options) { o.Rules.Near = 0 }, "near"},
		{"doc near", func(o *Options) { o.DocNear = 2 }, "doc-near"},
		{"doc shingle", func(o *Options) { o.DocShingle = 0 }, "doc-shingle"},
		{"workers", func(o *Options) { o.Workers = 0 }, "workers"},
		{"on-error", func(o *Options) { o.OnError = "ignore" }, "on-error"},
		{"stdin twice", func(o *Options) { o.Inputs = []string{"-", "-"} }, "more than once"},
		{"same output twice", func(o *Options) { o.Output = "x.parquet"; o.Removed = "x.parquet" }, "same file"},
		{"memory", func(o *Options) { o.Memory = 10 }, "memory"},
		{"tmp-dir missing", func(o *Options) { o.TmpDir = filepath.Join(os.TempDir(), "winnow-no-such-folder") }, "tmp-dir"},
		{"tmp-dir a file", func(o *Options) { o.TmpDir = os.Args[0] }, "is not a folder"},
		{"tmp-dir", func(o *Options) { o.TmpDir = os.TempDir() }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := Defaults()
			o.Inputs = []string{"in.jsonl"}
			tt.edit(&o)
			err := o.Validate()
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("Validate() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"4GiB", 4 << 30, true}, {"256MiB", 256 << 20, true}, {"512MB", 512e6, true},
		{"1g", 1 << 30, true}, {"1048576", 1 << 20, true}, {"1.5KiB", 1536, true},
		{"", 0, false}, {"lots", 0, false}, {"4XB", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseSize(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d (ok %v)", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func ExampleClean() {
	dir, _ := os.MkdirTemp("", "winnow-example")
	defer os.RemoveAll(dir)
	in := writeCorpus(&testing.T{}, dir)

	opts := Defaults()
	opts.Inputs = []string{in}
	opts.Output = filepath.Join(dir, "clean.parquet")
	st, err := Clean(context.Background(), opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("documents in:", st.DocumentsIn, "out:", st.DocumentsOut)
	fmt.Println("boilerplate paragraphs:", st.Removed["boilerplate"])
	fmt.Println("second caption copies:", st.Removed["duplicate_in_doc"])
	fmt.Println("syndicated copies dropped:", st.DocsRemoved["duplicate_doc"])
	// Output:
	// documents in: 10 out: 8
	// boilerplate paragraphs: 30
	// second caption copies: 1
	// syndicated copies dropped: 2
}

// With a document shingle size of its own, documents are shingled again, paragraph by
// paragraph: the syndicated story's copies are still found.
func TestDocShingle(t *testing.T) {
	dir := t.TempDir()
	in := writeCorpus(t, dir)
	for _, k := range []int{5, 6, 8} {
		opts := Defaults()
		opts.Inputs = []string{in}
		opts.DocShingle = k
		opts.JSONL = filepath.Join(dir, fmt.Sprint("k", k, ".jsonl"))
		st, err := Clean(context.Background(), opts)
		if err != nil {
			t.Fatalf("doc-shingle %d: %v", k, err)
		}
		out, err := os.ReadFile(opts.JSONL)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.DocsRemoved["duplicate_doc"]; got != 2 || !bytes.Contains(out, []byte(`"dup_count":2`)) {
			t.Errorf("doc-shingle %d: %d duplicate documents, want the story's 2 copies:\n%s", k, got, out)
		}
	}
}
