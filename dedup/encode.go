package dedup

import (
	"encoding/binary"
	"errors"
	"slices"

	"github.com/cespare/xxhash/v2"
)

// Fingerprints are data: pass 1 fingerprints a document once and encodes what pass 2
// needs of it (Doc.Encode); pass 2 decodes it (Fingerprinter.Decode) instead of
// normalizing and shingling the text again. The paragraphs' places are encoded too, so
// that Decode need not segment the text again (2 % of the CPU samples of a run on
// gen_corpus 200 MB); Decode hashes the text at those places, which it must do anyway
// for the raw hashes, and checks them against the record.
//
// A record: the document's paragraph count, text length, text hash, title key and a
// sum of its paragraphs' raw hashes (rawSum); the paragraphs' places (for each, the
// bytes from the end of the one before and its length); then for each paragraph a flag
// byte and, unless it is a paragraph pass 1 did not fingerprint (Config.known), its
// key, its shape key when it differs, its words and numbers, its shingles and its
// prefixes with their rests.
// On new text it takes about 8 bytes a word, the shingles.

// flags of an encoded paragraph
const (
	encKnown  = 1 << iota // not fingerprinted by pass 1: nothing follows
	encShort              // Para.Short
	encShape              // a shape key follows the key
	encPrefix             // a count of prefixes and the prefixes and rests follow
)

// Encode appends to dst the record of d, which must be the fingerprint of a document
// with its title key (not lazy) and its prefixes' rests (Config.wantRest nil), and
// returns it.
func (d *Doc) Encode(dst []byte) []byte {
	// one growth: at most 8 bytes a shingle and 120 a paragraph
	dst = slices.Grow(dst, 44+8*len(d.Shingles)+120*len(d.Paras))
	dst = binary.AppendUvarint(dst, uint64(len(d.Paras)))
	dst = binary.AppendUvarint(dst, uint64(d.size))
	dst = binary.LittleEndian.AppendUint64(dst, d.Hash)
	dst = binary.LittleEndian.AppendUint64(dst, d.TitleKey)
	dst = binary.LittleEndian.AppendUint64(dst, rawSum(d.Paras))
	end := 0
	for i := range d.Paras {
		p := &d.Paras[i]
		dst = binary.AppendUvarint(dst, uint64(p.Start-end))
		dst = binary.AppendUvarint(dst, uint64(p.End-p.Start))
		end = p.End
	}
	for i := range d.Paras {
		p := &d.Paras[i]
		if p.known {
			dst = append(dst, encKnown)
			continue
		}
		var flags byte
		if p.Short {
			flags |= encShort
		}
		if p.ShapeKey != p.Key {
			flags |= encShape
		}
		if p.prefix[0] != 0 {
			flags |= encPrefix
		}
		dst = append(dst, flags)
		dst = binary.LittleEndian.AppendUint64(dst, p.Key)
		if flags&encShape != 0 {
			dst = binary.LittleEndian.AppendUint64(dst, p.ShapeKey)
		}
		dst = binary.AppendUvarint(dst, uint64(p.Words))
		dst = binary.AppendUvarint(dst, uint64(p.Numbers))
		sh := d.Shingles[p.lo:p.hi]
		dst = binary.AppendUvarint(dst, uint64(len(sh)))
		for _, h := range sh {
			dst = binary.LittleEndian.AppendUint64(dst, h)
		}
		if flags&encPrefix != 0 {
			n := 0
			for n < TemplatePrefix && p.prefix[n] != 0 {
				n++
			}
			dst = append(dst, byte(n))
			for k := range n {
				dst = binary.LittleEndian.AppendUint64(dst, p.prefix[k])
				dst = binary.LittleEndian.AppendUint64(dst, p.rest[k])
			}
		}
	}
	return dst
}

// rawSum folds the raw hashes of paragraphs into one: a record holds it, so that
// Decode tells the record of another text (Doc.Hash would take hashing the text again).
func rawSum(ps []Para) uint64 {
	sum := uint64(0)
	for i := range ps {
		sum = mix(sum ^ ps[i].Raw)
	}
	return sum
}

var (
	errEncoded   = errors.New("dedup: a fingerprint record is cut short or does not match its document")
	errOtherText = errors.New("dedup: a fingerprint record is of another text (did the input change between the passes?)")
)

