package dedup

import (
	"encoding/binary"
	"math/bits"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/winnowdata/winnow/internal/scan"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Normalize returns the normalized form of a paragraph, the text its exact key hashes:
// Unicode NFKC, case folded, zero-width and soft-hyphen characters dropped, every run of
// punctuation, symbols and white space turned into one space, no leading or trailing
// space. Quotes and dashes disappear with the punctuation, so ’ and ' (or – and -)
// cannot make two copies differ. Digits are kept; see Shape for the digit-folded form.
// A paragraph with no letters or digits at all ("***") normalizes to its NFKC, case
// folded symbols with white space collapsed, so it still has a key of its own.
func Normalize(s string) string {
	var n normalizer
	n.run(s)
	return string(n.exact)
}

// Shape returns the digit-folded form of a paragraph that near-boilerplate matching
// uses: Normalize, then every number replaced by "0" — unless the paragraph carries
// number-bearing content (see docs/dedup.md), in which case Shape equals Normalize.
func Shape(s string) string {
	var n normalizer
	n.run(s)
	return string(n.shapeForm())
}

// normalizer holds the reusable buffers of one normalization. It is not safe for
// concurrent use; each worker owns one.
type normalizer struct {
	exact []byte // normalized text, digits kept
	// shape is the digit-folded form (shapeForm) once a number was seen (shaping);
	// until then it is exact, and not written
	shape   []byte
	shaping bool
	tokens  []tok // word tokens of exact
	folder  cases.Caser
	init    bool
	sub     []byte // asciiForm's text
	// nf holds the NFKC of the segments nfkc met (see there), nfOut its output
	nf    map[string]string
	nfOut []byte
	// noStandIn sends every non-ASCII paragraph down the slow path, noASCII every
	// paragraph (tests compare)
	noStandIn, noASCII bool
	// number census of the current paragraph
	measures int // numbers with a decimal or thousands separator: 5.93, 155,221
	plain    int // other numbers that are neither years nor clock times
	numbers  int // all numbers
}

// tok is a token's byte range in normalizer.exact.
type tok struct{ start, end int32 }

func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '\u2060'
}

// dropped reports whether r vanishes from the normalized text without leaving a
// separator: zero-width characters, the soft hyphen and other format characters, and
// what only draws a text differently, which one copy of it has where another does
// not: the variation selectors ("❤️" and "❤", U+FE0F after the heart or not) and the
// Arabic tatweel, which stretches a word ("كـتـاب" and "كتاب").
func dropped(r rune) bool {
	return r == '\u00ad' || r == '\u0640' || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r)
}

// isLetter reports whether r is a letter to the normalizer: a Unicode letter, but for
// the modifier letters that stand for an apostrophe (ʼ U+02BC, ʻ U+02BB), which a copy
// of the same text writes as ’ or ' (Ukrainian "Марʼян", "Мар’ян", "Мар'ян"): like
// them they separate words.
func isLetter(r rune) bool {
	return unicode.IsLetter(r) && r != '\u02bc' && r != '\u02bb'
}

// canon maps a case-folded letter to one member of its case orbit (the lower case of
// the smallest letter), so that normalizing twice changes nothing even where full case
// folding maps lower case to upper (Cherokee). Only letters: the orbit of ι holds
// U+0345, a combining mark, which a second normalization would reorder among the marks
// after it.
func canon(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < least && unicode.IsLetter(f) {
			least = f
		}
	}
	return unicode.ToLower(least)
}

// ownToken reports whether r is a word by itself: scripts written without spaces.
func ownToken(r rune) bool {
	if r < 0x0e00 {
		return false // below Thai: Latin, Greek, Cyrillic, Arabic, Indic, …
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai,
		unicode.Lao, unicode.Khmer, unicode.Myanmar)
}

// run normalizes s into n.exact and n.shape and fills n.tokens.
func (n *normalizer) run(s string) {
	n.reset()
	if t, exact, ok := n.asciiForm(s); ok {
		n.scanASCII(t)
		if len(n.exact) == 0 {
			if !exact {
				// no letters or digits: the symbols are the key, and a stand-in
				// changed them
				n.reset()
				n.slow(s)
			} else {
				n.symbols(t)
			}
		}
	} else if t, ok := n.latinForm(s); ok {
		n.scan(t)
		if len(n.exact) == 0 {
			n.reset()
			n.slow(s)
		}
	} else {
		n.slow(s)
	}
	if n.numbers > 0 && n.measures == 0 {
		n.numberShape()
	} else if n.measures > 0 {
		// number-bearing content (a table row, a price): digits stay
		n.shaping = false
	}
}

