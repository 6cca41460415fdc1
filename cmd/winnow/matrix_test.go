package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"

	"github.com/winnowdata/winnow/schema"
)

// This file is the bad-input matrix: each case writes some input into a fresh folder,
// runs "winnow clean" on it, and checks the exit status, the error text (which names
// the file and the line or row) and which files exist afterwards.
//
// Unless a case gives its own outputs (custom), every run writes the four outputs of
// stdOutputs into the case's folder: all four must exist after a run that exits 0, and
// none after a run that fails. After any run, no temporary file may be left in the
// case's folder (".NAME.tmp-*") or in TMPDIR ("winnow-*"), which each case points to a
// folder of its own.
//
// Decisions the matrix records (the behaviour as it is, asserted):
//   - duplicate ids: both documents are kept, each with its own text; winnow does not
//     key anything on the id (document-level dedup looks at the text only);
//   - an empty input file is no error: the outputs are written, with no rows;
//   - an empty folder, a folder without article files and a glob matching nothing are
//     errors ("no input files in X");
//   - invalid UTF-8 becomes U+FFFD; an escaped NUL (\u0000) in JSON text is kept; a raw
//     NUL byte is invalid JSON, and makes a .txt file binary;
//   - CRLF line ends are accepted everywhere; lone-CR line ends are accepted in .txt
//     articles and are an error in JSONL, which names them;
//   - a .gz file with bytes after its last gzip member is corrupt (gunzip warns about
//     "trailing garbage" and exits 2); under --on-error skip the records before them
//     are kept and the rest is one reject;
//   - a dangling symlink in an input folder is an error, like a missing input;
//   - --rejects without --on-error skip is a usage error.
//
// Cases with bug set are known bugs: they assert the right behaviour and are skipped;
// run them with WINNOW_KNOWN_BUGS=1.

// stdOutputs are the outputs every non-custom case writes, relative to its folder.
var stdOutputs = []string{"out.parquet", "out.jsonl", "removed.jsonl", "stats.json"}

type matrixCase struct {
	name string
	// setup writes the inputs into dir and returns the arguments after "clean" (the
	// inputs, and any flags; stdOutputs are appended unless custom).
	setup  func(t *testing.T, dir string) []string
	custom bool   // setup gives all the outputs; stdOutputs are not checked
	stdin  string // fed to the run
	code   int
	stderr []string // substrings of stderr
	exist  []string // must exist afterwards, relative to the case's folder
	absent []string // must not exist afterwards
	// check makes further assertions on a finished run.
	check func(t *testing.T, dir, stdout string)
	// binary runs the built binary: as user nobody (asNobody), or under a shell
	// prefix (sh -c '…; exec "$0" "$@"').
	binary   bool
	asNobody bool
	shell    string
	bug      string // a known bug: the case is skipped with this reason
}

func TestMatrix(t *testing.T) {
	cases := matrixCases()
	if len(cases) < 30 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.bug != "" && os.Getenv("WINNOW_KNOWN_BUGS") == "" {
				t.Skip("known bug: " + tc.bug)
			}
			runMatrixCase(t, tc)
		})
	}
}

func runMatrixCase(t *testing.T, tc matrixCase) {
	dir := t.TempDir()
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o777); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", tmp)
	args := append([]string{"clean"}, tc.setup(t, dir)...)
	if !tc.custom {
		args = append(args, "-o", filepath.Join(dir, stdOutputs[0]), "--jsonl", filepath.Join(dir, stdOutputs[1]),
			"--removed", filepath.Join(dir, stdOutputs[2]), "--stats", filepath.Join(dir, stdOutputs[3]))
	}
	var code int
	var stdout, stderr string
	if tc.binary {
		code, stdout, stderr = runBinary(t, tc, dir, args)
	} else {
		var out, errb bytes.Buffer
		code = run(context.Background(), append([]string{"winnow"}, args...), strings.NewReader(tc.stdin), &out, &errb)
		stdout, stderr = out.String(), errb.String()
	}

	if code != tc.code {
		t.Errorf("exit status %d, want %d; stderr:\n%s", code, tc.code, stderr)
	}
	for _, s := range tc.stderr {
		if !strings.Contains(stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, stderr)
		}
	}
	if code != 0 && !strings.HasPrefix(stderr, "winnow: ") && !strings.Contains(stderr, "\nwinnow: ") {
		t.Errorf("error not prefixed with \"winnow: \":\n%s", stderr)
	}
	if !tc.custom {
		for _, name := range stdOutputs {
			_, err := os.Stat(filepath.Join(dir, name))
			if code == 0 && err != nil {
				t.Errorf("output %s missing after a successful run: %v", name, err)
			}
			if code != 0 && err == nil {
				t.Errorf("output %s exists after a failed run", name)
			}
		}
	}
	for _, name := range tc.exist {
		if _, err := os.Lstat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s must exist: %v", name, err)
		}
	}
	for _, name := range tc.absent {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s must not exist", name)
		}
	}
	// No temporary file anywhere in the case's folder, TMPDIR included.
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && d.Type()&fs.ModeSymlink == 0 && path != dir && strings.HasPrefix(d.Name(), "winnow-") {
			t.Errorf("temporary folder left behind: %s", path)
		}
		if n := d.Name(); !d.IsDir() && (strings.HasPrefix(n, "winnow-") || strings.HasPrefix(n, ".") && strings.Contains(n, ".tmp")) {
			t.Errorf("temporary file left behind: %s", path)
		}
		return nil
	})
	if tc.check != nil && !t.Failed() {
		tc.check(t, dir, stdout)
	}
}

