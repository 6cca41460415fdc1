package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
)

// scriptDir holds the script cases, relative to this package.
const scriptDir = "../../testdata/script"

// TestScript runs the command-line cases of testdata/script: one case a txtar archive
// (a comment, then files, each after a line "-- NAME --"; see golang.org/x/tools/txtar),
// one subtest a file, named after it without ".txtar".
//
// The archive's files are written into a fresh folder, the working directory of the
// case's runs, and TMPDIR points to another fresh folder of the case's own. The comment
// holds the directives, one a line, as "NAME: ARGS"; blank lines and lines that start with
// # are comments. "run:" starts a step, and the directives after it, up to the next
// "run:", are that step's. The directives before the first "run:" prepare the case.
//
// ARGS are split into words as a shell does: 'single' quotes keep everything, "double"
// quotes let a backslash escape " \ and $, a backslash outside quotes escapes the next
// character; $WORK (the case's folder) and $TMPDIR are expanded outside single quotes,
// and nothing else is. A regular expression (stdout:, stderr:, match:) is the rest of the
// line as it stands, in Go syntax, multi-line: ^ and $ match at line breaks.
//
// A step:
//
//	run: ARGS...       run winnow with ARGS ("clean …"), in this process unless user: or
//	                   ulimit: asks for the built binary
//	exit: N            its exit status must be N (0 unless given)
//	stdout: RE         its stdout must match RE; "! stdout: RE": must not
//	stderr: RE         its stderr must match RE; "! stderr: RE": must not
//	exists: GLOB...    each GLOB must match a file or folder (a symlink counts, dangling
//	                   or not); relative to the case's folder
//	absent: GLOB...    no GLOB may match anything
//	cmp: FILE GOLDEN   FILE (or "stdout" or "stderr": the step's) must equal GOLDEN byte
//	                   for byte
//	match: FILE RE     FILE must match RE; "! match: FILE RE": must not
//	device: PATH       PATH must (still) be a character device
//	env: K=V           set K for the step; before the first run:, for every step
//	stdin: FILE        the run reads FILE of the case's folder (else an empty stdin)
//	user: nobody       when the tests run as root, run the built binary as user nobody,
//	                   so that file modes apply to it; else run as the current user
//	ulimit: ARGS       run the built binary under the shell's "ulimit ARGS"
//
// cmp and match read a FILE that ends in .parquet as its rows: one JSON object a line,
// the columns in the schema's order, NULLs left out, which is the JSONL that winnow
// writes for the same rows. GOLDEN is a file of the archive, compared with what the
// archive holds, so "cmp: in.jsonl in.jsonl" checks that a run left its input alone;
// "go test ./cmd/winnow -run TestScript -update" rewrites those sections of the .txtar
// files with what FILE holds, and changes nothing else. A GOLDEN that is not in the
// archive is a file of the case's folder (one that gen: wrote); -update leaves it be.
//
// Inputs that a txtar file cannot hold as text (binary, invalid UTF-8, NUL or CR bytes,
// huge lines, compressed streams, Parquet, symlinks, empty folders) are made by these,
// before the first run: or in a step, where they are carried out before its run:
//
//	gen: articles DST N PREFIX SEED [K]
//	                   N JSONL records of distinct synthetic articles, ids PREFIX-0 …,
//	                   texts of seeds SEED, SEED+1 … (for inputs too big to spell out);
//	                   with K, records of an id and a text only, each text K articles
//	                   run into one long paragraph (seeds SEED+K·i …)
//	gen: bytes DST PIECE...
//	                   DST holds the pieces one after another. A piece is a string with
//	                   the escapes \n \r \t \\ \xHH \uHHHH (single-quote it, so that the
//	                   shell rules leave the backslashes alone), or hex:HEX, or @FILE (a
//	                   file of the case's folder), or *N: the piece before, N times in all
//	gen: replace SRC DST OLD NEW
//	                   DST is SRC with every OLD replaced by NEW, both with the escapes
//	                   of bytes ('\n' '\r\n' gives CRLF line ends)
//	gen: gzip SRC... DST
//	                   the SRCs gzipped into DST, one gzip member each
//	gen: zstd SRC... DST
//	                   the SRCs compressed into DST, one zstd frame each
//	gen: parquet JSONL DST
//	                   a Parquet file of JSONL's records, a column for each key (in the
//	                   order of their names): strings make a string column, integers INT32
//	                   (INT64 when one needs it), other numbers DOUBLE, true and false
//	                   BOOLEAN; a column is optional when a record holds null or lacks it
//	gen: truncate FILE SIZE
//	                   cut FILE to SIZE bytes, or to N % of its size with "N%"
//	gen: corrupt FILE  XOR 0x5a into every 7th byte of FILE from offset 20 to 8 bytes
//	                   before its end
//	symlink: TARGET LINK
//	mkdir: DIR...
//	chmod: MODE FILE...
//	                   MODE in octal
//	skip: REASON       skip the case; "skip: known bug …" skips it unless WINNOW_KNOWN_BUGS
//	                   is set (such a case asserts the right behaviour of a known bug)
//
// After every step the runner also checks that no temporary file is left in the case's
// folder (".NAME.tmp-…") or in TMPDIR ("winnow-…"), and that a run which failed said so
// on a stderr line that starts with "winnow: ".
func TestScript(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(scriptDir, "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	// a guard against a moved folder, which would pass with no case at all
	if len(files) < 30 {
		t.Fatalf("only %d cases in %s", len(files), scriptDir)
	}
	for _, file := range files {
		abs, err := filepath.Abs(file)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			runScript(t, abs)
		})
	}
}

