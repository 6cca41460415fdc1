package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/winnowdata/winnow/schema"
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

// TestProgressLine: the first ticks of a pass show bytes and no speed (reading ahead
// made it absurd: "174 GB/s"), later ones the speed since the pass began and the time
// left; a redraw within 100 ms is skipped; a new pass and a note clear the line first.
func TestProgressLine(t *testing.T) {
	var out strings.Builder
	clock := time.Unix(1e9, 0)
	p := newProgress(&out)
	p.now = func() time.Time { return clock }
	tick := func(d time.Duration, pass int, read, total int64) string {
		clock = clock.Add(d)
		out.Reset()
		p.update(pass, read, total)
		return out.String()
	}
	if got := tick(0, 1, 0, 50e6); got != "\rpass 1/2   0% |                        | 0 B / 50.0 MB" {
		t.Errorf("first tick %q", got)
	}
	got := tick(150*time.Millisecond, 1, 4<<20, 50e6)
	if !strings.Contains(got, "4.2 MB / 50.0 MB") || strings.Contains(got, "/s") {
		t.Errorf("tick after 150 ms: %q, want bytes and no speed", got)
	}
	if got := tick(50*time.Millisecond, 1, 5e6, 50e6); got != "" {
		t.Errorf("redrawn within 100 ms: %q", got)
	}
	got = tick(1800*time.Millisecond, 1, 20e6, 50e6)
	if !strings.Contains(got, " 40% |█████████               | 20.0 MB / 50.0 MB, 10.0 MB/s, 3s left") {
		t.Errorf("tick after 2 s: %q", got)
	}
	if got := tick(time.Millisecond, 1, 50e6, 50e6); !strings.Contains(got, "100% |") {
		t.Errorf("the last tick of a pass is drawn at once: %q", got)
	}
	got = tick(time.Millisecond, 2, 0, 0)
	if !strings.HasPrefix(got, "\r"+strings.Repeat(" ", 10)) || !strings.HasSuffix(got, "\rpass 2/2 0 B") {
		t.Errorf("a new pass of unknown size: %q, want the old line cleared, then bytes only", got)
	}
	out.Reset()
	p.warn("winnow: a note")
	if got := out.String(); !strings.HasSuffix(got, "\rwinnow: a note\n") {
		t.Errorf("warn: %q", got)
	}
	if got := tick(time.Millisecond, 2, 1e6, 0); got != "\rpass 2/2 1.0 MB" {
		t.Errorf("after a note the line is drawn again at once: %q", got)
	}
}

func TestSummary(t *testing.T) {
	st := schema.NewStats()
	st.DocumentsIn, st.DocumentsOut, st.ParagraphsIn, st.ParagraphsOut, st.BytesIn = 1, 1, 1, 1, 10
	if got := summary(st, time.Second); !strings.HasPrefix(got, "winnow: 1 document in, 1 out; 0 of 1 paragraph removed; 10 B of text") {
		t.Errorf("singular: %q", got)
	}
	st.DocumentsIn, st.DocumentsOut, st.ParagraphsIn, st.ParagraphsOut, st.DocumentsSkip = 0, 0, 0, 0, 200
	if got := summary(st, time.Second); !strings.Contains(got, "0 documents in, 0 out; 0 of 0 paragraphs removed; 200 records skipped as malformed;") {
		t.Errorf("skipped records: %q", got)
	}
	// the rate in the unit of its size
	for _, tt := range []struct {
		bytes   int64
		elapsed time.Duration
		want    string
	}{
		{5600, 230 * time.Millisecond, "5.6 kB of text in 0.23s (24.3 kB/s)"},
		{341_100_000, 7890 * time.Millisecond, "341.1 MB of text in 7.89s (43.2 MB/s)"},
		{500, 2 * time.Second, "500 B of text in 2.00s (250 B/s)"},
	} {
		st.BytesIn = tt.bytes
		if got := summary(st, tt.elapsed); !strings.HasSuffix(got, tt.want) {
			t.Errorf("%d bytes in %v: %q, want it to end in %q", tt.bytes, tt.elapsed, got, tt.want)
		}
	}
}
