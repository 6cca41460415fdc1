package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestProgressOnTerminal runs winnow under script(1), which gives it a pseudo-terminal:
// the progress bar must appear there, and must not when stderr is a pipe (a CI log) or
// with --quiet.
func TestProgressOnTerminal(t *testing.T) {
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("script(1) is not installed")
	}
	bin := buildWinnow(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	writeCorpus(t, in, corpusSpec{bytes: 2 << 20, seed: 3, sources: 4, boilerplate: true})
	out := filepath.Join(dir, "out.parquet")

	// on a terminal
	typescript := filepath.Join(dir, "typescript")
	cmd := exec.Command(script, "-q", "-e", "-c", bin+" clean "+in+" -o "+out, typescript)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("script: %v\n%s", err, b)
	}
	tty, _ := os.ReadFile(typescript)
	for _, want := range []string{"pass 1/2", "pass 2/2", "MB/s", "winnow: "} {
		if !strings.Contains(string(tty), want) {
			t.Errorf("terminal output lacks %q:\n%q", want, tty)
		}
	}

	// on a pipe, as in CI: the summary line only
	cmd = exec.Command(bin, "clean", in, "-o", out)
	stderr, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if strings.Contains(string(stderr), "pass 1/2") || strings.Contains(string(stderr), "\r") {
		t.Errorf("progress written to a pipe:\n%q", stderr)
	}
	if lines := strings.Split(strings.TrimSpace(string(stderr)), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "winnow: ") {
		t.Errorf("want one summary line on a pipe, got %q", stderr)
	}

	// --quiet on a terminal: nothing at all
	cmd = exec.Command(script, "-q", "-e", "-c", bin+" clean "+in+" -o "+out+" --quiet", typescript)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("script: %v\n%s", err, b)
	}
	if tty, _ := os.ReadFile(typescript); strings.Contains(string(tty), "pass 1/2") || strings.Contains(string(tty), "winnow: ") {
		t.Errorf("--quiet printed on the terminal:\n%q", tty)
	}
}
