package ingest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	writeFile(t, dir, "other/readme.md", []byte("not an article"))
	writeFile(t, dir, "other/.x.txt", []byte("hidden"))
	missing := filepath.Join(dir, "missing.jsonl")
	tests := []struct {
		name   string
		inputs []string
		opts   func(*Options)
		want   string
	}{
		{name: "missing file", inputs: []string{missing}, want: "open " + missing + ": no such file or directory"},
		{name: "empty folder", inputs: []string{empty}, want: "no input files in " + empty},
		{name: "folder without articles", inputs: []string{filepath.Join(dir, "other")}, want: "no input files in " + filepath.Join(dir, "other")},
		{name: "glob without match", inputs: []string{filepath.Join(dir, "*.parquet")}, want: "no input files in " + filepath.Join(dir, "*.parquet")},
		{name: "bad glob", inputs: []string{filepath.Join(dir, "[a")}, want: "bad pattern"},
		{name: "no inputs", want: "no input given"},
		{name: "stdin twice", inputs: []string{"-", "-"}, want: `stdin ("-") can be read only once`},
		{name: "unknown format", inputs: []string{"-"}, opts: func(o *Options) { o.Format = "csv" }, want: `unknown format "csv"`},
		{name: "no text field", inputs: []string{"-"}, opts: func(o *Options) { o.TextField = "" }, want: "text field name is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := DefaultOptions()
			if tt.opts != nil {
				tt.opts(&opts)
			}
			r, err := Open(context.Background(), tt.inputs, opts)
			if err == nil {
				r.Close()
				t.Fatalf("no error, want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want %q", err, tt.want)
			}
		})
	}
	_, err := Open(context.Background(), []string{missing}, DefaultOptions())
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing input: %v is not fs.ErrNotExist", err)
	}
}

func TestGlob(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "data/b.example/1.txt", []byte("B1\ntext"))
	writeFile(t, dir, "data/a.example/2.txt", []byte("A2\ntext"))
	writeFile(t, dir, "data/a.example/1.txt", []byte("A1\ntext"))
	writeFile(t, dir, "data/a.example/x.md", []byte("not picked"))
	writeFile(t, dir, "data/.hidden/1.txt", []byte("hidden"))
	writeFile(t, dir, "data/c.jsonl", []byte(`{"text":"c"}`))

	res := readAll(t, []string{filepath.Join(dir, "data", "*", "*")}, DefaultOptions())
	if res.err != nil {
		t.Fatal(res.err)
	}
	if got, want := fmt.Sprint(ids(res.docs)), "[a.example/1.txt a.example/2.txt b.example/1.txt]"; got != want {
		t.Errorf("ids %s, want %s", got, want)
	}
	// A glob matching folders walks them.
	res = readAll(t, []string{filepath.Join(dir, "data", "?.example")}, DefaultOptions())
	if got, want := fmt.Sprint(ids(res.docs)), "[a.example/1.txt a.example/2.txt b.example/1.txt]"; got != want || res.err != nil {
		t.Errorf("ids %s (%v), want %s", got, res.err, want)
	}
	if res.docs[0].Source != "a.example" {
		t.Errorf("source %q", res.docs[0].Source)
	}
}

// Inputs are concatenated in the order given; folders are walked in lexical order
// whatever the order the files were made in.
func TestOrderDeterministic(t *testing.T) {
	dir := t.TempDir()
	names := []string{"z/9.txt", "a/b/c.txt", "m.txt", "a/a.txt", "Z.txt", "a/b.txt", "10.txt", "2.txt"}
	for _, n := range names {
		writeFile(t, filepath.Join(dir, "in"), n, []byte("t\nx"))
	}
	extra := writeFile(t, dir, "extra.jsonl", []byte(`{"id":"extra","text":"x"}`))
	want := "[extra 10.txt 2.txt Z.txt a/a.txt a/b/c.txt a/b.txt m.txt z/9.txt]"
	for range 3 {
		res := readAll(t, []string{extra, filepath.Join(dir, "in")}, DefaultOptions())
		if got := fmt.Sprint(ids(res.docs)); got != want || res.err != nil {
			t.Fatalf("order %s (%v), want %s", got, res.err, want)
		}
	}
}