// numberShape decides whether the shape of a paragraph with numbers (none with a
// decimal or thousands separator) folds them, and writes it when the words say they
// vary from page to page. The words around a number decide what it is:
//
//   - a year (1900–2099), a clock time (14:05), a day next to a month name ("March 5",
//     "5 March") or a count of time units ("5 hours ago") is part of a date or a time;
//   - a number before a unit ("195 mln", "800 stg", "12 cts", "50 pct") is a quantity,
//     content like 5.93: the shape keeps the digits;
//   - any other number is plain.
//
// The shape folds the numbers when the paragraph has at most ShapeWords words, no
// quantity, and either one plain number at most (a copyright year, "You have 5 free
// articles left"), unless it is a bare day with fewer than three words ("Pay April 15",
// a row of a dividend table, against "Published 27 October 2021", which has its year),
// or, with more numbers, they are a date and a time and three words or more go with
// them ("Published March 5, 2021 at 3:45 p.m. | Updated 5 hours ago"); month and
// weekday names then fold too. Two dates without a time ("payable April 10 to holders
// of record March 30") are content, as are the numbers of a table row.
func (n *normalizer) numberShape() {
	toks := n.tokens
	word := func(i int) []byte {
		if i < 0 || i >= len(toks) {
			return nil
		}
		return n.exact[toks[i].start:toks[i].end]
	}
	n.shaping = false
	if len(toks) > ShapeWords {
		return
	}
	times, years, days, plain, words := 0, 0, 0, 0, 0
	for i := range toks {
		w := word(i)
		if w[0] < '0' || w[0] > '9' {
			if !isMonth(w) && !isWeekday(w) {
				words++
			}
			continue
		}
		switch k := numberKind(w); {
		case isUnit(word(i + 1)):
			return // a quantity
		case k == numClock || isTimeUnit(word(i+1)):
			times++
		case k == numYear:
			years++
		case isMonth(word(i-1)) || isMonth(word(i+1)):
			days++
		default:
			plain++
		}
	}
	switch {
	case days+plain <= 1:
		if days == 1 && years == 0 && times == 0 && words < 3 {
			return
		}
		n.shaping = true // the digit-folded shape the scan wrote
		return
	case plain > 0 || times == 0 || words < 3:
		return
	}
	n.shape = n.shape[:0]
	for i := range toks {
		if i > 0 {
			n.shape = append(n.shape, ' ')
		}
		w := word(i)
		switch {
		case w[0] >= '0' && w[0] <= '9', isMonth(w), isWeekday(w):
			n.shape = append(n.shape, '0')
		default:
			n.shape = append(n.shape, w...)
		}
	}
	n.shaping = true
}

const (
	numPlain = iota
	numYear
	numClock
	numMeasure
)

// numberKind classifies a number token of the normalized text: a year (1900–2099), a
// clock time (14:05), a number with a decimal or thousands separator (numMeasure), or
// plain. A token that runs on into letters ("5th") is plain.
func numberKind(w []byte) int {
	digits, colons, seps := 0, 0, 0
	for _, c := range w {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == ':':
			colons++
		case c == '.' || c == ',':
			seps++
		default:
			return numPlain
		}
	}
	switch {
	case seps == 0 && colons == 0 && digits == 4 && isYear(w):
		return numYear
	case seps == 0 && colons > 0 && colons <= 2:
		return numClock
	case seps > 0 || colons > 0:
		return numMeasure
	}
	return numPlain
}

var months = wordSet("january february march april may june july august september october november december " +
	"jan feb mar apr jun jul aug sep sept oct nov dec")

var weekdays = wordSet("monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun")

var timeUnits = wordSet("second seconds sec secs minute minutes min mins hour hours hr hrs day days week weeks " +
	"month months year years yr yrs ago")

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

func isMonth(w []byte) bool    { return len(w) >= 3 && len(w) <= 9 && months[string(w)] }
func isWeekday(w []byte) bool  { return len(w) >= 3 && len(w) <= 9 && weekdays[string(w)] }
func isTimeUnit(w []byte) bool { return len(w) >= 2 && len(w) <= 7 && timeUnits[string(w)] }

