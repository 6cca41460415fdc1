package dedup

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"testing"
)

// benchTexts returns up to n article texts from the shared Reuters data, or skips.
func benchTexts(b *testing.B, n int) ([]string, int64) {
	f, err := os.Open("../../shared/data/reuters21578.jsonl.gz")
	if err != nil {
		b.Skip("shared Reuters data not found")
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	var texts []string
	var size int64
	for sc.Scan() && len(texts) < n {
		var r struct{ Text string }
		if json.Unmarshal(sc.Bytes(), &r) == nil {
			texts = append(texts, r.Text)
			size += int64(len(r.Text))
		}
	}
	return texts, size
}

func BenchmarkNormalize(b *testing.B) {
	texts, _ := benchTexts(b, 2000)
	var paras []string
	var size int64
	for _, t := range texts {
		for _, s := range Segment(nil, t, SplitAuto) {
			paras = append(paras, t[s.Start:s.End])
			size += int64(s.End - s.Start)
		}
	}
	var n normalizer
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, p := range paras {
			n.run(p)
		}
	}
}

func BenchmarkFingerprint(b *testing.B) {
	texts, size := benchTexts(b, 2000)
	fp := NewFingerprinter(DefaultConfig())
	var d Doc
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, t := range texts {
			fp.Doc("", t, &d)
		}
	}
}

func BenchmarkIndexAdd(b *testing.B) {
	texts, size := benchTexts(b, 2000)
	fp := NewFingerprinter(DefaultConfig())
	docs := make([]Doc, len(texts))
	for i, t := range texts {
		fp.Doc("", t, &docs[i])
	}
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ix := NewIndex()
		for k := range docs {
			ix.Add("s", &docs[k])
		}
	}
}

func BenchmarkJudge(b *testing.B) {
	texts, size := benchTexts(b, 2000)
	fp := NewFingerprinter(DefaultConfig())
	ix := NewIndex()
	docs := make([]Doc, len(texts))
	for i, t := range texts {
		fp.Doc("", t, &docs[i])
		ix.Add("s", &docs[i])
	}
	j := NewJudge(DefaultRules(), ix)
	var decs []Decision
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k := range docs {
			decs = j.Judge(decs[:0], "s", &docs[k])
		}
	}
}

func BenchmarkBandKeys(b *testing.B) {
	fp := NewFingerprinter(DefaultConfig())
	var d Doc
	fp.Doc("", "Shares of the company rose sharply on Tuesday after it reported quarterly earnings that beat analysts' expectations by a wide margin.", &d)
	sh := d.ParaShingles(0)
	b.SetBytes(int64(8 * len(sh)))
	for b.Loop() {
		bandKeys(sh)
	}
}
