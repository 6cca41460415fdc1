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
	case isLetter(r) || unicode.Is(unicode.M, r):
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

// pages holds what the normalizer needs to know of characters below pagedRunes, a page
// P of 256 characters at a time, each page filled (by fill, from its first character)
// the first time one of its characters is looked up: most text meets a handful of
// pages. Two goroutines may fill the same page: both fill it alike.
type pages[P any] struct {
	ps   [pagedRunes >> 8]atomic.Pointer[P]
	fill func(lo rune, p *P)
}

// of returns the page of r, below pagedRunes.
func (t *pages[P]) of(r rune) *P {
	if p := t.ps[r>>8].Load(); p != nil {
		return p
	}
	return t.filled(r)
}

func (t *pages[P]) filled(r rune) *P {
	p := new(P)
	t.fill(r&^0xff, p)
	t.ps[r>>8].Store(p)
	return p
}

// runePages hold each character's runeInfo (classify walks the unicode tables and
// canon a case orbit, about 40 ns a letter, which made Cyrillic, Arabic and Chinese
// text normalize at 24-37 MB/s).
var runePages = pages[[256]runeInfo]{fill: func(lo rune, p *[256]runeInfo) {
	for k := range p {
		p[k] = classify(lo + rune(k))
	}
}}

// nfPages hold what the NFKC quick check needs of each character: its canonical
// combining class (the low byte) and whether it is quick (nfQuick).
var nfPages = pages[[256]uint16]{fill: func(lo rune, p *[256]uint16) {
	folder := cases.Fold()
	for k := range p {
		c := lo + rune(k)
		s := string(c)
		props := norm.NFKC.PropertiesString(s)
		p[k] = uint16(props.CCC())
		if c != utf8.RuneError && !dropped(c) && len(props.Decomposition()) == 0 &&
			!composesBackward(c, props) && norm.NFKC.String(s) == s && folder.String(s) == s {
			p[k] |= nfQuick
		}
		if utf8.ValidRune(c) && props.CCC() == 0 && !composesBackward(c, props) && norm.NFKC.String(s) == s {
			p[k] |= nfStarter
		}
	}
}}

// nfQuick marks a quick character: valid, not dropped, its own NFKC and folded form
// (no decomposition; folding changes nothing), and composing with no character before
// it.
const nfQuick = 1 << 8

// nfStarter marks a character before which NFKC may cut the text (normalizer.nfkc):
// its own NFKC, of combining class 0, composing with no character before it.
const nfStarter = 1 << 9

// nfOf returns the nfPages entry of r, below pagedRunes. (It and normalizer.info look
// the page up themselves: calling pages.of, which does not inline, cost the quick
// check 4-7 %.)
func nfOf(r rune) uint16 {
	if p := nfPages.ps[r>>8].Load(); p != nil {
		return p[r&0xff]
	}
	return nfPages.filled(r)[r&0xff]
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

// formPage holds, for 256 consecutive characters, what asciiForm and latinForm replace
// them with (no character past pagedRunes has a stand-in or an image): looking each
// character up in maps was 30 % of normalizing Cyrillic text, and building maps of
// them all took 31 ms.
type formPage struct {
	// stand is a character's stand-in (standInOf): text "" for none
	stand [256]standIn
	// latin is what latinForm writes for it: its image (latinImageOf), else its
	// stand-in's text; "" for neither
	latin [256]string
	// self has a bit set for each character that is its own image: most of a text
	// in lower case or in a script without case, which latinForm does not copy
	self [4]uint64
}

var formPages = pages[formPage]{fill: func(lo rune, p *formPage) {
	folder := cases.Fold()
	for k := range p.stand {
		c := lo + rune(k)
		if in, ok := standInOf(folder, c); ok {
			p.stand[k], p.latin[k] = in, in.text
		}
		if img, ok := latinImageOf(folder, c); ok {
			p.latin[k] = img
			if img == string(c) {
				p.self[k>>6] |= 1 << (k & 63)
			}
		}
	}
}}

// standInAt returns r's stand-in (standInOf).
func standInAt(r rune) (standIn, bool) {
	if r >= pagedRunes {
		return standIn{}, false
	}
	in := formPages.of(r).stand[r&0xff]
	return in, in.text != ""
}

// latinAt returns what latinForm writes for r: its image (latinImageOf), else its
// stand-in's text, "" for neither; and whether r is its own image.
func latinAt(r rune) (t string, self bool) {
	if r >= pagedRunes {
		return "", false
	}
	p := formPages.ps[r>>8].Load() // (inline: formPages.of is not; see nfOf)
	if p == nil {
		p = formPages.filled(r)
	}
	k := r & 0xff
	return p.latin[k], p.self[k>>6]&(1<<(k&63)) != 0
}