func TestSymlinks(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	writeFile(t, root, "a/1.txt", []byte("one\nx"))
	writeFile(t, dir, "elsewhere/2.txt", []byte("two\nx"))
	if err := os.Symlink(filepath.Join(dir, "elsewhere"), filepath.Join(root, "b")); err != nil {
		t.Skip("no symlinks:", err)
	}
	os.Symlink(filepath.Join(dir, "elsewhere", "2.txt"), filepath.Join(root, "c.txt"))

	// Links to folders and files are followed.
	res := readAll(t, []string{root}, DefaultOptions())
	if got, want := fmt.Sprint(ids(res.docs)), "[a/1.txt b/2.txt c.txt]"; got != want || res.err != nil {
		t.Fatalf("ids %s (%v), want %s", got, res.err, want)
	}
	if res.docs[1].Source != "b" {
		t.Errorf("source of a file in a linked folder: %q, want the link's name", res.docs[1].Source)
	}

	// A link back to an ancestor is a loop.
	os.Symlink("..", filepath.Join(root, "a", "up"))
	res = readAll(t, []string{root}, DefaultOptions())
	if res.err == nil || !strings.Contains(res.err.Error(), "symlink loop") {
		t.Errorf("loop: error %v, want a symlink loop", res.err)
	}
	if len(res.docs) > 3 {
		t.Errorf("loop: read %d documents before the error", len(res.docs))
	}

	// A link to itself, and a dangling link.
	for _, target := range []string{"self.txt", "nowhere.txt"} {
		d := t.TempDir()
		writeFile(t, d, "ok.txt", []byte("ok"))
		os.Symlink(filepath.Join(d, target), filepath.Join(d, "self.txt"))
		res = readAll(t, []string{d}, DefaultOptions())
		if res.err == nil {
			t.Errorf("link to %s: no error", target)
		}
	}
}

func TestStdin(t *testing.T) {
	data := "{\"text\":\"a\"}\n{\"id\":7,\"text\":\"b\"}\n"
	path, cleanup, err := Spool(context.Background(), strings.NewReader(data), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	opts := DefaultOptions()
	opts.Stdin = path
	for pass := range 2 { // a spool can be read twice
		res := readAll(t, []string{"-"}, opts)
		if got := fmt.Sprint(ids(res.docs)); got != "[stdin:1 7]" || res.err != nil {
			t.Fatalf("pass %d: ids %s (%v)", pass, got, res.err)
		}
		if res.docs[0].File != "stdin" {
			t.Errorf("File %q, want stdin", res.docs[0].File)
		}
	}
	// The spool read by its path gets the same ids.
	res := readAll(t, []string{path}, DefaultOptions())
	if got := fmt.Sprint(ids(res.docs)); got != "[stdin:1 7]" {
		t.Errorf("spool by path: ids %s", got)
	}
	cleanup()
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("cleanup left %s", path)
	}

	// Spool stops on a cancelled context.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Spool(ctx, strings.NewReader(data), t.TempDir()); !errors.Is(err, context.Canceled) {
		t.Errorf("Spool on a cancelled context: %v", err)
	}
}

