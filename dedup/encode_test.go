package dedup

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/cespare/xxhash/v2"
)

// resolveTitle computes a lazy title key, as Judge would when it needs it.
func resolveTitle(d *Doc) {
	if d.lazy {
		d.TitleKey, d.title, d.lazy = titleKey(&normalizer{}, d.title), "", false
	}
}

// encodeCorpus counts docs in a new Index with pass 1's fingerprinter, seals it, and
// returns it with each document's record.
func encodeCorpus(t *testing.T, docs []string) (*Index, [][]byte) {
	t.Helper()
	ix := NewIndexFor(DefaultRules(), 0)
	cf := ix.CountingFingerprinter(DefaultConfig())
	var d Doc
	var recs [][]byte
	for i, text := range docs {
		cf.Doc(fmt.Sprintf("Title %d", i%7), text, &d)
		recs = append(recs, d.Encode(nil))
		ix.Add("", &d)
	}
	if err := ix.Seal(); err != nil {
		t.Fatal(err)
	}
	return ix, recs
}

// Pass 2 judges from pass 1's records: Decode gives the fingerprint a
// JudgingFingerprinter computes from the text, paragraph by paragraph, whether pass 1
// fingerprinted the paragraph or took it as frequent, and whether pass 2 takes it as
// known boilerplate.
func TestDecodeIsDoc(t *testing.T) {
	docs := groupCorpus()
	// four exact copies of a story: its paragraphs are in four documents (frequent in
	// pass 1, not fingerprinted for the fourth) but one group (not boilerplate)
	docs = append(docs, docs[3], docs[3], docs[3])
	// short paragraphs with prefixes and numbers, and a table
	for i := range 6 {
		docs = append(docs, fmt.Sprintf("Read more: Title %d\n\nPublished March %d, 2021 at 3:4%d p.m.\n\nNet 16,900,%d00 vs 13,100,000\n\nNet 16,900,%d00 vs 13,100,000", i, i+1, i, i, i))
	}
	ix, recs := encodeCorpus(t, docs)
	jf, dec := ix.JudgingFingerprinter(DefaultConfig()), ix.JudgingFingerprinter(DefaultConfig())
	var want, got Doc
	var known, fallback, decoded int
	for i, text := range docs {
		title := fmt.Sprintf("Title %d", i%7)
		jf.Doc(title, text, &want)
		if err := dec.Decode(title, text, recs[i], &got); err != nil {
			t.Fatalf("document %d: %v", i, err)
		}
		resolveTitle(&want)
		if want.Hash != got.Hash || want.TitleKey != got.TitleKey || len(want.Paras) != len(got.Paras) {
			t.Fatalf("document %d: hash %x title %x %d paragraphs, want %x %x %d", i, got.Hash, got.TitleKey, len(got.Paras), want.Hash, want.TitleKey, len(want.Paras))
		}
		for k := range want.Paras {
			a, b := want.Paras[k], got.Paras[k]
			if !slices.Equal(want.ParaShingles(k), got.ParaShingles(k)) {
				t.Errorf("document %d paragraph %d: shingles differ", i, k)
			}
			a.lo, a.hi, b.lo, b.hi = 0, 0, 0, 0
			if !reflect.DeepEqual(a, b) {
				t.Errorf("document %d paragraph %d:\ndecoded %+v\nwant    %+v", i, k, b, a)
			}
		}
		// what each paragraph took: known in pass 2, fingerprinted now, or decoded
		for k, p := range got.Paras {
			switch {
			case p.known:
				known++
			case paraFlag(t, recs[i], k)&encKnown != 0:
				fallback++
			default:
				decoded++
			}
		}
	}
	if known == 0 || fallback == 0 || decoded == 0 {
		t.Errorf("%d paragraphs known, %d fingerprinted again, %d decoded: the corpus misses a case", known, fallback, decoded)
	}
}

// paraFlag returns the flags of paragraph k of record rec.
func paraFlag(t *testing.T, rec []byte, k int) byte {
	d := decoder{b: rec}
	n := int(d.uv())
	d.skip(24)
	for i := range n {
		f := d.byte()
		if i == k {
			return f
		}
		d.skipPara(f)
	}
	t.Fatalf("record has no paragraph %d", k)
	return 0
}

