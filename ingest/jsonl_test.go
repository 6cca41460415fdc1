package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/winnowdata/winnow/schema"
)

func TestJSONL(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		opts    func(*Options)
		want    []schema.Document // File is filled in
		wantErr string            // substring of the error after the documents
	}{
		{name: "all fields",
			in: `{"id":"a1","text":"Hello","title":"T","url":"https://x.example/a","source":"src"}`,
			want: []schema.Document{{ID: "a1", Text: "Hello", Title: "T", URL: "https://x.example/a",
				Source: "src", Line: 1}}},
		{name: "empty text",
			in:   `{"id":"e","text":""}`,
			want: []schema.Document{{ID: "e", Line: 1}}},
		{name: "CRLF line ends",
			in:   "{\"text\":\"a\"}\r\n{\"text\":\"b\"}\r\n",
			want: []schema.Document{{ID: "in.jsonl:1", Text: "a", Line: 1}, {ID: "in.jsonl:2", Text: "b", Line: 2}}},
		{name: "CR in text normalized",
			in:   `{"text":"a\r\nb\rc\n\r\nd"}`,
			want: []schema.Document{{ID: "in.jsonl:1", Text: "a\nb\nc\n\nd", Line: 1}}},
		{name: "BOM",
			in:   "\xef\xbb\xbf{\"text\":\"x\"}\n",
			want: []schema.Document{{ID: "in.jsonl:1", Text: "x", Line: 1}}},
		{name: "blank lines skipped",
			in:   "\n  \t\n{\"text\":\"x\"}\n\n\r\n",
			want: []schema.Document{{ID: "in.jsonl:3", Text: "x", Line: 3}}},
		{name: "no final newline",
			in:   "{\"text\":\"x\"}\n{\"text\":\"y\"}",
			want: []schema.Document{{ID: "in.jsonl:1", Text: "x", Line: 1}, {ID: "in.jsonl:2", Text: "y", Line: 2}}},
		{name: "empty file", in: ""},
		{name: "unknown fields to sorted compact meta",
			in: `{ "text" : "x", "z":1, "a": {"k": [1, 2, "s p"]}, "m":null, "b":"é\u00e9<&>", "":true }`,
			want: []schema.Document{{ID: "in.jsonl:1", Text: "x", Line: 1,
				Meta: `{"":true,"a":{"k":[1,2,"s p"]},"b":"é\u00e9<&>","m":null,"z":1}`}}},
		{name: "escaped key in meta",
			in:   `{"text":"x","a\"b\u0041":1}`,
			want: []schema.Document{{ID: "in.jsonl:1", Text: "x", Line: 1, Meta: `{"a\"bA":1}`}}},
		{name: "duplicate keys: last wins",
			in:   `{"text":"a","k":1,"text":"b","k":2}`,
			want: []schema.Document{{ID: "in.jsonl:1", Text: "b", Line: 1, Meta: `{"k":2}`}}},
		{name: "id as number",
			in:   "{\"id\":12,\"text\":\"x\"}\n{\"id\":-1.5e3,\"text\":\"y\"}\n{\"id\":18446744073709551617,\"text\":\"z\"}",
			want: []schema.Document{{ID: "12", Text: "x", Line: 1}, {ID: "-1.5e3", Text: "y", Line: 2}, {ID: "18446744073709551617", Text: "z", Line: 3}}},
		{name: "missing, null and empty id",
			in:   "{\"text\":\"x\"}\n{\"id\":null,\"text\":\"y\"}\n{\"id\":\"\",\"text\":\"z\"}",
			want: []schema.Document{{ID: "in.jsonl:1", Text: "x", Line: 1}, {ID: "in.jsonl:2", Text: "y", Line: 2}, {ID: "in.jsonl:3", Text: "z", Line: 3}}},
		{name: "source from url host",
			in: `{"text":"x","url":"https://WWW.Example.COM:8443/path?q#f"}
{"text":"x","url":"http://user:pw@news.example.org./a","source":""}
{"text":"x","url":"news.example.net/a/b"}
{"text":"x","url":"http://[2001:db8::1]:80/"}
{"text":"x","url":"not a url"}
{"text":"x","url":"/relative/path"}
{"text":"x","url":"mailto:someone@example.com"}
{"text":"x","url":"https://a.example/","source":"given"}`,
			want: []schema.Document{
				{ID: "in.jsonl:1", Text: "x", Line: 1, URL: "https://WWW.Example.COM:8443/path?q#f", Source: "www.example.com"},
				{ID: "in.jsonl:2", Text: "x", Line: 2, URL: "http://user:pw@news.example.org./a", Source: "news.example.org"},
				{ID: "in.jsonl:3", Text: "x", Line: 3, URL: "news.example.net/a/b", Source: "news.example.net"},
				{ID: "in.jsonl:4", Text: "x", Line: 4, URL: "http://[2001:db8::1]:80/", Source: "2001:db8::1"},
				{ID: "in.jsonl:5", Text: "x", Line: 5, URL: "not a url"},
				{ID: "in.jsonl:6", Text: "x", Line: 6, URL: "/relative/path"},
				{ID: "in.jsonl:7", Text: "x", Line: 7, URL: "mailto:someone@example.com"},
				{ID: "in.jsonl:8", Text: "x", Line: 8, URL: "https://a.example/", Source: "given"},
			}},
		{name: "null optional fields",
			in:   `{"text":"x","title":null,"url":null,"source":null}`,
			want: []schema.Document{{ID: "in.jsonl:1", Text: "x", Line: 1}}},
		{name: "escapes",
			in:   `{"text":"a\"b\\c\/d\u00e9\ud83d\ude00\t\b\f"}`,
			want: []schema.Document{{ID: "in.jsonl:1", Text: "a\"b\\c/dé😀\t\b\f", Line: 1}}},
		{name: "lone surrogate becomes U+FFFD",
			in:   `{"text":"\ud800x\udc00"}`,
			want: []schema.Document{{ID: "in.jsonl:1", Text: "\uFFFDx\uFFFD", Line: 1}}},
		{name: "invalid UTF-8 repaired",
			in:   "{\"text\":\"a\xffb\xe2\x82\",\"t\xfe\":\"\xc0\\n\"}",
			want: []schema.Document{{ID: "in.jsonl:1", Text: "a\uFFFDb\uFFFD\uFFFD", Line: 1, Meta: "{\"t\uFFFD\":\"\uFFFD\\n\"}"}}},
		{name: "NUL kept",
			in:   `{"text":"a\u0000b"}`,
			want: []schema.Document{{ID: "in.jsonl:1", Text: "a\x00b", Line: 1}}},
		{name: "non-ASCII text",
			in:   `{"text":"Привет, мир — 你好"}`,
			want: []schema.Document{{ID: "in.jsonl:1", Text: "Привет, мир — 你好", Line: 1}}},
		{name: "custom field names",
			in: `{"doc_id":"d","body":"x","text":"y","headline":"h","link":"https://s.example/","site":""}`,
			opts: func(o *Options) {
				o.TextField, o.IDField, o.TitleField, o.URLField, o.SourceField = "body", "doc_id", "headline", "link", "site"
			},
			want: []schema.Document{{ID: "d", Text: "x", Title: "h", URL: "https://s.example/", Source: "s.example", Line: 1, Meta: `{"text":"y"}`}}},
		{name: "unmapped field goes to meta",
			in:   `{"id":"d","text":"x"}`,
			opts: func(o *Options) { o.IDField = "" },
			want: []schema.Document{{ID: "in.jsonl:1", Text: "x", Line: 1, Meta: `{"id":"d"}`}}},

		{name: "malformed line names file and line",
			in:      "{\"text\":\"ok\"}\n{\"text\": \"x\",}\n",
			want:    []schema.Document{{ID: "in.jsonl:1", Text: "ok", Line: 1}},
			wantErr: "in.jsonl:2: invalid JSON: invalid character '}' looking for beginning of object key string at column 14"},
		{name: "truncated object", in: `{"text":"x"`, wantErr: "in.jsonl:1: invalid JSON: unexpected end of JSON input"},
		{name: "trailing garbage", in: `{"text":"x"} y`, wantErr: "invalid JSON: invalid character 'y' after top-level value"},
		{name: "CR-only line ends are named", in: "{\"text\":\"a\"}\r{\"text\":\"b\"}\r",
			wantErr: "in.jsonl:1: invalid JSON: invalid character '{' after top-level value at column 14 (lines end in a lone CR: JSONL lines must end in LF or CRLF)"},
		{name: "raw CR in string is not a line end", in: "{\"text\":\"a\rb\"}",
			wantErr: `in.jsonl:1: invalid JSON: invalid character '\r' in string literal at column 11`},
		{name: "raw tab in string", in: "{\"text\":\"a\tb\"}", wantErr: `invalid character '\t' in string literal`},
		{name: "bad escape", in: `{"text":"a\qb"}`, wantErr: `invalid character 'q' in string escape code`},
		{name: "bad number", in: `{"text":"a","n":01}`, wantErr: `invalid character '1' after object key:value pair`},
		{name: "bad literal", in: `{"text":"a","n":nul}`, wantErr: `invalid character '}' in literal null (expecting 'l')`},
		{name: "array line", in: `[1, 2]`, wantErr: "in.jsonl:1: line is a JSON array, not an object"},
		{name: "string line", in: `"text"`, wantErr: "line is a JSON string, not an object"},
		{name: "number line", in: `42`, wantErr: "line is a JSON number, not an object"},
		{name: "null line", in: `null`, wantErr: "line is JSON null, not an object"},
		{name: "invalid non-object line", in: `[1,`, wantErr: "invalid JSON: unexpected end of JSON input"},
		{name: "missing text", in: `{"id":1}`, wantErr: `in.jsonl:1: missing text field "text"`},
		{name: "text is a number", in: `{"text":5}`, wantErr: `text field "text" is a number, not a string`},
		{name: "text is null", in: `{"text":null}`, wantErr: `text field "text" is null, not a string`},
		{name: "text is an array", in: `{"text":["a"]}`, wantErr: `text field "text" is an array, not a string`},
		{name: "id is an object", in: `{"text":"x","id":{}}`, wantErr: `id field "id" is an object, not a string or number`},
		{name: "title is a boolean", in: `{"text":"x","title":true}`, wantErr: `title field "title" is a boolean, not a string`},
		{name: "too deep", in: `{"text":"x","a":` + strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1) + "}",
			wantErr: "exceeded max depth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "in.jsonl", []byte(tt.in))
			opts := DefaultOptions()
			if tt.opts != nil {
				tt.opts(&opts)
			}
			res := readAll(t, []string{path}, opts)
			checkDocs(t, res.docs, tt.want, path)
			checkErr(t, res.err, tt.wantErr)
			if tt.wantErr != "" {
				var pe *ParseError
				if !errors.As(res.err, &pe) || pe.File != path {
					t.Errorf("error %v is not a ParseError naming %s", res.err, path)
				}
			}
		})
	}
}

