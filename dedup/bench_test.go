package dedup

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"testing"

	"golang.org/x/text/unicode/norm"
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

// BenchmarkNormalizeScripts normalizes paragraphs of news-like text in several
// scripts: Latin with accents takes the table path (latinForm), the others the
// rune-by-rune one.
func BenchmarkNormalizeScripts(b *testing.B) {
	scripts := map[string]string{
		"ascii":      "The central bank raised its main interest rate by a quarter point on Tuesday, citing persistent inflation in services, officials said.",
		"latin":      "La banque centrale a relevé son taux directeur d’un quart de point mardi, invoquant une inflation persistante dans les services, a déclaré José Núñez à Saint-Étienne.",
		"german":     "Die Zentralbank erhöhte am Dienstag ihren Leitzins um einen Viertelpunkt und verwies auf die anhaltende Inflation bei Dienstleistungen, sagte Jürgen Müller in Köln.",
		"cyrillic":   "Центральный банк во вторник повысил ключевую ставку на четверть пункта, сославшись на устойчивую инфляцию в сфере услуг, заявили чиновники.",
		"arabic":     "رفع البنك المركزي سعر الفائدة الرئيسي بمقدار ربع نقطة يوم الثلاثاء، مشيرا إلى استمرار التضخم في قطاع الخدمات، بحسب ما قال مسؤولون.",
		"cjk":        "中央银行周二将主要利率上调四分之一个百分点，理由是服务业通胀持续，官员表示。日本銀行は火曜日に政策金利を引き上げた。",
		"hindi":      "केंद्रीय बैंक ने मंगलवार को सेवाओं में लगातार मुद्रास्फीति का हवाला देते हुए अपनी मुख्य ब्याज दर में एक चौथाई अंक की वृद्धि की, अधिकारियों ने कहा।",
		"thai":       "ธนาคารกลางปรับขึ้นอัตราดอกเบี้ยนโยบายหนึ่งในสี่ของจุดเมื่อวันอังคาร โดยอ้างถึงเงินเฟ้อที่ยังคงอยู่ในภาคบริการ เจ้าหน้าที่กล่าว",
		"korean":     "한국은행은 화요일 서비스 부문의 지속적인 인플레이션을 이유로 기준금리를 0.25%포인트 인상했다고 관계자들이 밝혔다.",
		"emoji":      "The central bank raised its main interest rate by a quarter point on Tuesday 📈, citing persistent inflation in services, officials said.",
		"vietnamese": "Ngân hàng Trung ương đã tăng lãi suất chính thêm một phần tư điểm vào thứ Ba, với lý do lạm phát dai dẳng trong lĩnh vực dịch vụ, các quan chức cho biết.",
	}
	// the same texts with their accents as combining marks (NFD), as some scrapes and
	// keyboards give them
	scripts["latin-nfd"] = norm.NFD.String(scripts["latin"])
	scripts["vietnamese-nfd"] = norm.NFD.String(scripts["vietnamese"])
	// French with an emoji (no table holds both) and English with a byte of Latin-1
	// (invalid UTF-8)
	scripts["latin-emoji"] = scripts["latin"] + " 📈"
	// Persian joins words with the zero-width non-joiner; German hyphenation hints are
	// soft hyphens; an emoji often has its presentation selector (U+FE0F)
	scripts["persian"] = "بانک مرکزی روز سه\u200cشنبه نرخ بهره را یک چهارم واحد افزایش داد و به تورم پایدار در بخش خدمات اشاره کرد، مقام\u200cها گفتند."
	scripts["german-shy"] = "Die Zentral\u00adbank erhöhte am Dienstag ihren Leit\u00adzins um einen Viertel\u00adpunkt, sagte Jürgen Müller in Köln."
	scripts["emoji-vs16"] = "The central bank raised its main interest rate on Tuesday \u2764\ufe0f, citing persistent inflation in services, officials said."
	// Ukrainian writes its apostrophe as a modifier letter (U+02BC); Chinese names use
	// ideographs of Extension A; Korean between curly quotes
	scripts["ukrainian"] = "Центральний банк у вівторок підвищив облікову ставку на чверть пункта, пославшись на стійку інфляцію, повідомив Мар\u02bcян Об\u02bcєднаний."
	scripts["cjk-ext"] = "中央银行周二将主要利率上调四分之一个百分点，理由是服务业通胀持续，官员\u3400\u4e2d表示。"
	scripts["korean-quotes"] = "한국은행은 화요일 “서비스 부문의 지속적인 인플레이션”을 이유로 기준금리를 인상했다고 ＫＢＳ가 밝혔다."
	scripts["latin1-byte"] = "The central bank raised its main interest rate by a quarter point on Tuesday, citing persistent inflation, said Jos\xe9 Nu\xf1ez."
	for _, name := range []string{"ascii", "latin", "german", "cyrillic", "arabic", "cjk", "hindi", "thai", "korean", "emoji", "vietnamese", "latin-nfd", "vietnamese-nfd", "latin-emoji", "latin1-byte", "persian", "german-shy", "emoji-vs16", "ukrainian", "cjk-ext", "korean-quotes"} {
		text := scripts[name]
		b.Run(name, func(b *testing.B) {
			var paras []string
			size := 0
			for i := range 200 {
				// a number of its own in each, so that no two paragraphs are alike
				p := text + " " + string(rune('0'+i%10)) + string(rune('0'+i/10%10))
				paras = append(paras, p)
				size += len(p)
			}
			var n normalizer
			n.noStandIn = os.Getenv("WINNOW_BENCH_SLOW") != "" // the rune-by-rune path, to compare
			b.SetBytes(int64(size))
			for b.Loop() {
				for _, p := range paras {
					n.run(p)
				}
			}
		})
	}
}

// BenchmarkDecode decodes pass 1's records of Reuters articles, as pass 2 does.
func BenchmarkDecode(b *testing.B) {
	texts, size := benchTexts(b, 2000)
	ix := NewIndexFor(DefaultRules(), 0)
	cf := ix.CountingFingerprinter(DefaultConfig())
	var d Doc
	recs := make([][]byte, len(texts))
	for i, t := range texts {
		cf.Doc("", t, &d)
		recs[i] = d.Encode(nil)
		ix.Add("", &d)
	}
	if err := ix.Seal(); err != nil {
		b.Fatal(err)
	}
	dec := ix.JudgingFingerprinter(DefaultConfig())
	b.SetBytes(size)
	for b.Loop() {
		for i, t := range texts {
			if err := dec.Decode("", t, recs[i], &d); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkEncode encodes the fingerprints of Reuters articles, as pass 1 does.
func BenchmarkEncode(b *testing.B) {
	texts, size := benchTexts(b, 2000)
	ix := NewIndexFor(DefaultRules(), 0)
	cf := ix.CountingFingerprinter(DefaultConfig())
	docs := make([]Doc, len(texts))
	for i, t := range texts {
		cf.Doc("", t, &docs[i])
	}
	b.SetBytes(size)
	var buf []byte
	for b.Loop() {
		for i := range docs {
			buf = docs[i].Encode(buf[:0])
		}
	}
}