// An archive is a parsed txtar file: its comment and its files, each with the place of
// its data in the file's bytes, so that -update can replace one and change nothing else.
type archive struct {
	data    []byte
	comment []byte
	files   []archiveFile
}

type archiveFile struct {
	name       string
	start, end int // data[start:end] is the file's content
}

// parseArchive splits a txtar file. A marker line is "-- NAME --" (NAME not empty).
func parseArchive(data []byte) *archive {
	a := &archive{data: data}
	var cur *archiveFile
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		next := len(data)
		if end >= 0 {
			next = off + end + 1
		}
		line := strings.TrimRight(string(data[off:next]), "\r\n")
		if name, ok := markerName(line); ok {
			if cur == nil {
				a.comment = data[:off]
			} else {
				cur.end = off
			}
			a.files = append(a.files, archiveFile{name: name, start: next, end: len(data)})
			cur = &a.files[len(a.files)-1]
		}
		off = next
	}
	if cur == nil {
		a.comment = data
	}
	return a
}

func markerName(line string) (string, bool) {
	if !strings.HasPrefix(line, "-- ") || !strings.HasSuffix(line, " --") || len(line) < len("-- x --") {
		return "", false
	}
	name := strings.TrimSpace(line[3 : len(line)-3])
	return name, name != ""
}

func (a *archive) file(name string) (archiveFile, bool) {
	for _, f := range a.files {
		if f.name == name {
			return f, true
		}
	}
	return archiveFile{}, false
}

// withFiles returns the archive's bytes with the content of the named files replaced.
func (a *archive) withFiles(repl map[string][]byte) []byte {
	var b bytes.Buffer
	last := 0
	for _, f := range a.files {
		if data, ok := repl[f.name]; ok {
			b.Write(a.data[last:f.start])
			if f.start == len(a.data) && (f.start == 0 || a.data[f.start-1] != '\n') && len(data) > 0 {
				b.WriteByte('\n') // the marker was the last line, without a line end
			}
			b.Write(data)
			last = f.end
		}
	}
	b.Write(a.data[last:])
	return b.Bytes()
}

// A directive is one line of a case's comment.
type directive struct {
	line int    // in the .txtar file
	name string // "run", "stderr", …
	neg  bool   // written "! name:"
	arg  string // the rest of the line, trimmed
}

func (d directive) String() string { return fmt.Sprintf("line %d: %s", d.line, d.name) }

// step is a run and the directives that go with it; the first step of a case has no run.
type step struct {
	run  *directive
	dirs []directive
}

// The directives each place allows; "!" marks those that may be negated.
var (
	prepareDirectives = []string{"gen", "symlink", "mkdir", "chmod"}
	stepDirectives    = []string{"exit", "stdout", "stderr", "exists", "absent", "cmp", "match", "device",
		"env", "stdin", "user", "ulimit"}
	negatable = []string{"stdout", "stderr", "match"}
)

func parseDirectives(comment []byte) ([]step, error) {
	steps := []step{{}}
	for i, line := range strings.Split(string(comment), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, arg, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("line %d: %q is no directive (NAME: ARGS)", i+1, line)
		}
		d := directive{line: i + 1, name: strings.TrimSpace(name), arg: strings.TrimSpace(arg)}
		if rest, ok := strings.CutPrefix(d.name, "!"); ok {
			d.neg, d.name = true, strings.TrimSpace(rest)
			if !slices.Contains(negatable, d.name) {
				return nil, fmt.Errorf("line %d: %s cannot be negated", d.line, d.name)
			}
		}
		first := len(steps) == 1
		switch {
		case d.name == "run":
			steps = append(steps, step{run: &d})
		case d.name == "skip":
			if !first {
				return nil, fmt.Errorf("line %d: skip must come before the first run:", d.line)
			}
			steps[0].dirs = append(steps[0].dirs, d)
		case slices.Contains(prepareDirectives, d.name):
			steps[len(steps)-1].dirs = append(steps[len(steps)-1].dirs, d)
		case d.name == "env" && first:
			steps[0].dirs = append(steps[0].dirs, d)
		case slices.Contains(stepDirectives, d.name):
			if first {
				return nil, fmt.Errorf("line %d: %s: belongs to a step: it must come after a run:", d.line, d.name)
			}
			steps[len(steps)-1].dirs = append(steps[len(steps)-1].dirs, d)
		default:
			return nil, fmt.Errorf("line %d: unknown directive %q", d.line, d.name)
		}
	}
	if len(steps) == 1 {
		return nil, errors.New("no run: directive")
	}
	return steps, nil
}

