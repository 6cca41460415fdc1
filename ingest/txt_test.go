package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseTxt(t *testing.T) {
	tests := []struct {
		name, in    string
		title, text string
		wantErr     string
	}{
		{name: "title and text", in: "Title\nBody one.\n\nBody two.\n", title: "Title", text: "Body one.\n\nBody two.\n"},
		{name: "leading blank lines", in: "\n  \n\t Title  \n\n \nBody\n", title: "Title", text: "Body\n"},
		{name: "CRLF", in: "Title\r\n\r\nLine 1\r\nLine 2\r\n", title: "Title", text: "Line 1\nLine 2\n"},
		{name: "lone CR", in: "Title\rBody\r\rEnd", title: "Title", text: "Body\n\nEnd"},
		{name: "BOM", in: "\xef\xbb\xbfTitle\nBody", title: "Title", text: "Body"},
		{name: "title only", in: "Only a title", title: "Only a title"},
		{name: "title then blanks", in: "Title\n\n  \n", title: "Title"},
		{name: "empty", in: ""},
		{name: "white space only", in: " \n\t\n"},
		{name: "inner spacing kept", in: "T\n  indented\n\n\n\nfar  apart  \n", title: "T", text: "  indented\n\n\n\nfar  apart  \n"},
		{name: "non-Latin", in: "Заголовок\n正文。\n", title: "Заголовок", text: "正文。\n"},
		{name: "some invalid UTF-8 repaired", in: "Caf\xe9\nna\xefve text, mostly fine", title: "Caf\uFFFD", text: "na\uFFFDve text, mostly fine"},
		{name: "NUL byte", in: "Title\nbody\x00more", wantErr: "binary file: NUL byte at offset 10"},
		{name: "mostly invalid UTF-8", in: "\xcf\xf0\xe8\xe2\xe5\xf2 \xec\xe8\xf0", wantErr: "binary file: 90% of the first 10 bytes is not UTF-8"},
		{name: "NUL after the sample is text", in: strings.Repeat("a", binarySample) + "\x00", title: strings.Repeat("a", binarySample) + "\x00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			title, text, err := parseTxt([]byte(tt.in))
			checkErr(t, err, tt.wantErr)
			if title != tt.title || text != tt.text {
				t.Errorf("got title %q text %q, want %q %q", title, text, tt.title, tt.text)
			}
		})
	}
}

// A UTF-8 character cut by the end of the sample does not count as invalid.
func TestBinaryReasonCutCharacter(t *testing.T) {
	data := []byte(strings.Repeat("é", binarySample)) // 2 bytes each: the sample ends inside none, but check the boundary
	for cut := binarySample - 3; cut <= binarySample+3; cut++ {
		d := append(bytes.Repeat([]byte("a"), cut), data...)
		if r := binaryReason(d); r != "" {
			t.Errorf("offset %d: %s", cut, r)
		}
	}
}

func TestTxtFolder(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "corpus")
	writeFile(t, root, "site.example/000002.txt", []byte("Second\n\nText two.\n"))
	writeFile(t, root, "site.example/000001.txt", []byte("\r\nFirst\r\n\r\nText one.\r\n"))
	writeFile(t, root, "other.example/a/deep.TXT", []byte("Deep\nText deep."))
	writeFile(t, root, "top.txt", []byte("Top\nText top."))
	writeFile(t, root, "site.example/notes.md", []byte("skipped: not an article extension"))
	writeFile(t, root, "site.example/.hidden.txt", []byte("skipped: hidden"))
	writeFile(t, root, ".git/HEAD.txt", []byte("skipped: hidden folder"))
	writeFile(t, root, "site.example/b.jsonl", []byte(`{"id":"j","text":"from jsonl"}`))

	res := readAll(t, []string{root}, DefaultOptions())
	if res.err != nil {
		t.Fatal(res.err)
	}
	type doc struct{ id, source, title, text, file string }
	var got []doc
	for _, d := range res.docs {
		got = append(got, doc{d.ID, d.Source, d.Title, d.Text, d.File})
	}
	want := []doc{
		{"other.example/a/deep.TXT", "a", "Deep", "Text deep.", filepath.Join(root, "other.example/a/deep.TXT")},
		{"site.example/000001.txt", "site.example", "First", "Text one.\n", filepath.Join(root, "site.example/000001.txt")},
		{"site.example/000002.txt", "site.example", "Second", "Text two.\n", filepath.Join(root, "site.example/000002.txt")},
		{"j", "", "", "from jsonl", filepath.Join(root, "site.example/b.jsonl")},
		{"top.txt", "corpus", "Top", "Text top.", filepath.Join(root, "top.txt")},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}

	// A single file: id is its base name, source its folder's name.
	res = readAll(t, []string{filepath.Join(root, "site.example/000002.txt")}, DefaultOptions())
	if res.err != nil || len(res.docs) != 1 || res.docs[0].ID != "000002.txt" || res.docs[0].Source != "site.example" {
		t.Errorf("single file: %v %+v", res.err, res.docs)
	}
}

func TestTxtBinarySkip(t *testing.T) {
	dir := t.TempDir()
	bin := writeFile(t, dir, "a/1.txt", []byte("PNG\x00\x01\x02"))
	writeFile(t, dir, "a/2.txt", []byte("Fine\ntext"))
	res := readAll(t, []string{dir}, DefaultOptions())
	var pe *ParseError
	if !errors.As(res.err, &pe) || pe.File != bin || !strings.Contains(pe.Error(), "binary file") {
		t.Errorf("error %v, want a binary file ParseError for %s", res.err, bin)
	}
	opts := DefaultOptions()
	opts.SkipErrors = true
	res = readAll(t, []string{dir}, opts)
	if res.err != nil || len(res.docs) != 1 || len(res.rejects) != 1 || res.rejects[0].File != bin {
		t.Errorf("skip: err %v, %d docs, rejects %v", res.err, len(res.docs), res.rejects)
	}
}

// Compressed .txt articles are read too.
func TestTxtCompressed(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "s/a.txt.gz", gzipData(t, []byte("Gz title\nGz text")))
	writeFile(t, dir, "s/b.txt.zst", zstdData(t, []byte("Zst title\nZst text")))
	res := readAll(t, []string{dir}, DefaultOptions())
	if res.err != nil || len(res.docs) != 2 || res.docs[0].Title != "Gz title" || res.docs[1].Text != "Zst text" ||
		res.docs[0].ID != "s/a.txt.gz" {
		t.Errorf("err %v, docs %+v", res.err, res.docs)
	}
}
