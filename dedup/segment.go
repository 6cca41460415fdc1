package dedup

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Split selects how a document is cut into paragraphs.
type Split int

const (
	// SplitAuto splits at blank lines, or at every line break when the document has no
	// blank line at all (one text block a line, as many scrapers emit).
	SplitAuto Split = iota
	// SplitBlank splits at blank lines (lines holding only white space).
	SplitBlank
	// SplitLine makes every non-blank line a paragraph.
	SplitLine
)

// ParseSplit parses "auto", "blank" or "line".
func ParseSplit(s string) (Split, error) {
	switch s {
	case "auto", "":
		return SplitAuto, nil
	case "blank":
		return SplitBlank, nil
	case "line":
		return SplitLine, nil
	}
	return 0, fmt.Errorf("unknown split mode %q (want auto, blank or line)", s)
}

func (s Split) String() string {
	switch s {
	case SplitBlank:
		return "blank"
	case SplitLine:
		return "line"
	}
	return "auto"
}

// Span is a paragraph's byte range [Start, End) in the document text. The range has no
// leading or trailing white space; the text between two spans is white space only.
type Span struct{ Start, End int }

// Segment appends the paragraphs of text to dst and returns it. Lines end at "\n",
// "\r\n" or a lone "\r". A paragraph keeps its inner line breaks as they are, so
// text[s.Start:s.End] is the paragraph exactly as it was in the input.
func Segment(dst []Span, text string, mode Split) []Span {
	// most texts have no carriage return at all (JSONL input has its line ends
	// normalized): one look at the whole text spares one at every line
	cr := strings.IndexByte(text, '\r') >= 0
	if mode == SplitAuto {
		mode = SplitLine
		if hasBlankLine(text, cr) {
			mode = SplitBlank
		}
	}
	start := -1 // start of the current paragraph, -1 when between paragraphs
	end := 0    // end of the last non-blank line of the current paragraph
	for i := 0; i < len(text); {
		ls, le, next := line(text, i, cr)
		if ls == le { // blank line closes a paragraph
			if start >= 0 {
				dst = append(dst, Span{start, end})
				start = -1
			}
		} else {
			if mode == SplitLine {
				dst = append(dst, Span{ls, le})
			} else {
				if start < 0 {
					start = ls
				}
				end = le
			}
		}
		i = next
	}
	if start >= 0 {
		dst = append(dst, Span{start, end})
	}
	return dst
}

// line returns the line starting at text[i], trimmed of white space, as [ls, le), and
// the start of the next line. Lines end at "\n", "\r\n" or a lone "\r"; cr says
// whether text holds a '\r' at all.
func line(text string, i int, cr bool) (ls, le, next int) {
	// the line ends at the first '\n', or at a '\r' before it
	rest := text[i:]
	j := strings.IndexByte(rest, '\n')
	if j < 0 {
		j = len(rest)
	}
	if cr {
		if k := strings.IndexByte(rest[:j], '\r'); k >= 0 {
			j = k
		}
	}
	j += i
	next = j
	if next < len(text) {
		if text[next] == '\r' && next+1 < len(text) && text[next+1] == '\n' {
			next += 2
		} else {
			next++
		}
	}
	ls, le = trimSpace(text, i, j)
	return ls, le, next
}

// hasBlankLine reports whether text has a white-space-only line between two non-blank
// lines (cr as for line).
func hasBlankLine(text string, cr bool) bool {
	seen := false  // a non-blank line was seen
	blank := false // a blank line followed it
	for i := 0; i < len(text); {
		ls, le, next := line(text, i, cr)
		if ls == le {
			if seen && next < len(text) {
				blank = true
			}
		} else {
			if blank {
				return true
			}
			seen = true
		}
		i = next
	}
	return false
}

// trimSpace trims ASCII and Unicode white space from text[i:j].
func trimSpace(text string, i, j int) (int, int) {
	for i < j {
		r, size := decodeRune(text, i)
		if !isSpace(r) {
			break
		}
		i += size
	}
	for j > i {
		r, size := decodeLastRune(text, i, j)
		if !isSpace(r) {
			break
		}
		j -= size
	}
	return i, j
}

func decodeRune(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

func decodeLastRune(s string, i, j int) (rune, int) {
	if c := s[j-1]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeLastRuneInString(s[i:j])
}
