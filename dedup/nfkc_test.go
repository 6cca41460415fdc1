package dedup

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// nfkcPool returns characters that test where normalizer.nfkc may cut: every mark and
// other character of a non-zero combining class, every character that composes with
// the one before it or is not its own NFKC (below pagedRunes), and letters and
// syllables that marks compose with.
func nfkcPool() []rune {
	var rs []rune
	for r := rune(0x80); r < pagedRunes; r++ {
		if utf8.ValidRune(r) && nfOf(r)&nfStarter == 0 {
			rs = append(rs, r)
		}
	}
	return append(rs, 'a', 'e', 'o', 'u', 'A', 'E', 'ê', 'ơ', 'ư', 'Å', 'ſ', '\u1100', '\uac00', '\u0b47',
		'\u0915', 'Ω', 'ι', ' ', '1')
}

// wantNFKC fails t when nfkc and x/text differ on s.
func wantNFKC(t *testing.T, n *normalizer, s string) {
	t.Helper()
	if got, want := n.nfkc(s), norm.NFKC.String(s); got != want {
		t.Fatalf("nfkc(%+q) = %+q, want %+q", s, got, want)
	}
}

// TestNFKCSegments holds normalizer.nfkc to x/text's NFKC: every character of the
// pages alone and around a mark, a Hangul vowel and two-part vowel halves, random
// runs of the characters where a cut would go wrong, and sentences whose accents
// are combining marks.
func TestNFKCSegments(t *testing.T) {
	var n normalizer // one for all: its memory of segments fills and is forgotten
	for r := rune(0x80); r < pagedRunes; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		c := string(r)
		for _, s := range []string{c, "a" + c, c + "\u0301", "e" + c + "\u0323", c + "\u1161", "\u1100" + c,
			c + "\u0b3e", "x" + c + "\u0345y", c + c} {
			wantNFKC(t, &n, s)
		}
	}
	pool := nfkcPool()
	rng := rand.New(rand.NewPCG(7, 11))
	var sb strings.Builder
	for range 200_000 {
		sb.Reset()
		for range 2 + rng.IntN(6) {
			sb.WriteRune(pool[rng.IntN(len(pool))])
		}
		wantNFKC(t, &n, sb.String())
	}
	for _, s := range []string{
		"Ngân hàng Trung ương đã tăng lãi suất thêm một phần tư điểm vào thứ Ba.",
		"José Núñez of Saint-Étienne said Zoë and Björn Øster were in Kraków.",
		"ﬁnance ＡＢＣ ½ Ǆ ẛ̣ ḱṷ ﬀ ㎒",
		"Ελληνικά: ά ὰ ᾷ ΐ", "한국은행 \u1100\u1161\u11a8", "क़ ड़ फ़", "e\u0301\u0323\u0302x",
	} {
		wantNFKC(t, &n, s)
		wantNFKC(t, &n, norm.NFD.String(s))
		wantNFKC(t, &n, norm.NFKD.String(s))
		normalizeBoth(t, norm.NFD.String(s))
	}
	// plain text comes back as it is, without a copy
	s := "Nothing here changes: Ωμέγα, 東京, ąę."
	if got := n.nfkc(s); got != s || !sameString(got, s) {
		t.Fatalf("nfkc(%q) = %q: a copy or a change", s, got)
	}
}

// FuzzNFKC builds text from ASCII bytes and, for a byte of 0x80 or more, a character
// of nfkcPool, and holds nfkc to x/text's NFKC and the normalizer to the reference.
func FuzzNFKC(f *testing.F) {
	for _, s := range []string{"a\x80b", "e\x81\x82 x", "\x90\x91\x92", "Ng\xa0n h\xb0ng"} {
		f.Add([]byte(s))
	}
	pool := nfkcPool()
	var n normalizer
	f.Fuzz(func(t *testing.T, b []byte) {
		s := textOf(b, pool)
		wantNFKC(t, &n, s)
		normalizeBoth(t, s)
	})
}

// FuzzNormalizeBytes holds every path of the normalizer to the reference on any bytes
// at all: invalid UTF-8, U+FFFD, marks, emoji, stand-ins.
func FuzzNormalizeBytes(f *testing.F) {
	for _, s := range []string{"Jos\xe9 Nu\xf1ez", "caf\xc3\xa9 \xef\xbf\xbd ok", "a\xff\xfeb 1.5", "\xf0\x9f\x93\x88 Été",
		"e\xcc\x81t\xc3\xa9", "\xe2\x80\x9cquoted\xe2\x80\x9d \xed\xa0\x80"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { normalizeBoth(t, string(b)) })
}

// droppedRunes returns the characters that vanish (dropped) below pagedRunes, and two
// past it (a tag character and a variation selector of plane 14).
func droppedRunes() []rune {
	var rs []rune
	for r := rune(0x80); r < pagedRunes; r++ {
		if dropped(r) {
			rs = append(rs, r)
		}
	}
	return append(rs, 0xe0041, 0xe0100)
}

// TestDroppedInFastPaths: a character that vanishes takes nothing from the ASCII and
// Latin paths' result, whatever surrounds it: words, accents, numbers, symbols alone,
// a combining mark after it, Persian joined by a non-joiner.
func TestDroppedInFastPaths(t *testing.T) {
	rs := droppedRunes()
	if len(rs) < 90 {
		t.Fatalf("only %d dropped characters", len(rs))
	}
	for _, r := range rs {
		d := string(r)
		for _, s := range []string{"in" + d + "credible", "Zentral" + d + "bank Jürgen", "1" + d + "000 and 2" + d + ".5",
			"* " + d + " *", d, "I \u2764" + d + " NY", "cafe" + d + "\u0301", "Ét" + d + "é", "سه" + d + "شنبه",
			"“" + d + "”", d + "Ab" + d, "ǅ" + d + "ﬁ"} {
			normalizeBoth(t, s)
		}
	}
}

// TestSpacingAccents: every spacing accent (a space and a combining mark under NFKC)
// is an apostrophe to every path, around letters, accents, marks and numbers.
func TestSpacingAccents(t *testing.T) {
	var rs []rune
	for r := rune(0x80); r < pagedRunes; r++ {
		if spacingClone(r) {
			rs = append(rs, r)
		}
	}
	if len(rs) < 40 {
		t.Fatalf("only %d spacing accents", len(rs))
	}
	for _, r := range rs {
		c := string(r)
		for _, s := range []string{"don" + c + "t", "l" + c + "Été", c, c + c, "1" + c + "5", "a" + c + "\u0301b",
			"e\u0301" + c + "x", "か" + c, "ا" + c + "ب", c + "\u200d" + "x", "Ωμέγα" + c + "ς"} {
			normalizeBoth(t, s)
			if c != "'" && Normalize(s) != Normalize(strings.ReplaceAll(s, c, "'")) {
				t.Fatalf("%q: %q, with an apostrophe %q", s, Normalize(s), Normalize(strings.ReplaceAll(s, c, "'")))
			}
		}
	}
}