// units are the words after a number that make it a quantity: magnitudes, currencies,
// shares of a whole, weights and measures.
var units = wordSet("mln mn million millions bln bn billion billions trillion thousand pct percent per " +
	"dlrs dlr dollars dollar usd cents cts cent stg sterling pounds yen yuan euros euro francs marks lire " +
	"rupees pesos tonnes tonne tons ton kilos kg kilograms lbs ounces oz barrels bpd bags bushels bales " +
	"shares shrs basis points pts acres hectares miles km kilometres kilometers metres meters feet")

func isUnit(w []byte) bool { return len(w) >= 2 && len(w) <= 11 && units[string(w)] }

// shapeForm returns the digit-folded form of the last paragraph run normalized.
func (n *normalizer) shapeForm() []byte {
	if n.shaping {
		return n.shape
	}
	return n.exact
}

func (n *normalizer) reset() {
	n.exact = n.exact[:0]
	n.shape = n.shape[:0]
	n.shaping = false
	n.tokens = n.tokens[:0]
	n.measures, n.plain, n.numbers = 0, 0, 0
}

// slow normalizes any text: NFKC, case folding, NFKC again, then scan rune by rune.
func (n *normalizer) slow(s string) {
	if !n.init {
		n.folder = cases.Fold()
		n.init = true
	}
	if !n.noASCII && quickNFKC(s) {
		// (the reference the tests compare against takes the long way)
		n.scan(s)
		if len(n.exact) == 0 {
			n.symbols(s)
		}
		return
	}
	// an invalid byte would hide the next character from NFKC, and normalizing twice
	// would then differ: repair it first
	s = strings.ToValidUTF8(s, "\uFFFD")
	// so would a character that vanishes (dropped) between two that NFKC composes or
	// reorders ("e", U+200D, U+0301; two marks on either side of U+070F): drop it
	// first. A spacing accent used as an apostrophe ("don´t", "l´homme") would become
	// a space and a combining mark that joins the next word: it is an apostrophe
	if n.hasDropped(s, true) {
		s = strings.Map(func(r rune) rune {
			switch {
			case dropped(r):
				return -1
			case spacingClone(r):
				return '\''
			}
			return r
		}, s)
	}
	s = n.nfkc(s)
	// Composed, text whose accents came as combining marks (NFD, as some keyboards and
	// sites write Vietnamese or French) is most often text the Latin path takes, which
	// costs a table lookup a character instead of folding and NFKC again: the slow
	// path gives s what it gives its input, NFKC being idempotent, as long as s holds
	// no dropped character (dropped before NFKC here, not after).
	if t, ok := n.latinForm(s); ok && !n.hasDropped(s, false) {
		n.scan(t)
		if len(n.exact) > 0 {
			return
		}
		n.reset()
	}
	if f := n.folder.String(s); !sameString(f, s) {
		// (text that folding leaves as it is, as it does most text without capitals,
		// is NFKC already)
		s = n.nfkc(f)
	}
	n.scan(s)
	if len(n.exact) == 0 {
		n.symbols(s)
	}
}

// nfkc returns the NFKC of s, valid UTF-8, a segment at a time: s is cut before each
// character that is its own NFKC, of combining class 0 and composing with nothing
// before it (nfStarter), where NFKC of the whole is that of the parts one after the
// other (Unicode Annex #15, section 9). Most segments are one such character, which
// stays as it is; the others, a letter and the marks after it most often, are
// normalized by x/text once each and remembered: the same few come back all through
// a text whose accents are combining marks, where x/text's NFKC of the whole ran at
// 35 MB/s (Vietnamese). The reference the tests compare against takes x/text's.
func (n *normalizer) nfkc(s string) string {
	if n.noASCII {
		return norm.NFKC.String(s)
	}
	out, done := n.nfOut[:0], 0 // s[:done] is in out; 0 while s is its own NFKC so far
	seg, plain := 0, true       // the segment starts at seg; plain: one nfStarter only
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			if !plain {
				out, done = n.segment(out, s, done, seg, i)
			}
			k := i + asciiRun(s[i:])
			seg, plain, i = k-1, true, k
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= pagedRunes {
			return norm.NFKC.String(s)
		}
		if nfOf(r)&nfStarter != 0 {
			if !plain {
				out, done = n.segment(out, s, done, seg, i)
			}
			seg, plain = i, true
		} else {
			plain = false
		}
		i += size
	}
	if !plain {
		out, done = n.segment(out, s, done, seg, len(s))
	}
	n.nfOut = out
	if done == 0 {
		return s
	}
	return string(append(out, s[done:]...))
}

