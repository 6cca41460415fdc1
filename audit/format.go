package audit

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// clean makes untrusted text safe to store and show: valid UTF-8, no NUL or other
// control characters but tab and newline.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			if r == '\r' {
				return -1
			}
			return '\uFFFD'
		}
		return r
	}, s)
}

func isControl(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' || r == 0x7f || r >= 0x80 && r < 0xa0
}

// clip returns a cleaned copy of s cut to at most n runes (the last one "…" when cut),
// with its bidirectional controls balanced (see balanceBidi; the closing controls it
// adds are not counted in n). The copy shares no memory with s.
func clip(s string, n int) string {
	cut := false
	if limit := 4 * n; len(s) > limit { // cheap pre-cut of long text, on a rune start
		i := limit
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s, cut = s[:i], true
	}
	s = clean(s)
	if utf8.RuneCountInString(s) > n {
		k := 0
		for i := range s {
			if k == n-1 {
				s = s[:i]
				break
			}
			k++
		}
		cut = true
	}
	if cut {
		s = strings.TrimRightFunc(s, isSpace)
	}
	s = balanceBidi(s)
	if cut {
		return s + "…"
	}
	return strings.Clone(s)
}

// Explicit bidirectional formatting characters (Unicode Standard Annex #9): embeddings
// and overrides end at PDF, isolates at PDI.
const (
	lre = '\u202A' // left-to-right embedding
	rle = '\u202B' // right-to-left embedding
	pdf = '\u202C' // pop directional formatting
	lro = '\u202D' // left-to-right override
	rlo = '\u202E' // right-to-left override
	lri = '\u2066' // left-to-right isolate
	rli = '\u2067' // right-to-left isolate
	fsi = '\u2068' // first strong isolate
	pdi = '\u2069' // pop directional isolate
)

func isBidiControl(r rune) bool { return r >= lre && r <= rlo || r >= lri && r <= pdi }

// balanceBidi returns s with its explicit bidirectional controls balanced, so that no
// embedding, override or isolate it opens reaches past its end, and no PDF or PDI in it
// closes one that the page opened around it (a <bdi> element is an isolate). It drops a
// PDF or PDI that closes nothing s opened and closes, in order, what is still open
// before each line break and at the end. The characters s means to show stay: an RLO
// reverses the rest of its own line of s, never the page around it.
//
// Together with the isolation of every element that holds input text (<bdi>, dir="auto",
// or FSI … PDI in plain-text contexts), this keeps input such as an id ending in
// "\u202Etxt.exe" from reordering the report's own text.
func balanceBidi(s string) string {
	if strings.IndexFunc(s, isBidiControl) < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	var open []rune // the openers in effect, innermost last
	closeAll := func() {
		for i := len(open) - 1; i >= 0; i-- {
			if open[i] == lri || open[i] == rli || open[i] == fsi {
				b.WriteRune(pdi)
			} else {
				b.WriteRune(pdf)
			}
		}
		open = open[:0]
	}
	for _, r := range s {
		switch r {
		case lre, rle, lro, rlo, lri, rli, fsi:
			open = append(open, r)
		case pdf:
			// A PDF closes the innermost embedding or override, not across an isolate.
			if len(open) == 0 || isIsolate(open[len(open)-1]) {
				continue
			}
			open = open[:len(open)-1]
		case pdi:
			// A PDI closes the innermost isolate and the embeddings opened inside it.
			i := len(open) - 1
			for i >= 0 && !isIsolate(open[i]) {
				i--
			}
			if i < 0 {
				continue
			}
			open = open[:i]
		case '\n', '\u2029':
			closeAll()
		}
		b.WriteRune(r)
	}
	closeAll()
	return b.String()
}

func isIsolate(r rune) bool { return r == lri || r == rli || r == fsi }

// breakable splits s after each '.', '/' and '_' that more text follows, so that the
// template can put a <wbr> between the parts: a long host name then wraps at its dots
// ("capitalbusinessreview.<wbr>example") rather than anywhere. Text with bidi controls
// stays whole, so that each part is not cut from the controls that balance it.
func breakable(s string) []string {
	if strings.IndexFunc(s, isBidiControl) >= 0 {
		return []string{s}
	}
	var parts []string
	for {
		i := strings.IndexAny(s, "./_")
		if i < 0 || i == len(s)-1 {
			return append(parts, s)
		}
		parts = append(parts, s[:i+1])
		s = s[i+1:]
	}
}

// isolate wraps s, balanced by clip, in FSI … PDI: the isolation of <bdi> where the
// markup allows no element (the page's <title>, SVG text, attribute values).
func isolate(s string) string {
	if s == "" {
		return ""
	}
	return string(fsi) + s + string(pdi)
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' }

// head returns a copy of at most the first n bytes of s, cut on a rune start: what a
// tallied key keeps of its text until the report shows it (keyText). Keys come and go
// as the tallies prune, so the cleaning waits until a key is shown.
func head(s string, n int) string {
	if len(s) > n {
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n]
	}
	return strings.Clone(s)
}

// keyText is the text of a tallied key as shown: cleaned, cut and with its white space
// collapsed.
func keyText(s string) string {
	return strings.Join(strings.Fields(clip(s, keyTextRunes)), " ")
}

// ratio formats a/b as a sort key.
func ratio(a, b int64) string {
	if b == 0 {
		return "0"
	}
	return fmt.Sprintf("%.6f", float64(a)/float64(b))
}

// counted renders n with formatNum and a noun, plural unless n is 1: "1 source",
// "1,234 documents".
func counted(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return formatNum(n) + " " + noun + "s"
}

// formatNum writes n with thousands separators.
func formatNum(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// formatPct writes a/b as a percentage with one decimal ("–" when b is 0). A non-zero
// share that rounds to 0.0% is written "<0.1%".
func formatPct(a, b int64) string {
	if b == 0 {
		return "–"
	}
	p := 100 * float64(a) / float64(b)
	if a > 0 && p < 0.05 {
		return "<0.1%"
	}
	return fmt.Sprintf("%.1f%%", p)
}

// formatBytes writes n in decimal units.
func formatBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f := float64(n)
	for _, u := range []string{"kB", "MB", "GB", "TB"} {
		f /= unit
		if f < unit || u == "TB" {
			return fmt.Sprintf("%.1f %s", f, u)
		}
	}
	return ""
}