// A record that is not the text's, or is cut short or corrupt, is an error, never a
// panic.
func TestDecodeRejectsBadRecords(t *testing.T) {
	docs := groupCorpus()
	ix, recs := encodeCorpus(t, docs)
	f := ix.JudgingFingerprinter(DefaultConfig())
	var d Doc
	rec := recs[0]
	cases := map[string][]byte{
		"another document's": recs[1],
		"empty":              nil,
		"cut in the header":  rec[:5],
		"cut in half":        rec[:len(rec)/2],
		"one byte short":     rec[:len(rec)-1],
		"one byte more":      append(slices.Clone(rec), 0),
	}
	// the text one byte longer, its paragraphs the same: its length is in the record
	if err := f.Decode("Title 0", docs[0]+"\n", rec, &d); !errors.Is(err, errOtherText) {
		t.Errorf("a longer text: %v, want errOtherText", err)
	}
	for name, bad := range cases {
		if err := f.Decode("Title 0", docs[0], bad, &d); err == nil {
			t.Errorf("%s record: no error", name)
		}
	}
	// every byte flipped in turn: an error or a fingerprint, never a panic
	for i := range rec {
		bad := slices.Clone(rec)
		bad[i] ^= 0xff
		_ = f.Decode("Title 0", docs[0], bad, &d)
	}
	if err := f.Decode("Title 0", docs[0], rec, &d); err != nil {
		t.Errorf("the record itself: %v", err)
	}
}

// FuzzDecode: Decode of any bytes against a document is an error or a fingerprint of
// paragraphs of that document (in order, within it, each with the raw hash of its
// text), never a panic; and a record decodes to the paragraphs Segment finds.
func FuzzDecode(f *testing.F) {
	docs := groupCorpus()[:4]
	ix := NewIndexFor(DefaultRules(), 0)
	cf := ix.CountingFingerprinter(DefaultConfig())
	var d Doc
	var recs [][]byte
	for i, text := range docs {
		cf.Doc("", text, &d)
		rec := d.Encode(nil)
		recs = append(recs, rec)
		f.Add(uint8(i), rec)
		ix.Add("", &d)
	}
	if err := ix.Seal(); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, which uint8, rec []byte) {
		k := int(which) % len(docs)
		text := docs[k]
		dec := ix.JudgingFingerprinter(DefaultConfig())
		var got Doc
		if err := dec.Decode("", text, rec, &got); err != nil {
			if bytes.Equal(rec, recs[k]) {
				t.Fatalf("the document's own record: %v", err)
			}
			return
		}
		end := 0
		for i, p := range got.Paras {
			if p.Start < end || p.End < p.Start || p.End > len(text) || p.lo > p.hi || int(p.hi) > len(got.Shingles) {
				t.Fatalf("paragraph %d: span %v after %d, shingles [%d, %d) of %d", i, p.Span, end, p.lo, p.hi, len(got.Shingles))
			}
			if p.Raw != xxhash.Sum64String(text[p.Start:p.End]) {
				t.Fatalf("paragraph %d: raw hash not its text's", i)
			}
			end = p.End
		}
		if bytes.Equal(rec, recs[k]) {
			spans := Segment(nil, text, SplitAuto)
			if len(got.Paras) != len(spans) {
				t.Fatalf("%d paragraphs decoded, the text has %d", len(got.Paras), len(spans))
			}
			for i, p := range got.Paras {
				if p.Span != spans[i] {
					t.Fatalf("paragraph %d: span %v, Segment's %v", i, p.Span, spans[i])
				}
			}
		}
	})
}

// TestDecodePlacesOverflow: places whose sums would overflow (a gap or a length near
// 2^64) are an error, not a slice of the text out of range.
func TestDecodePlacesOverflow(t *testing.T) {
	docs := groupCorpus()
	ix, recs := encodeCorpus(t, docs)
	f := ix.JudgingFingerprinter(DefaultConfig())
	rec := recs[0]
	// the header: paragraph count and text length (uvarints), text hash, title key, sum
	dec := decoder{b: rec}
	n := dec.uv()
	dec.uv()
	dec.skip(24)
	head := rec[:len(rec)-len(dec.b)]
	huge := binary.AppendUvarint(nil, math.MaxUint64-3)
	for name, places := range map[string][]byte{
		"a huge gap":    append(slices.Clone(huge), 5),
		"a huge length": append([]byte{5}, huge...),
	} {
		bad := append(slices.Clone(head), places...)
		for range n - 1 {
			bad = append(bad, 0, 0)
		}
		bad = append(bad, make([]byte, 64)...) // flags and whatever follows
		var d Doc
		if err := f.Decode("Title 0", docs[0], bad, &d); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