func checkDocs(t *testing.T, got []*schema.Document, want []schema.Document, file string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d documents, want %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		w := want[i]
		if w.File == "" {
			w.File = file
		}
		if *got[i] != w {
			t.Errorf("document %d:\n got  %#v\n want %#v", i, *got[i], w)
		}
	}
}

func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("unexpected error: %v", err)
	case want != "" && err == nil:
		t.Errorf("no error, want %q", want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Errorf("error %q, want it to contain %q", err, want)
	}
}

func TestJSONLSkip(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "a.jsonl", []byte("{\"text\":\"1\"}\nnot json\n{\"text\":5}\n{\"text\":\"4\"}\n"))
	b := writeFile(t, dir, "b.jsonl", []byte("[]\n{\"text\":\"b2\"}\n"))
	opts := DefaultOptions()
	opts.SkipErrors = true
	res := readAll(t, []string{a, b}, opts)
	if res.err != nil {
		t.Fatal(res.err)
	}
	if got, want := fmt.Sprint(ids(res.docs)), "[a.jsonl:1 a.jsonl:4 b.jsonl:2]"; got != want {
		t.Errorf("ids %s, want %s", got, want)
	}
	want := []Reject{
		{File: a, Line: 2, Error: "invalid JSON: invalid character 'o' in literal null (expecting 'u') at column 2"},
		{File: a, Line: 3, Error: `text field "text" is a number, not a string`},
		{File: b, Line: 1, Error: "line is a JSON array, not an object"},
	}
	if fmt.Sprint(res.rejects) != fmt.Sprint(want) {
		t.Errorf("rejects\n got  %#v\n want %#v", res.rejects, want)
	}

	// Without SkipErrors the first bad line stops the stream.
	res = readAll(t, []string{a, b}, DefaultOptions())
	var pe *ParseError
	if !errors.As(res.err, &pe) || pe.File != a || pe.Line != 2 || len(res.docs) != 1 {
		t.Errorf("got %d docs, error %v; want 1 doc and a ParseError at %s:2", len(res.docs), res.err, a)
	}
}

