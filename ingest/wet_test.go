package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/winnowdata/winnow/schema"
)

// wetFixture is a handwritten WET file: a warcinfo record and two conversion records
// (the second with non-ASCII text and CRLF line ends), starting at lines 1, 18 and 33.
const wetFixture = "testdata/sample.warc.wet"

// wantFixture are the documents of wetFixture, read from file.
func wantFixture(file string) []schema.Document {
	return []schema.Document{{
		ID:     "urn:uuid:6a1f3c2e-7b4d-4e8a-9c0f-1d2e3f4a5b6c",
		Source: "www.example.com",
		URL:    "https://www.Example.com:443/news/harvest?id=7",
		Text: "Farmers report the best wheat harvest in a decade\n" +
			"The northern province had a wet spring and a mild summer.\n" +
			"Prices fell by four percent over the month.",
		Meta: `{"language":"eng","warc_date":"2023-02-06T12:01:02Z"}`,
		File: file, Line: 18,
	}, {
		ID:     "urn:uuid:9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a",
		Source: "blog.example.org",
		URL:    "http://blog.example.org/caf%C3%A9",
		Text:   "Café au lait et crème brûlée\nЗдравствуй, мир — это проверка.\n日本語のテキストも読めます。",
		Meta:   `{"language":"fra,rus,jpn","warc_date":"2023-02-06T12:03:04Z"}`,
		File:   file, Line: 33,
	}}
}

func readFixture(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(wetFixture)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// gzipMembers compresses each WARC record of data as its own gzip member, as Common
// Crawl does, and concatenates them.
func gzipMembers(t testing.TB, data []byte) []byte {
	t.Helper()
	var out []byte
	for len(data) > 0 {
		end := bytes.Index(data[1:], []byte("WARC/1.0\r\n"))
		if end < 0 {
			end = len(data)
		} else {
			end++
		}
		out = append(out, gzipData(t, data[:end])...)
		data = data[end:]
	}
	return out
}

// The fixture reads the same plain, as multi-member gzip, and however its format is
// told: by name, by content, or forced.
func TestWETFixture(t *testing.T) {
	plain := readFixture(t)
	gz := gzipMembers(t, plain)
	if n := bytes.Count(gz, []byte{0x1f, 0x8b, 8}); n != 3 {
		t.Fatalf("%d gzip members, want 3", n)
	}
	tests := []struct {
		name, file, format string
		data               []byte
	}{
		{name: "plain by name", file: "sample.warc.wet", data: plain},
		{name: "multi-member gzip by name", file: "CC-MAIN-00000.warc.wet.gz", data: gz},
		{name: "zstd by name", file: "x.wet.zst", data: zstdData(t, plain)},
		{name: "warc.gz by content", file: "crawl.warc.gz", data: gz},
		{name: "no extension by content", file: "crawl", data: plain},
		{name: "forced over the name", file: "notes.txt", format: "wet", data: gz},
		{name: "forced, upper case", file: "notes.jsonl", format: "WET", data: plain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), tt.file, tt.data)
			opts := DefaultOptions()
			if tt.format != "" {
				opts.Format = tt.format
			}
			res := readAll(t, []string{path}, opts)
			if res.err != nil {
				t.Fatal(res.err)
			}
			checkDocs(t, res.docs, wantFixture(path), "")
		})
	}
}

// conv is a conversion record of 6 header lines plus the lines of text and a blank
// line: a one-line text makes an 8-line record.
func conv(id, text string) string {
	return fmt.Sprintf("WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Record-ID: <%s>\r\n"+
		"WARC-Target-URI: http://%s.example/\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n", id, id, len(text), text)
}

// warcinfo is an 8-line warcinfo record.
const warcinfo = "WARC/1.0\r\nWARC-Type: warcinfo\r\nWARC-Date: 2023-02-06T12:00:00Z\r\n" +
	"Content-Type: application/warc-fields\r\nContent-Length: 17\r\n\r\nisPartOf: CC-X\r\n\r\n\r\n"

