package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/winnowdata/winnow/schema"
)

// captureStdout redirects what the package writes to "-" into a buffer for the test.
func captureStdout(t *testing.T) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	orig := stdout
	stdout = &buf
	t.Cleanup(func() { stdout = orig })
	return &buf
}

func TestJSONL(t *testing.T) {
	dir := t.TempDir()
	path := join(dir, "corpus.jsonl")
	rows := []schema.Record{
		{ID: "a", Source: "s", Text: "<b>Fish & chips</b> — “quoted”\n\nsecond", URL: "https://x.example/?a=1&b=2"},
		{ID: "b", Source: "s", Title: "東京", Text: "", Meta: `{"k":1}`},
	}
	w, err := NewJSONLWriter[schema.Record](path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	if err := w.Write(rows[:1]); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rows[1:]); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"a","source":"s","url":"https://x.example/?a=1&b=2","text":"<b>Fish & chips</b> — “quoted”\n\nsecond","n_paragraphs":0,"n_removed":0,"dup_count":0,"doc_hash":0}
{"id":"b","source":"s","title":"東京","text":"","n_paragraphs":0,"n_removed":0,"dup_count":0,"doc_hash":0,"meta":"{\"k\":1}"}
`
	if string(b) != want {
		t.Fatalf("got\n%s\nwant\n%s", b, want)
	}
	var got []schema.Record
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var r schema.Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if !reflect.DeepEqual(got, rows) {
		t.Fatalf("round trip: got %+v", got)
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"corpus.jsonl"}) {
		t.Fatalf("files: %v", names)
	}
}

func TestJSONLAbortAndFullDisk(t *testing.T) {
	dir := t.TempDir()
	w, err := NewJSONLWriter[schema.Removal](join(dir, "removed.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(sampleRemovals(10)); err != nil {
		t.Fatal(err)
	}
	w.Abort()
	if err := w.Close(); !errors.Is(err, ErrAborted) {
		t.Fatalf("Close after Abort = %v", err)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Fatalf("left after Abort: %v", names)
	}

	withFullDisk(t, 0, 1000)
	w, err = NewJSONLWriter[schema.Removal](join(dir, "removed.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	err = w.Write(sampleRemovals(5000)) // more than the write buffer
	if err == nil {
		err = w.Close()
	}
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("err = %v, want ENOSPC", err)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Fatalf("left after a failed write: %v", names)
	}
}

func TestCreate(t *testing.T) {
	dir := t.TempDir()
	rows := sampleRemovals(3)
	for _, c := range []struct {
		name    string
		parquet bool
	}{
		{"removed.parquet", true},
		{"REMOVED.PARQUET", true},
		{"removed.jsonl", false},
		{"removed.ndjson", false},
		{"removed.json", false},
	} {
		path := join(dir, c.name)
		w, err := Create[schema.Removal](path, ParquetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := w.(*ParquetWriter[schema.Removal]); ok != c.parquet {
			t.Errorf("%s: got a %T", c.name, w)
		}
		if err := w.Write(rows); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(path)
		if isParquet := bytes.HasPrefix(b, []byte("PAR1")); isParquet != c.parquet {
			t.Errorf("%s: Parquet magic %v, want %v", c.name, isParquet, c.parquet)
		}
	}

	out := captureStdout(t)
	w, err := Create[schema.Removal](Stdout, ParquetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, w, rows)
	if n := strings.Count(out.String(), "\n"); n != len(rows) {
		t.Fatalf("%d lines on stdout, want %d", n, len(rows))
	}

	before := dirNames(t, dir)
	for _, name := range []string{"removed.csv", "removed", "removed.parquet.gz"} {
		_, err := Create[schema.Removal](join(dir, name), ParquetOptions{})
		if err == nil || !strings.Contains(err.Error(), "unknown output extension") {
			t.Errorf("%s: err = %v, want unknown output extension", name, err)
		}
	}
	if after := dirNames(t, dir); !slices.Equal(before, after) {
		t.Fatalf("an unknown extension created files: %v", after)
	}
}

func TestWriteJSON(t *testing.T) {
	dir := t.TempDir()
	path := join(dir, "stats.json")
	st := schema.NewStats()
	st.Version = "0.1.0"
	st.DocumentsIn = 3
	st.Removed[schema.ReasonBoilerplate] = 2
	st.Source("a&b").DocumentsIn = 3
	if err := WriteJSON(path, st); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "{\n  \"winnow_version\": \"0.1.0\",\n") || !strings.HasSuffix(string(b), "}\n") {
		t.Fatalf("not 2-space indented with a final newline:\n%s", b)
	}
	if !strings.Contains(string(b), `"a&b": {`) {
		t.Fatalf("HTML-escaped:\n%s", b)
	}
	var back schema.Stats
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(&back, st) {
		t.Fatalf("round trip: %v", err)
	}

	// A value that cannot be encoded leaves no file.
	if err := WriteJSON(join(dir, "bad.json"), map[string]any{"f": func() {}}); err == nil {
		t.Fatal("no error for an unencodable value")
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"stats.json"}) {
		t.Fatalf("files: %v", names)
	}

	out := captureStdout(t)
	if err := WriteJSON(Stdout, map[string]int{"a": 1}); err != nil {
		t.Fatal(err)
	}
	if out.String() != "{\n  \"a\": 1\n}\n" {
		t.Fatalf("stdout %q", out)
	}
}

func TestAtomicFile(t *testing.T) {
	dir := t.TempDir()
	path := join(dir, "out.txt")

	f, err := CreateAtomic(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("hello\n")); err != nil {
		t.Fatal(err)
	}
	names := dirNames(t, dir)
	if len(names) != 1 || !strings.HasPrefix(names[0], ".out.txt.tmp-") {
		t.Fatalf("while writing: %v, want one hidden temporary file", names)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("the destination exists before Commit")
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	f.Abort() // no-op
	if err := f.Commit(); err != nil {
		t.Fatalf("second Commit = %v", err)
	}
	if _, err := f.Write([]byte("more")); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("Write after Commit = %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "hello\n" {
		t.Fatalf("content %q", b)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != filePerm {
		t.Fatalf("mode %v, want %v", fi.Mode().Perm(), filePerm)
	}

	f, err = CreateAtomic(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("replaced"))
	f.Abort()
	if err := f.Commit(); !errors.Is(err, ErrAborted) {
		t.Fatalf("Commit after Abort = %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "hello\n" {
		t.Fatalf("Abort changed the destination: %q", b)
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"out.txt"}) {
		t.Fatalf("files: %v", names)
	}
}

func TestAtomicFileErrors(t *testing.T) {
	dir := t.TempDir()

	_, err := CreateAtomic(join(dir, "missing", "out.parquet"))
	want := "create " + join(dir, "missing", "out.parquet") + ": directory " + join(dir, "missing") + " does not exist"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %s", err, want)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("a missing folder should match fs.ErrNotExist")
	}
	if _, err := os.Stat(join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("CreateAtomic created the missing folder")
	}

	if err := os.WriteFile(join(dir, "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := CreateAtomic(join(dir, "file", "out")); err == nil || !strings.Contains(err.Error(), "is not a directory") {
		t.Fatalf("err = %v, want not a directory", err)
	}
	if _, err := CreateAtomic(dir); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Fatalf("err = %v, want is a directory", err)
	}
	if _, err := CreateAtomic(dir + "/new/"); err == nil {
		t.Fatal("no error for a name ending in a slash")
	}
	if _, err := CreateAtomic(""); err == nil {
		t.Fatal("no error for an empty name")
	}

	// A relative name in the working folder.
	t.Chdir(dir)
	f, err := CreateAtomic("rel.txt")
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("x"))
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	mustExist(t, join(dir, "rel.txt"))
}
