package dedup

import (
	"encoding/binary"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/cases"
)

// normalizeBoth normalizes s with stand-ins, without them, and with neither the runs
// of ASCII letters (scanASCII, scan's letters: letterRun) nor stand-ins (NFKC, folding
// and scan rune by rune), and
// reports any difference in what a fingerprint is made of: both forms, the tokens and
// the number census.
func normalizeBoth(t *testing.T, s string) {
	t.Helper()
	var fast, slow, runes normalizer
	slow.noStandIn = true
	runes.noASCII = true
	fast.run(s)
	for _, other := range []*normalizer{&slow, &runes} {
		other.run(s)
		if string(fast.exact) != string(other.exact) || string(fast.shapeForm()) != string(other.shapeForm()) ||
			!slices.Equal(fast.tokens, other.tokens) || fast.numbers != other.numbers ||
			fast.measures != other.measures || fast.plain != other.plain {
			t.Fatalf("%q: with stand-ins %q / %q %v (%d %d %d), without (noASCII %v) %q / %q %v (%d %d %d)", s,
				fast.exact, fast.shapeForm(), fast.tokens, fast.numbers, fast.measures, fast.plain, other.noASCII,
				other.exact, other.shapeForm(), other.tokens, other.numbers, other.measures, other.plain)
		}
	}
}

// standInRunes returns the characters with a stand-in, in order.
func standInRunes() []rune { return slices.Sorted(maps.Keys(standIns())) }

func TestStandIns(t *testing.T) {
	rs := standInRunes()
	if len(rs) < 100 {
		t.Fatalf("only %d stand-ins", len(rs))
	}
	for _, r := range []rune{'’', '“', '—', '–', '…', '\u00a0', '©', '£', '•', 'Ａ', 'ﬁ', '™'} {
		if _, ok := standIns()[r]; !ok {
			t.Errorf("%q (%U) has no stand-in", r, r)
		}
	}
	for _, r := range []rune{'é', 'ü', '\u00ad', '\u200b', '\u0301', '東', '½', '²'} {
		if in, ok := standIns()[r]; ok && !isASCIIOnly(in.text) {
			t.Errorf("%q (%U) has stand-in %q", r, r, in.text)
		}
	}
	// every stand-in in the places where a character can change a fingerprint: inside
	// and between words and numbers, beside spaces and number separators, alone
	contexts := []string{"%c", "a%cb", "A%cB", "1%c2", "12%c,500", "1 %c,800", "1%c.5", "x %c y",
		"%c%c", "20%c", "it%cs 5.93 and 7", "%c 1987 %c", ": %c ,", "Read more%c Storm"}
	for _, r := range rs {
		for _, c := range contexts {
			normalizeBoth(t, strings.ReplaceAll(c, "%c", string(r)))
		}
	}
	// paragraphs the bench corpora are made of
	for _, s := range []string{
		"Russia’s central bank said on Monday — in a statement — that it would act…",
		"© 2026 The Daily Courier. All rights reserved.",
		"Price:\u00a0£1,250 (was £1 ,500)",
		"“Quoted,” she said – twice.",
		"* * *", "— — —", "…", "©",
	} {
		normalizeBoth(t, s)
	}
}

// latinRunes returns the letters with a table image (latinImages), in order.
func latinRunes() []rune { return slices.Sorted(maps.Keys(latinImages())) }

// Every accented Latin letter normalizes through its table image as it does through
// NFKC and case folding, in every place a character can change a fingerprint, next to
// stand-ins and other letters; marks and letters without an image take the slow path.
func TestLatinImages(t *testing.T) {
	rs := latinRunes()
	if len(rs) < 20000 {
		t.Fatalf("only %d letters have an image", len(rs))
	}
	for _, r := range []rune{'é', 'ñ', 'ü', 'ß', 'Ø', 'ł', 'ş', 'ạ', 'İ', 'ĳ', 'Æ', 'µ'} {
		if _, ok := latinImages()[r]; !ok {
			t.Errorf("%q (%U) has no image", r, r)
		}
	}
	contexts := []string{"%c", "a%cb", "A%cB", "1%c2", "%c%c", "x %c y", "Jos%c Mart%cnez", "%c’s", "“%c”",
		"%c 1987 %c", "12%c,500", "Saint-%ctienne", "Read more%c Storm", "%cA%c",
		// after and before letters that others compose with: a halfwidth Hangul
		// consonant is a leading jamo, 가 a syllable a final joins
		"\uffa1%c", "가%c", "%c\uffa1", "か%c", "e%c"}
	for i, r := range rs {
		if (r >= 0x3400 && r <= 0x9fff || r >= 0xac00 && r <= 0xd7a3) && i%50 != 0 {
			continue // one ideograph or syllable in fifty: they are alike to the scan
		}
		for _, c := range contexts {
			normalizeBoth(t, strings.ReplaceAll(c, "%c", string(r)))
		}
	}
	for _, s := range []string{
		"José Núñez of Saint-Étienne said Zoë and Björn Øster were in Kraków.",
		"Straße, STRASSE, İstanbul, ĲSSELMEER, ǅemal, ǈubljana",
		"Ménage à trois — “naïve” café, £5",
		"e\u0301 is not é", // a combining accent: the slow path
		"Центральный банк повысил ставку, — заявил Ёжиков. Ελληνική ΣΟΦΙΑ ς. שלום עולם. مرحبا بالعالم.",
		"中央银行周二上调利率。ひらがな カタカナ ｶﾞ ガ 2026年",
		"ﾡﾟ ﾡﾡ ﾼﾡ 가\uffa1 한국은행 “서비스” ＫＢＳ Мар\u02bcян 㐀中 豈",
	} {
		normalizeBoth(t, s)
	}
}