func TestWETRecords(t *testing.T) {
	type reject struct {
		line int64
		err  string
	}
	tests := []struct {
		name    string
		in      string
		ids     string // documents read, strict mode, before any error
		err     string // strict mode
		skipIDs string // skip mode; "" when the same as ids
		rejects []reject
	}{
		{name: "empty file", in: "", ids: "[]"},
		{name: "blank lines only", in: "\r\n\n  \r\n", ids: "[]"},
		{name: "warcinfo only", in: warcinfo, ids: "[]"},
		{name: "other types skipped", in: warcinfo + strings.Replace(conv("r", "req"), "conversion", "request", 1) +
			conv("a", "x") + strings.Replace(conv("m", "meta"), "conversion", "metadata", 1), ids: "[a]"},
		{name: "two records", in: conv("a", "one") + conv("b", "two\r\nlines"), ids: "[a b]"},
		{name: "no blank lines between records", in: strings.TrimSuffix(conv("a", "one"), "\r\n\r\n") + conv("b", "two"), ids: "[a b]"},
		{name: "LF only", in: strings.ReplaceAll(conv("a", "one")+conv("b", "two"), "\r\n", "\n"), ids: "[a b]"},
		{name: "WARC/1.1", in: strings.Replace(conv("a", "one"), "WARC/1.0", "WARC/1.1", 1), ids: "[a]"},
		{name: "truncated content", in: conv("a", "one") + strings.TrimSuffix(conv("b", "0123456789"), "6789\r\n\r\n"),
			ids: "[a]", err: "in.wet:9: truncated WARC record at line 9: Content-Length is 10, the stream ends after 6 bytes",
			rejects: []reject{{9, "truncated WARC record at line 9"}}},
		{name: "truncated header block", in: conv("a", "one") + "WARC/1.0\r\nWARC-Type: conversion\r\n",
			ids: "[a]", err: "in.wet:9: truncated WARC record at line 9: the stream ends inside its header block",
			rejects: []reject{{9, "truncated WARC record at line 9"}}},
		{name: "missing Content-Length", in: conv("a", "one") + strings.Replace(conv("b", "two"), "Content-Length", "Content-Size", 1) + conv("c", "three"),
			ids: "[a]", err: "in.wet:9: WARC record without Content-Length", skipIDs: "[a c]",
			rejects: []reject{{9, "WARC record without Content-Length"}}},
		{name: "bad Content-Length", in: conv("a", "one") + strings.Replace(conv("b", "two"), "Content-Length: 3", "Content-Length: 3x", 1) + conv("c", "three"),
			ids: "[a]", err: `in.wet:9: bad Content-Length "3x"`, skipIDs: "[a c]",
			rejects: []reject{{9, `bad Content-Length "3x"`}}},
		{name: "negative Content-Length", in: strings.Replace(conv("b", "two"), "Content-Length: 3", "Content-Length: -3", 1),
			ids: "[]", err: `in.wet:1: bad Content-Length "-3"`, rejects: []reject{{1, "bad Content-Length"}}},
		{name: "overflowing Content-Length", in: strings.Replace(conv("b", "two"), "Content-Length: 3", "Content-Length: 99999999999999999999", 1),
			ids: "[]", err: `in.wet:1: bad Content-Length "99999999999999999999"`, rejects: []reject{{1, "bad Content-Length"}}},
		{name: "conflicting Content-Length", in: strings.Replace(conv("b", "two"), "Content-Length: 3\r\n", "Content-Length: 3\r\nContent-Length: 4\r\n", 1),
			ids: "[]", err: `in.wet:1: conflicting Content-Length headers "3" and "4"`, rejects: []reject{{1, "conflicting"}}},
		{name: "bad header line", in: strings.Replace(conv("b", "two"), "WARC-Type: conversion\r\n", "WARC-Type: conversion\r\nno colon here\r\n", 1) + conv("c", "x"),
			ids: "[]", err: `in.wet:1: bad WARC header line 3: "no colon here"`, skipIDs: "[c]", rejects: []reject{{1, "bad WARC header line 3"}}},
		{name: "no WARC-Type", in: strings.Replace(conv("b", "two"), "WARC-Type: conversion\r\n", "", 1) + conv("c", "x"),
			ids: "[]", err: "in.wet:1: WARC record without WARC-Type", skipIDs: "[c]", rejects: []reject{{1, "without WARC-Type"}}},
		{name: "garbage between records", in: conv("a", "one") + "some garbage\r\nmore\r\n" + conv("b", "two"),
			ids: "[a]", err: `in.wet:9: expected a WARC/1.0 record header, found "some garbage"`, skipIDs: "[a b]",
			rejects: []reject{{9, "expected a WARC/1.0 record header"}}},
		{name: "garbage at the start", in: "<html>\n" + conv("a", "one"),
			ids: "[]", err: `in.wet:1: expected a WARC/1.0 record header, found "<html>"`, skipIDs: "[a]",
			rejects: []reject{{1, "expected a WARC/1.0 record header"}}},
		{name: "Content-Length too short", in: strings.Replace(conv("a", "abcdef"), "Content-Length: 6", "Content-Length: 3", 1) + conv("b", "two"),
			ids: "[a]", err: `in.wet:7: expected a WARC/1.0 record header, found "def"`, skipIDs: "[a b]",
			rejects: []reject{{7, "expected a WARC/1.0 record header"}}},
		{name: "garbage to the end", in: conv("a", "one") + "tail\nWARC/1.0 is not alone\n",
			ids: "[a]", err: `in.wet:9: expected a WARC/1.0 record header, found "tail"`,
			rejects: []reject{{9, "expected a WARC/1.0 record header"}}},
		{name: "resync on the next version line only", in: "junk\r\n" + strings.Replace(conv("a", "x"), "WARC-Type: conversion", "WARC-Type: conversion\r\nbad", 1) + conv("b", "y"),
			ids: "[]", err: `in.wet:1: expected a WARC/1.0 record header, found "junk"`, skipIDs: "[b]",
			rejects: []reject{{1, "expected"}, {2, "bad WARC header line 4"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "in.wet", []byte(tt.in))
			res := readAll(t, []string{path}, DefaultOptions())
			if got := fmt.Sprint(ids(res.docs)); got != tt.ids {
				t.Errorf("strict: ids %s, want %s", got, tt.ids)
			}
			if tt.err == "" {
				checkErr(t, res.err, "")
			} else {
				var pe *ParseError
				if !errors.As(res.err, &pe) || pe.File != path || res.err.Error() != filepath.Dir(path)+string(filepath.Separator)+tt.err {
					t.Errorf("strict: error %v, want the ParseError %s", res.err, tt.err)
				}
			}

			opts := DefaultOptions()
			opts.SkipErrors = true
			res = readAll(t, []string{path}, opts)
			want := tt.skipIDs
			if want == "" {
				want = tt.ids
			}
			if got := fmt.Sprint(ids(res.docs)); got != want || res.err != nil {
				t.Errorf("skip: ids %s (%v), want %s", got, res.err, want)
			}
			if len(res.rejects) != len(tt.rejects) {
				t.Fatalf("skip: rejects %v, want %v", res.rejects, tt.rejects)
			}
			for i, r := range tt.rejects {
				if got := res.rejects[i]; got.File != path || got.Line != r.line || !strings.Contains(got.Error, r.err) {
					t.Errorf("skip: reject %v, want line %d %q", got, r.line, r.err)
				}
			}
		})
	}
}

