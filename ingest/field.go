package ingest

import (
	"slices"
	"strings"
)

// FieldError is a record, or a whole file, without the text field. It names the
// fields that were there, so that the caller can suggest the right one.
type FieldError struct {
	Field string // the text field looked for (Options.TextField)
	// Columns is set for Parquet, whose fields are columns.
	Columns bool
	// Have are the top-level fields of the record (JSONL: of every record of the file
	// when Whole), sorted; Guess, of those, the string field not mapped to another
	// Document field that holds the most text, or "".
	Have  []string
	Guess string
	// Whole is set when no record of the file has the text field: a Parquet file
	// without the column, or a JSONL file read to its end under SkipErrors. Such an
	// error stops the stream even under SkipErrors: skipping every record would end
	// the run with nothing read and nothing said.
	Whole bool
	msg   string
}

func (e *FieldError) Error() string { return e.msg }

// fieldTally gathers the fields of the records of one file that lack the text field.
type fieldTally struct {
	missing int64 // records without the text field
	hasText bool  // a record had the text field
	text    map[string]int64
	order   []string
}

// maxTallied caps the field names tallied per file.
const maxTallied = 64

// add counts one field of a record that lacks the text field: its name and, when it
// is a string not mapped to a Document field, its length.
func (t *fieldTally) add(name string, strLen int64, mapped bool) {
	if t.text == nil {
		t.text = map[string]int64{}
	}
	n, seen := t.text[name]
	if !seen {
		if len(t.text) >= maxTallied {
			return
		}
		t.order = append(t.order, name)
	}
	if !mapped && strLen >= 0 {
		n += strLen + 1 // +1: an empty string still counts as a string
	}
	t.text[name] = n
}

// fields returns the names tallied, sorted, and the best guess for the text field.
func (t *fieldTally) fields() (have []string, guess string) {
	have = slices.Clone(t.order)
	slices.Sort(have)
	var most int64
	for _, name := range have {
		if n := t.text[name]; n > most {
			most, guess = n, name
		}
	}
	return have, guess
}

// Hint words the suggestion of a FieldError for a command line whose flag for the text
// field is flag: "records have fields body, id; try --text-field body".
func (e *FieldError) Hint(flag string) string {
	what := "records have fields"
	if e.Columns {
		what = "the file has columns"
	}
	switch {
	case len(e.Have) == 0 && e.Columns:
		return "the file has no columns"
	case len(e.Have) == 0:
		return "records have no fields"
	}
	list := e.Have
	more := ""
	if len(list) > 12 {
		list, more = list[:12], ", …"
	}
	h := what + " " + strings.Join(list, ", ") + more
	if e.Guess != "" {
		return h + "; try " + flag + " " + e.Guess
	}
	return h + "; name the one holding the text with " + flag
}