// segment appends s[done:start] and the NFKC of the segment s[start:end] to out and
// returns it with end, unless nothing changed so far (done 0) and the segment is its
// own NFKC.
func (n *normalizer) segment(out []byte, s string, done, start, end int) ([]byte, int) {
	seg := s[start:end]
	nf, ok := n.nf[seg]
	if !ok {
		nf = norm.NFKC.String(seg)
		if len(seg) <= nfSegment {
			if n.nf == nil || len(n.nf) >= nfSegments {
				n.nf = make(map[string]string)
			}
			n.nf[strings.Clone(seg)] = nf
		}
	}
	if nf == seg && done == 0 {
		return out, 0 // out holds nothing yet: s is its own NFKC so far
	}
	out = append(out, s[done:start]...)
	return append(out, nf...), end
}

// nfSegment is the longest segment nfkc remembers, nfSegments how many it remembers
// at most (it forgets them all at once past that).
const (
	nfSegment  = 32
	nfSegments = 1 << 12
)

// hasDropped reports whether s holds a dropped character, or a spacing accent when
// clones is set.
func (n *normalizer) hasDropped(s string, clones bool) bool {
	for _, r := range s {
		if r >= utf8.RuneSelf && (n.info(r).class() == classDropped || clones && spacingClone(r)) {
			return true
		}
	}
	return false
}

// spacingClone reports whether r is a spacing accent: a character whose NFKC is a
// space and a combining mark (´ ¨ ¸ ˘ ˙ ˜, the Greek breathings, the spacing kana
// sound marks). Normalization takes it for an apostrophe (see slow).
func spacingClone(r rune) bool {
	return r >= 0xa0 && r < pagedRunes && spacingClones()[r>>6]&(1<<(r&63)) != 0
}

var spacingClones = sync.OnceValue(func() *[pagedRunes / 64]uint64 {
	var bs [pagedRunes / 64]uint64
	for r := rune(0xa0); r < pagedRunes; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		d := norm.NFKC.String(string(r))
		if len(d) > 1 && d[0] == ' ' {
			if m, _ := utf8.DecodeRuneInString(d[1:]); unicode.Is(unicode.M, m) {
				bs[r>>6] |= 1 << (r & 63)
			}
		}
	}
	return &bs
})

// info returns the runeInfo of r, a character past ASCII: from its page, or from the
// unicode tables for a character past the pages and for the reference the tests
// compare against.
func (n *normalizer) info(r rune) runeInfo {
	if r < pagedRunes && !n.noASCII {
		if p := runePages.ps[r>>8].Load(); p != nil {
			return p[r&0xff]
		}
		return runePages.filled(r)[r&0xff]
	}
	return classify(r)
}

