package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// binDir holds the winnow binary that the tests build once; TestMain removes it.
var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
	// baseTemp is TMPDIR as the test process started.
	baseTemp string
	// pkgDir is this package's folder, where the binary is built from: script cases
	// change the working directory.
	pkgDir string
)

func TestMain(m *testing.M) {
	// Cases set TMPDIR to folders of their own; the binary is built outside them.
	baseTemp = os.TempDir()
	var err error
	if pkgDir, err = os.Getwd(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// buildWinnow builds the winnow binary once per test run and returns its path.
func buildWinnow(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp(baseTemp, "winnow-test-bin-"); binErr != nil {
			return
		}
		// Readable by everyone: the unreadable-file case runs it as nobody.
		os.Chmod(binDir, 0o755)
		binPath = filepath.Join(binDir, "winnow")
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		cmd.Dir = pkgDir
		out, err := cmd.CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// vocabulary is the word list of the synthetic articles: enough distinct words that
// paragraphs do not collide by chance.
var vocabulary = func() []string {
	r := rand.New(rand.NewPCG(7, 7))
	syll := strings.Fields("ka lo mi ne su ta ri po de va ge hu zo bi ra te no si")
	seen := map[string]bool{}
	var words []string
	for len(words) < 4000 {
		var b strings.Builder
		for range 2 + r.IntN(3) {
			b.WriteString(syll[r.IntN(len(syll))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	return words
}()

// corpusSpec shapes a synthetic corpus.
type corpusSpec struct {
	bytes   int    // stop after about this many bytes
	seed    uint64 // of the random text
	sources int
	// boilerplate adds per-source headers and footers, dated notices, captions
	// printed twice and copied documents, so that every removal rule fires.
	boilerplate bool
}

// writeCorpus writes a synthetic JSONL corpus to path and returns how many articles it
// holds. 100 MB take about a second.
func writeCorpus(t testing.TB, path string, spec corpusSpec) int {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(spec.seed, 1))
	if spec.sources < 1 {
		spec.sources = 5
	}
	para := func(b []byte, words int) []byte {
		for i := range words {
			if i > 0 {
				b = append(b, ' ')
			}
			b = append(b, vocabulary[r.IntN(len(vocabulary))]...)
		}
		return append(b, '.')
	}
	var (
		n, docs int
		text    []byte
		prev    []byte // the text of the previous article, for copies
		line    bytes.Buffer
		enc     = json.NewEncoder(&line)
	)
	enc.SetEscapeHTML(false)
	for n < spec.bytes {
		src := docs % spec.sources
		text = text[:0]
		if spec.boilerplate {
			text = fmt.Appendf(text, "Home | News | Sport | Site %d\n\n", src)
		}
		for k := range 3 + r.IntN(5) {
			if k > 0 {
				text = append(text, "\n\n"...)
			}
			start := len(text)
			text = para(text, 20+r.IntN(60))
			if spec.boilerplate && k == 0 && docs%4 == 0 {
				// a caption printed twice, the second copy with a straight quote
				caption := strings.ReplaceAll(string(text[start:]), "ka", "ka’")
				text = append(text, "\n\n"+strings.ReplaceAll(caption, "’", "'")...)
			}
		}
		if spec.boilerplate {
			text = fmt.Appendf(text, "\n\nUpdated %d hours ago. © %d Site %d. All rights reserved.", 1+r.IntN(23), 2000+r.IntN(25), src)
			if docs%10 == 9 && prev != nil {
				text = append(text[:0], prev...) // a syndicated copy
			}
		}
		line.Reset()
		rec := map[string]any{"id": fmt.Sprintf("doc-%06d", docs), "source": fmt.Sprintf("site%d.example", src),
			"url": fmt.Sprintf("https://site%d.example/a/%d", src, docs), "title": fmt.Sprintf("Article %d", docs),
			"text": string(text)}
		if docs%3 == 0 {
			rec["lang"] = "xx"
		}
		if err := enc.Encode(rec); err != nil {
			t.Fatal(err)
		}
		w.Write(line.Bytes())
		n += line.Len()
		prev = append(prev[:0], text...)
		docs++
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return docs
}

// tempNames returns the names in dir that look like winnow's temporary files: the
// atomic writer's ".NAME.tmp-*" and the spools' "winnow-*".
func tempNames(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, "winnow-") || strings.HasPrefix(n, ".") && strings.Contains(n, ".tmp") {
			names = append(names, n)
		}
	}
	return names
}

// waitFor polls until cond holds or timeout passes, and reports whether it held.
func waitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return cond()
}

// TestInterrupt sends SIGINT or SIGTERM to a running "winnow clean" and checks that it
// stops promptly with status 130 or 143, writes no output, leaves no temporary file in
// the output folder or in TMPDIR, and that the next run then succeeds.
func TestInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and cleans 60 MB; skipped with -short")
	}
	bin := buildWinnow(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	start := time.Now()
	docs := writeCorpus(t, in, corpusSpec{bytes: 60 << 20, seed: 1, boilerplate: true})
	t.Logf("generated %d articles (60 MB) in %v", docs, time.Since(start).Round(time.Millisecond))

	outDir := filepath.Join(dir, "out")
	tmp := filepath.Join(dir, "tmp") // TMPDIR of the runs, to see their spools
	for _, d := range []string{outDir, tmp} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	outputs := []string{"corpus.parquet", "corpus.jsonl", "removed.parquet", "stats.json"}
	args := []string{"clean", in, "-o", filepath.Join(outDir, outputs[0]), "--jsonl", filepath.Join(outDir, outputs[1]),
		"--removed", filepath.Join(outDir, outputs[2]), "--stats", filepath.Join(outDir, outputs[3]), "--workers", "2"}
	env := append(os.Environ(), "TMPDIR="+tmp)

	for _, tt := range []struct {
		name  string
		sig   syscall.Signal
		code  int
		when  string // what to wait for before the signal
		stdin bool   // read the input from a pipe that stays open
	}{
		// in pass 1, once the outputs' temporary files exist
		{"SIGINT in pass 1", syscall.SIGINT, 130, "temp output", false},
		// in pass 2, once the spool of kept rows exists in TMPDIR
		{"SIGTERM in pass 2", syscall.SIGTERM, 143, "spool", false},
		{"SIGINT in pass 2", syscall.SIGINT, 130, "spool", false},
		{"SIGTERM in pass 1", syscall.SIGTERM, 143, "temp output", false},
		// while stdin is being spooled and the writer of the pipe is idle
		{"SIGINT while reading stdin", syscall.SIGINT, 130, "stdin spool", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := args
			if tt.stdin {
				a = append([]string{"clean", "-"}, args[2:]...)
			}
			cmd := exec.Command(bin, a...)
			var stdinW *os.File
			if tt.stdin {
				pr, pw, err := os.Pipe()
				if err != nil {
					t.Fatal(err)
				}
				defer pr.Close()
				defer pw.Close()
				cmd.Stdin, stdinW = pr, pw
			}
			cmd.Env = env
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			if stdinW != nil {
				// some articles, then silence: the pipe is neither written nor closed
				stdinW.Write([]byte(`{"id":"a","text":"one paragraph"}` + "\n"))
			}

			var ok bool
			switch tt.when {
			case "temp output":
				ok = waitFor(20*time.Second, func() bool { return len(tempNames(t, outDir)) > 0 })
				time.Sleep(300 * time.Millisecond) // let the workers get going
			case "spool":
				ok = waitFor(30*time.Second, func() bool {
					for _, n := range tempNames(t, tmp) {
						if strings.HasPrefix(n, "winnow-spool-") {
							return true
						}
					}
					return false
				})
				// a short wait: from here a 60 MB run ends in about 0.35 s on 2 cores,
				// less on a faster machine
				time.Sleep(20 * time.Millisecond)
			case "stdin spool":
				ok = waitFor(20*time.Second, func() bool { return len(tempNames(t, tmp)) > 0 })
				time.Sleep(200 * time.Millisecond)
			}
			if !ok {
				t.Logf("did not see the %s before the signal; sending it anyway", tt.when)
			}
			select {
			case err := <-exited:
				t.Fatalf("winnow ended before the signal (%v); stderr:\n%s", err, stderr.String())
			default:
			}
			sent := time.Now()
			if err := cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			select {
			case <-exited:
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				<-exited
				t.Fatalf("winnow still running 20s after %v; stderr:\n%s", tt.sig, stderr.String())
			}
			took := time.Since(sent)
			t.Logf("exited %v after the signal", took.Round(time.Millisecond))
			if code := cmd.ProcessState.ExitCode(); code != tt.code {
				t.Errorf("exit status %d, want %d; stderr:\n%s", code, tt.code, stderr.String())
			}
			want := fmt.Sprintf("winnow: interrupted by %v; no output was written", tt.sig)
			if !strings.Contains(stderr.String(), want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
			}
			if took > 5*time.Second {
				t.Errorf("took %v to stop after the signal, want under 5s", took)
			}
			for _, name := range outputs {
				if _, err := os.Stat(filepath.Join(outDir, name)); err == nil {
					t.Errorf("%s exists after an interrupted run", name)
				}
			}
			if names := tempNames(t, outDir); len(names) > 0 {
				t.Errorf("temporary files left in the output folder: %v", names)
			}
			if names := tempNames(t, tmp); len(names) > 0 {
				t.Errorf("temporary files left in TMPDIR: %v", names)
			}
		})
	}

	// The next run, in the same folders, succeeds.
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	start = time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("run after the interrupted ones: %v\n%s", err, out)
	}
	t.Logf("a full run on 60 MB took %v", time.Since(start).Round(time.Millisecond))
	for _, name := range outputs {
		if fi, err := os.Stat(filepath.Join(outDir, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s not written by the full run: %v", name, err)
		}
	}
	var st struct {
		In  int `json:"documents_in"`
		Out int `json:"documents_out"`
	}
	b, _ := os.ReadFile(filepath.Join(outDir, "stats.json"))
	if err := json.Unmarshal(b, &st); err != nil || st.In != docs || st.Out == 0 || st.Out >= docs {
		t.Errorf("stats of the full run: %+v (%v), want %d documents in and some removed", st, err, docs)
	}
	if names := append(tempNames(t, outDir), tempNames(t, tmp)...); len(names) > 0 {
		t.Errorf("temporary files left after the full run: %v", names)
	}
}
