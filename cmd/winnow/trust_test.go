package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/winnowdata/winnow/internal/tempfile"
	"github.com/winnowdata/winnow/schema"
)

func writeText(t *testing.T, path, text string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func statsOf(t *testing.T, path string) schema.Stats {
	t.Helper()
	var st schema.Stats
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestRerunDoesNotReadOutputs runs the same command twice with its outputs inside the
// folder or glob it reads: the second run must read what the first read, no more,
// and say which outputs it passed over.
func TestRerunDoesNotReadOutputs(t *testing.T) {
	for _, tc := range []struct {
		name string
		args func(data string) []string
		skip []string // outputs the second run reports passing over
	}{
		{"glob", func(data string) []string {
			return []string{filepath.Join(data, "*.jsonl"), "-o", filepath.Join(data, "clean.jsonl"),
				"--removed", filepath.Join(data, "removed.jsonl"), "--rejects", filepath.Join(data, "rejects.jsonl"),
				"--on-error", "skip", "--stats", filepath.Join(data, "stats.json")}
		}, []string{"clean.jsonl", "rejects.jsonl", "removed.jsonl"}},
		{"folder", func(data string) []string {
			return []string{data, "-o", filepath.Join(data, "shards") + "/", "--jsonl", filepath.Join(data, "corpus.jsonl"),
				"--removed", filepath.Join(data, "removed.parquet"), "--stats", filepath.Join(data, "stats.json"),
				"--report", filepath.Join(data, "report.html")}
		}, []string{"corpus.jsonl", "removed.parquet", "shards", "stats.json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := filepath.Join(t.TempDir(), "data")
			writeCorpus(t, writeText(t, filepath.Join(data, "a.jsonl"), ""), corpusSpec{bytes: 200 << 10, seed: 5, sources: 3, boilerplate: true})
			writeText(t, filepath.Join(data, "b.jsonl"), `{"id":"b","text":"one more article, alone"}`+"\n")
			var first schema.Stats
			for run := 1; run <= 2; run++ {
				code, _, stderr := winnow(t, append([]string{"clean"}, tc.args(data)...)...)
				if code != 0 {
					t.Fatalf("run %d: exit %d\n%s", run, code, stderr)
				}
				st := statsOf(t, filepath.Join(data, "stats.json"))
				if run == 1 {
					first = st
					if strings.Contains(stderr, "not reading") {
						t.Errorf("run 1 reports outputs it passed over:\n%s", stderr)
					}
					continue
				}
				if st.DocumentsIn != first.DocumentsIn || st.BytesIn != first.BytesIn || st.DocumentsOut != first.DocumentsOut {
					t.Errorf("run 2 read %d documents (%d bytes), kept %d; run 1 %d (%d), %d", st.DocumentsIn, st.BytesIn,
						st.DocumentsOut, first.DocumentsIn, first.BytesIn, first.DocumentsOut)
				}
				for _, name := range tc.skip {
					want := "winnow: not reading " + filepath.Join(data, name) + ": it is an output of this run\n"
					if strings.Count(stderr, want) != 1 {
						t.Errorf("stderr does not say once %q:\n%s", want, stderr)
					}
				}
			}
		})
	}
}

// TestOutputFolderHoldsInput: an input inside the folder of shards, which is replaced
// as a whole, is a usage error, as an output named as an input is.
func TestOutputFolderHoldsInput(t *testing.T) {
	dir := t.TempDir()
	in := writeText(t, filepath.Join(dir, "shards", "in.jsonl"), `{"id":"a","text":"x"}`+"\n")
	code, _, stderr := winnow(t, "clean", in, "-o", filepath.Join(dir, "shards")+"/")
	if code != 2 || !strings.Contains(stderr, "is inside the --output folder") {
		t.Errorf("exit %d, want 2 and the reason:\n%s", code, stderr)
	}
}

// TestCLIForms: usage errors exit 2, whatever their kind; a device and an existing
// folder named without a slash are outputs; a new name without an extension is a
// usage error that names the accepted forms.
func TestCLIForms(t *testing.T) {
	dir := t.TempDir()
	in := writeText(t, filepath.Join(dir, "in.jsonl"), `{"id":"a","text":"First paragraph.\n\nSecond one."}`+"\n")
	os.Mkdir(filepath.Join(dir, "existing"), 0o755)
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
		exists string
	}{
		{"unknown command", []string{"bogus"}, 2, `winnow: unknown command "bogus"` + "\nhint: run 'winnow help' for usage", ""},
		{"help on an unknown command", []string{"help", "bogus"}, 2, "No help topic for 'bogus'", ""},
		{"no command", []string{}, 0, "", ""},
		{"device", []string{"clean", in, "-o", "/dev/null"}, 0, "winnow: 1 document in, 1 out", ""},
		{"existing folder without slash", []string{"clean", in, "-o", filepath.Join(dir, "existing")}, 0, "", "existing/part-00000.parquet"},
		{"new name without extension", []string{"clean", in, "-o", filepath.Join(dir, "shards")}, 2,
			"no extension and no such folder; want OUT.parquet, OUT.jsonl (.ndjson, .json), a folder of Parquet shards (shards/, or an existing folder), or - for JSONL on stdout", ""},
		{"new ledger name without extension", []string{"clean", in, "-o", "-", "--removed", filepath.Join(dir, "ledger")}, 2, "want REMOVED.parquet, REMOVED.jsonl", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := winnow(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("exit %d, want %d and %q in stderr:\n%s", code, tc.code, tc.stderr, stderr)
			}
			if tc.exists != "" {
				if _, err := os.Stat(filepath.Join(dir, tc.exists)); err != nil {
					t.Error(err)
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "shards")); err == nil {
		t.Error("a usage error left shards behind")
	}
}

// TestNoSilentSkips: the summary says how many records were skipped; a file none of
// whose records has the text field fails, under --on-error skip too, naming the field
// and the likely one.
func TestNoSilentSkips(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := range 200 {
		fmt.Fprintf(&b, `{"id":"%d","body":"the article %d"}`+"\n", i, i)
	}
	body := writeText(t, filepath.Join(dir, "body.jsonl"), b.String())
	some := writeText(t, filepath.Join(dir, "some.jsonl"), `{"id":"a","text":"kept"}`+"\nnot json\n"+`{"id":"c"}`+"\n")
	out := filepath.Join(dir, "out.jsonl")
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr []string
	}{
		{"every record lacks text, skip", []string{"clean", body, "-o", out, "--on-error", "skip"}, 1, []string{
			"winnow: " + body + `: none of its 200 records has the text field "text"` + "\n",
			"hint: records have fields body, id; try --text-field body\n"}},
		{"every record lacks text, fail", []string{"clean", body, "-o", out}, 1, []string{
			"winnow: " + body + `:1: missing text field "text"` + "\n",
			"hint: records have fields body, id; try --text-field body\n"}},
		{"the right field", []string{"clean", body, "-o", out, "--text-field", "body"}, 0, []string{"winnow: 200 documents in"}},
		{"some skipped", []string{"clean", some, "-o", out, "--on-error", "skip"}, 0, []string{
			"winnow: 1 document in, 1 out; 0 of 1 paragraph removed; 2 records skipped as malformed;"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := winnow(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d:\n%s", code, tc.code, stderr)
			}
			for _, s := range tc.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
		})
	}
}

// hashes returns the SHA-256 of every file below dir, by path relative to dir, and
// the names of the entries of dir itself.
func hashes(t *testing.T, dir string) (map[string]string, []string) {
	t.Helper()
	h := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		rel, _ := filepath.Rel(dir, path)
		h[rel] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return h, names
}

// TestKillLoop kills "winnow clean" writing a folder of shards and three more outputs
// with SIGKILL at random moments of 20 runs, alternating two settings of --min-docs so
// that two runs' outputs differ (in their bytes and the flags in their metadata).
// After every kill each output must be, byte for byte, the whole output of a finished
// run of one setting or the other, and the folder of shards must hold exactly that
// run's shards; beside them there may only be hidden temporary files of the dead runs,
// and in TMPDIR only their spools. A last run, not killed, must leave exactly its own
// outputs: no temporary file in the output folder or in TMPDIR.
func TestKillLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("runs winnow 24 times; skipped with -short")
	}
	bin := buildWinnow(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	writeCorpus(t, in, corpusSpec{bytes: 12 << 20, seed: 9, boilerplate: true})
	tmp := filepath.Join(dir, "tmp")
	os.Mkdir(tmp, 0o755)
	env := append(os.Environ(), "TMPDIR="+tmp)
	args := func(out, minDocs string) []string {
		return []string{"clean", in, "-o", filepath.Join(out, "shards") + "/", "--jsonl", filepath.Join(out, "corpus.jsonl"),
			"--removed", filepath.Join(out, "removed.parquet"), "--stats", filepath.Join(out, "stats.json"),
			"--min-docs", minDocs, "--workers", "2", "-q"}
	}
	settings := []string{"3", "5"}
	// the outputs of a finished run of each setting
	want := map[string]map[string]bool{} // relative path -> acceptable hashes
	for _, md := range settings {
		ref := filepath.Join(dir, "ref"+md)
		os.Mkdir(ref, 0o755)
		cmd := exec.Command(bin, args(ref, md)...)
		cmd.Env = env
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("reference run: %v\n%s", err, b)
		}
		h, _ := hashes(t, ref)
		for p, sum := range h {
			if want[p] == nil {
				want[p] = map[string]bool{}
			}
			want[p][sum] = true
		}
	}
	outputs := []string{"corpus.jsonl", "removed.parquet", "shards", "stats.json"}
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	cmd := exec.Command(bin, args(out, "5")...)
	cmd.Env = env
	begin := time.Now()
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("first run: %v\n%s", err, b)
	}
	first := time.Since(begin)

	check := func(when string, final bool) {
		h, names := hashes(t, out)
		for p, sum := range h {
			if strings.HasPrefix(filepath.Base(p), ".") || strings.HasPrefix(p, ".") {
				continue // a temporary file, checked below
			}
			if !want[p][sum] {
				t.Errorf("%s: %s is not the whole output of a finished run", when, p)
			}
		}
		shards, _ := hashes(t, filepath.Join(out, "shards"))
		if len(shards) != len(want)-3 {
			t.Errorf("%s: the folder of shards holds %d files, want %d", when, len(shards), len(want)-3)
		}
		for _, n := range names {
			switch {
			case slices.Contains(outputs, n):
			case !final && tempfile.Is(n):
			default:
				t.Errorf("%s: %s in the output folder", when, n)
			}
		}
		for _, n := range tempNames(t, tmp) {
			if final || !tempfile.Is(n) {
				t.Errorf("%s: %s in TMPDIR", when, n)
			}
		}
	}
	// Kill at a random moment of the run: est follows the length of the runs that
	// ended before their kill, as the load of the machine changes.
	r := rand.New(rand.NewPCG(3, 4))
	est := first
	var killed, leftTemps, committed int
	for i := range 20 {
		statsBefore, _ := hashes(t, out)
		cmd := exec.Command(bin, args(out, settings[i%2])...)
		cmd.Env = env
		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan time.Duration, 1)
		go func() { cmd.Wait(); exited <- time.Since(start) }()
		select {
		case d := <-exited:
			est = d * 9 / 10
		case <-time.After(time.Duration(r.Int64N(int64(est)))):
			cmd.Process.Signal(syscall.SIGKILL)
			<-exited
			killed++
		}
		check(fmt.Sprintf("after kill %d", i+1), false)
		if n := len(tempNames(t, tmp)) + len(hiddenNames(t, out)); n > 0 {
			leftTemps++
		}
		if h, _ := hashes(t, out); h["stats.json"] != statsBefore["stats.json"] {
			committed++
		}
	}
	cmd = exec.Command(bin, args(out, "3")...)
	cmd.Env = env
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the run after the kills: %v\n%s", err, b)
	}
	check("after the last run", true)
	if h, _ := hashes(t, out); h["stats.json"] != onlyKey(want["stats.json"], filepath.Join(dir, "ref3", "stats.json")) {
		t.Error("the last run's stats are not those of --min-docs 3")
	}
	t.Logf("a whole run took %v; %d of 20 runs killed at a random moment, %d kills left temporary files, %d runs had committed their stats (a new setting's)",
		first.Round(time.Millisecond), killed, leftTemps, committed)
}

