package dedup

import (
	"testing"
	"unicode"
)

// TestRuneInfo: the pages hold, for every character of the Basic Multilingual Plane
// past ASCII, the class and canonical form the unicode tables give, in scan's order
// of tests.
func TestRuneInfo(t *testing.T) {
	var n normalizer
	for r := rune(0x80); r < 0x10000; r++ {
		want := classOther
		switch {
		case unicode.IsDigit(r):
			want = classDigit
		case dropped(r):
			want = classDropped
		case (unicode.IsLetter(r) || unicode.Is(unicode.M, r)) && ownToken(r):
			want = classOwn | runeInfo(canon(r))
		case unicode.IsLetter(r) || unicode.Is(unicode.M, r):
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

// TestFormTables: the arrays give, for every character, what the maps latinImages and
// standIns give, with the image first.
func TestFormTables(t *testing.T) {
	check := func(r rune) {
		s := string(r)
		want, wantOK := latinImages()[r]
		if !wantOK {
			var in standIn
			in, wantOK = standIns()[r]
			want = in.text
		}
		got, ok := latinTab().appendLatin([]byte("x"), r, "ab"+s, 2, len(s))
		if ok != wantOK || ok && string(got) != "x"+want {
			t.Fatalf("U+%04X: appendLatin %q %v, want %q %v", r, got, ok, "x"+want, wantOK)
		}
		in, ok := standTab().standIn(r)
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
