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

// MaxWETContent is the largest content of a WET conversion record that is read, the
// same 1 GiB as MaxLineSize. A larger record is a ParseError (skipped under
// SkipErrors); its content is read past without being held in memory.
const MaxWETContent = 1 << 30

// maxWETContent is MaxWETContent, lowered by tests.
var maxWETContent int64 = MaxWETContent

// maxWARCHeader is the most bytes the header block of one WARC record may take.
const maxWARCHeader = 1 << 20

// maxVersionLine is how much of a line between records is kept to check whether it
// is a "WARC/1.0" line and to quote it in an error.
const maxVersionLine = 256

// wetReader reads one WARC stream, normally a Common Crawl WET file (a .warc.wet.gz
// is a multi-member gzip stream, which the gzip reader reads as one), and yields its
// conversion records. Records of other types are read past silently.
type wetReader struct {
	br   *bufio.Reader
	name string       // file name in errors and Document.File
	base string       // prefix of the id of a record without WARC-Record-ID
	src  *countReader // the file under the stream, to tell I/O errors apart
	nl   int64        // "\n" bytes read so far: the line being read is nl+1

	line   []byte // scratch of readLine
	buf    []byte // content of the current record
	resync bool   // after a malformed record: skip lines up to the next "WARC/1.0"
	done   bool
}

func newWETReader(br *bufio.Reader, name, base string, src *countReader) *wetReader {
	return &wetReader{br: br, name: name, base: base, src: src}
}

func (r *wetReader) close() error { return nil }

func (r *wetReader) next() (*schema.Document, error) {
	for !r.done {
		doc, err := r.record()
		if err != nil || doc != nil {
			return doc, err
		}
	}
	return nil, io.EOF
}

// warcHeader holds the fields of a WARC header block that the reader uses.
type warcHeader struct {
	typ, uri, id, date, lang string
	length                   string // raw Content-Length, "" when absent
	hasLength                bool
}

// record reads one record. It returns the document of a conversion record, nil and
// nil for a record of another type, io.EOF at the end of the stream, or the error of
// a malformed record. After an error it either sets done (nothing more can be read)
// or leaves the stream where the next call goes on: just past the record when its
// length was known, or resync set otherwise.
func (r *wetReader) record() (*schema.Document, error) {
	// The "WARC/1.0" line, after the blank lines that end the previous record.
	var start int64
	for {
		n := r.nl + 1
		line, whole, err := r.readLine(maxVersionLine)
		if err == io.EOF {
			r.done = true
			return nil, io.EOF
		}
		if err != nil {
			r.done = true
			return nil, streamError(r.name, n, err, r.src)
		}
		if n == 1 {
			line = bytes.TrimPrefix(line, bom)
		}
		if whole && isVersionLine(line) {
			start, r.resync = n, false
			break
		}
		if r.resync || whole && len(bytes.TrimRight(line, " \t\r")) == 0 {
			continue
		}
		r.resync = true
		return nil, &ParseError{File: r.name, Line: n,
			Err: fmt.Errorf("expected a WARC/1.0 record header, found %s", quoteHead(bytes.TrimSuffix(line, []byte("\r")), whole))}
	}

	// The header block, up to a blank line.
	var (
		h      warcHeader
		bad    error   // the first problem of the block
		last   *string // the value a continuation line extends
		ignore string
		budget = maxWARCHeader
	)
	for {
		n := r.nl + 1
		line, whole, err := r.readLine(budget)
		if err == io.EOF {
			r.done = true
			return nil, &ParseError{File: r.name, Line: start,
				Err: fmt.Errorf("truncated WARC record at line %d: the stream ends inside its header block", start)}
		}
		if err != nil {
			r.done = true
			return nil, streamError(r.name, start, err, r.src)
		}
		if !whole {
			r.resync = true
			return nil, &ParseError{File: r.name, Line: start,
				Err: fmt.Errorf("WARC header block is longer than %d bytes", maxWARCHeader)}
		}
		budget -= len(line) + 1
		line = bytes.TrimRight(line, " \t\r")
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' { // a continuation line (RFC 822 folding)
			if last != nil {
				*last += " " + validString(bytes.TrimSpace(line))
			} else if bad == nil {
				bad = fmt.Errorf("bad WARC header line %d: %s", n, quoteHead(line, true))
			}
			continue
		}
		key, value, ok := bytes.Cut(line, []byte(":"))
		key = bytes.TrimSpace(key)
		if !ok || len(key) == 0 {
			if bad == nil {
				bad = fmt.Errorf("bad WARC header line %d: %s", n, quoteHead(line, true))
			}
			last = nil
			continue
		}
		v := validString(bytes.TrimSpace(value))
		switch strings.ToLower(string(key)) {
		case "content-length":
			if h.hasLength && v != h.length && bad == nil {
				bad = fmt.Errorf("conflicting Content-Length headers %q and %q", h.length, v)
			}
			h.length, h.hasLength = v, true
			last = &h.length
		case "warc-type":
			h.typ, last = v, &h.typ
		case "warc-target-uri":
			h.uri, last = v, &h.uri
		case "warc-record-id":
			h.id, last = v, &h.id
		case "warc-date":
			h.date, last = v, &h.date
		case "warc-identified-content-language":
			h.lang, last = v, &h.lang
		default:
			ignore, last = "", &ignore
		}
	}
	length := int64(-1)
	if bad == nil {
		switch {
		case !h.hasLength:
			bad = errors.New("WARC record without Content-Length")
		case !allDigits(h.length) || h.length == "":
			bad = fmt.Errorf("bad Content-Length %q", h.length)
		default:
			var err error
			if length, err = strconv.ParseInt(h.length, 10, 64); err != nil {
				bad = fmt.Errorf("bad Content-Length %q", h.length)
			}
		}
	}
	if bad != nil {
		// Without a length the record's end is unknown: look for the next one.
		r.resync = true
		return nil, &ParseError{File: r.name, Line: start, Err: bad}
	}

	// The content.
	conversion := strings.EqualFold(h.typ, "conversion")
	keep := conversion && length <= maxWETContent
	got, err := r.readContent(length, keep)
	if err != nil {
		r.done = true
		if err == io.EOF {
			return nil, &ParseError{File: r.name, Line: start, Err: fmt.Errorf(
				"truncated WARC record at line %d: Content-Length is %d, the stream ends after %d bytes", start, length, got)}
		}
		return nil, streamError(r.name, start, err, r.src)
	}
	switch {
	case h.typ == "":
		return nil, &ParseError{File: r.name, Line: start, Err: errors.New("WARC record without WARC-Type")}
	case !conversion:
		return nil, nil
	case !keep:
		return nil, &ParseError{File: r.name, Line: start,
			Err: fmt.Errorf("WARC record content is longer than %d bytes", maxWETContent)}
	}

	doc := &schema.Document{URL: h.uri, Source: hostOf(h.uri), File: r.name, Line: start,
		Text: validString(normalizeNewlines(r.buf)), Meta: wetMeta(h.date, h.lang)}
	if cap(r.buf) > 16<<20 {
		r.buf = nil // do not pin the memory of one huge record
	}
	doc.ID = h.id
	if strings.HasPrefix(doc.ID, "<") && strings.HasSuffix(doc.ID, ">") {
		doc.ID = strings.TrimSpace(doc.ID[1 : len(doc.ID)-1])
	}
	if doc.ID == "" {
		doc.ID = r.base + ":" + strconv.FormatInt(start, 10)
	}
	return doc, nil
}