// scriptCase is the state of one running case.
type scriptCase struct {
	t       *testing.T
	path    string // of the .txtar file
	ar      *archive
	work    string // the case's folder, the working directory
	tmp     string // its TMPDIR
	env     []string
	updates map[string][]byte // golden sections to rewrite under -update

	// of the last run
	code           int
	stdout, stderr []byte
}

func runScript(t *testing.T, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ar := parseArchive(data)
	steps, err := parseDirectives(ar.comment)
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
	for _, d := range steps[0].dirs {
		if d.name != "skip" {
			continue
		}
		if strings.HasPrefix(d.arg, "known bug") && os.Getenv("WINNOW_KNOWN_BUGS") != "" {
			continue
		}
		t.Skip(d.arg)
	}
	sc := &scriptCase{t: t, path: path, ar: ar, work: t.TempDir(), tmp: t.TempDir(), updates: map[string][]byte{}}
	for _, f := range ar.files {
		p := filepath.Join(sc.work, filepath.FromSlash(f.name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data[f.start:f.end], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("TMPDIR", sc.tmp)
	t.Chdir(sc.work)

	for i, st := range steps {
		if !sc.doStep(i, st) {
			break
		}
	}
	if *update && len(sc.updates) > 0 && !t.Failed() {
		if err := os.WriteFile(path, ar.withFiles(sc.updates), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote %d golden sections of %s", len(sc.updates), filepath.Base(path))
	}
}

// doStep prepares, runs and checks one step. It returns false when the case cannot go on.
func (sc *scriptCase) doStep(i int, st step) bool {
	t := sc.t
	t.Helper()
	var env []string
	var stdin []byte
	var user, ulimit string
	for _, d := range st.dirs {
		var err error
		switch d.name {
		case "gen", "symlink", "mkdir", "chmod":
			err = sc.prepare(d)
		case "env":
			if k, _, ok := strings.Cut(d.arg, "="); !ok || k == "" {
				err = errors.New("want K=V")
			}
			if st.run == nil {
				sc.env = append(sc.env, d.arg)
			} else {
				env = append(env, d.arg)
			}
		case "stdin":
			stdin, err = os.ReadFile(d.arg)
		case "user":
			if d.arg != "nobody" {
				err = errors.New("the one user is nobody")
			}
			user = d.arg
		case "ulimit":
			ulimit = d.arg
		}
		if err != nil {
			t.Errorf("%v: %v", d, err)
			return false
		}
	}
	if st.run == nil {
		return true
	}
	args, err := sc.words(st.run.arg)
	if err != nil {
		t.Errorf("%v: %v", *st.run, err)
		return false
	}
	env = append(slices.Clone(sc.env), env...)
	if user != "" && os.Geteuid() != 0 {
		user = "" // the current user is no more than nobody: modes apply as they are
	}
	if user != "" || ulimit != "" {
		sc.runBinary(args, env, stdin, user, ulimit)
	} else {
		sc.runInProcess(args, env, stdin)
	}
	t.Logf("step %d (line %d): winnow %s: exit %d", i, st.run.line, st.run.arg, sc.code)

	code := 0
	for _, d := range st.dirs {
		if d.name == "exit" {
			if code, err = strconv.Atoi(d.arg); err != nil {
				t.Errorf("%v: %v", d, err)
			}
		}
	}
	if sc.code != code {
		t.Errorf("line %d: exit status %d, want %d; stderr:\n%s", st.run.line, sc.code, code, sc.stderr)
	}
	if sc.code != 0 && !regexp.MustCompile(`(?m)^winnow: `).Match(sc.stderr) {
		t.Errorf("line %d: the error is not on a line starting \"winnow: \":\n%s", st.run.line, sc.stderr)
	}
	for _, d := range st.dirs {
		if err := sc.check(d); err != nil {
			t.Errorf("%v: %v", d, err)
		}
	}
	sc.checkTempFiles(st.run.line)
	return true
}

// runInProcess runs the command line as main does, in the case's folder.
func (sc *scriptCase) runInProcess(args, env []string, stdin []byte) {
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		old, had := os.LookupEnv(k)
		os.Setenv(k, v)
		if had {
			defer os.Setenv(k, old)
		} else {
			defer os.Unsetenv(k)
		}
	}
	var out, errb bytes.Buffer
	sc.code = run(context.Background(), append([]string{"winnow"}, args...), bytes.NewReader(stdin), &out, &errb)
	sc.stdout, sc.stderr = out.Bytes(), errb.Bytes()
}

// runBinary runs the built binary, as user nobody or under ulimit when asked.
func (sc *scriptCase) runBinary(args, env []string, stdin []byte, user, ulimit string) {
	t := sc.t
	argv := append([]string{buildWinnow(t)}, args...)
	if ulimit != "" {
		argv = append([]string{"sh", "-c", "ulimit " + ulimit + `; exec "$0" "$@"`}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = sc.work
	cmd.Env = append(append(os.Environ(), "TMPDIR="+sc.tmp), env...)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if user == "nobody" {
		// nobody must reach the case's folders and write into them
		for _, dir := range []string{sc.work, sc.tmp} {
			for d := filepath.Dir(dir); d != filepath.Dir(d); d = filepath.Dir(d) {
				if fi, err := os.Stat(d); err == nil && fi.Mode().Perm()&0o001 == 0 {
					os.Chmod(d, fi.Mode().Perm()|0o005)
				}
			}
			os.Chmod(dir, 0o777)
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		if user != "" {
			t.Skipf("cannot run as %s here: %v", user, err)
		}
		t.Fatal(err)
	}
	sc.code, sc.stdout, sc.stderr = cmd.ProcessState.ExitCode(), out.Bytes(), errb.Bytes()
}

// check carries out one of a step's checks; the other directives pass.
func (sc *scriptCase) check(d directive) error {
	switch d.name {
	case "stdout", "stderr":
		out := sc.stdout
		if d.name == "stderr" {
			out = sc.stderr
		}
		return matchRegexp(d, d.arg, out)
	case "match":
		file, re, _ := strings.Cut(d.arg, " ")
		got, err := sc.content(file)
		if err != nil {
			return err
		}
		return matchRegexp(d, strings.TrimSpace(re), got)
	case "exists", "absent":
		globs, err := sc.words(d.arg)
		if err != nil {
			return err
		}
		for _, g := range globs {
			m, err := filepath.Glob(g)
			if err != nil {
				return err
			}
			if d.name == "exists" && len(m) == 0 {
				return fmt.Errorf("nothing matches %s", g)
			}
			if d.name == "absent" && len(m) > 0 {
				return fmt.Errorf("%s must not exist", strings.Join(m, ", "))
			}
		}
	case "device":
		fi, err := os.Stat(d.arg)
		if err != nil {
			return err
		}
		if fi.Mode()&fs.ModeCharDevice == 0 {
			return fmt.Errorf("%s is no longer a character device: %v", d.arg, fi.Mode())
		}
	case "cmp":
		return sc.cmp(d)
	}
	return nil
}

func matchRegexp(d directive, expr string, got []byte) error {
	re, err := regexp.Compile("(?m)" + expr)
	if err != nil {
		return err
	}
	if re.Match(got) == d.neg {
		not := ""
		if !d.neg {
			not = "no "
		}
		return fmt.Errorf("%smatch for %q in:\n%s", not, expr, clip(got))
	}
	return nil
}

// clip shortens a long output for a message.
func clip(b []byte) []byte {
	if len(b) > 4000 {
		return append(b[:4000:4000], "…"...)
	}
	return b
}

// content reads what cmp and match compare: the last run's stdout or stderr, a
// Parquet file's rows as JSONL, or a file.
func (sc *scriptCase) content(name string) ([]byte, error) {
	switch {
	case name == "stdout":
		return sc.stdout, nil
	case name == "stderr":
		return sc.stderr, nil
	case strings.HasSuffix(name, ".parquet"):
		return parquetRows(name)
	}
	return os.ReadFile(name)
}

func (sc *scriptCase) cmp(d directive) error {
	w, err := sc.words(d.arg)
	if err != nil {
		return err
	}
	if len(w) != 2 {
		return errors.New("want cmp: FILE GOLDEN")
	}
	got, err := sc.content(w[0])
	if err != nil {
		return err
	}
	var want []byte
	f, inArchive := sc.ar.file(w[1])
	if inArchive {
		want = sc.ar.data[f.start:f.end]
	} else if want, err = os.ReadFile(w[1]); err != nil {
		return err
	}
	if bytes.Equal(got, want) {
		return nil
	}
	if *update && inArchive {
		if len(got) > 0 && got[len(got)-1] != '\n' {
			return fmt.Errorf("%s does not end in a newline: a txtar section cannot hold it", w[0])
		}
		if prev, ok := sc.updates[w[1]]; ok && !bytes.Equal(prev, got) {
			return fmt.Errorf("two cmp: directives give %s different contents", w[1])
		}
		sc.updates[w[1]] = got
		return nil
	}
	return fmt.Errorf("%s differs from %s (go test ./cmd/winnow -run TestScript -update rewrites it):\n%s",
		w[0], w[1], diffLines(want, got))
}

// diffLines shows where got first departs from want: the line, and the bytes around
// the first difference in it.
func diffLines(want, got []byte) string {
	wl, gl := bytes.SplitAfter(want, []byte("\n")), bytes.SplitAfter(got, []byte("\n"))
	i := 0
	for i < len(wl) && i < len(gl) && bytes.Equal(wl[i], gl[i]) {
		i++
	}
	line := func(ls [][]byte, col int) string {
		if i >= len(ls) {
			return "(no such line)"
		}
		l := ls[i]
		from, to := max(col-60, 0), min(col+60, len(l))
		s := strconv.Quote(string(l[from:to]))
		if from > 0 {
			s = "…" + s
		}
		if to < len(l) {
			s += "…"
		}
		return s
	}
	col := 0
	if i < len(wl) && i < len(gl) {
		for col < len(wl[i]) && col < len(gl[i]) && wl[i][col] == gl[i][col] {
			col++
		}
	}
	return fmt.Sprintf("line %d, byte %d (%d lines, want %d):\nwant %s\ngot  %s", i+1, col+1,
		bytes.Count(got, []byte("\n")), bytes.Count(want, []byte("\n")), line(wl, col), line(gl, col))
}

// checkTempFiles fails the case for a temporary file left in its folder or TMPDIR.
func (sc *scriptCase) checkTempFiles(line int) {
	for _, root := range []string{sc.work, sc.tmp} {
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			n := d.Name()
			if d.IsDir() && path != root && strings.HasPrefix(n, "winnow-") {
				sc.t.Errorf("line %d: temporary folder left behind: %s", line, path)
			}
			if !d.IsDir() && (strings.HasPrefix(n, "winnow-") || strings.HasPrefix(n, ".") && strings.Contains(n, ".tmp")) {
				sc.t.Errorf("line %d: temporary file left behind: %s", line, path)
			}
			return nil
		})
	}
}

// prepare carries out gen:, symlink:, mkdir: and chmod:.
func (sc *scriptCase) prepare(d directive) error {
	w, err := sc.words(d.arg)
	if err != nil {
		return err
	}
	switch d.name {
	case "symlink":
		if len(w) != 2 {
			return errors.New("want symlink: TARGET LINK")
		}
		if err := os.MkdirAll(filepath.Dir(w[1]), 0o755); err != nil {
			return err
		}
		return os.Symlink(w[0], w[1])
	case "mkdir":
		for _, dir := range w {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
		}
		return nil
	case "chmod":
		if len(w) < 2 {
			return errors.New("want chmod: MODE FILE...")
		}
		mode, err := strconv.ParseUint(w[0], 8, 32)
		if err != nil {
			return err
		}
		for _, f := range w[1:] {
			if err := os.Chmod(f, fs.FileMode(mode)); err != nil {
				return err
			}
		}
		return nil
	}
	if len(w) == 0 {
		return errors.New("want gen: KIND ARGS...")
	}
	kind, w := w[0], w[1:]
	need := func(n int, usage string) error {
		if len(w) != n {
			return fmt.Errorf("want gen: %s %s", kind, usage)
		}
		return nil
	}
	var data []byte
	var dst string
	switch kind {
	case "articles":
		if len(w) != 5 {
			if err := need(4, "DST N PREFIX SEED [K]"); err != nil {
				return err
			}
		}
		n, err1 := strconv.Atoi(w[1])
		seed, err2 := strconv.Atoi(w[3])
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		if len(w) == 4 {
			dst, data = w[0], []byte(jsonLines(w[2], seed, n))
			break
		}
		k, err := strconv.Atoi(w[4])
		if err != nil {
			return err
		}
		dst, data = w[0], longArticles(w[2], seed, n, k)
	case "bytes":
		if len(w) < 1 {
			return errors.New("want gen: bytes DST PIECE...")
		}
		dst = w[0]
		if data, err = pieces(w[1:]); err != nil {
			return err
		}
	case "replace":
		if err := need(4, "SRC DST OLD NEW"); err != nil {
			return err
		}
		src, err := os.ReadFile(w[0])
		if err != nil {
			return err
		}
		old, err1 := unescape(w[2])
		repl, err2 := unescape(w[3])
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		if len(old) == 0 {
			return errors.New("replace: OLD is empty")
		}
		dst, data = w[1], bytes.ReplaceAll(src, old, repl)
	case "gzip", "zstd":
		if len(w) < 2 {
			return fmt.Errorf("want gen: %s SRC... DST", kind)
		}
		dst = w[len(w)-1]
		for _, src := range w[:len(w)-1] {
			b, err := os.ReadFile(src)
			if err != nil {
				return err
			}
			if b, err = compress(kind, b); err != nil {
				return err
			}
			data = append(data, b...)
		}
	case "parquet":
		if err := need(2, "JSONL DST"); err != nil {
			return err
		}
		return jsonlToParquet(w[0], w[1])
	case "truncate":
		if err := need(2, "FILE SIZE"); err != nil {
			return err
		}
		fi, err := os.Stat(w[0])
		if err != nil {
			return err
		}
		size, err := strconv.ParseInt(strings.TrimSuffix(w[1], "%"), 10, 64)
		if err != nil {
			return err
		}
		if strings.HasSuffix(w[1], "%") {
			size = fi.Size() * size / 100
		}
		return os.Truncate(w[0], size)
	case "corrupt":
		if err := need(1, "FILE"); err != nil {
			return err
		}
		if data, err = os.ReadFile(w[0]); err != nil {
			return err
		}
		for i := 20; i < len(data)-8; i += 7 {
			data[i] ^= 0x5a
		}
		dst = w[0]
	default:
		return fmt.Errorf("unknown generator %q", kind)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o644)
}

// pieces puts together the bytes of "gen: bytes".
func pieces(args []string) ([]byte, error) {
	var b, last []byte
	for _, a := range args {
		var p []byte
		var err error
		switch {
		case strings.HasPrefix(a, "*") && len(a) > 1 && strings.Trim(a[1:], "0123456789") == "":
			n, _ := strconv.Atoi(a[1:])
			if last == nil || n < 1 {
				return nil, fmt.Errorf("%s: repeats no piece", a)
			}
			b = append(b, bytes.Repeat(last, n-1)...)
			last = nil
			continue
		case strings.HasPrefix(a, "hex:"):
			p, err = hex.DecodeString(a[len("hex:"):])
		case strings.HasPrefix(a, "@"):
			p, err = os.ReadFile(a[1:])
		default:
			p, err = unescape(a)
		}
		if err != nil {
			return nil, err
		}
		b = append(b, p...)
		last = p
	}
	return b, nil
}

// unescape turns the escapes \n \r \t \\ \xHH \uHHHH of s into their bytes.
func unescape(s string) ([]byte, error) {
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b = append(b, s[i])
			continue
		}
		if i+1 == len(s) {
			return nil, fmt.Errorf("%q ends in a lone backslash", s)
		}
		i++
		switch c := s[i]; c {
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case '\\':
			b = append(b, '\\')
		case 'x', 'u':
			n := 2
			if c == 'u' {
				n = 4
			}
			if i+1+n > len(s) {
				return nil, fmt.Errorf("%q: \\%c wants %d hex digits", s, c, n)
			}
			v, err := strconv.ParseUint(s[i+1:i+1+n], 16, 32)
			if err != nil {
				return nil, fmt.Errorf("%q: \\%c wants %d hex digits", s, c, n)
			}
			if c == 'x' {
				b = append(b, byte(v))
			} else {
				b = append(b, string(rune(v))...)
			}
			i += n
		default:
			return nil, fmt.Errorf("%q: unknown escape \\%c", s, c)
		}
	}
	return b, nil
}

func compress(kind string, b []byte) ([]byte, error) {
	var buf bytes.Buffer
	var w io.WriteCloser
	if kind == "gzip" {
		w = gzip.NewWriter(&buf)
	} else {
		zw, err := zstd.NewWriter(&buf)
		if err != nil {
			return nil, err
		}
		w = zw
	}
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// words splits a directive's arguments as a shell would, expanding $WORK and $TMPDIR.
func (sc *scriptCase) words(s string) ([]string, error) {
	vars := map[string]string{"WORK": sc.work, "TMPDIR": sc.tmp}
	var words []string
	var w strings.Builder
	inWord := false
	// expand reads a variable name at s[i:] after a "$" and returns where it ends.
	expand := func(i int) int {
		j, brace := i, false
		if j < len(s) && s[j] == '{' {
			brace, j = true, j+1
		}
		k := j
		for k < len(s) && (s[k] == '_' || 'A' <= s[k] && s[k] <= 'Z' || 'a' <= s[k] && s[k] <= 'z' || '0' <= s[k] && s[k] <= '9') {
			k++
		}
		v, ok := vars[s[j:k]]
		if brace && (k >= len(s) || s[k] != '}') {
			ok = false
		}
		if !ok {
			w.WriteByte('$') // not ours: kept as it is
			return i
		}
		w.WriteString(v)
		if brace {
			k++
		}
		return k
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
			i++
			continue
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("unclosed ' in %q", s)
			}
			w.WriteString(s[i+1 : i+1+end])
			i += end + 2
		case c == '"':
			i++
			for {
				if i >= len(s) {
					return nil, fmt.Errorf("unclosed \" in %q", s)
				}
				if s[i] == '"' {
					i++
					break
				}
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(`"\$`, s[i+1]) >= 0 {
					w.WriteByte(s[i+1])
					i += 2
					continue
				}
				if s[i] == '$' {
					i = expand(i + 1)
					continue
				}
				w.WriteByte(s[i])
				i++
			}
		case c == '\\':
			if i+1 == len(s) {
				return nil, fmt.Errorf("%q ends in a lone backslash", s)
			}
			w.WriteByte(s[i+1])
			i += 2
		case c == '$':
			i = expand(i + 1)
		default:
			w.WriteByte(c)
			i++
		}
		inWord = true
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, nil
}

// parquetRows returns the rows of a Parquet file as JSONL: one object a row, the columns
// in the schema's order, a NULL left out (winnow's JSONL writer omits an empty optional
// string, and writes one as NULL in Parquet).
func parquetRows(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	pf, err := parquet.OpenFile(f, fi.Size())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var fields []string
	for _, fl := range pf.Schema().Fields() {
		if !fl.Leaf() {
			return nil, fmt.Errorf("%s: column %s is nested", path, fl.Name())
		}
		fields = append(fields, fl.Name())
	}
	r := parquet.NewReader(pf)
	defer r.Close()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for n := 1; ; n++ {
		row := map[string]any{}
		if err := r.Read(&row); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("%s: row %d: %w", path, n, err)
		}
		b.WriteByte('{')
		sep := ""
		for _, name := range fields {
			v, ok := row[name]
			if !ok || v == nil {
				continue
			}
			b.WriteString(sep)
			sep = ","
			enc.Encode(name)
			b.Truncate(b.Len() - 1) // Encode ends a value with a newline
			b.WriteByte(':')
			if err := enc.Encode(v); err != nil {
				return nil, fmt.Errorf("%s: row %d: %s: %w", path, n, name, err)
			}
			b.Truncate(b.Len() - 1)
		}
		b.WriteString("}\n")
	}
	return b.Bytes(), nil
}

// jsonlToParquet writes the records of a JSONL file as a Parquet file (gen: parquet).
func jsonlToParquet(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	var rows []map[string]any
	for i, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		var row map[string]any
		if err := dec.Decode(&row); err != nil {
			return fmt.Errorf("%s:%d: %w", src, i+1, err)
		}
		rows = append(rows, row)
	}
	// a column's type is that of its values
	type column struct {
		kind     string // string, int32, int64, double, boolean
		optional bool
	}
	cols := map[string]*column{}
	for _, row := range rows {
		for k := range row {
			if cols[k] == nil {
				cols[k] = &column{}
			}
		}
	}
	for name, c := range cols {
		for _, row := range rows {
			v, ok := row[name]
			if !ok || v == nil {
				c.optional = true
				continue
			}
			var kind string
			switch v := v.(type) {
			case string:
				kind = "string"
			case bool:
				kind = "boolean"
			case json.Number:
				kind = "double"
				if n, err := v.Int64(); err == nil {
					kind = "int64"
					if int64(int32(n)) == n && c.kind != "int64" {
						kind = "int32"
					}
				}
			default:
				return fmt.Errorf("%s: column %s: %T values are not supported", src, name, v)
			}
			switch {
			case c.kind == "" || c.kind == kind:
				c.kind = kind
			case c.kind == "int32" && kind == "int64" || c.kind == "int64" && kind == "int32":
				c.kind = "int64"
			default:
				return fmt.Errorf("%s: column %s holds both %s and %s values", src, name, c.kind, kind)
			}
		}
	}
	group := parquet.Group{}
	for name, c := range cols {
		var node parquet.Node
		switch c.kind {
		case "string", "":
			node = parquet.String()
		case "int32":
			node = parquet.Leaf(parquet.Int32Type)
		case "int64":
			node = parquet.Leaf(parquet.Int64Type)
		case "double":
			node = parquet.Leaf(parquet.DoubleType)
		case "boolean":
			node = parquet.Leaf(parquet.BooleanType)
		}
		if c.optional {
			node = parquet.Optional(node)
		}
		group[name] = node
	}
	schema := parquet.NewSchema("row", group)
	names := make([]string, 0, len(cols))
	for name := range cols {
		names = append(names, name)
	}
	sort.Strings(names) // the order of a Group's columns
	f, err := os.Create(dst)
	if err != nil {
		return err
	}
	defer f.Close()
	w := parquet.NewWriter(f, schema)
	for _, row := range rows {
		var prow parquet.Row
		for i, name := range names {
			c := cols[name]
			v, ok := row[name]
			if !ok || v == nil {
				prow = append(prow, parquet.NullValue().Level(0, 0, i))
				continue
			}
			var pv parquet.Value
			switch c.kind {
			case "string":
				pv = parquet.ValueOf(v.(string))
			case "boolean":
				pv = parquet.ValueOf(v.(bool))
			case "int32":
				n, _ := v.(json.Number).Int64()
				pv = parquet.ValueOf(int32(n))
			case "int64":
				n, _ := v.(json.Number).Int64()
				pv = parquet.ValueOf(n)
			case "double":
				x, err := v.(json.Number).Float64()
				if err != nil {
					return err
				}
				pv = parquet.ValueOf(x)
			}
			def := 0
			if c.optional {
				def = 1
			}
			prow = append(prow, pv.Level(0, def, i))
		}
		if _, err := w.WriteRows([]parquet.Row{prow}); err != nil {
			return fmt.Errorf("%s: %w", dst, err)
		}
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("%s: %w", dst, err)
	}
	return f.Close()
}

