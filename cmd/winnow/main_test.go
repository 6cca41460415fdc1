package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/winnowdata/winnow/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden and the cmp: sections of testdata/script")

// winnow runs the command line and returns its exit status, stdout and stderr.
func winnow(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"winnow"}, args...), strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func readJSONL[T any](t *testing.T, path string) []T {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rows []T
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var r T
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		rows = append(rows, r)
	}
	return rows
}

// golden compares got with testdata/golden/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("..", "..", "testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test ./cmd/winnow -update after checking the change):\n--- got\n%s", name, got)
	}
}

func TestCleanSampleGolden(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := winnow(t, "clean", "../../testdata/sample", "-o", filepath.Join(dir, "out.parquet"),
		"--jsonl", filepath.Join(dir, "out.jsonl"), "--removed", filepath.Join(dir, "removed.jsonl"),
		"--stats", filepath.Join(dir, "stats.json"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, name := range []string{"out.jsonl", "removed.jsonl", "stats.json"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "sample."+name, b)
	}
	if fi, err := os.Stat(filepath.Join(dir, "out.parquet")); err != nil || fi.Size() == 0 {
		t.Errorf("no Parquet corpus written: %v", err)
	}
}

func TestSeedArticle(t *testing.T) {
	dir := t.TempDir()
	removed := filepath.Join(dir, "removed.jsonl")
	code, _, stderr := winnow(t, "clean", "../../testdata/seed-article.txt", "--jsonl", filepath.Join(dir, "out.jsonl"),
		"--removed", removed)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows := readJSONL[schema.Removal](t, removed)
	if len(rows) != 1 {
		t.Fatalf("removed %d paragraphs, want exactly the second caption: %+v", len(rows), rows)
	}
	r := rows[0]
	if r.Reason != schema.ReasonDuplicateInDoc || r.Index != 1 || !strings.Contains(r.Text, "Russia's attack") {
		t.Errorf("removed %+v, want the straight-quote caption copy (index 1) as duplicate_in_doc", r)
	}
	out := readJSONL[schema.Record](t, filepath.Join(dir, "out.jsonl"))
	if len(out) != 1 || !strings.HasPrefix(out[0].Text, "Ukrainian servicemen ride BMP-1 infantry fighting vehicle, amid Russia’s attack") {
		t.Errorf("the first caption copy must stay at the top of the text: %+v", out)
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte("{\"id\":\"a\",\"text\":\"fine\"}\n{\"id\":\"b\",\"text\":\n"), 0o644)
	notext := filepath.Join(dir, "notext.jsonl")
	os.WriteFile(notext, []byte("{\"id\":\"a\",\"body\":\"x\"}\n"), 0o644)
	out := filepath.Join(dir, "out.parquet")
	tests := []struct {
		name     string
		args     []string
		code     int
		stderr   []string
		noOutput bool
	}{
		{"no args", []string{"clean"}, 2, []string{"winnow: no INPUT given", "hint:"}, true},
		{"no output", []string{"clean", bad}, 2, []string{"no output"}, true},
		{"unknown flag", []string{"clean", bad, "-o", out, "--bogus"}, 2, []string{"bogus"}, true},
		{"bad threshold", []string{"clean", bad, "-o", out, "--near", "1.5"}, 2, []string{"near must be in (0, 1]"}, true},
		{"malformed JSON names file and line", []string{"clean", bad, "-o", out}, 1, []string{"bad.jsonl:2:", "invalid JSON", "hint: use --on-error skip"}, true},
		{"missing text field", []string{"clean", notext, "-o", out}, 1, []string{"notext.jsonl:1:", `"text"`}, true},
		{"missing input", []string{"clean", filepath.Join(dir, "nope.jsonl"), "-o", out}, 1, []string{"nope.jsonl"}, true},
		{"output folder missing", []string{"clean", bad, "-o", filepath.Join(dir, "no", "such", "out.parquet")}, 1, []string{"does not exist"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := winnow(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			for _, s := range tt.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
			if tt.noOutput {
				if _, err := os.Stat(out); err == nil {
					t.Errorf("%s exists after a failed run", out)
				}
				entries, _ := os.ReadDir(dir)
				for _, e := range entries {
					if strings.Contains(e.Name(), ".tmp") {
						t.Errorf("temporary file %s left behind", e.Name())
					}
				}
			}
		})
	}
}

func TestSkipBadRecords(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	os.WriteFile(in, []byte("{\"id\":\"a\",\"text\":\"one paragraph here\"}\nnot json\n{\"id\":\"c\",\"text\":\"another one\"}\n"), 0o644)
	rejects := filepath.Join(dir, "rejects.jsonl")
	code, _, stderr := winnow(t, "clean", in, "--jsonl", filepath.Join(dir, "out.jsonl"), "--on-error", "skip",
		"--rejects", rejects, "--stats", filepath.Join(dir, "stats.json"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if rows := readJSONL[schema.Record](t, filepath.Join(dir, "out.jsonl")); len(rows) != 2 {
		t.Errorf("kept %d documents, want 2", len(rows))
	}
	rj := readJSONL[map[string]any](t, rejects)
	if len(rj) != 1 || rj[0]["line"] != float64(2) {
		t.Errorf("rejects = %v, want line 2", rj)
	}
	var st schema.Stats
	b, _ := os.ReadFile(filepath.Join(dir, "stats.json"))
	json.Unmarshal(b, &st)
	if st.DocumentsSkip != 1 {
		t.Errorf("stats count %d skipped records, want 1", st.DocumentsSkip)
	}
}

func TestFlagsFromEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("WINNOW_NEAR", "7")
	code, _, stderr := winnow(t, "clean", "../../testdata/seed-article.txt", "-o", filepath.Join(dir, "o.parquet"))
	if code != 2 || !strings.Contains(stderr, "near must be") {
		t.Errorf("WINNOW_NEAR=7 not applied: exit %d, %s", code, stderr)
	}
}

func TestStdinToStdout(t *testing.T) {
	in := "{\"id\":\"a\",\"source\":\"s\",\"text\":\"First paragraph of a.\\n\\nSecond one.\"}\n{\"id\":\"b\",\"source\":\"s\",\"text\":\"Only paragraph of b here.\"}\n"
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"winnow", "clean", "-", "-o", "-", "--no-doc-dedup"}, strings.NewReader(in), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"id":"a"`) || !strings.Contains(lines[1], `"id":"b"`) {
		t.Errorf("stdout = %q, want the two documents as JSONL", out.String())
	}
}

func TestAudit(t *testing.T) {
	dir := t.TempDir()
	report := filepath.Join(dir, "report.html")
	code, _, stderr := winnow(t, "audit", "../../testdata/sample", "--report", report, "--stats", filepath.Join(dir, "stats.json"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<svg", "harbourtimes.example", "Load more", "duplicate_in_doc"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("report lacks %q", want)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("audit wrote %d files, want the report and the stats only", len(entries))
	}
	if code, _, stderr := winnow(t, "audit", "../../testdata/sample"); code != 2 || !strings.Contains(stderr, "--report") {
		t.Errorf("audit without --report: exit %d, %s", code, stderr)
	}
}

func TestInspect(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.parquet")
	if code, _, stderr := winnow(t, "clean", "../../testdata/sample", "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	code, stdout, stderr := winnow(t, "inspect", out, "--rows", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"rows:       9", "doc_hash", "INT(64,true)", "winnow.schema_version = 1", "ZSTD", `"id":"harbourtimes.example/004.txt"`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, stdout)
		}
	}
	if code, _, _ := winnow(t, "inspect", filepath.Join(dir, "nope.parquet")); code != 1 {
		t.Errorf("inspect of a missing file: exit %d, want 1", code)
	}
}
