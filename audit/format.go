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

// clip returns a cleaned copy of s cut to at most n runes (the last one "…" when cut).
// The copy shares no memory with s.
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
		return strings.TrimRightFunc(s, isSpace) + "…"
	}
	return strings.Clone(s)
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