// article returns the text of a unique synthetic article: two paragraphs of words drawn
// from the vocabulary with seed, so no two articles share a paragraph.
func article(seed int) string {
	r := rand.New(rand.NewPCG(uint64(seed), 99))
	var b strings.Builder
	for p := range 2 {
		if p > 0 {
			b.WriteString("\n\n")
		}
		for i := range 14 {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(vocabulary[r.IntN(len(vocabulary))])
		}
		b.WriteByte('.')
	}
	return b.String()
}

// jsonLine returns one JSONL record of an article with id and seed, with a "\n".
func jsonLine(id string, seed int) string {
	b, _ := json.Marshal(map[string]string{"id": id, "source": "s.example", "text": article(seed)})
	return string(b) + "\n"
}

// jsonLines returns n records with ids prefix-0 … and seeds from seed on.
func jsonLines(prefix string, seed, n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(jsonLine(fmt.Sprintf("%s-%d", prefix, i), seed+i))
	}
	return b.String()
}

// longArticles returns n JSONL records of an id (prefix-0 …) and a text of k articles
// run into one paragraph: few paragraphs, each long.
func longArticles(prefix string, seed, n, k int) []byte {
	var b []byte
	for i := range n {
		text := make([]string, k)
		for j := range text {
			text[j] = strings.ReplaceAll(article(seed+k*i+j), "\n", " ")
		}
		line, _ := json.Marshal(map[string]string{"id": fmt.Sprintf("%s-%d", prefix, i), "text": strings.Join(text, " ")})
		b = append(append(b, line...), '\n')
	}
	return b
}