// hiddenNames lists the hidden entries of dir.
func hiddenNames(t *testing.T, dir string) []string {
	var names []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	return names
}

// onlyKey returns the hash of the file at path if it is one of set, else "".
func onlyKey(set map[string]bool, path string) string {
	b, _ := os.ReadFile(path)
	sum := sha256.Sum256(b)
	if h := hex.EncodeToString(sum[:]); set[h] {
		return h
	}
	return ""
}

// TestInterruptedRerunKeepsShards: a rerun into a folder of shards interrupted after
// it has begun writing shards leaves the earlier run's folder as it was (it used to
// remove the old first shard and leave the others).
func TestInterruptedRerunKeepsShards(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := buildWinnow(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	writeCorpus(t, in, corpusSpec{bytes: 10 << 20, seed: 2, boilerplate: true})
	shards := filepath.Join(dir, "shards")
	run := func(minDocs string) *exec.Cmd {
		cmd := exec.Command(bin, "clean", in, "-o", shards+"/", "--min-docs", minDocs, "--no-doc-dedup", "--workers", "2", "-q")
		cmd.Env = append(os.Environ(), "TMPDIR="+dir)
		return cmd
	}
	if b, err := run("3").CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	before, _ := hashes(t, shards)
	cmd := run("5")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// wait until the new run writes its first shard, beside the folder
	started := waitFor(20*time.Second, func() bool {
		for _, n := range hiddenNames(t, dir) {
			if strings.HasPrefix(n, ".shards.tmp-") {
				entries, _ := os.ReadDir(filepath.Join(dir, n))
				return len(entries) > 0
			}
		}
		return false
	})
	if !started {
		t.Log("did not see the new run's shards before the signal")
	}
	cmd.Process.Signal(syscall.SIGINT)
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit %d, want 130:\n%s", code, stderr.String())
	}
	after, _ := hashes(t, shards)
	if !mapsEqual(before, after) {
		t.Errorf("the folder of shards changed: %v, was %v", after, before)
	}
	if names := hiddenNames(t, dir); len(names) > 0 {
		t.Errorf("left beside the folder: %v", names)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestBrokenPipe: "winnow clean X -o - | head -1": when the reader of stdout goes
// away, winnow stops as on SIGINT, removes its spools and temporary files, writes no
// other output, says nothing, and exits 141 as a process killed by SIGPIPE would.
func TestBrokenPipe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := buildWinnow(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	writeCorpus(t, in, corpusSpec{bytes: 4 << 20, seed: 4, boilerplate: true})
	for _, tc := range []struct {
		name  string
		args  []string
		stdin bool
	}{
		{"stdin to stdout", []string{"clean", "-", "-o", "-"}, true},
		{"file to stdout, no doc dedup", []string{"clean", in, "-o", "-", "--no-doc-dedup"}, false},
		{"file to stdout with stats", []string{"clean", in, "-o", "-", "--stats", filepath.Join(dir, "out", "stats.json")}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			os.MkdirAll(filepath.Join(dir, "out"), 0o755)
			cmd := exec.Command(bin, tc.args...)
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
			if tc.stdin {
				f, err := os.Open(in)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				cmd.Stdin = f
			}
			pr, pw, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			cmd.Stdout = pw
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			pw.Close()
			line, err := bufio.NewReader(pr).ReadString('\n')
			if err != nil || !strings.HasPrefix(line, `{"id":`) {
				t.Errorf("first line %q, %v", line, err)
			}
			pr.Close() // head -1 exits
			done := make(chan struct{})
			go func() { cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				<-done
				t.Fatal("still running 30s after its stdout was closed")
			}
			if code := cmd.ProcessState.ExitCode(); code != 141 {
				t.Errorf("exit %d (%v), want 141; stderr:\n%s", code, cmd.ProcessState, stderr.String())
			}
			if stderr.Len() > 0 {
				t.Errorf("stderr: %q, want nothing", stderr.String())
			}
			if names := tempNames(t, tmp); len(names) > 0 {
				t.Errorf("left in TMPDIR: %v", names)
			}
			if names, _ := os.ReadDir(filepath.Join(dir, "out")); len(names) > 0 {
				t.Errorf("left in the output folder: %v", names)
			}
		})
	}
}