func TestJSONLCompressed(t *testing.T) {
	lines := []byte("{\"id\":\"a\",\"text\":\"one\"}\n{\"id\":\"b\",\"text\":\"two\"}\n{\"id\":\"c\",\"text\":\"three\"}\n")
	big := bytes.Repeat([]byte(`{"text":"a line long enough to fill several compressed blocks, or so one hopes"}`+"\n"), 50000)
	multi := append(gzipData(t, lines[:24]), gzipData(t, lines[24:])...)
	gz, zst := gzipData(t, big), zstdData(t, big)
	tests := []struct {
		name, file string
		data       []byte
		wantIDs    string
		wantN      int
		wantErr    string
	}{
		{name: "gzip", file: "a.jsonl.gz", data: gzipData(t, lines), wantIDs: "[a b c]"},
		{name: "zstd", file: "a.jsonl.zst", data: zstdData(t, lines), wantIDs: "[a b c]"},
		{name: "multi-member gzip", file: "a.jsonl.gz", data: multi, wantIDs: "[a b c]"},
		{name: "gzip detected by content", file: "a.jsonl", data: gzipData(t, lines), wantIDs: "[a b c]"},
		{name: "zstd with unknown inner name", file: "dump.zst", data: zstdData(t, lines), wantIDs: "[a b c]"},
		{name: "truncated gzip", file: "big.jsonl.gz", data: gz[:len(gz)/2], wantErr: "truncated gzip stream: unexpected EOF"},
		{name: "truncated zstd", file: "big.jsonl.zst", data: zst[:len(zst)/2], wantErr: "truncated zstd stream: unexpected EOF"},
		{name: "gzip cut in the trailer", file: "a.jsonl.gz", data: gzipData(t, lines)[:len(gzipData(t, lines))-3], wantN: 3,
			wantErr: "a.jsonl.gz:4: truncated gzip stream: unexpected EOF"},
		{name: "corrupt gzip header", file: "a.jsonl.gz", data: []byte{0x1f, 0x8b, 0, 0, 0}, wantErr: "a.jsonl.gz: truncated gzip stream"},
		{name: "corrupt gzip data", file: "a.jsonl.gz", data: corrupt(gzipData(t, big)), wantErr: "corrupt gzip stream"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), tt.file, tt.data)
			res := readAll(t, []string{path}, DefaultOptions())
			checkErr(t, res.err, tt.wantErr)
			if tt.wantIDs != "" {
				if got := fmt.Sprint(ids(res.docs)); got != tt.wantIDs {
					t.Errorf("ids %s, want %s", got, tt.wantIDs)
				}
			}
			if tt.wantN > 0 && len(res.docs) != tt.wantN {
				t.Errorf("got %d documents, want %d", len(res.docs), tt.wantN)
			}
			if tt.wantErr != "" {
				var pe *ParseError
				if !errors.As(res.err, &pe) || pe.File != path {
					t.Errorf("error %v is not a ParseError naming %s", res.err, path)
				}
			}
		})
	}
}