// Decode fills d with the fingerprint of the document text with the given title, as
// Doc would, from rec, the record Encode wrote of it in pass 1: what f's Config would
// not compute is left out as Doc would leave it (a paragraph Config.known recognises
// has no shingles, none has bands), and the paragraphs rec does not hold, those pass 1
// did not fingerprint, are fingerprinted now. It reports an error when rec is not a
// record of text (its text hash differs) or is corrupt.
func (f *Fingerprinter) Decode(title, text string, rec []byte, d *Doc) error {
	dec := decoder{b: rec}
	n := dec.uv()
	if size := dec.uv(); size != uint64(len(text)) {
		if dec.bad {
			return errEncoded
		}
		return errOtherText
	}
	d.Hash = dec.u64()
	d.TitleKey, d.title, d.lazy = dec.u64(), "", false
	d.size = len(text)
	d.Paras = d.Paras[:0]
	d.Shingles = d.Shingles[:0]
	sum := dec.u64()
	if dec.bad || n > uint64(len(dec.b)/3) { // a place and a flag byte at least
		return errEncoded
	}
	f.spans, f.raws = f.spans[:0], f.raws[:0]
	check := uint64(0)
	end := uint64(0)
	size := uint64(len(text))
	for range n {
		gap, length := dec.uv(), dec.uv()
		if dec.bad {
			return errEncoded
		}
		// each compared with what is left of the text, so that no sum overflows
		if gap > size-end || length > size-end-gap {
			return errOtherText
		}
		start := end + gap
		end = start + length
		s := Span{Start: int(start), End: int(end)}
		f.spans = append(f.spans, s)
		raw := xxhash.Sum64String(text[s.Start:s.End])
		f.raws = append(f.raws, raw)
		check = mix(check ^ raw)
	}
	if check != sum {
		return errOtherText
	}
	f.prefetch()
	for i, s := range f.spans {
		raw := f.raws[i]
		d.Paras = append(d.Paras, Para{})
		p := &d.Paras[len(d.Paras)-1]
		flags := dec.byte()
		known := f.cfg.known != nil && f.cfg.known(raw, p)
		switch {
		case known:
			p.Span, p.Raw, p.known = s, raw, true
			p.lo = int32(len(d.Shingles))
			p.hi = p.lo
			dec.skipPara(flags)
		case flags&encKnown != 0:
			*p = Para{}
			f.para(text[s.Start:s.End], s, d, p)
			p.Raw = raw
		default:
			*p = Para{Span: s, Raw: raw, Short: flags&encShort != 0}
			p.Key = dec.u64()
			p.ShapeKey = p.Key
			if flags&encShape != 0 {
				p.ShapeKey = dec.u64()
			}
			p.Words, p.Numbers = int32(dec.uv()), int32(dec.uv())
			m := int(dec.uv())
			if m > len(dec.b)/8 {
				return errEncoded
			}
			p.lo = int32(len(d.Shingles))
			d.Shingles = appendU64s(d.Shingles, dec.b[:8*m])
			dec.b = dec.b[8*m:]
			p.hi = int32(len(d.Shingles))
			if flags&encPrefix != 0 {
				for k := range min(int(dec.byte()), TemplatePrefix) {
					p.prefix[k], p.rest[k] = dec.u64(), dec.u64()
				}
			}
		}
		if dec.bad {
			return errEncoded
		}
	}
	if len(dec.b) != 0 {
		return errEncoded
	}
	return nil
}

// appendU64s appends to dst the little-endian words of b, whose length is a multiple
// of 8: a paragraph's shingles at once, where one word at a time cost a length check
// and a slice update each.
func appendU64s(dst []uint64, b []byte) []uint64 {
	n := len(dst)
	dst = slices.Grow(dst, len(b)/8)[:n+len(b)/8]
	for i := range dst[n:] {
		dst[n+i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return dst
}

func (d *decoder) byte() byte {
	if len(d.b) < 1 {
		d.bad = true
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

// skipPara passes over an encoded paragraph of the given flags.
func (d *decoder) skipPara(flags byte) {
	if flags&encKnown != 0 {
		return
	}
	skip := 8
	if flags&encShape != 0 {
		skip += 8
	}
	d.skip(skip)
	d.uv()
	d.uv()
	m := d.uv()
	if m > uint64(len(d.b)/8) {
		d.bad = true
		return
	}
	d.skip(8 * int(m))
	if flags&encPrefix != 0 {
		d.skip(16 * int(d.byte()))
	}
}

func (d *decoder) skip(n int) {
	if len(d.b) < n {
		d.bad = true
		d.b = nil
		return
	}
	d.b = d.b[n:]
}