// FuzzNormalizeLatin builds text from ASCII bytes, stand-ins and accented Latin
// letters (a byte of 0x80 or more picks one of them) and checks that the Latin path
// changes nothing.
func FuzzNormalizeLatin(f *testing.F) {
	for _, s := range []string{"a\x80b", "1\xc1,2", "\x90\xf1 x", "Jos\xe9 \x85 12.5", "\xff\xfe"} {
		f.Add([]byte(s))
	}
	f.Fuzz(fuzzText(slices.Concat(standInRunes(), latinRunes(), droppedRunes())))
}

func isASCIIOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// FuzzNormalizeStandIns builds text from ASCII bytes and stand-in characters (a byte
// of 0x80 or more picks one) and checks that stand-ins change nothing.
func FuzzNormalizeStandIns(f *testing.F) {
	for _, s := range []string{"a\x80b", "1\x81,2", "\x90\x91 x", "Price \x85 12.5",
		"Internationalization ABCDEFGHIJKLMNOPQ the\tEND", "x7abcdefgh@[`{ Zz"} {
		f.Add([]byte(s))
	}
	f.Fuzz(fuzzText(append(standInRunes(), droppedRunes()...)))
}

// fuzzText returns a fuzz function that builds text from b (textOf) and checks that
// every path normalizes it alike.
func fuzzText(rs []rune) func(*testing.T, []byte) {
	return func(t *testing.T, b []byte) { normalizeBoth(t, textOf(b, rs)) }
}

// textOf builds text from b: its ASCII bytes as they are and, for a byte of 0x80 or
// more, one of rs.
func textOf(b []byte, rs []rune) string {
	var sb strings.Builder
	for i, c := range b {
		if c < 0x80 {
			sb.WriteByte(c)
			continue
		}
		sb.WriteRune(rs[(int(c)*131+i*7)%len(rs)])
	}
	return sb.String()
}

// letterRun against the letter table: every byte at every position, after a run of
// letters and followed by random bytes (a byte of 0x80 or more ends the run; scan
// meets them in UTF-8 text).
func TestLetterRun(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for pos := 0; pos < 8; pos++ {
		for c := 0; c < 256; c++ {
			for range 20 {
				var b [8]byte
				for i := range b {
					if i < pos {
						b[i] = "aZqMzA"[r.IntN(6)]
					} else {
						b[i] = byte(r.IntN(256))
					}
				}
				b[pos] = byte(c)
				want := 0
				for want < 8 && asciiLetter[b[want]] != 0 {
					want++
				}
				if got := letterRun(binary.LittleEndian.Uint64(b[:])); got != want {
					t.Fatalf("letterRun(%q) = %d, want %d", b[:], got, want)
				}
			}
		}
	}
}

// latinImages maps every letter with an image to it (latinImageOf), for the tests.
var latinImages = sync.OnceValue(func() map[rune]string { return collect(latinRanges, latinImageOf) })

// standIns maps every character with a stand-in to it (standInOf), for the tests.
var standIns = sync.OnceValue(func() map[rune]standIn { return collect(standRanges, standInOf) })

// collect maps every character of ranges that of gives a value to that value.
func collect[V any](ranges [][2]rune, of func(cases.Caser, rune) (V, bool)) map[rune]V {
	m := map[rune]V{}
	folder := cases.Fold()
	for _, rg := range ranges {
		for r := rg[0]; r <= rg[1]; r++ {
			if v, ok := of(folder, r); ok {
				m[r] = v
			}
		}
	}
	return m
}
