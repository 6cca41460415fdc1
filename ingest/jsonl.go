package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/winnowdata/winnow/schema"
)

// MaxLineSize is the longest JSONL line read. A longer line is a ParseError (skipped
// under SkipErrors); the lines of one file are read one at a time, so memory holds
// about one line, however long the file.
const MaxLineSize = 1 << 30

// maxLineSize is MaxLineSize, lowered by tests.
var maxLineSize = MaxLineSize

// errLineTooLong is the error of a line longer than maxLineSize.
type errLineTooLong struct{}

func (errLineTooLong) Error() string { return fmt.Sprintf("line is longer than %d bytes", maxLineSize) }

// lineReader splits a stream into lines of any length up to MaxLineSize.
type lineReader struct {
	br   *bufio.Reader
	acc  []byte // a line longer than br's buffer, assembled
	line int64  // number of the line last returned, 1-based
}

// next returns the next line without its "\n" (a trailing "\r" is kept), valid until
// the next call, or io.EOF. A line longer than MaxLineSize is skipped and reported as
// errLineTooLong; other errors are those of the stream.
func (l *lineReader) next() ([]byte, error) {
	if cap(l.acc) > 16<<20 {
		l.acc = nil // do not pin the memory of one huge line
	}
	b, err := l.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		// A line longer than the buffer: assemble it, or skip it past maxLineSize.
		l.acc = append(l.acc[:0], b...)
		tooLong := false
		for errors.Is(err, bufio.ErrBufferFull) {
			b, err = l.br.ReadSlice('\n')
			if !tooLong && len(l.acc)+len(b) > maxLineSize {
				tooLong, l.acc = true, nil
			}
			if !tooLong {
				l.acc = appendDoubling(l.acc, b)
			}
		}
		if tooLong && (err == nil || err == io.EOF) {
			l.line++
			return nil, errLineTooLong{}
		}
		b = l.acc
	}
	switch {
	case err == nil:
		l.line++
		return b[:len(b)-1], nil
	case err == io.EOF && len(b) > 0: // a last line without "\n"
		l.line++
		return b, nil
	}
	return nil, err
}

// appendDoubling appends b to acc, doubling the capacity when it grows: append's
// gentler growth for large slices leaves more garbage behind on a line of 100s of MB.
func appendDoubling(acc, b []byte) []byte {
	if len(acc)+len(b) > cap(acc) {
		grown := make([]byte, len(acc), max(2*cap(acc), len(acc)+len(b)))
		copy(grown, acc)
		acc = grown
	}
	return append(acc, b...)
}

// jsonlReader reads one JSONL stream.
type jsonlReader struct {
	name string // file name in errors and Document.File
	base string // prefix of the default id
	lr   lineReader
	p    lineParser
	src  *countReader // the file under the stream, to tell I/O errors apart
	done bool
	// the records without the text field, while no record of the file had it
	tally fieldTally
}

func newJSONLReader(r io.Reader, name, base string, names fieldNames, src *countReader) *jsonlReader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 1<<20)
	}
	return &jsonlReader{name: name, base: base, lr: lineReader{br: br}, p: lineParser{names: names}, src: src}
}

var bom = []byte("\xef\xbb\xbf")

func (r *jsonlReader) next() (*schema.Document, error) {
	for !r.done {
		line, err := r.lr.next()
		switch {
		case err == io.EOF:
			r.done = true
			if t := &r.tally; t.missing > 0 && !t.hasText {
				// every record lacked the text field (read to here under SkipErrors)
				have, guess := t.fields()
				return nil, &ParseError{File: r.name, Err: &FieldError{Field: r.p.names[roleText], Have: have,
					Guess: guess, Whole: true, msg: fmt.Sprintf("none of its %d records has the text field %q", t.missing, r.p.names[roleText])}}
			}
			return nil, io.EOF
		case errors.Is(err, errLineTooLong{}):
			return nil, &ParseError{File: r.name, Line: r.lr.line, Err: err}
		case err != nil:
			r.done = true
			return nil, streamError(r.name, r.lr.line+1, err, r.src)
		}
		if r.lr.line == 1 {
			line = bytes.TrimPrefix(line, bom)
		}
		if isBlank(line) {
			continue
		}
		doc, err := r.decode(line)
		if err != nil {
			return nil, &ParseError{File: r.name, Line: r.lr.line, Err: err}
		}
		return doc, nil
	}
	return nil, io.EOF
}

func (r *jsonlReader) close() error { return nil }