// sameString reports whether a and b are the same bytes in memory: a transform that
// changes nothing returns its input.
func sameString(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

// asciiForm returns ASCII text that scanASCII normalizes exactly as the slow path
// normalizes s, when there is one: s itself when it is ASCII; otherwise s with each
// non-ASCII character replaced by its stand-in (see standInOf), when all of them have
// one and n.noStandIn is not set. exact reports that the stand-ins are the characters'
// normalized forms themselves (no separator was replaced by another), so that the
// result also serves for a paragraph without letters or digits. The text is n's
// scratch buffer, valid until the next call.
func (n *normalizer) asciiForm(s string) (t string, exact, ok bool) {
	if n.noASCII {
		return "", false, false
	}
	i := asciiRun(s)
	if i == len(s) {
		return s, true, true
	}
	if n.noStandIn {
		return "", false, false
	}
	n.sub = append(n.sub[:0], s[:i]...)
	exact = true
	for i < len(s) {
		if s[i] < utf8.RuneSelf {
			k := i + asciiRun(s[i:])
			n.sub = append(n.sub, s[i:k]...)
			i = k
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		in, found := standInAt(r)
		if !found || r == utf8.RuneError && size == 1 {
			if size > 1 && n.info(r).class() == classDropped {
				// it vanishes, as the slow path drops it first (a soft hyphen, a
				// joiner, U+FE0F); not the normalized form itself
				exact = false
				i += size
				continue
			}
			return "", false, false
		}
		n.sub = append(n.sub, in.text...)
		exact = exact && in.exact
		i += size
	}
	return unsafe.String(unsafe.SliceData(n.sub), len(n.sub)), exact, true
}

// asciiRun returns how many bytes of s, from the first, are ASCII: 32 at a time
// (scan.ASCIIPrefixString), then eight, then one.
func asciiRun(s string) int {
	i := scan.ASCIIPrefixString(s)
	for i+8 <= len(s) && loadString64(s, i)&0x8080_8080_8080_8080 == 0 {
		i += 8
	}
	for i < len(s) && s[i] < utf8.RuneSelf {
		i++
	}
	return i
}

// loadString64 returns the eight bytes of s from i on, little-endian.
func loadString64(s string, i int) uint64 {
	_ = s[i+7]
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}

// latinForm returns s with every non-ASCII character replaced by its normalized form
// (its NFKC, case folded, NFKC image: latinImageOf) or by its ASCII stand-in, when s
// holds no other: the accented letters of the Latin scripts (é, ñ, ü, ß, Ø, ł, ş, ạ),
// and Greek, Cyrillic, Arabic or Chinese text, then cost a table lookup instead of
// three passes of NFKC and case folding over the paragraph. s must have no mark (a combining accent composes with its neighbour) and
// no invalid byte; scan then gives what the slow path gives (TestLatinImages,
// FuzzNormalizeLatin).
func (n *normalizer) latinForm(s string) (string, bool) {
	if n.noASCII || n.noStandIn {
		return "", false
	}
	// s is copied from the first character whose image is not itself on: text in
	// lower case, or in a script without case (Han, Hangul, Arabic), is its own form
	n.sub = n.sub[:0]
	done := 0 // s[:done] is in n.sub; 0 while nothing is copied
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i += asciiRun(s[i:])
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return "", false // an invalid byte (U+FFFD itself has a stand-in)
		}
		// its image, else its stand-in: "#" for a plain separator, as for scanASCII
		t, self := latinAt(r)
		if self {
			i += size
			continue
		}
		if t == "" && n.info(r).class() != classDropped {
			return "", false // (a dropped character vanishes, as in asciiForm)
		}
		n.sub = append(append(n.sub, s[done:i]...), t...)
		i += size
		done = i
	}
	if done == 0 {
		return s, true
	}
	n.sub = append(n.sub, s[done:]...)
	return unsafe.String(unsafe.SliceData(n.sub), len(n.sub)), true
}

// latinRanges are the blocks latinImageOf draws from.
var latinRanges = [][2]rune{
	{0x00a0, 0x02ff}, // Latin-1 Supplement, Latin Extended-A and -B, IPA, modifier letters (ʼ)
	{0x0370, 0x058f}, // Greek, Cyrillic, Armenian
	{0x05d0, 0x05f2}, // Hebrew letters
	{0x0620, 0x06ff}, // Arabic
	{0x1e00, 0x1fff}, // Latin Extended Additional, Greek Extended
	{0x3041, 0x30ff}, // Hiragana, Katakana
	{0x3400, 0x4dbf}, // CJK Unified Ideographs Extension A
	{0x4e00, 0x9fff}, // CJK Unified Ideographs
	{0xac00, 0xd7a3}, // Hangul syllables
	{0xf900, 0xfaff}, // CJK Compatibility Ideographs
	{0xff00, 0xffef}, // halfwidth and fullwidth forms
}

// latinImageOf returns the image of r, if it has one: each letter of the alphabets news
// is written in (the Latin blocks beyond ASCII, Greek, Cyrillic, Armenian, Hebrew,
// Arabic) and of the Han, Hiragana and Katakana blocks has its normalized form for
// image, when that is made of letters (and marks after them, as "İ" folds to "i" and
// a dot above) only. latinForm writes images, which costs a lookup instead of three
// passes of NFKC and case folding over the paragraph.
func latinImageOf(folder cases.Caser, r rune) (string, bool) {
	if !inRanges(latinRanges, r) || !isLetter(r) {
		return "", false
	}
	img := norm.NFKC.String(folder.String(norm.NFKC.String(string(r))))
	ok := img != ""
	for k, q := range img {
		mark := unicode.Is(unicode.M, q)
		ok = ok && (isLetter(q) || mark && k > 0) && !dropped(q)
		// an image that could compose with the one before it would not be the
		// normalized form of the two: a halfwidth Hangul vowel is a vowel jamo
		ok = ok && (k > 0 || !composesBackward(q, norm.NFKC.PropertiesString(string(q))))
	}
	return img, ok
}