// readLine reads the next line and returns it without its "\n", at most limit bytes
// of it (the rest is read and dropped); whole reports whether the line was returned
// whole. It returns io.EOF only when the stream ends before the line's first byte.
// The line is valid until the next call.
func (r *wetReader) readLine(limit int) (line []byte, whole bool, err error) {
	r.line = r.line[:0]
	size := 0
	for {
		b, err := r.br.ReadSlice('\n')
		if err == nil {
			b = b[:len(b)-1]
		}
		size += len(b)
		if room := limit - len(r.line); room > 0 {
			r.line = append(r.line, b[:min(room, len(b))]...)
		}
		switch {
		case err == nil:
			r.nl++
			return r.line, size <= limit, nil
		case errors.Is(err, bufio.ErrBufferFull):
		case err == io.EOF && size > 0:
			return r.line, size <= limit, nil
		default:
			return nil, false, err
		}
	}
}

// readContent reads the n bytes of a record's content, into r.buf when keep is set,
// and counts its lines. It returns how many bytes it read and, when the stream ends
// first, io.EOF or the stream's error.
func (r *wetReader) readContent(n int64, keep bool) (int64, error) {
	r.buf = r.buf[:0]
	var got int64
	for got < n {
		p, err := r.br.Peek(int(min(n-got, int64(r.br.Size()))))
		if keep {
			r.buf = appendDoubling(r.buf, p)
		}
		r.nl += int64(bytes.Count(p, []byte{'\n'}))
		r.br.Discard(len(p))
		got += int64(len(p))
		if err != nil && got < n {
			return got, err
		}
	}
	return got, nil
}

// isVersionLine reports whether line is a WARC version line, "WARC/1.0".
func isVersionLine(line []byte) bool {
	v, ok := bytes.CutPrefix(bytes.TrimRight(line, " \t\r"), []byte("WARC/"))
	if !ok {
		return false
	}
	major, minor, ok := bytes.Cut(v, []byte("."))
	return ok && len(major) > 0 && len(minor) > 0 && allDigits(string(major)) && allDigits(string(minor))
}

// quoteHead quotes the start of a line for an error message.
func quoteHead(line []byte, whole bool) string {
	const n = 40
	if len(line) > n {
		line, whole = line[:n], false
	}
	q := strconv.Quote(validString(line))
	if !whole {
		q += "..."
	}
	return q
}

// wetMeta returns the Meta of a WET document: its WARC-Date and its identified
// content language, as a JSON object with sorted keys, "" when it has neither.
func wetMeta(date, lang string) string {
	if date == "" && lang == "" {
		return ""
	}
	m := []byte{'{'}
	if lang != "" {
		m = appendJSONString(append(m, `"language":`...), lang)
	}
	if date != "" {
		if len(m) > 1 {
			m = append(m, ',')
		}
		m = appendJSONString(append(m, `"warc_date":`...), date)
	}
	return string(append(m, '}'))
}
