package dedup

import (
	"encoding/binary"
	"testing"

	"github.com/cespare/xxhash/v2"
)

// fingerprintSums holds, for each FingerprintVersion, the digest of the fingerprints
// of versionTexts. A change that gives any text other keys, shingles or bands fails
// TestFingerprintVersion: bump FingerprintVersion (the staged path then refuses files
// of the builds before) and add the new digest.
var fingerprintSums = map[int]uint64{
	2: 0x5c751cb92f94ff28,
}

// versionTexts are texts of many scripts and of the oddities scraped text has.
var versionTexts = []string{
	"The central bank raised its main interest rate by a quarter point on Tuesday, citing persistent inflation in services, officials said.\n\nRussia’s attack — “naïve” café, £5 … Updated 5 hours ago\n\nShr 1.23 dlrs vs 4.56 dlrs; selling 1,800,000 shares",
	"José Núñez of Saint-Étienne said Zoë and Björn Øster were in Kraków. STRASSE straße İstanbul ǅemal ﬁne ＡＢＣ１２",
	"Центральный банк повысил ставку, — заявил Ёжиков. Ελληνική ΣΟΦΙΑ ς. שלום עולם. مرحبا بالعالم. كـتـاب",
	"中央银行周二上调利率。ひらがな カタカナ ｶﾞ ガ 2026年 㐀 豈 한국은행 ＫＢＳ ﾡﾟ",
	"केंद्रीय बैंक ने ब्याज दर बढ़ाई। ธนาคารกลางปรับขึ้นอัตรา Ngân hàng Trung ương",
	"Nga\u0302n ha\u0300ng e\u0301t\u00e9 in\u00adcredi\u200bble I \u2764\ufe0f NY 📈 Марʼян don´t l´homme a\xffb \ufffd",
	"Read more: Ferry service resumes after storm\n\nSubscribe to our newsletter\n\n* * *",
	"Oʻzbekiston ¨ ˘ ˜ ᾽ ゛ ‾ ﹰ سه\u200cشنبه \u180b\ufe0e \U0001f3fb \U00020000 🇺🇸 1º 2°",
}

func TestFingerprintVersion(t *testing.T) {
	fp := NewFingerprinter(DefaultConfig())
	h := xxhash.New()
	var b []byte
	var d Doc
	for _, text := range versionTexts {
		fp.Doc("A title, the same", text, &d)
		b = binary.LittleEndian.AppendUint64(b[:0], d.Hash^d.TitleKey)
		for i := range d.Paras {
			r := d.Record(i)
			for _, v := range append([]uint64{r.Key, r.ShapeKey, r.Raw, uint64(r.Words), uint64(r.Numbers)}, r.Bands[:]...) {
				b = binary.LittleEndian.AppendUint64(b, v)
			}
			for _, v := range r.Prefix {
				b = binary.LittleEndian.AppendUint64(b, v)
			}
			for _, v := range d.ParaShingles(i) {
				b = binary.LittleEndian.AppendUint64(b, v)
			}
		}
		h.Write(b)
		h.WriteString(Normalize(text))
	}
	if got, want := h.Sum64(), fingerprintSums[FingerprintVersion]; got != want {
		t.Fatalf("fingerprints of version %d have digest %#x, recorded %#x: if the change meant to change "+
			"keys, bump FingerprintVersion and record the digest under the new version", FingerprintVersion, got, want)
	}
}