// corrupt flips bytes in the middle of a compressed stream.
func corrupt(b []byte) []byte {
	for i := len(b) / 2; i < len(b)/2+64; i++ {
		b[i] ^= 0x5a
	}
	return b
}

// A truncated stream in skip mode is rejected, and the next file is read.
func TestTruncatedSkip(t *testing.T) {
	dir := t.TempDir()
	big := bytes.Repeat([]byte(`{"text":"some words to fill the stream"}`+"\n"), 20000)
	gz := gzipData(t, big)
	writeFile(t, dir, "a.jsonl.gz", gz[:len(gz)/2])
	writeFile(t, dir, "b.jsonl", []byte(`{"id":"last","text":"x"}`))
	opts := DefaultOptions()
	opts.SkipErrors = true
	res := readAll(t, []string{dir}, opts)
	if res.err != nil {
		t.Fatal(res.err)
	}
	if len(res.rejects) != 1 || !strings.Contains(res.rejects[0].Error, "truncated gzip stream") {
		t.Errorf("rejects %v, want one truncated gzip stream", res.rejects)
	}
	if n := len(res.docs); n == 0 || res.docs[n-1].ID != "last" {
		t.Errorf("the file after the truncated one was not read")
	}
}

func TestJSONLLongLine(t *testing.T) {
	const size = 50 << 20
	path := filepath.Join(t.TempDir(), "long.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte("abcdefghij"), 1<<17) // 1.25 MiB
	fmt.Fprint(f, `{"id":"short1","text":"a"}`+"\n"+`{"id":"long","meta":1,"text":"`)
	n := size / len(chunk)
	for range n {
		f.Write(chunk)
	}
	fmt.Fprint(f, `\n"}`+"\n"+`{"id":"short2","text":"b"}`+"\n")
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	res := readAll(t, []string{path}, DefaultOptions())
	if res.err != nil {
		t.Fatal(res.err)
	}
	if got := fmt.Sprint(ids(res.docs)); got != "[short1 long short2]" {
		t.Fatalf("ids %s", got)
	}
	long := res.docs[1]
	if len(long.Text) != n*len(chunk)+1 || !strings.HasPrefix(long.Text, "abcdefghij") || long.Meta != `{"meta":1}` || long.Line != 2 {
		t.Errorf("long line: %d bytes of text, meta %q, line %d", len(long.Text), long.Meta, long.Line)
	}
}

func TestJSONLLineTooLong(t *testing.T) {
	defer func(n int) { maxLineSize = n }(maxLineSize)
	maxLineSize = 1 << 20
	long := `{"text":"` + strings.Repeat("x", 3<<20) + `"}`
	for _, tail := range []string{"\n{\"text\":\"after\"}\n", ""} {
		path := writeFile(t, t.TempDir(), "a.jsonl", []byte("{\"text\":\"before\"}\n"+long+tail))
		opts := DefaultOptions()
		opts.SkipErrors = true
		res := readAll(t, []string{path}, opts)
		if res.err != nil {
			t.Fatal(res.err)
		}
		want := 1
		if tail != "" {
			want = 2
		}
		if len(res.docs) != want || len(res.rejects) != 1 || res.rejects[0].Line != 2 ||
			!strings.Contains(res.rejects[0].Error, "line is longer than") {
			t.Errorf("tail %q: %d docs, rejects %v", tail, len(res.docs), res.rejects)
		}
	}
}

func TestHostOf(t *testing.T) {
	for in, want := range map[string]string{
		"https://www.example.com/a":      "www.example.com",
		"HTTP://EXAMPLE.com:80":          "example.com",
		"//cdn.example.com/x.js":         "cdn.example.com",
		"example.com":                    "example.com",
		"example.com:8080/a":             "example.com",
		"ftp://files.example.org?x=1":    "files.example.org",
		"https://a.example#frag":         "a.example",
		"https://u@b.example/p@q":        "b.example",
		"  https://pad.example/  ":       "pad.example",
		"https://münchen.example/":       "münchen.example",
		"https://bad%zz.example/%zz":     "bad%zz.example",
		"":                               "",
		"localhost/path":                 "",
		"javascript:void(0)":             "",
		"data:text/plain;base64,SGVsbG8": "",
	} {
		if got := hostOf(in); got != want {
			t.Errorf("hostOf(%q) = %q, want %q", in, got, want)
		}
	}
}