// Header fields: names are case-insensitive, values trimmed, continuation lines
// folded; a record without WARC-Record-ID gets a positional id; Meta leaves out
// absent fields.
func TestWETFields(t *testing.T) {
	in := "WARC/1.0\r\nwarc-type:conversion\r\nWARC-TARGET-URI:   https://user@Sub.Example.COM.:8080/p  \r\n" +
		"WARC-Date: 2024-01-01T00:00:00Z\r\nContent-Length: 2\r\n\r\nhi\r\n\r\n" +
		"WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Record-ID: <urn:uuid:x>\r\nWARC-Identified-Content-Language: deu,\r\n eng\r\n" +
		"Content-Length: 5\r\n\r\nb\xffd\rx\r\n\r\n"
	path := writeFile(t, t.TempDir(), "f.wet", []byte(in))
	res := readAll(t, []string{path}, DefaultOptions())
	if res.err != nil {
		t.Fatal(res.err)
	}
	checkDocs(t, res.docs, []schema.Document{
		{ID: "f.wet:1", URL: "https://user@Sub.Example.COM.:8080/p", Source: "sub.example.com", Text: "hi",
			Meta: `{"warc_date":"2024-01-01T00:00:00Z"}`, File: path, Line: 1},
		{ID: "urn:uuid:x", Text: "b\uFFFDd\nx", Meta: `{"language":"deu, eng"}`, File: path, Line: 9},
	}, "")
}

