package ingest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestMissingTextField: a record without the text field names the fields it has while
// no record of its file has had the text field; under SkipErrors a file none of whose
// records has it stops the stream, naming the fields seen and the likely text field;
// one that has it in some records only has the others skipped.
func TestMissingTextField(t *testing.T) {
	dir := t.TempDir()
	var lines strings.Builder
	for i := range 200 {
		fmt.Fprintf(&lines, `{"id":"d%d","title":"A title longer than the body is","url":"https://x.example/%d","body":"The body %d","n":%d}`+"\n", i, i, i, i)
	}
	body := writeFile(t, dir, "body.jsonl", []byte(lines.String()))
	good := writeFile(t, dir, "good.jsonl", []byte(`{"text":"x"}`+"\n"))
	mixed := writeFile(t, dir, "mixed.jsonl", []byte(`{"text":"x"}`+"\n"+`{"body":"y"}`+"\n"+`{"text":"z"}`+"\n"))
	empty := writeFile(t, dir, "empty.jsonl", []byte("{}\n"))

	t.Run("fail at the first record", func(t *testing.T) {
		res := readAll(t, []string{body}, DefaultOptions())
		var fe *FieldError
		var pe *ParseError
		if !errors.As(res.err, &fe) || !errors.As(res.err, &pe) || pe.Line != 1 || fe.Whole {
			t.Fatalf("err = %v, want a ParseError at line 1 holding a FieldError", res.err)
		}
		if res.err.Error() != body+`:1: missing text field "text"` {
			t.Errorf("message %q", res.err)
		}
		if want := []string{"body", "id", "n", "title", "url"}; !slices.Equal(fe.Have, want) || fe.Guess != "body" {
			t.Errorf("have %v, guess %q; want %v and body (title and url are mapped, n is a number)", fe.Have, fe.Guess, want)
		}
		if h := fe.Hint("--text-field"); h != "records have fields body, id, n, title, url; try --text-field body" {
			t.Errorf("hint %q", h)
		}
	})
	t.Run("skip: every record lacks it", func(t *testing.T) {
		opts := DefaultOptions()
		opts.SkipErrors = true
		res := readAll(t, []string{good, body}, opts)
		var fe *FieldError
		if !errors.As(res.err, &fe) || !fe.Whole || fe.Guess != "body" {
			t.Fatalf("err = %v, want a whole-file FieldError guessing body", res.err)
		}
		if want := body + `: none of its 200 records has the text field "text"`; res.err.Error() != want {
			t.Errorf("message %q, want %q", res.err, want)
		}
		if len(res.docs) != 1 || len(res.rejects) != 200 {
			t.Errorf("%d documents, %d rejects; want 1 and 200", len(res.docs), len(res.rejects))
		}
	})
	t.Run("skip: some records have it", func(t *testing.T) {
		opts := DefaultOptions()
		opts.SkipErrors = true
		res := readAll(t, []string{mixed}, opts)
		if res.err != nil || len(res.docs) != 2 || len(res.rejects) != 1 {
			t.Fatalf("%d documents, %d rejects, %v; want 2, 1 and no error", len(res.docs), len(res.rejects), res.err)
		}
		res = readAll(t, []string{mixed}, DefaultOptions())
		var fe *FieldError
		if res.err == nil || errors.As(res.err, &fe) {
			t.Errorf("a record without text after one with it: %v, want a plain ParseError", res.err)
		}
	})
	t.Run("no fields at all", func(t *testing.T) {
		res := readAll(t, []string{empty}, DefaultOptions())
		var fe *FieldError
		if !errors.As(res.err, &fe) || fe.Hint("--text-field") != "records have no fields" {
			t.Errorf("err = %v", res.err)
		}
	})
}

// pqBody is a Parquet row without a text column.
type pqBody struct {
	ID      string `parquet:"id"`
	Title   string `parquet:"title"`
	Summary string `parquet:"summary"`
	Body    string `parquet:"body"`
	N       int64  `parquet:"n"`
}

func TestMissingTextColumn(t *testing.T) {
	var rows []pqBody
	for i := range 50 {
		rows = append(rows, pqBody{ID: fmt.Sprint(i), Title: "title", Summary: "short", Body: strings.Repeat("the body of it ", 20), N: int64(i)})
	}
	path := writeFile(t, t.TempDir(), "b.parquet", parquetOf(t, rows))
	opts := DefaultOptions()
	opts.SkipErrors = true
	res := readAll(t, []string{path}, opts)
	var fe *FieldError
	if !errors.As(res.err, &fe) || !fe.Whole || !fe.Columns {
		t.Fatalf("err = %v (%d rejects), want a whole-file FieldError even under SkipErrors", res.err, len(res.rejects))
	}
	if res.err.Error() != path+`: no string column "text"` {
		t.Errorf("message %q", res.err)
	}
	if h := fe.Hint("--text-field"); h != "the file has columns body, id, n, summary, title; try --text-field body" {
		t.Errorf("hint %q", h)
	}
}