func inRanges(rs [][2]rune, r rune) bool {
	for _, rg := range rs {
		if rg[0] <= r && r <= rg[1] {
			return true
		}
	}
	return false
}

// standIn is the ASCII text a non-ASCII character can be replaced with before
// normalization (see standInOf).
type standIn struct {
	text  string
	exact bool // text is the character's normalized form, not just a separator like it
}

// standRanges are the blocks standInOf draws from.
var standRanges = [][2]rune{
	{0x80, 0x2fff},
	{0x3000, 0x303f},   // CJK punctuation
	{0xfb00, 0xfb06},   // Latin ligatures
	{0xfe30, 0xfe4f},   // CJK compatibility forms
	{0xfe50, 0xfe6f},   // small forms
	{0xff00, 0xffef},   // halfwidth and fullwidth forms
	{0xfffd, 0xfffd},   // the replacement character, left by an earlier decoder
	{0x1d400, 0x1d7ff}, // mathematical letters and digits (styled text)
	{0x1f000, 0x1faff}, // emoji and other pictographs, playing cards, enclosed forms
}

// standInOf returns the stand-in of r, if it has one: the non-ASCII characters that
// news text is full of (curly quotes, dashes, the ellipsis, the no-break space, ©, £,
// fullwidth forms) have ASCII stand-ins, so that a paragraph holding only such
// characters takes the ASCII path instead of three passes of NFKC and case folding. A
// character qualifies when its NFKC, case folded, NFKC form is either ASCII (the
// stand-in is that form: "…" is "...") or made only of characters that scan treats as
// a plain separator, never as part of a word or a number (the stand-in is "#", which
// scanASCII treats the same way: "’", "—", "©"). Marks, format characters and anything
// that is a letter or a digit after folding are left out, and with them every
// character that could combine with a neighbour: text made of ASCII and stand-ins
// normalizes alike either way (TestStandIns, FuzzNormalizeStandIns).
func standInOf(folder cases.Caser, r rune) (standIn, bool) {
	if !inRanges(standRanges, r) || !utf8.ValidRune(r) || unicode.Is(unicode.M, r) || dropped(r) {
		return standIn{}, false
	}
	if spacingClone(r) {
		return standIn{text: "'", exact: true}, true // an apostrophe (see slow)
	}
	img := norm.NFKC.String(folder.String(norm.NFKC.String(string(r))))
	if img == "" {
		return standIn{}, false
	}
	ascii, plain := true, true
	for _, q := range img {
		ascii = ascii && q < utf8.RuneSelf
		plain = plain && plainSeparator(q)
	}
	switch {
	case ascii:
		return standIn{text: img, exact: true}, true
	case plain:
		return standIn{text: "#"}, true
	}
	return standIn{}, false
}

// plainSeparator reports whether scan treats r as a separator and nothing else: not a
// digit, letter, mark or dropped character, and none of the characters number looks at
// (a space, '.', ',', ':').
func plainSeparator(r rune) bool {
	switch {
	case r == ' ' || r == '.' || r == ',' || r == ':':
		return false
	case unicode.IsDigit(r) || isLetter(r) || unicode.Is(unicode.M, r) || dropped(r):
		return false
	}
	return true
}

// asciiLetter maps an ASCII letter to its lower case and everything else to 0.
var asciiLetter = func() (t [256]byte) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = byte(c)
		t[c-'a'+'A'] = byte(c)
	}
	return
}()

