package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/winnowdata/winnow/schema"
)

// FuzzJSONL reads arbitrary bytes as JSONL. It never panics; every document has valid
// UTF-8 strings; and line by line it agrees with encoding/json on which lines are
// valid JSON, on the text and on the Meta of the valid ones.
func FuzzJSONL(f *testing.F) {
	for _, seed := range []string{
		`{"id":1,"text":"hello","url":"https://www.example.com/","x":[1,{"y":null}]}`,
		"\xef\xbb\xbf{\"text\":\"a\\r\\nb\"}\r\n\n{\"text\":5}\n[1]\n",
		`{"text":"\ud83d\ude00 \ud800 \u0000","k":"\u00e9","k":true}`,
		"{\"text\":\"\xff\xfe\",\"\xc0\":\"\xe2\x82\"}",
		`{"text":"x"} {"text":"y"}`,
		`{"text":"a","n":-0.5e+10,"m":01}`,
		`{"a":"b"`,
	} {
		f.Add([]byte(seed))
	}
	names := namesOf(DefaultOptions())
	f.Fuzz(func(t *testing.T, data []byte) {
		// A tiny buffer makes most lines "long" and tests their assembly too.
		r := newJSONLReader(bufio.NewReaderSize(bytes.NewReader(data), 64), "f.jsonl", "f.jsonl", names, nil)
		docs := map[int64]*schema.Document{}
		errs := map[int64]error{}
		for {
			doc, err := r.next()
			if err == io.EOF {
				break
			}
			var pe *ParseError
			if !errors.As(err, &pe) && err != nil {
				t.Fatalf("error that is not a ParseError: %v", err)
			}
			if err != nil {
				errs[pe.Line] = pe.Err
				continue
			}
			checkDocUTF8(t, doc)
			if strings.Contains(doc.Text, "\r") {
				t.Errorf("line %d: CR left in text %q", doc.Line, doc.Text)
			}
			if doc.Meta != "" && !json.Valid([]byte(doc.Meta)) {
				t.Errorf("line %d: meta is not JSON: %q", doc.Line, doc.Meta)
			}
			docs[doc.Line] = doc
		}

		for i, line := range bytes.Split(data, []byte("\n")) {
			n := int64(i + 1)
			if n == 1 {
				line = bytes.TrimPrefix(line, bom)
			}
			if isBlank(line) {
				continue
			}
			gotErr := errs[n]
			if !json.Valid(line) {
				if gotErr == nil || !strings.HasPrefix(gotErr.Error(), "invalid JSON") {
					t.Fatalf("line %d %q is not JSON; got doc %v, error %v", n, line, docs[n] != nil, gotErr)
				}
				continue
			}
			if gotErr != nil && strings.HasPrefix(gotErr.Error(), "invalid JSON") {
				t.Fatalf("line %d %q is JSON; got %v", n, line, gotErr)
			}
			var m map[string]any
			dec := json.NewDecoder(bytes.NewReader(line))
			dec.UseNumber()
			if dec.Decode(&m) != nil {
				continue // not an object
			}
			text, ok := m["text"].(string)
			if !ok {
				continue
			}
			doc := docs[n]
			if doc == nil {
				if e := errs[n]; e == nil || strings.HasPrefix(e.Error(), "text field") {
					t.Fatalf("line %d %q: no document, error %v", n, line, e)
				}
				continue // a bad id or title
			}
			if want := string(normalizeNewlines([]byte(text))); doc.Text != want {
				t.Fatalf("line %d: text %q, encoding/json %q", n, doc.Text, want)
			}
			for _, k := range names {
				delete(m, k)
			}
			var meta map[string]any
			if doc.Meta != "" {
				dec := json.NewDecoder(strings.NewReader(doc.Meta))
				dec.UseNumber()
				if err := dec.Decode(&meta); err != nil {
					t.Fatalf("line %d: meta %q: %v", n, doc.Meta, err)
				}
			}
			if len(m) == 0 && len(meta) == 0 {
				continue
			}
			if !reflect.DeepEqual(meta, m) {
				t.Fatalf("line %d: meta %v, encoding/json %v", n, meta, m)
			}
		}
	})
}

func checkDocUTF8(t *testing.T, d *schema.Document) {
	t.Helper()
	for _, s := range []string{d.ID, d.Source, d.URL, d.Title, d.Text, d.Meta} {
		if !utf8.ValidString(s) {
			t.Fatalf("line %d: invalid UTF-8 in %q", d.Line, s)
		}
	}
}

// FuzzTxt parses arbitrary bytes as a .txt article. It never panics; title and text
// are valid UTF-8 without CR; the title is one trimmed line; and the text is the tail
// of the (normalized) file.
func FuzzTxt(f *testing.F) {
	for _, seed := range []string{
		"Title\n\nBody\n", "\r\n \r\nT\r\rB", "\xef\xbb\xbfT\nB", "", "\x00", "Caf\xe9\nb", " \n\t",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		title, text, err := parseTxt(bytes.Clone(data))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "binary file") {
				t.Fatalf("error %v", err)
			}
			return
		}
		for _, s := range []string{title, text} {
			if !utf8.ValidString(s) || strings.Contains(s, "\r") {
				t.Fatalf("bad string %q", s)
			}
		}
		if strings.Contains(title, "\n") || title != strings.TrimSpace(title) {
			t.Fatalf("title %q", title)
		}
		if title == "" && text != "" {
			t.Fatalf("text %q without a title", text)
		}
		whole := validString(normalizeNewlines(bytes.TrimPrefix(bytes.Clone(data), bom)))
		if !strings.Contains(whole, title) || !strings.HasSuffix(whole, text) {
			t.Fatalf("title %q / text %q not from %q", title, text, whole)
		}
	})
}
