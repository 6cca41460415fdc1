package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/winnowdata/winnow/schema"
)

// binarySample is how much of a .txt file is looked at to tell text from binary, and
// binaryInvalidShare the share of it that may be invalid UTF-8 before the file counts
// as binary (or as text in a legacy encoding, which is read no better).
const (
	binarySample       = 8 << 10
	binaryInvalidShare = 0.30
)

// txtReader reads one .txt article.
type txtReader struct {
	r    io.Reader
	ref  fileRef
	src  *countReader
	done bool
}

func (t *txtReader) next() (*schema.Document, error) {
	if t.done {
		return nil, io.EOF
	}
	t.done = true
	// Look at the head first, so that a large binary file is refused unread.
	if br, ok := t.r.(*bufio.Reader); ok {
		head, err := br.Peek(binarySample + 1)
		if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, streamError(t.ref.name, 0, err, t.src)
		}
		if reason := binaryReason(head); reason != "" {
			return nil, &ParseError{File: t.ref.name, Err: errors.New("binary file: " + reason)}
		}
	}
	data, err := io.ReadAll(t.r)
	if err != nil {
		return nil, streamError(t.ref.name, 0, err, t.src)
	}
	title, text, err := parseTxt(data)
	if err != nil {
		return nil, &ParseError{File: t.ref.name, Err: err}
	}
	return &schema.Document{ID: t.ref.id, Source: t.ref.source, Title: title, Text: text,
		File: t.ref.name, Line: 1}, nil
}

func (t *txtReader) close() error { return nil }

// parseTxt splits an article file into its title (first non-blank line, trimmed) and
// text (the rest, leading blank lines removed). It strips a BOM, normalizes line ends
// to "\n" and replaces invalid UTF-8 bytes by U+FFFD; a binary file is an error.
func parseTxt(data []byte) (title, text string, err error) {
	if reason := binaryReason(data); reason != "" {
		return "", "", fmt.Errorf("binary file: %s", reason)
	}
	data = normalizeNewlines(bytes.TrimPrefix(data, bom))
	rest := validString(data)
	for rest != "" {
		line, after, found := strings.Cut(rest, "\n")
		if !found {
			after = ""
		}
		rest = after
		if t := strings.TrimSpace(line); t != "" {
			title = t
			break
		}
	}
	for rest != "" {
		line, after, found := strings.Cut(rest, "\n")
		if strings.TrimSpace(line) != "" {
			break
		}
		if !found {
			after = ""
		}
		rest = after
	}
	return title, rest, nil
}

// binaryReason tells why data looks binary, or "" when it looks like text: a NUL byte,
// or too many invalid UTF-8 bytes, in its first binarySample bytes. data may be just
// the head of a file, binarySample+1 bytes long when more follows.
func binaryReason(data []byte) string {
	sample := data[:min(len(data), binarySample)]
	if i := bytes.IndexByte(sample, 0); i >= 0 {
		return fmt.Sprintf("NUL byte at offset %d", i)
	}
	invalid := 0
	for i := 0; i < len(sample); {
		if sample[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(sample[i:])
		if r == utf8.RuneError && size == 1 {
			if len(sample) < len(data) && !utf8.FullRune(sample[i:]) {
				break // a character cut by the end of the sample
			}
			invalid++
		}
		i += size
	}
	if len(sample) > 0 && float64(invalid) > binaryInvalidShare*float64(len(sample)) {
		return fmt.Sprintf("%d%% of the first %d bytes is not UTF-8", invalid*100/len(sample), len(sample))
	}
	return ""
}