// A conversion record longer than maxWETContent is rejected and read past; a long
// record of another type is skipped silently.
func TestWETLongContent(t *testing.T) {
	defer func(n int64) { maxWETContent = n }(maxWETContent)
	maxWETContent = 10
	long := strings.Repeat("0123456789\n", 3)
	in := strings.Replace(conv("i", long), "conversion", "warcinfo", 1) + conv("a", long) + conv("b", "short")
	path := writeFile(t, t.TempDir(), "f.wet", []byte(in))
	res := readAll(t, []string{path}, DefaultOptions())
	if got := fmt.Sprint(ids(res.docs)); got != "[]" || res.err == nil || !strings.HasSuffix(res.err.Error(), "f.wet:12: WARC record content is longer than 10 bytes") {
		t.Errorf("strict: ids %s, error %v", got, res.err)
	}
	opts := DefaultOptions()
	opts.SkipErrors = true
	res = readAll(t, []string{path}, opts)
	if got := fmt.Sprint(ids(res.docs)); got != "[b]" || res.err != nil || len(res.rejects) != 1 || res.rejects[0].Line != 12 {
		t.Errorf("skip: ids %s, error %v, rejects %v", got, res.err, res.rejects)
	}
	if res.docs[0].Line != 23 {
		t.Errorf("line %d after the long record, want 23", res.docs[0].Line)
	}
}

// A truncated gzip stream is a ParseError; under SkipErrors the next file is read.
func TestWETTruncatedGzip(t *testing.T) {
	dir := t.TempDir()
	var big strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&big, "%s", conv(fmt.Sprint("r", i), strings.Repeat(fmt.Sprintf("line %d of some text\n", i), 20)))
	}
	gz := gzipData(t, []byte(big.String()))
	a := writeFile(t, dir, "a.warc.wet.gz", gz[:len(gz)/2])
	b := writeFile(t, dir, "b.warc.wet.gz", gzipMembers(t, readFixture(t)))
	res := readAll(t, []string{a}, DefaultOptions())
	var pe *ParseError
	if !errors.As(res.err, &pe) || pe.File != a || pe.Line < 1 || !strings.Contains(res.err.Error(), "truncated gzip stream") {
		t.Errorf("error %v, want a truncated gzip stream ParseError", res.err)
	}
	opts := DefaultOptions()
	opts.SkipErrors = true
	res = readAll(t, []string{a, b}, opts)
	if n := len(res.docs); res.err != nil || len(res.rejects) != 1 || n < 3 || res.docs[n-1].File != b {
		t.Errorf("skip: %d docs, error %v, rejects %v", n, res.err, res.rejects)
	}
}

// A folder walk picks .wet and .wet.gz files, not .warc ones, and tells their format
// by name.
func TestWETFolder(t *testing.T) {
	plain := readFixture(t)
	root := filepath.Join(t.TempDir(), "crawl")
	gz := writeFile(t, root, "a/CC-MAIN-00000.warc.wet.gz", gzipMembers(t, plain))
	wet := writeFile(t, root, "b.wet", plain)
	writeFile(t, root, "c.warc", plain)
	writeFile(t, root, "d.md", plain)
	writeFile(t, root, "e.jsonl", []byte(`{"id":"e","text":"x"}`))
	res := readAll(t, []string{root}, DefaultOptions())
	if res.err != nil {
		t.Fatal(res.err)
	}
	ofB := wantFixture(wet)
	for i := range ofB {
		ofB[i].FileIndex = 1 // the second file of the walk
	}
	want := append(wantFixture(gz), ofB...)
	want = append(want, schema.Document{ID: "e", Text: "x", File: filepath.Join(root, "e.jsonl"), Line: 1, FileIndex: 2})
	checkDocs(t, res.docs, want, "")
	// Files picks files by those ordinals, and CountFiles counts them.
	if n, err := CountFiles(context.Background(), []string{root}, DefaultOptions()); n != 3 || err != nil {
		t.Errorf("CountFiles = %d, %v; want 3", n, err)
	}
	only := DefaultOptions()
	only.Files = func(ord int) bool { return ord != 1 }
	res = readAll(t, []string{root}, only)
	if res.err != nil {
		t.Fatal(res.err)
	}
	checkDocs(t, res.docs, append(wantFixture(gz), want[len(want)-1]), "")
	// So does a glob.
	res = readAll(t, []string{filepath.Join(root, "*", "*.wet.gz")}, DefaultOptions())
	if res.err != nil {
		t.Fatal(res.err)
	}
	checkDocs(t, res.docs, wantFixture(gz), "")
}