// isBlank reports whether line holds only JSON white space.
func isBlank(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}

// decode turns one JSONL line into a Document.
func (r *jsonlReader) decode(line []byte) (*schema.Document, error) {
	p := &r.p
	if err := p.parse(line); err != nil {
		var se *syntaxError
		if errors.As(err, &se) {
			if i := bytes.IndexByte(line, '\r'); i >= 0 && i < len(line)-1 && se.col > i+1 {
				// JSON reads the lone CR as white space and fails on the next record.
				return nil, fmt.Errorf("invalid JSON: %w (lines end in a lone CR: JSONL lines must end in LF or CRLF)", err)
			}
			return nil, fmt.Errorf("invalid JSON: %w", err)
		}
		return nil, err
	}
	doc := &schema.Document{File: r.name, Line: r.lr.line}

	v := p.vals[roleText]
	if v.set {
		r.tally.hasText = true
	}
	switch {
	case !v.set:
		return nil, r.missingText()
	case v.kind != '"':
		return nil, fmt.Errorf("text field %q is %s, not a string", p.names[roleText], kindName(v.kind))
	}
	doc.Text = p.text(v)

	switch v := p.vals[roleID]; {
	case !v.set || v.kind == 'n':
	case v.kind == '"':
		doc.ID = p.str(v)
	case v.kind == '-' || '0' <= v.kind && v.kind <= '9':
		doc.ID = string(line[v.start:v.end])
	default:
		return nil, fmt.Errorf("id field %q is %s, not a string or number", p.names[roleID], kindName(v.kind))
	}
	if doc.ID == "" {
		doc.ID = r.base + ":" + strconv.FormatInt(r.lr.line, 10)
	}

	for _, f := range [...]struct {
		role role
		dst  *string
	}{{roleTitle, &doc.Title}, {roleURL, &doc.URL}, {roleSource, &doc.Source}} {
		switch v := p.vals[f.role]; {
		case !v.set || v.kind == 'n':
		case v.kind == '"':
			*f.dst = p.str(v)
		default:
			return nil, fmt.Errorf("%s field %q is %s, not a string", roleLabel[f.role], p.names[f.role], kindName(v.kind))
		}
	}
	if doc.Source == "" && doc.URL != "" {
		doc.Source = hostOf(doc.URL)
	}
	doc.Meta = p.buildMeta()
	return doc, nil
}

// missingText is the error of a record without the text field. While no record of the
// file has had it, the error names the fields the records have: the field name is
// likely wrong, not the record.
func (r *jsonlReader) missingText() error {
	p, t := &r.p, &r.tally
	msg := fmt.Sprintf("missing text field %q", p.names[roleText])
	t.missing++
	if t.hasText {
		return errors.New(msg)
	}
	for role, v := range p.vals {
		if v.set {
			t.add(p.names[role], -1, true)
		}
	}
	for _, f := range p.unknown {
		n := int64(-1)
		if len(f.val) > 0 && f.val[0] == '"' {
			n = int64(len(f.val) - 2)
		}
		t.add(f.key, n, false)
	}
	have, guess := t.fields()
	return &FieldError{Field: p.names[roleText], Have: have, Guess: guess, msg: msg}
}

var roleLabel = [nRoles]string{"text", "id", "title", "url", "source"}

// hostOf returns the lower-cased host of a URL, without user info, port or a final
// dot, or "" when raw has no recognizable host. A URL without a scheme
// ("example.com/a") is accepted when its first segment looks like a host name.
func hostOf(raw string) string {
	s := strings.TrimSpace(raw)
	if i := strings.Index(s, "://"); i > 0 && isScheme(s[:i]) {
		s = s[i+3:]
	} else if strings.HasPrefix(s, "//") {
		s = s[2:]
	} else {
		// No scheme: accept "example.com/a" and "example.com:8080", not a path,
		// "mailto:x@y" or free text.
		seg := firstSegment(s)
		host, port, hasPort := strings.Cut(seg, ":")
		if !strings.Contains(host, ".") || strings.ContainsAny(seg, "@ \t") || hasPort && !allDigits(port) {
			return ""
		}
	}
	s = firstSegment(s)
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	if strings.HasPrefix(s, "[") { // IPv6 literal
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return ""
		}
		return strings.ToLower(s[1:end])
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	return strings.ToLower(strings.TrimSuffix(s, "."))
}

// firstSegment returns s up to its first '/', '?' or '#'.
func firstSegment(s string) string {
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		return s[:i]
	}
	return s
}

func isScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return s != ""
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