// letterRun returns how many of the eight bytes of w (little-endian), from the first,
// are ASCII letters. A byte c is a letter when c|0x20 is in 'a'..'z': adding 0x1f sets
// its high bit when it is 'a' or more, adding 0x05 when it is more than 'z'. A byte of
// 0x80 or more comes out no letter either way (c|0x20 plus 0x1f is 0x80 or more, and
// plus 0x05 too, up to 0xe0; past it the first sum has no high bit), and though its
// sums may carry into the next byte, the run has ended before that byte.
func letterRun(w uint64) int {
	const hi = 0x8080_8080_8080_8080
	x := w | 0x2020_2020_2020_2020
	ge := x + 0x1f1f_1f1f_1f1f_1f1f
	gt := x + 0x0505_0505_0505_0505
	letters := ge &^ gt & hi
	return bits.TrailingZeros64(^letters&hi) / 8
}

// scanASCII is the fast path of scan for pure ASCII text: it copies whole runs of
// letters at a time.
func (n *normalizer) scanASCII(s string) {
	sep := false
	for i := 0; i < len(s); {
		c := s[i]
		if c >= '0' && c <= '9' {
			if sep {
				n.space()
			}
			sep = false
			i = n.number(s, i)
			continue
		}
		if asciiLetter[c] == 0 {
			sep = len(n.exact) > 0
			i++
			continue
		}
		if sep {
			n.space()
			sep = false
		}
		n.openToken()
		// copy and lower the run of letters in one pass, eight bytes at a time while
		// eight remain: a word ends within the first eight bytes mostly
		k := len(n.exact)
		e := n.exact
		for {
			if i+8 > len(s) {
				for ; i < len(s) && asciiLetter[s[i]] != 0; i++ {
					e = append(e, asciiLetter[s[i]])
				}
				break
			}
			if cap(e)-len(e) < 8 {
				e = append(e, make([]byte, 8)...)[:len(e)]
			}
			w := loadString64(s, i)
			run := letterRun(w)
			binary.LittleEndian.PutUint64(e[len(e):len(e)+8], w|0x2020_2020_2020_2020)
			e = e[:len(e)+run]
			i += run
			if run < 8 {
				break
			}
		}
		n.exact = e
		if n.shaping {
			n.shape = append(n.shape, e[k:]...)
		}
	}
	n.closeToken()
}

// letters copies the run of ASCII letters at s[i] to exact (and shape), lowered, and
// returns the index after it, for scan: eight bytes at a time while eight remain, as a
// word ends within the first eight bytes mostly. A byte of 0x80 or more ends the run.
// scanASCII keeps its own copy of this loop: calling letters for each word costs it
// 9-12 % (BenchmarkNormalizeScripts/ascii).
func (n *normalizer) letters(s string, i int) int {
	k := len(n.exact)
	e := n.exact
	for {
		if i+8 > len(s) {
			for ; i < len(s) && asciiLetter[s[i]] != 0; i++ {
				e = append(e, asciiLetter[s[i]])
			}
			break
		}
		if cap(e)-len(e) < 8 {
			e = append(e, make([]byte, 8)...)[:len(e)]
		}
		w := loadString64(s, i)
		run := letterRun(w)
		binary.LittleEndian.PutUint64(e[len(e):len(e)+8], w|0x2020_2020_2020_2020)
		e = e[:len(e)+run]
		i += run
		if run < 8 {
			break
		}
	}
	n.exact = e
	if n.shaping {
		n.shape = append(n.shape, e[k:]...)
	}
	return i
}