// TestScriptRunner checks the runner's own parsing: shell words, escapes, the pieces of
// gen: bytes, and that -update replaces a section and nothing else.
func TestScriptRunner(t *testing.T) {
	sc := &scriptCase{work: "/w", tmp: "/t"}
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{`clean a.jsonl  -o out.parquet`, []string{"clean", "a.jsonl", "-o", "out.parquet"}},
		{`'a b' "c d" e\ f`, []string{"a b", "c d", "e f"}},
		{`'$WORK' "$WORK/x" ${TMPDIR}y $HOME "\"\$"`, []string{"$WORK", "/w/x", "/ty", "$HOME", `"$`}},
		{`'\x00' "\n" \\`, []string{`\x00`, `\n`, `\`}},
		{`a'b'"c"`, []string{"abc"}},
		{`''`, []string{""}},
	} {
		got, err := sc.words(tt.in)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("words(%s) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{`'open`, `"open`, `end\`} {
		if _, err := sc.words(bad); err == nil {
			t.Errorf("words(%s): no error", bad)
		}
	}

	for in, want := range map[string]string{`a\nb\r\t\\`: "a\nb\r\t\\", `\x00\xff`: "\x00\xff", `\u00e9`: "é"} {
		if got, err := unescape(in); err != nil || string(got) != want {
			t.Errorf("unescape(%s) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{`\q`, `\x0`, `\`, `\u12`} {
		if _, err := unescape(bad); err == nil {
			t.Errorf("unescape(%s): no error", bad)
		}
	}

	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "f"), []byte("F"), 0o644)
	got, err := pieces([]string{"ab", "*3", "hex:00ff", `-\n`, "@" + filepath.Join(dir, "f")})
	if want := "ababab\x00\xff-\nF"; err != nil || string(got) != want {
		t.Errorf("pieces = %q, %v; want %q", got, err, want)
	}
	if _, err := pieces([]string{"*2"}); err == nil {
		t.Errorf("pieces(*2): no error")
	}

	src := "# comment\nrun: x\n-- a --\nA\n-- want --\nold\n-- z --\nZ"
	ar := parseArchive([]byte(src))
	if string(ar.comment) != "# comment\nrun: x\n" || len(ar.files) != 3 {
		t.Fatalf("parsed %q and %d files", ar.comment, len(ar.files))
	}
	if f, _ := ar.file("z"); string(ar.data[f.start:f.end]) != "Z" {
		t.Errorf("file z holds %q", ar.data[f.start:f.end])
	}
	if got := string(ar.withFiles(map[string][]byte{"want": []byte("new\nlines\n")})); got != strings.Replace(src, "old\n", "new\nlines\n", 1) {
		t.Errorf("withFiles gave %q", got)
	}
	end := parseArchive([]byte("run: x\n-- want --"))
	if got := string(end.withFiles(map[string][]byte{"want": []byte("w\n")})); got != "run: x\n-- want --\nw\n" {
		t.Errorf("withFiles on a last marker without a line end gave %q", got)
	}

	steps, err := parseDirectives([]byte("gen: bytes a x\nenv: A=1\nrun: clean\n! stderr: x\nexit: 1\nrun: clean\n"))
	if err != nil || len(steps) != 3 || len(steps[0].dirs) != 2 || len(steps[1].dirs) != 2 || !steps[1].dirs[0].neg {
		t.Errorf("parseDirectives: %+v, %v", steps, err)
	}
	for _, bad := range []string{"exit: 1\nrun: x", "run: x\nbogus: 1", "run: x\n! exit: 1", "no colon", "run: x\nskip: late", "exit: 0"} {
		if _, err := parseDirectives([]byte(bad)); err == nil {
			t.Errorf("parseDirectives(%q): no error", bad)
		}
	}
}