// Open("-") reads os.Stdin once, its format told by its first bytes.
func TestOSStdin(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"jsonl", []byte("\xef\xbb\xbf\n {\"text\":\"a\"}\n"), "[stdin:2]"},
		{"gzip jsonl", gzipData(t, []byte("{\"text\":\"a\"}\n")), "[stdin:1]"},
		{"txt", []byte("A title\nand text"), "[stdin]"},
		{"parquet", parquetData(t, []pqDoc{{ID: "p1", Text: "x"}}), "[p1]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := os.Open(writeFile(t, dir, tt.name, tt.data))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			old := os.Stdin
			os.Stdin = f
			defer func() { os.Stdin = old }()
			res := readAll(t, []string{"-"}, DefaultOptions())
			if got := fmt.Sprint(ids(res.docs)); got != tt.want || res.err != nil {
				t.Errorf("ids %s (%v), want %s", got, res.err, tt.want)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	dir := t.TempDir()
	jsonl := writeFile(t, dir, "a.data", []byte(`{"text":"sniffed"}`))
	txt := writeFile(t, dir, "b.data", []byte("Title\nsniffed text"))
	named := writeFile(t, dir, "c.txt", []byte(`{"text":"a txt by its name"}`))
	res := readAll(t, []string{jsonl, txt, named}, DefaultOptions())
	if got := fmt.Sprint(ids(res.docs)); got != "[a.data:1 b.data c.txt]" || res.err != nil {
		t.Errorf("auto: ids %s (%v)", got, res.err)
	}
	opts := DefaultOptions()
	opts.Format = "jsonl"
	res = readAll(t, []string{named}, opts)
	if got := fmt.Sprint(ids(res.docs)); got != "[c.txt:1]" || res.err != nil {
		t.Errorf("forced jsonl: ids %s (%v)", got, res.err)
	}
	opts.Format = "txt"
	gz := writeFile(t, dir, "d.jsonl.gz", gzipData(t, []byte(`{"text":"read as an article"}`)))
	res = readAll(t, []string{gz}, opts)
	if len(res.docs) != 1 || res.docs[0].Title != `{"text":"read as an article"}` || res.err != nil {
		t.Errorf("forced txt on gzip: %+v (%v)", res.docs, res.err)
	}
}

func TestSizes(t *testing.T) {
	dir := t.TempDir()
	var want int64
	for i, data := range [][]byte{
		[]byte("{\"text\":\"a\"}\n{\"text\":\"b\"}\n"),
		gzipData(t, []byte(strings.Repeat("{\"text\":\"a\"}\n", 1000))),
		[]byte("Title\nText"),
		parquetData(t, []pqDoc{{ID: "1", Text: "a"}, {ID: "2", Text: "b"}}),
	} {
		writeFile(t, dir, fmt.Sprintf("%d.%s", i, []string{"jsonl", "jsonl.gz", "txt", "parquet"}[i]), data)
		want += int64(len(data))
	}
	writeFile(t, dir, "skipped.md", []byte("not counted"))
	if got := TotalSize([]string{dir, "-", filepath.Join(dir, "missing")}, Options{}); got != want {
		t.Errorf("TotalSize %d, want %d", got, want)
	}
	// an output of the run in the folder (Options.Exclude) is not read, nor counted
	out := writeFile(t, dir, "out.jsonl", []byte("{\"text\":\"an earlier run's output\"}\n"))
	if got := TotalSize([]string{dir}, Options{Exclude: []string{out}}); got != want {
		t.Errorf("TotalSize with an excluded output %d, want %d", got, want)
	}
	if err := os.Remove(out); err != nil {
		t.Fatal(err)
	}
	r, err := Open(context.Background(), []string{dir}, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	last := int64(0)
	for r.Next() {
		if n := r.BytesRead(); n < last || n > want {
			t.Errorf("BytesRead %d after %d (total %d)", n, last, want)
		}
		last = r.BytesRead()
	}
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	if got := r.BytesRead(); got != want {
		t.Errorf("BytesRead at the end %d, want %d", got, want)
	}
}

func TestCancel(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.jsonl", []byte(strings.Repeat("{\"text\":\"a\"}\n", 1000)))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r, err := Open(ctx, []string{dir}, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n := 0
	for r.Next() {
		if n++; n == 10 {
			cancel()
		}
	}
	if !errors.Is(r.Err(), context.Canceled) || n > 100 {
		t.Errorf("after cancel: %d docs, error %v", n, r.Err())
	}
	if r.Next() {
		t.Error("Next after the error")
	}
}