// scan normalizes NFKC, case-folded text: rune by rune, and runs of ASCII letters
// eight bytes at a time.
func (n *normalizer) scan(s string) {
	sep := false
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf && (c < '0' || c > '9') {
			// ASCII, the most of any Latin text: a letter or a separator
			if l := asciiLetter[c]; l != 0 {
				if sep {
					n.space()
					sep = false
				}
				n.openToken()
				if !n.noASCII {
					i = n.letters(s, i)
					continue
				}
				// the reference the tests compare against: a letter at a time
				n.exact = append(n.exact, l)
				if n.shaping {
					n.shape = append(n.shape, l)
				}
			} else {
				sep = len(n.exact) > 0
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		ri := classDigit // an ASCII digit
		if r >= utf8.RuneSelf {
			ri = n.info(r)
		}
		switch ri.class() {
		case classDigit:
			if sep {
				n.space()
			}
			sep = false
			i = n.number(s, i)
			continue
		case classDropped:
			i += size
			continue
		case classOwn:
			if len(n.exact) > 0 {
				n.space()
			}
			n.rune(ri.canon())
			n.closeToken()
			sep = true
			i += size
			continue
		case classLetter:
			if sep {
				n.space()
				sep = false
			}
			n.rune(ri.canon())
			i += size
			continue
		default:
			sep = len(n.exact) > 0
			i += size
			continue
		}
	}
	n.closeToken()
}

// space ends the current token and writes one separating space.
func (n *normalizer) space() {
	n.closeToken()
	if len(n.exact) > 0 && n.exact[len(n.exact)-1] != ' ' {
		n.exact = append(n.exact, ' ')
		if n.shaping {
			n.shape = append(n.shape, ' ')
		}
	}
}

func (n *normalizer) rune(r rune) {
	n.openToken()
	n.exact = utf8.AppendRune(n.exact, r)
	if n.shaping {
		n.shape = utf8.AppendRune(n.shape, r)
	}
}

func (n *normalizer) openToken() {
	if k := len(n.tokens); k == 0 || n.tokens[k-1].end >= 0 {
		n.tokens = append(n.tokens, tok{int32(len(n.exact)), -1})
		if k >= ShapeWords {
			// past ShapeWords words the shape is never used (numberShape): stop
			// writing it
			n.shaping = false
		}
	}
}

func (n *normalizer) closeToken() {
	if k := len(n.tokens); k > 0 && n.tokens[k-1].end < 0 {
		n.tokens[k-1].end = int32(len(n.exact))
	}
}

// number consumes the number starting at s[i]: digits, optionally joined by single
// '.', ',' or ':' to more digits. It writes the digits (and its inner separators) to
// exact, one "0" to shape (while it is written), counts the number in the census and returns the index after it.
func (n *normalizer) number(s string, i int) int {
	if !n.shaping && len(n.tokens) < ShapeWords {
		// the forms part here, unless this number is past ShapeWords words, where
		// the shape is never used
		n.shape = append(n.shape[:0], n.exact...)
		n.shaping = true
	}
	n.openToken()
	digits, seps, colons := 0, 0, 0
	start := len(n.exact)
	for i < len(s) {
		if c := s[i]; c >= '0' && c <= '9' {
			n.exact = append(n.exact, c)
			digits++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= utf8.RuneSelf && unicode.IsDigit(r) {
			n.exact = utf8.AppendRune(n.exact, r)
			digits++
			i += size
			continue
		}
		if r == ' ' && i+2 < len(s) && s[i+1] == ',' && s[i+2] >= '0' && s[i+2] <= '9' {
			// "1 ,800,000": a space before a thousands separator is an artefact of text
			// extraction; the number goes on
			i++
			continue
		}
		if (r == '.' || r == ',' || r == ':') && i+1 < len(s) {
			r2, _ := utf8.DecodeRuneInString(s[i+1:])
			if unicode.IsDigit(r2) {
				n.exact = append(n.exact, byte(r))
				seps++
				if r == ':' {
					colons++
				}
				i++
				continue
			}
		}
		break
	}
	if n.shaping {
		n.shape = append(n.shape, '0')
	}
	n.numbers++
	switch {
	case seps == 0 && digits == 4 && isYear(n.exact[start:]):
	case seps > 0 && colons == seps && seps <= 2:
		// a clock time: 14:05, 14:05:59
	case seps > 0:
		n.measures++
	default:
		n.plain++
	}
	return i
}

func isYear(b []byte) bool {
	return (b[0] == '1' && b[1] == '9') || (b[0] == '2' && b[1] == '0')
}

// symbols is the fallback for a paragraph without letters or digits: its non-space
// characters, white space collapsed.
func (n *normalizer) symbols(s string) {
	sp := false
	for _, r := range s {
		if isSpace(r) || dropped(r) {
			sp = len(n.exact) > 0
			continue
		}
		if sp {
			n.exact = append(n.exact, ' ')
			sp = false
		}
		n.exact = utf8.AppendRune(n.exact, r)
	}
	n.shaping = false
	n.retokenize()
}

// retokenize rebuilds n.tokens from the spaces of n.exact.
func (n *normalizer) retokenize() {
	n.tokens = n.tokens[:0]
	start := 0
	for i := 0; i <= len(n.exact); i++ {
		if i == len(n.exact) || n.exact[i] == ' ' {
			if i > start {
				n.tokens = append(n.tokens, tok{int32(start), int32(i)})
			}
			start = i + 1
		}
	}
}
