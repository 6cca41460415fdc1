package dedup

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
)

// TestRuneInfo: the pages hold, for every character below pagedRunes
// past ASCII, the class and canonical form the unicode tables give, in scan's order
// of tests.
func TestRuneInfo(t *testing.T) {
	var n normalizer
	for r := rune(0x80); r < pagedRunes; r++ {
		want := classOther
		switch {
		case unicode.IsDigit(r):
			want = classDigit
		case dropped(r):
			want = classDropped
		case (isLetter(r) || unicode.Is(unicode.M, r)) && ownToken(r):
			want = classOwn | runeInfo(canon(r))
		case isLetter(r) || unicode.Is(unicode.M, r):
			want = classLetter | runeInfo(canon(r))
		}
		if got := n.info(r); got != want {
			t.Fatalf("U+%04X: %#x, want %#x", r, got, want)
		}
	}
	// a few that matter: a Cyrillic capital, a Han character, a soft hyphen, an
	// Arabic-Indic digit, a no-break space
	for _, c := range []struct {
		r    rune
		want runeInfo
	}{
		{'Д', classLetter | 'д'}, {'中', classOwn | '中'}, {'\u00ad', classDropped},
		{'٣', classDigit}, {'\u00a0', classOther}, {'\u0301', classLetter | '\u0301'},
	} {
		if got := n.info(c.r); got != c.want {
			t.Errorf("%q: %#x, want %#x", c.r, got, c.want)
		}
	}
}

// TestFormPages: the pages give, for every character, what the maps latinImages and
// standIns give, with the image first.
func TestFormPages(t *testing.T) {
	check := func(r rune) {
		want, wantOK := latinImages()[r]
		if !wantOK {
			var in standIn
			in, wantOK = standIns()[r]
			want = in.text
		}
		got, self := latinAt(r)
		if ok := got != ""; ok != wantOK || ok && got != want || self != (wantOK && want == string(r)) {
			t.Fatalf("U+%04X: latinAt %q %v, want %q %v", r, got, self, want, wantOK)
		}
		in, ok := standInAt(r)
		wantIn, wantOK := standIns()[r]
		if ok != wantOK || in != wantIn {
			t.Fatalf("U+%04X: standIn %+v %v, want %+v %v", r, in, ok, wantIn, wantOK)
		}
	}
	for r := rune(0x80); r < 0x10000; r++ {
		check(r)
	}
	for _, r := range []rune{0x1d400, 0x1d7ff, 0x1f600, 0x10ffff} {
		check(r)
	}
}

// quickRunes returns the quick characters past ASCII.
func quickRunes() []rune {
	var rs []rune
	for r := rune(0x80); r < pagedRunes; r++ {
		if nfOf(r)&nfQuick != 0 {
			rs = append(rs, r)
		}
	}
	return rs
}

// TestQuickNFKC: text that passes the quick check normalizes without NFKC and folding
// as it does with them: each quick character in a few places, random pairs and
// triples of them (non-starters among them, in and out of order), and sentences of
// the scripts whose marks keep them off the Latin path.
func TestQuickNFKC(t *testing.T) {
	rs := quickRunes()
	if len(rs) < 10000 {
		t.Fatalf("only %d quick characters", len(rs))
	}
	// Devanagari, its virama (class 9), Thai, Bengali, Hebrew, Arabic, a combining
	// overline (230) and a grave below (220) that compose with nothing
	for _, r := range []rune{'क', 'ि', '\u094d', 'ก', 'ั', 'ব', 'ש', 'ب', '\u0305', '\u0316', '😀', '📷'} {
		if nfOf(r)&nfQuick == 0 {
			t.Errorf("%q (%U) is not quick", r, r)
		}
	}
	// a combining acute and a nukta (both compose with what comes before), a Hangul
	// final, Tamil's second half of a two-part vowel, a capital that folds, a
	// ligature NFKC expands, a joiner (dropped), U+FFFD (what an invalid byte reads
	// as), Kaithi's nukta (it composes, past the Basic Multilingual Plane)
	for _, r := range []rune{'\u0301', '\u093c', '\u11a8', '\u0bbe', 'Д', 'ﬁ', '\u200d', '\ufffd', '\U000110ba'} {
		if nfOf(r)&nfQuick != 0 {
			t.Errorf("%q (%U) is quick", r, r)
		}
	}
	for _, s := range []string{"a\u0305\u0316", "क\u0305\u094d"} {
		if quickNFKC(s) {
			t.Errorf("%q: non-starters out of order pass the quick check", s)
		}
	}
	for _, r := range rs {
		for _, c := range []string{"%c", "a%cB", "%c 12"} {
			normalizeBoth(t, strings.ReplaceAll(c, "%c", string(r)))
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 200000 {
		normalizeBoth(t, string([]rune{rs[rng.IntN(len(rs))], rs[rng.IntN(len(rs))]}))
	}
	var marks []rune
	for _, r := range rs {
		if nfOf(r)&0xff != 0 {
			marks = append(marks, r)
		}
	}
	for range 50000 {
		normalizeBoth(t, string([]rune{rs[rng.IntN(len(rs))], marks[rng.IntN(len(marks))], marks[rng.IntN(len(marks))]}))
	}
	for _, s := range []string{
		"केंद्रीय बैंक ने मंगलवार को ब्याज दर बढ़ाई, अधिकारियों ने कहा। 2026",
		"ธนาคารกลางขึ้นอัตราดอกเบี้ย", "কেন্দ্রীয় ব্যাংক সুদের হার বাড়িয়েছে", "மத்திய வங்கி வட்டி விகிதத்தை உயர்த்தியது",
		"क़ ख़ ऩ (a nukta and the precomposed forms)", "Photo 📷 by AP 😀👍🏽", "𑂚 𑂚", "한국은행 ᄀ\u1161\u11a8", "שָׁלוֹם", "مُحَمَّد", "RBI के Governor ने कहा",
	} {
		normalizeBoth(t, s)
	}
}

// FuzzNormalizeQuick builds text from ASCII bytes, quick characters and some that are
// not (a byte of 0x80 or more picks one) and checks that every path normalizes it
// alike.
func FuzzNormalizeQuick(f *testing.F) {
	for _, s := range []string{"a\x80b", "\x81\x82 1", "Ab\xf0\xf1\xf2", "\xff\xfe x"} {
		f.Add([]byte(s))
	}
	rs := append(quickRunes(), '\u0301', '\u093c', '\u0316', '\u0305', '\u0e48', '\u11a8', '\u0bbe', 'Д', '\u200d', '\ufffd')
	f.Fuzz(fuzzText(rs))
}
