package dedup

import (
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// runeInfo is what scan needs to know of a non-ASCII character: its class, in the top
// byte, and for a letter or mark its canonical form (canon), in the low 24 bits.
type runeInfo uint32

// The classes of runeInfo, in the order scan tests them.
const (
	classOther   runeInfo = iota << 24 // a separator
	classDigit                         // a digit: a number starts
	classDropped                       // dropped (format characters, soft hyphen)
	classLetter                        // a letter or a mark, part of a word
	classOwn                           // a letter that is a word by itself (ownToken)
)

func (ri runeInfo) class() runeInfo { return ri &^ (1<<24 - 1) }
func (ri runeInfo) canon() rune     { return rune(ri & (1<<24 - 1)) }

// classify returns r's runeInfo from the unicode tables.
func classify(r rune) runeInfo {
	switch {
	case unicode.IsDigit(r):
		return classDigit
	case dropped(r):
		return classDropped
	case unicode.IsLetter(r) || unicode.Is(unicode.M, r):
		if ownToken(r) {
			return classOwn | runeInfo(canon(r))
		}
		return classLetter | runeInfo(canon(r))
	}
	return classOther
}

// pagedRunes is where the pages end: they cover planes 0 and 1, the Basic Multilingual
// Plane and the emoji, historic scripts and styled letters after it.
const pagedRunes = 0x20000

// runePage holds the runeInfo of 256 consecutive characters below pagedRunes. A page
// is filled the first time normalizer.info looks one up: classify
// walks the unicode tables and canon a case orbit, about 40 ns a letter, which made
// Cyrillic, Arabic and Chinese text normalize at 24-37 MB/s.
type runePage [256]runeInfo

var runePages [pagedRunes >> 8]atomic.Pointer[runePage]

// fillPage fills and stores the page of r. Two goroutines may fill the same page: both
// fill it alike.
func fillPage(r rune) *runePage {
	p := new(runePage)
	for k := range p {
		p[k] = classify(r&^0xff | rune(k))
	}
	runePages[r>>8].Store(p)
	return p
}

// nfPage holds, for 256 consecutive characters below pagedRunes, what the NFKC quick
// check needs: a character's canonical combining class (the low byte) and
// whether it is quick (nfQuick).
type nfPage [256]uint16

// nfQuick marks a quick character: valid, not dropped, its own NFKC and folded form
// (no decomposition; folding changes nothing), and composing with no character before
// it.
const nfQuick = 1 << 8

var nfPages [pagedRunes >> 8]atomic.Pointer[nfPage]

// nfOf returns the nfPage entry of r, below pagedRunes, filling its page the first time
// (two goroutines may fill the same page: both fill it alike).
func nfOf(r rune) uint16 {
	if p := nfPages[r>>8].Load(); p != nil {
		return p[r&0xff]
	}
	p := new(nfPage)
	folder := cases.Fold()
	for k := range p {
		c := r&^0xff | rune(k)
		s := string(c)
		props := norm.NFKC.PropertiesString(s)
		p[k] = uint16(props.CCC())
		if c != utf8.RuneError && !dropped(c) && len(props.Decomposition()) == 0 &&
			!composesBackward(c, props) && norm.NFKC.String(s) == s && folder.String(s) == s {
			p[k] |= nfQuick
		}
	}
	nfPages[r>>8].Store(p)
	return p[r&0xff]
}

// composesBackward reports whether r may compose with the character before it: a
// starter that x/text says so of, or a non-starter that comes after the first
// character of the canonical decomposition of a character NFC composes (backMarks).
func composesBackward(r rune, props norm.Properties) bool {
	if props.CCC() == 0 {
		return !props.BoundaryBefore()
	}
	return backMarks()[r>>6]&(1<<(r&63)) != 0
}

// backMarks has a bit set for every character below pagedRunes that is in the
// canonical decomposition of a character that NFC composes, in the planes
// composition reaches (0 and 1), but not first in it: the combining marks, Hangul
// vowels and finals, and the second halves of two-part vowels that composition joins
// to what comes before them.
var backMarks = sync.OnceValue(func() *[pagedRunes / 64]uint64 {
	var bm [pagedRunes / 64]uint64
	var b [utf8.UTFMax]byte
	for r := rune(0); r < pagedRunes; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		c := b[:utf8.EncodeRune(b[:], r)]
		d := norm.NFD.Properties(c).Decomposition()
		if len(d) == 0 || string(norm.NFC.Bytes(d)) != string(c) {
			continue // none, or excluded from composition
		}
		for k, m := range string(d) {
			if k > 0 {
				bm[m>>6] |= 1 << (m & 63)
			}
		}
	}
	// Hangul syllables compose by rule (x/text gives them no decomposition): a
	// leading consonant with a vowel, that with a final
	for m := rune(0x1161); m <= 0x11c2; m++ {
		if m <= 0x1175 || m >= 0x11a8 {
			bm[m>>6] |= 1 << (m & 63)
		}
	}
	return &bm
})

// quickNFKC reports whether NFKC, case folding and NFKC leave s as it is, but for the
// case of its ASCII letters (which scan lowers anyway): s is valid UTF-8 of ASCII and
// quick characters whose combining classes never decrease between two non-starters
// (the quick check of Unicode Annex #15, with folding). Devanagari, Bengali or Thai
// text then skips the three passes of the slow path.
func quickNFKC(s string) bool {
	prev := uint16(0)
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i += asciiRun(s[i:])
			prev = 0
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= pagedRunes {
			return false
		}
		e := nfOf(r)
		ccc := e & 0xff
		if e&nfQuick == 0 || ccc != 0 && prev > ccc {
			return false
		}
		prev = ccc
		i += size
	}
	return true
}

// formPage holds, for 256 consecutive characters below pagedRunes (beyond which no
// character has a stand-in or an image), what asciiForm and latinForm replace them
// with: looking each character up in the maps was
// 30 % of normalizing Cyrillic text, and building the maps took 31 ms, where a page
// takes a fraction of a millisecond and most text meets a handful of pages.
type formPage struct {
	// stand is a character's stand-in (standInOf): text "" for none
	stand [256]standIn
	// latin is what latinForm writes for it: its image (latinImageOf), else its
	// stand-in's text; "" for neither
	latin [256]string
}

var formPages [pagedRunes >> 8]atomic.Pointer[formPage]

// formsOf returns the page of r, below pagedRunes, filling it the first time (two
// goroutines may fill the same page: both fill it alike).
func formsOf(r rune) *formPage {
	if p := formPages[r>>8].Load(); p != nil {
		return p
	}
	p := new(formPage)
	folder := cases.Fold()
	for k := range p.stand {
		c := r&^0xff | rune(k)
		if in, ok := standInOf(folder, c); ok {
			p.stand[k], p.latin[k] = in, in.text
		}
		if img, ok := latinImageOf(folder, c); ok {
			p.latin[k] = img
		}
	}
	formPages[r>>8].Store(p)
	return p
}

// standInAt returns r's stand-in (standInOf).
func standInAt(r rune) (standIn, bool) {
	if r >= pagedRunes {
		return standIn{}, false
	}
	in := formsOf(r).stand[r&0xff]
	return in, in.text != ""
}

// appendLatin appends what latinForm writes for r to dst: its image (latinImageOf),
// else its stand-in's text. It reports false when r has neither.
func appendLatin(dst []byte, r rune) ([]byte, bool) {
	if r >= pagedRunes {
		return dst, false
	}
	t := formsOf(r).latin[r&0xff]
	return append(dst, t...), t != ""
}
