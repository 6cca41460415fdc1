package ingest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/winnowdata/winnow/internal/scan"
)

// This file holds a small JSON scanner made for JSONL articles: it validates a whole
// line (RFC 8259 grammar, as strict as encoding/json), decodes only the few top-level
// string fields that become Document fields, and copies every other top-level value
// into Meta as compact JSON without building Go values for it. On ~3 KB article lines
// it runs about five times faster than encoding/json decoding into a map of
// json.RawMessage (BenchmarkJSONL against BenchmarkEncodingJSON); FuzzJSONL checks
// that both accept the same lines and decode the same text and Meta.

// maxDepth bounds the nesting of arrays and objects, like encoding/json, so that a
// hostile line cannot exhaust the stack.
const maxDepth = 10000

// role is the Document field a top-level key maps to.
type role int

const (
	roleText role = iota
	roleID
	roleTitle
	roleURL
	roleSource
	nRoles
)

// fieldNames are the JSON keys of the Document fields, indexed by role; an empty name
// maps nothing.
type fieldNames [nRoles]string

func namesOf(o Options) fieldNames {
	var n fieldNames
	n[roleText], n[roleID], n[roleTitle], n[roleURL], n[roleSource] =
		o.TextField, o.IDField, o.TitleField, o.URLField, o.SourceField
	return n
}

// value is the span of one top-level value in the line. For a string, start and end
// delimit its contents without the quotes, and plain says it needs no decoding (no
// escape, no invalid UTF-8); otherwise they delimit the raw JSON text.
type value struct {
	start, end int
	kind       byte // first byte of the raw value: '"', '{', '[', 't', 'f', 'n' or a number's
	plain      bool
	set        bool
}

// rawField is a top-level key that maps to no Document field: it goes into Meta.
type rawField struct {
	key string
	val []byte // raw JSON, as written in the line
}

// syntaxError is a line that is not valid JSON. Col is the 1-based byte column.
type syntaxError struct {
	msg string
	col int
}

func (e *syntaxError) Error() string { return fmt.Sprintf("%s at column %d", e.msg, e.col) }

// safeASCII and safeUTF8 tell which bytes a string can hold as they are: not a quote,
// a backslash or a control character. safeUTF8 also passes bytes ≥ 0x80 and is used on
// lines already known to be valid UTF-8.
var safeASCII, safeUTF8 [256]bool

func init() {
	for c := 0x20; c < 256; c++ {
		safeUTF8[c] = c != '"' && c != '\\'
		safeASCII[c] = safeUTF8[c] && c < utf8.RuneSelf
	}
}

// lineParser parses one JSONL line at a time. Its buffers are reused from line to line.
type lineParser struct {
	names fieldNames

	b     []byte // the line
	pos   int
	valid bool // b is valid UTF-8
	safe  *[256]bool

	vals    [nRoles]value
	unknown []rawField
	scratch []byte
	meta    []byte
}

// parse validates line as one JSON object and records the spans of its top-level
// values. An error is either a *syntaxError or a "not an object" error.
func (p *lineParser) parse(line []byte) error {
	p.b, p.pos = line, 0
	p.valid = utf8.Valid(line[scan.ASCIIPrefix(line):]) // ASCII blocks need no look
	p.safe = &safeASCII
	if p.valid {
		p.safe = &safeUTF8
	}
	p.vals = [nRoles]value{}
	p.unknown = p.unknown[:0]

	p.skipWS()
	if p.pos < len(p.b) && p.b[p.pos] != '{' {
		kind := p.b[p.pos]
		if err := p.skipValue(0); err != nil {
			return err
		}
		if err := p.end(); err != nil {
			return err
		}
		return fmt.Errorf("line is %s, not an object", jsonKind(kind))
	}
	if err := p.object(); err != nil {
		return err
	}
	return p.end()
}