// runBinary runs the built winnow binary for a case and returns its exit status and
// output.
func runBinary(t *testing.T, tc matrixCase, dir string, args []string) (int, string, string) {
	bin := buildWinnow(t)
	cmdArgs := append([]string{bin}, args...)
	if tc.shell != "" {
		cmdArgs = append([]string{"sh", "-c", tc.shell + `; exec "$0" "$@"`}, cmdArgs...)
	}
	cmd := exec.Command(cmdArgs[0], cmdArgs[1:]...)
	cmd.Env = append(os.Environ(), "TMPDIR="+filepath.Join(dir, "tmp"))
	cmd.Stdin = strings.NewReader(tc.stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if tc.asNobody {
		// The folders on the way must be open to nobody.
		for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
			if fi, err := os.Stat(d); err == nil && fi.Mode().Perm()&0o001 == 0 {
				os.Chmod(d, fi.Mode().Perm()|0o005)
			}
		}
		os.Chmod(dir, 0o777)
		os.Chmod(filepath.Join(dir, "tmp"), 0o777)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		if tc.asNobody {
			t.Skipf("cannot run as nobody here: %v", err)
		}
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errb.String()
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

func write(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func gzipped(t *testing.T, data string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(data))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func zstded(t *testing.T, data string) []byte {
	t.Helper()
	var b bytes.Buffer
	w, _ := zstd.NewWriter(&b)
	w.Write([]byte(data))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// parquetRecord is the corpus row as a Parquet input (winnow reads its own output).
type parquetRecord struct {
	ID     string `parquet:"id"`
	Source string `parquet:"source"`
	Text   string `parquet:"text"`
}

func writeParquetFile[T any](t *testing.T, dir, name string, rows []T) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := parquet.WriteFile(path, rows); err != nil {
		t.Fatal(err)
	}
	return path
}

func corpusRows(t *testing.T, dir string) []schema.Record {
	t.Helper()
	rows, err := parquet.ReadFile[schema.Record](filepath.Join(dir, "out.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	jl := readJSONL[schema.Record](t, filepath.Join(dir, "out.jsonl"))
	if len(jl) != len(rows) {
		t.Fatalf("out.jsonl has %d rows, out.parquet %d", len(jl), len(rows))
	}
	for i := range rows {
		if rows[i] != jl[i] {
			t.Fatalf("row %d differs between Parquet and JSONL:\n%+v\n%+v", i, rows[i], jl[i])
		}
	}
	return rows
}

func readStats(t *testing.T, dir string) schema.Stats {
	t.Helper()
	var st schema.Stats
	b, err := os.ReadFile(filepath.Join(dir, "stats.json"))
	if err == nil {
		err = json.Unmarshal(b, &st)
	}
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// wantRows checks the ids of the corpus rows.
func wantRows(ids ...string) func(t *testing.T, dir, stdout string) {
	return func(t *testing.T, dir, _ string) {
		t.Helper()
		rows := corpusRows(t, dir)
		var got []string
		for _, r := range rows {
			got = append(got, r.ID)
		}
		if fmt.Sprint(got) != fmt.Sprint(ids) {
			t.Errorf("corpus ids %q, want %q", got, ids)
		}
	}
}

// in is a setup that writes one input file and passes it.
func in(name, data string, flags ...string) func(t *testing.T, dir string) []string {
	return func(t *testing.T, dir string) []string {
		return append([]string{write(t, dir, name, []byte(data))}, flags...)
	}
}

// stillDevice fails unless path is still the character device it should be.
func stillDevice(path string) func(t *testing.T, dir, stdout string) {
	return func(t *testing.T, _, _ string) {
		fi, err := os.Stat(path)
		if err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
			t.Fatalf("%s is no longer a character device: %v %v", path, fi.Mode(), err)
		}
	}
}

func matrixCases() []matrixCase {
	const hintSkip = "hint: use --on-error skip"
	good := jsonLines("g", 1000, 3)
	return []matrixCase{
		// JSONL records
		{name: "json/malformed line", setup: in("a.jsonl", jsonLine("a", 1)+`{"id":"b","text":`+"\n"+jsonLine("c", 2)),
			code: 1, stderr: []string{"a.jsonl:2: invalid JSON: unexpected end of JSON input at column 18", hintSkip}},
		{name: "json/array line", setup: in("arr.jsonl", jsonLine("a", 1)+"[1, 2]\n"),
			code: 1, stderr: []string{"arr.jsonl:2: line is a JSON array, not an object"}},
		{name: "json/string line", setup: in("str.jsonl", `"just a string"`+"\n"),
			code: 1, stderr: []string{"str.jsonl:1: line is a JSON string, not an object"}},
		{name: "json/null line", setup: in("null.jsonl", "null\n"),
			code: 1, stderr: []string{"null.jsonl:1: line is JSON null, not an object"}},
		{name: "json/hint for every malformed record", setup: in("arr.jsonl", "[1, 2]\n"),
			code: 1, stderr: []string{"arr.jsonl:1: line is a JSON array, not an object", hintSkip}},
		{name: "json/missing text field", setup: in("m.jsonl", good+`{"id":"x","body":"no text here"}`+"\n"),
			code: 1, stderr: []string{`m.jsonl:4: missing text field "text"`, hintSkip}},
		{name: "json/text is a number", setup: in("t.jsonl", `{"id":"x","text":5}`+"\n"),
			code: 1, stderr: []string{`t.jsonl:1: text field "text" is a number, not a string`, hintSkip}},
		{name: "json/text is null", setup: in("t.jsonl", `{"id":"x","text":null}`+"\n"),
			code: 1, stderr: []string{`t.jsonl:1: text field "text" is null, not a string`}},
		{name: "json/text is an object", setup: in("t.jsonl", good+`{"id":"x","text":{"p":"a"}}`+"\n"),
			code: 1, stderr: []string{`t.jsonl:4: text field "text" is an object, not a string`}},
		{name: "json/id is an object", setup: in("i.jsonl", `{"id":{},"text":"a"}`+"\n"),
			code: 1, stderr: []string{`i.jsonl:1: id field "id" is an object, not a string or number`}},
		{name: "json/nesting too deep", setup: in("d.jsonl", `{"text":"a","x":`+strings.Repeat("[", 10001)+strings.Repeat("]", 10001)+"}\n"),
			code: 1, stderr: []string{"d.jsonl:1: invalid JSON: exceeded max depth"}},
		{name: "json/duplicate ids are both kept", setup: in("dup.jsonl", jsonLine("same", 1)+jsonLine("same", 2)+jsonLine("other", 3)),
			code: 0, check: func(t *testing.T, dir, _ string) {
				rows := corpusRows(t, dir)
				if len(rows) != 3 || rows[0].ID != "same" || rows[1].ID != "same" || rows[0].Text == rows[1].Text {
					t.Fatalf("want both documents with id \"same\", each with its text: %+v", rows)
				}
				if rows[0].Text != article(1) || rows[1].Text != article(2) {
					t.Errorf("texts of the duplicate ids changed")
				}
			}},
		{name: "json/invalid UTF-8 becomes U+FFFD", setup: in("u.jsonl", "{\"id\":\"u\",\"title\":\"T\xff\",\"text\":\"caf\xe9 cr\xe8me and more words here\"}\n"),
			code: 0, check: func(t *testing.T, dir, _ string) {
				rows := corpusRows(t, dir)
				if len(rows) != 1 || rows[0].Text != "caf\uFFFD cr\uFFFDme and more words here" || rows[0].Title != "T\uFFFD" {
					t.Fatalf("rows %#v", rows)
				}
				b, _ := os.ReadFile(filepath.Join(dir, "out.jsonl"))
				if !utf8.Valid(b) {
					t.Errorf("out.jsonl is not valid UTF-8")
				}
			}},
		{name: "json/escaped NUL in text is kept", setup: in("nul.jsonl", `{"id":"n","text":"before\u0000after, a NUL in the text"}`+"\n"),
			code: 0, check: func(t *testing.T, dir, _ string) {
				if rows := corpusRows(t, dir); len(rows) != 1 || rows[0].Text != "before\x00after, a NUL in the text" {
					t.Fatalf("rows %#v", rows)
				}
			}},
		{name: "json/raw NUL byte is invalid JSON", setup: in("nul.jsonl", good+"{\"id\":\"n\",\"text\":\"a\x00b\"}\n"),
			code: 1, stderr: []string{`nul.jsonl:4: invalid JSON: invalid character '\x00' in string literal at column 20`}},
		{name: "json/5 MiB line, longer than the read buffer", setup: in("long.jsonl", `{"id":"l","text":"`+strings.Repeat("word ", 1<<20)+`"}`+"\n"),
			code: 0, check: func(t *testing.T, dir, _ string) {
				if rows := corpusRows(t, dir); len(rows) != 1 || len(rows[0].Text) != 5<<20-1 {
					t.Fatalf("want one 5 MiB document (trailing space trimmed)")
				}
			}},

		// .txt articles
		{name: "txt/NUL byte is a binary file", setup: in("site/n.txt", "Title\n\nText with a \x00 NUL byte.\n"),
			code: 1, stderr: []string{"n.txt: binary file: NUL byte at offset 19"}},
		{name: "txt/binary file", setup: func(t *testing.T, dir string) []string {
			b := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...)
			r := rand.New(rand.NewPCG(1, 2))
			for range 3000 {
				b = append(b, byte(r.Uint32()))
			}
			write(t, dir, "in/site/ok.txt", []byte("Fine\n\n"+article(5)))
			write(t, dir, "in/site/picture.txt", b)
			return []string{filepath.Join(dir, "in")}
		}, code: 1, stderr: []string{"picture.txt: binary file: NUL byte at offset"}},
		{name: "txt/invalid UTF-8 becomes U+FFFD", setup: in("site/l1.txt", "Caf\xe9\n\n"+article(6)+" na\xefve\n"),
			code: 0, check: func(t *testing.T, dir, _ string) {
				rows := corpusRows(t, dir)
				if len(rows) != 1 || rows[0].Title != "Caf\uFFFD" || !strings.HasSuffix(rows[0].Text, " na\uFFFDve") {
					t.Fatalf("rows %#v", rows)
				}
			}},

		// empty inputs
		{name: "empty/jsonl file gives empty outputs", setup: in("e.jsonl", ""),
			code: 0, check: func(t *testing.T, dir, _ string) {
				if rows := corpusRows(t, dir); len(rows) != 0 {
					t.Fatalf("rows %+v", rows)
				}
				if st := readStats(t, dir); st.DocumentsIn != 0 || st.DocumentsOut != 0 {
					t.Errorf("stats %+v", st)
				}
			}},
		{name: "empty/jsonl of blank lines", setup: in("e.jsonl", "\n\r\n  \n"),
			code: 0, check: wantRows()},
		{name: "empty/txt file is an empty document", setup: in("site/e.txt", ""),
			code: 0, check: func(t *testing.T, dir, _ string) {
				if rows := corpusRows(t, dir); len(rows) != 0 {
					t.Fatalf("rows %+v", rows)
				}
				st := readStats(t, dir)
				if st.DocumentsIn != 1 || st.DocsRemoved[schema.ReasonEmpty] != 1 {
					t.Errorf("stats %+v, want 1 document in, dropped as empty", st)
				}
				rm := readJSONL[schema.Removal](t, filepath.Join(dir, "removed.jsonl"))
				if len(rm) != 1 || rm[0].DocID != "e.txt" || rm[0].Index != -1 || rm[0].Reason != schema.ReasonEmpty {
					t.Errorf("ledger %+v", rm)
				}
			}},
		{name: "empty/folder", setup: func(t *testing.T, dir string) []string {
			os.Mkdir(filepath.Join(dir, "empty"), 0o755)
			return []string{filepath.Join(dir, "empty")}
		}, code: 1, stderr: []string{"winnow: no input files in ", "empty"}},
		{name: "empty/folder without article files", setup: func(t *testing.T, dir string) []string {
			write(t, dir, "in/notes.md", []byte("# notes"))
			write(t, dir, "in/data.csv", []byte("a,b\n"))
			write(t, dir, "in/.hidden.jsonl", []byte(jsonLine("h", 1)))
			return []string{filepath.Join(dir, "in")}
		}, code: 1, stderr: []string{"no input files in", "in"}},
		{name: "empty/glob matching nothing", setup: func(t *testing.T, dir string) []string {
			write(t, dir, "data/a.txt", []byte("A\n\n"+article(1)))
			return []string{filepath.Join(dir, "data", "*.jsonl")}
		}, code: 1, stderr: []string{"no input files in", filepath.Join("data", "*.jsonl")}},

		// compressed files
		{name: "gz/truncated", setup: func(t *testing.T, dir string) []string {
			gz := gzipped(t, jsonLines("z", 1, 400))
			return []string{write(t, dir, "t.jsonl.gz", gz[:len(gz)/2])}
		}, code: 1, stderr: []string{"t.jsonl.gz:", "truncated gzip stream: unexpected EOF"}},
		{name: "zst/truncated", setup: func(t *testing.T, dir string) []string {
			zs := zstded(t, jsonLines("z", 1, 400))
			return []string{write(t, dir, "t.jsonl.zst", zs[:len(zs)/2])}
		}, code: 1, stderr: []string{"t.jsonl.zst:", "truncated zstd stream"}},
		{name: "zst/corrupt", setup: func(t *testing.T, dir string) []string {
			zs := zstded(t, jsonLines("z", 1, 400))
			for i := 20; i < len(zs)-8; i += 7 {
				zs[i] ^= 0x5a
			}
			return []string{write(t, dir, "c.jsonl.zst", zs)}
		}, code: 1, stderr: []string{"c.jsonl.zst:", "zstd stream"}},
		{name: "gz/trailing garbage", setup: func(t *testing.T, dir string) []string {
			gz := gzipped(t, jsonLines("z", 1, 5))
			return []string{write(t, dir, "g.jsonl.gz", append(gz, "TRAILING GARBAGE"...))}
		}, code: 1, stderr: []string{"g.jsonl.gz:6: corrupt gzip stream: gzip: invalid header"}},
		{name: "gz/trailing garbage skipped keeps the records", setup: func(t *testing.T, dir string) []string {
			gz := gzipped(t, jsonLines("z", 1, 5))
			return []string{write(t, dir, "g.jsonl.gz", append(gz, "TRAILING GARBAGE"...)),
				"--on-error", "skip", "--rejects", filepath.Join(dir, "rejects.jsonl")}
		}, code: 0, exist: []string{"rejects.jsonl"}, check: func(t *testing.T, dir, _ string) {
			wantRows("z-0", "z-1", "z-2", "z-3", "z-4")(t, dir, "")
			rj := readJSONL[map[string]any](t, filepath.Join(dir, "rejects.jsonl"))
			if len(rj) != 1 || rj[0]["line"] != float64(6) || !strings.HasSuffix(rj[0]["file"].(string), "g.jsonl.gz") ||
				!strings.Contains(rj[0]["error"].(string), "corrupt gzip stream") {
				t.Errorf("rejects %v", rj)
			}
		}},
		{name: "gz/malformed line inside", setup: func(t *testing.T, dir string) []string {
			return []string{write(t, dir, "x.jsonl.gz", gzipped(t, jsonLine("a", 1)+"{nope}\n"))}
		}, code: 1, stderr: []string{"x.jsonl.gz:2: invalid JSON"}},
		{name: "gz/two members are one stream", setup: func(t *testing.T, dir string) []string {
			gz := append(gzipped(t, jsonLine("a", 1)), gzipped(t, jsonLine("b", 2))...)
			return []string{write(t, dir, "m.jsonl.gz", gz)}
		}, code: 0, check: wantRows("a", "b")},
		{name: "gz/named .gz but plain", setup: in("plain.jsonl.gz", jsonLine("p", 1)), code: 0, check: wantRows("p")},

		// Parquet input
		{name: "parquet/corrupt", setup: in("c.parquet", "PAR1 this is not a parquet file at all PAR1"),
			code: 1, stderr: []string{"c.parquet: invalid parquet file"}},
		{name: "parquet/empty file", setup: in("e.parquet", ""),
			code: 1, stderr: []string{"e.parquet: empty parquet file"}},
		{name: "parquet/truncated", setup: func(t *testing.T, dir string) []string {
			p := writeParquetFile(t, dir, "full.parquet", []parquetRecord{{"a", "s", article(1)}, {"b", "s", article(2)}})
			b, _ := os.ReadFile(p)
			os.Remove(p)
			return []string{write(t, dir, "half.parquet", b[:len(b)/2])}
		}, code: 1, stderr: []string{"half.parquet: invalid parquet file"}},
		{name: "parquet/no text column", setup: func(t *testing.T, dir string) []string {
			type noText struct {
				ID   string `parquet:"id"`
				Body string `parquet:"body"`
			}
			return []string{writeParquetFile(t, dir, "nt.parquet", []noText{{"a", "x"}})}
		}, code: 1, stderr: []string{`nt.parquet: no string column "text"`}},
		{name: "parquet/text column not a string", setup: func(t *testing.T, dir string) []string {
			type intText struct {
				ID   string `parquet:"id"`
				Text int32  `parquet:"text"`
			}
			return []string{writeParquetFile(t, dir, "it.parquet", []intText{{"a", 1}})}
		}, code: 1, stderr: []string{`it.parquet: no string column "text" (it is INT32)`}},
		{name: "parquet/null text names the row", setup: func(t *testing.T, dir string) []string {
			type optText struct {
				ID   string  `parquet:"id"`
				Text *string `parquet:"text,optional"`
			}
			a, c := article(1), article(3)
			return []string{writeParquetFile(t, dir, "nt.parquet", []optText{{"a", &a}, {"b", nil}, {"c", &c}})}
		}, code: 1, stderr: []string{`nt.parquet:2: text column "text" is null`}},
		{name: "parquet/text column given by --text-field", setup: func(t *testing.T, dir string) []string {
			type body struct {
				ID   string `parquet:"id"`
				Body string `parquet:"body"`
			}
			return []string{writeParquetFile(t, dir, "b.parquet", []body{{"a", article(1)}, {"b", article(2)}}), "--text-field", "body"}
		}, code: 0, check: wantRows("a", "b")},

		// line ends and BOMs
		{name: "lineends/CRLF jsonl", setup: in("crlf.jsonl", strings.ReplaceAll(jsonLines("c", 1, 2), "\n", "\r\n")+
			`{"id":"t","text":"First paragraph here.\r\n\r\nSecond paragraph here."}`+"\r\n"),
			code: 0, check: func(t *testing.T, dir, _ string) {
				rows := corpusRows(t, dir)
				if len(rows) != 3 || rows[2].Text != "First paragraph here.\n\nSecond paragraph here." || rows[2].NParagraphs != 2 {
					t.Fatalf("rows %#v", rows)
				}
			}},
		{name: "lineends/CR-only jsonl is named", setup: in("cr.jsonl", strings.ReplaceAll(jsonLines("c", 1, 3), "\n", "\r")),
			code: 1, stderr: []string{"cr.jsonl:1: invalid JSON", "lines end in a lone CR: JSONL lines must end in LF or CRLF"}},
		{name: "lineends/CR-only txt", setup: in("site/cr.txt", "Title\r\r"+strings.ReplaceAll(article(1), "\n", "\r")+"\r"),
			code: 0, check: func(t *testing.T, dir, _ string) {
				rows := corpusRows(t, dir)
				if len(rows) != 1 || rows[0].Title != "Title" || rows[0].Text != article(1) || rows[0].NParagraphs != 2 {
					t.Fatalf("rows %#v", rows)
				}
			}},
		{name: "lineends/CRLF txt", setup: in("site/crlf.txt", "Title\r\n\r\n"+strings.ReplaceAll(article(1), "\n", "\r\n")),
			code: 0, check: func(t *testing.T, dir, _ string) {
				rows := corpusRows(t, dir)
				if len(rows) != 1 || rows[0].Title != "Title" || rows[0].Text != article(1) {
					t.Fatalf("rows %#v", rows)
				}
			}},
		{name: "bom/jsonl", setup: in("bom.jsonl", "\xef\xbb\xbf"+jsonLines("b", 1, 2)), code: 0, check: wantRows("b-0", "b-1")},
		{name: "bom/txt", setup: in("site/bom.txt", "\xef\xbb\xbfThe Title\n\n"+article(1)),
			code: 0, check: func(t *testing.T, dir, _ string) {
				if rows := corpusRows(t, dir); len(rows) != 1 || rows[0].Title != "The Title" {
					t.Fatalf("rows %#v", rows)
				}
			}},

		// the file system
		{name: "fs/unreadable file", setup: func(t *testing.T, dir string) []string {
			p := write(t, dir, "in/locked.jsonl", []byte(jsonLine("a", 1)))
			write(t, dir, "in/a.jsonl", []byte(jsonLine("b", 2)))
			if err := os.Chmod(p, 0); err != nil {
				t.Fatal(err)
			}
			return []string{filepath.Join(dir, "in")}
		}, code: 1, stderr: []string{"open ", "locked.jsonl: permission denied"},
			// root reads a file of mode 000; nobody does not
			binary: os.Geteuid() == 0, asNobody: os.Geteuid() == 0},
		{name: "fs/symlink loop", setup: func(t *testing.T, dir string) []string {
			write(t, dir, "in/sub/a.jsonl", []byte(jsonLine("a", 1)))
			if err := os.Symlink("..", filepath.Join(dir, "in", "sub", "up")); err != nil {
				t.Fatal(err)
			}
			return []string{filepath.Join(dir, "in")}
		}, code: 1, stderr: []string{"symlink loop: ", filepath.Join("in", "sub", "up") + " leads back to "}},
		{name: "fs/dangling symlink", setup: func(t *testing.T, dir string) []string {
			write(t, dir, "in/a.jsonl", []byte(jsonLine("a", 1)))
			os.Symlink(filepath.Join(dir, "gone.jsonl"), filepath.Join(dir, "in", "b.jsonl"))
			return []string{filepath.Join(dir, "in")}
		}, code: 1, stderr: []string{"open ", "b.jsonl: no such file or directory"}},
		{name: "fs/missing input", setup: func(t *testing.T, dir string) []string {
			return []string{filepath.Join(dir, "nope.jsonl")}
		}, code: 1, stderr: []string{"open ", "nope.jsonl: no such file or directory"}},
		{name: "fs/output is the input", custom: true, setup: func(t *testing.T, dir string) []string {
			p := write(t, dir, "in.jsonl", []byte(good))
			return []string{p, "-o", p}
		}, code: 2, stderr: []string{"--output ", "in.jsonl is also an input", "hint: run 'winnow help'"},
			check: func(t *testing.T, dir, _ string) {
				if b, _ := os.ReadFile(filepath.Join(dir, "in.jsonl")); string(b) != good {
					t.Errorf("the input was changed")
				}
			}},
		{name: "fs/jsonl output is the input", custom: true, setup: func(t *testing.T, dir string) []string {
			p := write(t, dir, "in.jsonl", []byte(good))
			return []string{p, "-o", filepath.Join(dir, "out.parquet"), "--jsonl", p}
		}, code: 2, stderr: []string{"--jsonl ", "is also an input"}, absent: []string{"out.parquet"}},
		{name: "fs/output is a symlink to the input", custom: true, setup: func(t *testing.T, dir string) []string {
			p := write(t, dir, "in.jsonl", []byte(good))
			os.Symlink(p, filepath.Join(dir, "link.jsonl"))
			return []string{p, "--jsonl", filepath.Join(dir, "link.jsonl")}
		}, code: 2, stderr: []string{"link.jsonl is also an input"}, exist: []string{"link.jsonl"}},
		{name: "fs/two outputs on one file", custom: true, setup: func(t *testing.T, dir string) []string {
			return []string{write(t, dir, "in.jsonl", []byte(good)), "-o", filepath.Join(dir, "o.parquet"), "--removed", filepath.Join(dir, "o.parquet")}
		}, code: 2, stderr: []string{"--output and --removed name the same file"}, absent: []string{"o.parquet"}},
		{name: "fs/output folder does not exist", custom: true, setup: func(t *testing.T, dir string) []string {
			return []string{write(t, dir, "in.jsonl", []byte(good)), "-o", filepath.Join(dir, "no", "such", "out.parquet"),
				"--jsonl", filepath.Join(dir, "out.jsonl")}
		}, code: 1, stderr: []string{"create ", ": directory ", filepath.Join("no", "such") + " does not exist"},
			absent: []string{"no", "out.jsonl"}},
		{name: "fs/stats folder does not exist", custom: true, setup: func(t *testing.T, dir string) []string {
			return []string{write(t, dir, "in.jsonl", []byte(good)), "-o", filepath.Join(dir, "out.parquet"),
				"--jsonl", filepath.Join(dir, "out.jsonl"), "--stats", filepath.Join(dir, "no", "stats.json")}
		}, code: 1, stderr: []string{"create ", filepath.Join("no", "stats.json") + ": directory ", " does not exist"},
			absent: []string{"out.parquet", "out.jsonl"}},
		{name: "fs/output folder given as an existing folder gets shards", custom: true, setup: func(t *testing.T, dir string) []string {
			os.Mkdir(filepath.Join(dir, "shards"), 0o755)
			return []string{write(t, dir, "in.jsonl", []byte(good)), "-o", filepath.Join(dir, "shards")}
		}, code: 0, exist: []string{"shards/part-00000.parquet"}},
		{name: "fs/unknown output extension", custom: true, setup: func(t *testing.T, dir string) []string {
			return []string{write(t, dir, "in.jsonl", []byte(good)), "-o", filepath.Join(dir, "out.csv")}
		}, code: 1, stderr: []string{`unknown output extension ".csv"`}, absent: []string{"out.csv"}},

		// a full disk
		{name: "disk/stats on a full disk", custom: true, setup: func(t *testing.T, dir string) []string {
			if _, err := os.Stat("/dev/full"); err != nil {
				t.Skip("no /dev/full")
			}
			return []string{write(t, dir, "in.jsonl", []byte(good)), "-o", "-", "--stats", "/dev/full"}
		}, code: 1, stderr: []string{"write /dev/full: no space left on device"}, check: stillDevice("/dev/full")},
		{name: "disk/jsonl on a full disk", custom: true, setup: func(t *testing.T, dir string) []string {
			if _, err := os.Stat("/dev/full"); err != nil {
				t.Skip("no /dev/full")
			}
			return []string{write(t, dir, "in.jsonl", []byte(good)), "--jsonl", "/dev/full", "--removed", filepath.Join(dir, "r.jsonl")}
		}, code: 1, stderr: []string{"write /dev/full: no space left on device"}, absent: []string{"r.jsonl"}, check: stillDevice("/dev/full")},
		{name: "disk/stats on a full disk leaves no corpus", custom: true, setup: func(t *testing.T, dir string) []string {
			return []string{write(t, dir, "in.jsonl", []byte(good)), "-o", filepath.Join(dir, "out.parquet"), "--stats", "/dev/full"}
		}, code: 1, stderr: []string{"write /dev/full: no space left on device"}, absent: []string{"out.parquet"}},
		{name: "disk/parquet output fails mid-write", custom: true, setup: func(t *testing.T, dir string) []string {
			// 540 KB of JSONL, 190 KB of Parquet: past the file size limit; few long
			// paragraphs, so that the pass 1 spool (a record a paragraph) stays under it
			var in strings.Builder
			for i := range 40 {
				var text []string
				for k := range 50 {
					text = append(text, strings.ReplaceAll(article(1+50*i+k), "\n", " "))
				}
				b, _ := json.Marshal(map[string]string{"id": fmt.Sprintf("f-%d", i), "text": strings.Join(text, " ")})
				in.Write(append(b, '\n'))
			}
			return []string{write(t, dir, "in.jsonl", []byte(in.String())), "-o", filepath.Join(dir, "out.parquet"), "--no-doc-dedup"}
		}, code: 1, stderr: []string{"write ", "out.parquet: file too large"}, absent: []string{"out.parquet"},
			// dash and bash count ulimit -f in blocks of 512 and 1024 bytes: 50 or 100 KiB
			binary: true, shell: "ulimit -f 100"},

		// --on-error skip and rejects
		{name: "skip/rejects list every skipped record", setup: func(t *testing.T, dir string) []string {
			a := write(t, dir, "a.jsonl", []byte(jsonLine("a1", 1)+"not json\n"+jsonLine("a3", 3)+`{"id":"a4"}`+"\n"))
			b := write(t, dir, "b.jsonl", []byte("[1]\n"+jsonLine("b2", 4)))
			c := write(t, dir, "site/c.txt", []byte("\x00\x01\x02binary"))
			return []string{a, b, c, "--on-error", "skip", "--rejects", filepath.Join(dir, "rejects.jsonl")}
		}, code: 0, exist: []string{"rejects.jsonl"}, check: func(t *testing.T, dir, _ string) {
			wantRows("a1", "a3", "b2")(t, dir, "")
			var got []string
			for _, r := range readJSONL[map[string]any](t, filepath.Join(dir, "rejects.jsonl")) {
				got = append(got, fmt.Sprintf("%s:%v", filepath.Base(r["file"].(string)), r["line"]))
			}
			if fmt.Sprint(got) != "[a.jsonl:2 a.jsonl:4 b.jsonl:1 c.txt:0]" {
				t.Errorf("rejects %v", got)
			}
			if st := readStats(t, dir); st.DocumentsSkip != 4 || st.DocumentsIn != 3 {
				t.Errorf("stats: %d in, %d skipped; want 3 and 4", st.DocumentsIn, st.DocumentsSkip)
			}
		}},
		{name: "skip/rejects without --on-error skip is a usage error", setup: func(t *testing.T, dir string) []string {
			return []string{write(t, dir, "a.jsonl", []byte(good)), "--rejects", filepath.Join(dir, "rejects.jsonl")}
		}, code: 2, stderr: []string{"--rejects lists skipped records: it needs --on-error skip"},
			absent: []string{"rejects.jsonl"}},
		{name: "skip/bad --on-error value", setup: in("a.jsonl", good, "--on-error", "ignore"),
			code: 2, stderr: []string{`on-error must be fail or skip, not "ignore"`}},

		// many inputs
		{name: "mixed/folder of every format", setup: func(t *testing.T, dir string) []string {
			write(t, dir, "in/a.example/1.txt", []byte("One\n\n"+article(1)))
			write(t, dir, "in/b.jsonl", []byte(jsonLine("b", 2)))
			write(t, dir, "in/c.jsonl.gz", gzipped(t, jsonLine("c", 3)))
			write(t, dir, "in/d.jsonl.zst", zstded(t, jsonLine("d", 4)))
			writeParquetFile(t, filepath.Join(dir, "in"), "e.parquet", []parquetRecord{{"e", "s", article(5)}})
			write(t, dir, "in/f.ndjson", []byte(jsonLine("f", 6)))
			write(t, dir, "in/notes.md", []byte("# not an article"))
			write(t, dir, "in/.hidden.jsonl", []byte(jsonLine("hidden", 7)))
			write(t, dir, "in/.git/x.jsonl", []byte(jsonLine("git", 8)))
			write(t, dir, "in/z/2.txt", []byte("Two\n\n"+article(9)))
			return []string{filepath.Join(dir, "in")}
		}, code: 0, check: wantRows("a.example/1.txt", "b", "c", "d", "e", "f", "z/2.txt")},
		{name: "mixed/glob", setup: func(t *testing.T, dir string) []string {
			write(t, dir, "d/2.jsonl", []byte(jsonLine("two", 2)))
			write(t, dir, "d/1.jsonl", []byte(jsonLine("one", 1)))
			write(t, dir, "d/3.txt", []byte("Three\n\n"+article(3)))
			return []string{filepath.Join(dir, "d", "*.jsonl")}
		}, code: 0, check: wantRows("one", "two")},
		{name: "mixed/an input twice is a usage error", setup: func(t *testing.T, dir string) []string {
			p := write(t, dir, "a.jsonl", []byte(jsonLine("a", 1)))
			// read twice, every document would be a copy of itself
			return []string{p, filepath.Join(dir, ".", "a.jsonl"), "--no-doc-dedup"}
		}, code: 2, stderr: []string{"a.jsonl is given twice"}},
		{name: "mixed/--format parquet on JSONL", setup: in("a.jsonl", good, "--format", "parquet"),
			code: 1, stderr: []string{"a.jsonl: invalid parquet file: invalid magic header"}},
		{name: "mixed/unknown --format", setup: in("a.jsonl", good, "--format", "xml"),
			code: 2, stderr: []string{`format must be auto, txt, jsonl, parquet or wet, not "xml"`}},

		// stdin and stdout
		{name: "stdio/stdin twice", setup: func(*testing.T, string) []string { return []string{"-", "-"} },
			code: 2, stderr: []string{"stdin (-) given more than once"}},
		{name: "stdio/stdin to stdout", custom: true, stdin: jsonLines("s", 1, 3),
			setup: func(*testing.T, string) []string { return []string{"-", "-o", "-"} },
			code:  0, check: func(t *testing.T, _, stdout string) {
				lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
				if len(lines) != 3 {
					t.Fatalf("stdout has %d lines, want 3:\n%s", len(lines), stdout)
				}
				for i, l := range lines {
					var r schema.Record
					if err := json.Unmarshal([]byte(l), &r); err != nil || r.ID != fmt.Sprintf("s-%d", i) || r.Text != article(1+i) {
						t.Errorf("line %d: %q (%v)", i+1, l, err)
					}
				}
			}},
		{name: "stdio/malformed stdin names stdin", custom: true, stdin: jsonLine("a", 1) + "oops\n",
			setup: func(*testing.T, string) []string { return []string{"-", "-o", "-"} },
			code:  1, stderr: []string{"winnow: stdin:2: invalid JSON"}},
		{name: "stdio/empty stdin", custom: true, stdin: "",
			setup: func(t *testing.T, dir string) []string {
				return []string{"-", "--jsonl", filepath.Join(dir, "o.jsonl")}
			},
			code: 0, exist: []string{"o.jsonl"}},
		{name: "stdio/two outputs on stdout", custom: true, stdin: jsonLines("s", 1, 3),
			setup: func(*testing.T, string) []string { return []string{"-", "-o", "-", "--jsonl", "-"} },
			code:  2, stderr: []string{"stdout"}, check: func(t *testing.T, _, stdout string) {
				if stdout != "" {
					t.Errorf("stdout %q", stdout)
				}
			}},
		{name: "stdio/stats and corpus on stdout", custom: true, stdin: jsonLines("s", 1, 3),
			setup: func(*testing.T, string) []string { return []string{"-", "-o", "-", "--stats", "-"} },
			code:  2, stderr: []string{"stdout"}},

		// usage
		{name: "usage/memory too small", setup: in("a.jsonl", good, "--memory", "1KB"),
			code: 2, stderr: []string{"memory must be at least"}},
		{name: "usage/workers zero", setup: in("a.jsonl", good, "--workers", "0"),
			code: 2, stderr: []string{"workers must be at least 1"}},
	}
}

// TestHugeLine cleans a JSONL file whose first line is a 200 MB article (one JSON
// object, about 300,000 paragraphs), on the built binary, and reports its time and
// peak memory. It takes about 40 s and 5 GB; -short skips it.
func TestHugeLine(t *testing.T) {
	if testing.Short() {
		t.Skip("200 MB line: about 40 s and 5 GB of memory; skipped with -short")
	}
	if runtime.GOOS != "linux" {
		t.Skip("peak memory is read from Linux rusage")
	}
	bin := buildWinnow(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "huge.jsonl")
	start := time.Now()
	f, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	w := bytes.NewBuffer(make([]byte, 0, 201<<20))
	w.WriteString(`{"id":"huge","source":"s.example","text":"`)
	r := rand.New(rand.NewPCG(3, 3))
	textStart := w.Len()
	for w.Len()-textStart < 200<<20 {
		if w.Len() > textStart {
			w.WriteString(`\n\n`)
		}
		for i := range 60 {
			if i > 0 {
				w.WriteByte(' ')
			}
			w.WriteString(vocabulary[r.IntN(len(vocabulary))])
		}
	}
	textLen := w.Len() - textStart
	w.WriteString("\"}\n")
	w.WriteString(jsonLine("small", 1))
	if _, err := f.Write(w.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	w = nil
	t.Logf("generated a %d MB line in %v", textLen>>20, time.Since(start).Round(time.Millisecond))

	out := filepath.Join(dir, "out.parquet")
	stats := filepath.Join(dir, "stats.json")
	cmd := exec.Command(bin, "clean", in, "-o", out, "--stats", stats, "--quiet")
	cmd.Env = append(os.Environ(), "TMPDIR="+dir)
	start = time.Now()
	b, err := cmd.CombinedOutput()
	took := time.Since(start)
	if err != nil {
		t.Fatalf("winnow: %v\n%s", err, b)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	peak := ru.Maxrss << 10 // KiB on Linux
	t.Logf("cleaned in %v, peak RSS %d MiB", took.Round(time.Millisecond), peak>>20)

	var st schema.Stats
	sb, _ := os.ReadFile(stats)
	if err := json.Unmarshal(sb, &st); err != nil {
		t.Fatal(err)
	}
	// "\n\n" is two bytes in the text and four in the JSON.
	if st.DocumentsIn != 2 || st.DocumentsOut != 2 || st.BytesIn < int64(textLen)*9/10 || st.BytesOut != st.BytesIn {
		t.Errorf("stats: %d/%d documents, %d bytes in, %d out; want both documents whole (~%d bytes)",
			st.DocumentsIn, st.DocumentsOut, st.BytesIn, st.BytesOut, textLen)
	}
	pf, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	fi, _ := pf.Stat()
	p, err := parquet.OpenFile(pf, fi.Size())
	if err != nil || p.NumRows() != 2 {
		t.Fatalf("corpus: %v, rows %d", err, p.NumRows())
	}
	// A bound far above the measured peak, so that a regression to holding many
	// copies of the line (or the machine running out) fails here first.
	if peak > 12<<30 {
		t.Errorf("peak RSS %d MiB for a 200 MB line", peak>>20)
	}
}