func TestWETDetection(t *testing.T) {
	for _, tt := range []struct{ name, want string }{
		{"CC-MAIN-20230206-00000.warc.wet.gz", "wet"},
		{"x.wet", "wet"},
		{"dir.wet/X.WET.ZST", "wet"},
		{"x.warc.gz", ""},
		{"x.warc", ""},
		{"x.wet.txt", "txt"},
		{"x.wetland", ""},
	} {
		if got := formatOfName(tt.name); got != tt.want {
			t.Errorf("formatOfName(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
	for _, tt := range []struct{ head, want string }{
		{"WARC/1.0\r\nWARC-Type: warcinfo", "wet"},
		{"WARC/1.1\n", "wet"},
		{"\xef\xbb\xbfWARC/1.0\r\n", "wet"},
		{"WARC", "txt"},
		{"warc/1.0\r\n", "txt"},
		{" WARC/1.0", "txt"},
	} {
		if got := sniff([]byte(tt.head)); got != tt.want {
			t.Errorf("sniff(%q) = %q, want %q", tt.head, got, tt.want)
		}
	}
	for _, tt := range []struct {
		name string
		want bool
	}{{"a.wet", true}, {"a.warc.wet.gz", true}, {"a.warc", false}, {"a.wet.md", false}} {
		if got := picked(tt.name); got != tt.want {
			t.Errorf("picked(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// FuzzWET reads arbitrary bytes as WET. It never panics and always ends; every error
// is a ParseError; documents have valid UTF-8 strings without CR in the text, JSON
// Meta, and lines that increase and hold a "WARC/" version line.
func FuzzWET(f *testing.F) {
	fixture, err := os.ReadFile(wetFixture)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		string(fixture), warcinfo + conv("a", "x\r\ny"), "", "WARC/1.0\r\n",
		"WARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: 5\r\n\r\nab",
		"junk\nWARC/1.0\nWARC-Type: conversion\nContent-Length: 1\n x\n\n\xff\n\n",
		"WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Record-ID: <\xc3>\r\nWARC-Date: \x01\"\r\nContent-Length: 3\r\n\r\n\xe2\x82\r",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// A tiny buffer splits lines and contents across many reads.
		r := newWETReader(bufio.NewReaderSize(bytes.NewReader(data), 16), "f.wet", "f.wet", nil)
		lines := bytes.Split(data, []byte("\n"))
		var last int64
		for i := 0; ; i++ {
			if i > len(data)+1 {
				t.Fatalf("more than %d records or errors from %d bytes", i, len(data))
			}
			doc, err := r.next()
			if err == io.EOF {
				break
			}
			if err != nil {
				var pe *ParseError
				if !errors.As(err, &pe) || pe.Line < 1 || pe.Line > int64(len(lines)) {
					t.Fatalf("error %v: not a ParseError naming one of the %d lines", err, len(lines))
				}
				continue
			}
			checkDocUTF8(t, doc)
			if strings.Contains(doc.Text, "\r") {
				t.Errorf("line %d: CR left in text %q", doc.Line, doc.Text)
			}
			if doc.Meta != "" && !json.Valid([]byte(doc.Meta)) {
				t.Errorf("line %d: meta is not JSON: %q", doc.Line, doc.Meta)
			}
			if doc.Line <= last || doc.Line > int64(len(lines)) || !bytes.Contains(lines[doc.Line-1], []byte("WARC/")) {
				t.Fatalf("document line %d (after %d) is not a version line", doc.Line, last)
			}
			if doc.ID == "" || doc.Title != "" {
				t.Fatalf("line %d: id %q, title %q", doc.Line, doc.ID, doc.Title)
			}
			last = doc.Line
		}
	})
}

// BenchmarkWET measures the WET reader alone on ~3 KB conversion records held in
// memory.
func BenchmarkWET(b *testing.B) {
	var data []byte
	for i, line := range bytes.Split(bytes.TrimSpace(articleLines(2000)), []byte("\n")) {
		var a struct{ URL, Text string }
		if err := json.Unmarshal(line, &a); err != nil {
			b.Fatal(err)
		}
		data = fmt.Appendf(data, "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: %s\r\n"+
			"WARC-Date: 2023-05-01T12:00:00Z\r\nWARC-Record-ID: <urn:uuid:%08d-0000-4000-8000-000000000000>\r\n"+
			"WARC-Identified-Content-Language: eng\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n",
			a.URL, i, len(a.Text), a.Text)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := newWETReader(bufio.NewReaderSize(bytes.NewReader(data), 1<<20), "bench.wet", "bench.wet", nil)
		drain(b, 2000, func() error { _, err := r.next(); return err })
	}
}