// end checks that nothing but white space follows the top-level value.
func (p *lineParser) end() error {
	p.skipWS()
	if p.pos < len(p.b) {
		return p.errChar("after top-level value")
	}
	return nil
}

// object parses the top-level object, keeping the spans of its values.
func (p *lineParser) object() error {
	if p.pos >= len(p.b) {
		return p.errEOF()
	}
	p.pos++ // '{'
	p.skipWS()
	if p.pos < len(p.b) && p.b[p.pos] == '}' {
		p.pos++
		return nil
	}
	for {
		if p.pos >= len(p.b) {
			return p.errEOF()
		}
		if p.b[p.pos] != '"' {
			return p.errChar("looking for beginning of object key string")
		}
		ks, ke, kplain, err := p.scanString()
		if err != nil {
			return err
		}
		p.skipWS()
		if p.pos >= len(p.b) {
			return p.errEOF()
		}
		if p.b[p.pos] != ':' {
			return p.errChar("after object key")
		}
		p.pos++
		p.skipWS()
		if p.pos >= len(p.b) {
			return p.errEOF()
		}

		var v value
		v.kind = p.b[p.pos]
		v.set = true
		if v.kind == '"' {
			v.start, v.end, v.plain, err = p.scanString()
		} else {
			v.start = p.pos
			err = p.skipValue(1)
			v.end = p.pos
		}
		if err != nil {
			return err
		}

		key := p.b[ks:ke]
		if !kplain {
			key = p.unescape(p.scratch[:0], key)
		}
		if !p.assign(key, v) {
			raw := p.b[v.start:v.end]
			if v.kind == '"' {
				raw = p.b[v.start-1 : v.end+1]
			}
			p.unknown = append(p.unknown, rawField{key: string(key), val: raw})
		}

		p.skipWS()
		if p.pos >= len(p.b) {
			return p.errEOF()
		}
		switch p.b[p.pos] {
		case ',':
			p.pos++
			p.skipWS()
		case '}':
			p.pos++
			return nil
		default:
			return p.errChar("after object key:value pair")
		}
	}
}

// assign stores v under every role whose field name is key and reports whether there
// was one.
func (p *lineParser) assign(key []byte, v value) bool {
	found := false
	for r, name := range p.names {
		if name != "" && string(key) == name {
			p.vals[r] = v
			found = true
		}
	}
	return found
}

// skipWS advances over JSON white space.
func (p *lineParser) skipWS() {
	for p.pos < len(p.b) {
		switch p.b[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// scanString scans the string that starts at p.pos (a '"') and returns the span of
// its contents and whether they can be used without decoding.
func (p *lineParser) scanString() (start, end int, plain bool, err error) {
	b, safe := p.b, p.safe
	i := p.pos + 1
	start, plain = i, true
	for {
		if p.valid {
			// 32 bytes at a time (scan.JSONPlainPrefix), then eight, while none of them
			// needs a look
			i += scan.JSONPlainPrefix(b[i:])
			for i+8 <= len(b) && !special(binary.LittleEndian.Uint64(b[i:])) {
				i += 8
			}
		}
		for i < len(b) && safe[b[i]] {
			i++
		}
		if i >= len(b) {
			p.pos = i
			return 0, 0, false, p.errEOF()
		}
		switch c := b[i]; {
		case c == '"':
			p.pos = i + 1
			return start, i, plain, nil
		case c == '\\':
			plain = false
			if i+1 >= len(b) {
				p.pos = i + 1
				return 0, 0, false, p.errEOF()
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				for k := i + 2; k < i+6; k++ {
					if k >= len(b) {
						p.pos = k
						return 0, 0, false, p.errEOF()
					}
					if !isHex(b[k]) {
						p.pos = k
						return 0, 0, false, p.errChar("in \\u hexadecimal character escape")
					}
				}
				i += 6
			default:
				p.pos = i + 1
				return 0, 0, false, p.errChar("in string escape code")
			}
		case c < 0x20:
			p.pos = i
			return 0, 0, false, p.errChar("in string literal")
		default: // a byte ≥ 0x80 on a line with invalid UTF-8
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				plain = false
			}
			i += size
		}
	}
}

// special reports whether any of the eight bytes of w is a quote, a backslash or a
// control character: the bytes safeUTF8 does not pass. (A byte of w minus 0x01 or 0x20
// in every byte has its top bit set where the byte was below that and its own top bit
// was clear; borrows only ever follow a byte that was below, so the test is exact.)
func special(w uint64) bool {
	const ones, tops = 0x0101_0101_0101_0101, 0x8080_8080_8080_8080
	q := w ^ ones*'"'
	bs := w ^ ones*'\\'
	return ((q-ones)&^q|(bs-ones)&^bs|(w-ones*0x20)&^w)&tops != 0
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// skipValue validates the value at p.pos and advances past it. depth is the nesting
// level of the value.
func (p *lineParser) skipValue(depth int) error {
	if p.pos >= len(p.b) {
		return p.errEOF()
	}
	switch c := p.b[p.pos]; {
	case c == '"':
		_, _, _, err := p.scanString()
		return err
	case c == '{' || c == '[':
		if depth >= maxDepth {
			return &syntaxError{msg: "exceeded max depth", col: p.pos + 1}
		}
		return p.skipComposite(depth, c)
	case c == '-' || '0' <= c && c <= '9':
		return p.scanNumber()
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.literal("null")
	default:
		return p.errChar("looking for beginning of value")
	}
}

// skipComposite validates the object or array at p.pos.
func (p *lineParser) skipComposite(depth int, open byte) error {
	closer, what := byte('}'), "after object key:value pair"
	if open == '[' {
		closer, what = ']', "after array element"
	}
	p.pos++
	p.skipWS()
	if p.pos < len(p.b) && p.b[p.pos] == closer {
		p.pos++
		return nil
	}
	for {
		if open == '{' {
			if p.pos >= len(p.b) {
				return p.errEOF()
			}
			if p.b[p.pos] != '"' {
				return p.errChar("looking for beginning of object key string")
			}
			if _, _, _, err := p.scanString(); err != nil {
				return err
			}
			p.skipWS()
			if p.pos >= len(p.b) {
				return p.errEOF()
			}
			if p.b[p.pos] != ':' {
				return p.errChar("after object key")
			}
			p.pos++
			p.skipWS()
		}
		if err := p.skipValue(depth + 1); err != nil {
			return err
		}
		p.skipWS()
		if p.pos >= len(p.b) {
			return p.errEOF()
		}
		switch p.b[p.pos] {
		case ',':
			p.pos++
			p.skipWS()
		case closer:
			p.pos++
			return nil
		default:
			return p.errChar(what)
		}
	}
}

// scanNumber validates the number at p.pos.
func (p *lineParser) scanNumber() error {
	b := p.b
	if b[p.pos] == '-' {
		p.pos++
	}
	if p.pos >= len(b) {
		return p.errEOF()
	}
	switch c := b[p.pos]; {
	case c == '0':
		p.pos++
	case '1' <= c && c <= '9':
		p.pos++
		p.digits()
	default:
		return p.errChar("in numeric literal")
	}
	if p.pos < len(b) && b[p.pos] == '.' {
		p.pos++
		if err := p.needDigit(); err != nil {
			return err
		}
		p.digits()
	}
	if p.pos < len(b) && (b[p.pos] == 'e' || b[p.pos] == 'E') {
		p.pos++
		if p.pos < len(b) && (b[p.pos] == '+' || b[p.pos] == '-') {
			p.pos++
		}
		if err := p.needDigit(); err != nil {
			return err
		}
		p.digits()
	}
	return nil
}

func (p *lineParser) needDigit() error {
	if p.pos >= len(p.b) {
		return p.errEOF()
	}
	if c := p.b[p.pos]; c < '0' || c > '9' {
		return p.errChar("in numeric literal")
	}
	return nil
}

func (p *lineParser) digits() {
	for p.pos < len(p.b) && '0' <= p.b[p.pos] && p.b[p.pos] <= '9' {
		p.pos++
	}
}

// literal validates the literal word (true, false or null) at p.pos.
func (p *lineParser) literal(word string) error {
	for i := 0; i < len(word); i++ {
		if p.pos >= len(p.b) {
			return p.errEOF()
		}
		if p.b[p.pos] != word[i] {
			return p.errChar(fmt.Sprintf("in literal %s (expecting %s)", word, quoteByte(word[i])))
		}
		p.pos++
	}
	return nil
}

func (p *lineParser) errEOF() error {
	return &syntaxError{msg: "unexpected end of JSON input", col: len(p.b) + 1}
}

// errChar reports the character at p.pos as unexpected.
func (p *lineParser) errChar(context string) error {
	r, size := utf8.DecodeRune(p.b[p.pos:])
	if r == utf8.RuneError && size == 1 {
		return &syntaxError{msg: fmt.Sprintf("invalid byte 0x%02x %s", p.b[p.pos], context), col: p.pos + 1}
	}
	return &syntaxError{msg: "invalid character " + quoteRune(r) + " " + context, col: p.pos + 1}
}

func quoteByte(c byte) string { return quoteRune(rune(c)) }

// quoteRune quotes r in single quotes as encoding/json's messages do.
func quoteRune(r rune) string { return strconv.QuoteRune(r) }

// jsonKind names the kind of a JSON value from its first byte, with an article.
func jsonKind(c byte) string {
	switch c {
	case '"':
		return "a JSON string"
	case '{':
		return "a JSON object"
	case '[':
		return "a JSON array"
	case 't', 'f':
		return "a JSON boolean"
	case 'n':
		return "JSON null"
	default:
		return "a JSON number"
	}
}

// kindName names the kind of a field value for the type errors of Document fields.
func kindName(c byte) string {
	switch c {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	default:
		return "a number"
	}
}

// str returns the decoded contents of the string value v.
func (p *lineParser) str(v value) string {
	s := p.b[v.start:v.end]
	if v.plain {
		return string(s)
	}
	p.scratch = p.unescape(p.scratch[:0], s)
	out := string(p.scratch)
	p.trimScratch()
	return out
}

// text returns the decoded contents of the string value v with its line ends
// normalized to "\n". A plain string cannot hold a raw CR (a control character), so
// only decoded strings need the normalization.
func (p *lineParser) text(v value) string {
	s := p.b[v.start:v.end]
	if v.plain {
		return string(s)
	}
	// decode straight into the string's own bytes: the text is most of a line, and a
	// scratch buffer would cost one more copy of it. Decoding only shrinks a string but
	// for invalid bytes turned into U+FFFD, where append grows the buffer.
	buf := normalizeNewlines(p.unescape(make([]byte, 0, len(s)), s))
	return unsafe.String(unsafe.SliceData(buf), len(buf))
}

// trimScratch drops a scratch buffer grown by a huge string, so that one 200 MB line
// does not pin 200 MB for the rest of the file.
func (p *lineParser) trimScratch() {
	if cap(p.scratch) > 16<<20 {
		p.scratch = nil
	}
}

// unescape appends the decoded contents of a scanned (hence valid) JSON string to dst.
// Invalid UTF-8 bytes and escaped lone surrogates become U+FFFD.
func (p *lineParser) unescape(dst, s []byte) []byte {
	for len(s) > 0 {
		i := bytes.IndexByte(s, '\\')
		if i < 0 {
			return appendValidUTF8(dst, s, p.valid)
		}
		dst = appendValidUTF8(dst, s[:i], p.valid)
		s = s[i:]
		switch c := s[1]; c {
		case 'u':
			r := hexRune(s[2:6])
			n := 6
			if utf16.IsSurrogate(r) {
				r = utf8.RuneError
				if len(s) >= 12 && s[6] == '\\' && s[7] == 'u' {
					if r2 := utf16.DecodeRune(hexRune(s[2:6]), hexRune(s[8:12])); r2 != utf8.RuneError {
						r, n = r2, 12
					}
				}
			}
			dst = utf8.AppendRune(dst, r)
			s = s[n:]
			continue
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		default: // '"', '\\', '/'
			dst = append(dst, c)
		}
		s = s[2:]
	}
	return dst
}

func hexRune(h []byte) rune {
	var r rune
	for _, c := range h[:4] {
		switch {
		case c <= '9':
			c -= '0'
		case c <= 'F':
			c -= 'A' - 10
		default:
			c -= 'a' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// appendValidUTF8 appends s to dst, each invalid UTF-8 byte replaced by U+FFFD. valid
// says s is known to be valid.
func appendValidUTF8(dst, s []byte, valid bool) []byte {
	if valid || utf8.Valid(s) {
		return append(dst, s...)
	}
	for len(s) > 0 {
		r, size := utf8.DecodeRune(s)
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, "\uFFFD"...)
		} else {
			dst = append(dst, s[:size]...)
		}
		s = s[size:]
	}
	return dst
}

// validString returns s as a string with each invalid UTF-8 byte replaced by U+FFFD.
func validString(s []byte) string {
	if utf8.Valid(s) {
		return string(s)
	}
	return string(appendValidUTF8(make([]byte, 0, len(s)+16), s, false))
}

// normalizeNewlines rewrites CRLF and lone CR to LF in place.
func normalizeNewlines(b []byte) []byte {
	i := bytes.IndexByte(b, '\r')
	if i < 0 {
		return b
	}
	w := i
	for ; i < len(b); i++ {
		c := b[i]
		if c == '\r' {
			c = '\n'
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
		}
		b[w] = c
		w++
	}
	return b[:w]
}

// buildMeta returns the unknown fields as a compact JSON object with sorted keys, or
// "" when there are none. Of duplicate keys the last wins, as in encoding/json.
func (p *lineParser) buildMeta() string {
	if len(p.unknown) == 0 {
		return ""
	}
	slices.SortStableFunc(p.unknown, func(a, b rawField) int { return strings.Compare(a.key, b.key) })
	m := append(p.meta[:0], '{')
	for i, f := range p.unknown {
		if i+1 < len(p.unknown) && p.unknown[i+1].key == f.key {
			continue
		}
		if len(m) > 1 {
			m = append(m, ',')
		}
		m = appendJSONString(m, f.key)
		m = append(m, ':')
		m = appendCompact(m, f.val, p.valid)
	}
	m = append(m, '}')
	p.meta = m
	out := string(m)
	if cap(p.meta) > 16<<20 {
		p.meta = nil
	}
	return out
}

// appendJSONString appends s, valid UTF-8, as a JSON string.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendCompact appends the valid JSON value v without insignificant white space.
// Unless valid says v is valid UTF-8, invalid bytes inside strings become U+FFFD.
func appendCompact(dst, v []byte, valid bool) []byte {
	inString := false
	for i := 0; i < len(v); {
		c := v[i]
		if inString {
			switch {
			case c == '\\':
				dst = append(dst, c, v[i+1])
				i += 2
				continue
			case c == '"':
				inString = false
			case c >= utf8.RuneSelf && !valid:
				r, size := utf8.DecodeRune(v[i:])
				if r == utf8.RuneError && size == 1 {
					dst = append(dst, "\uFFFD"...)
				} else {
					dst = append(dst, v[i:i+size]...)
				}
				i += size
				continue
			}
			dst = append(dst, c)
			i++
			continue
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			i++
			continue
		case '"':
			inString = true
		}
		dst = append(dst, c)
		i++
	}
	return dst
}
