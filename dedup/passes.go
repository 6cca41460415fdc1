package dedup

// The fingerprinters of the two passes over one Index, with the shortcuts each pass may
// take, and the flat record of a paragraph's fingerprint that the staged path stores.

// CountingFingerprinter returns a Fingerprinter for the documents given to ix.Add (pass
// 1): it hands over the key of a paragraph ix already holds as frequent without
// normalizing it again. What it computes besides is what a JudgingFingerprinter would,
// so that pass 2 can judge from its fingerprints (Doc.Encode, Fingerprinter.Decode).
// It may run on other goroutines while ix adds.
func (ix *Index) CountingFingerprinter(c Config) *Fingerprinter {
	c.known = ix.frequent
	c.prefetch = ix.prefetchFrequent
	// Add reads no Rest, but pass 2 judges from these fingerprints (Doc.Encode)
	c.wantRest = nil
	// the workers compute the bands, in parallel: computed by Add on its one
	// goroutine, they made it the slowest stage of pass 1 on new text
	c.lazyBands = false
	c.lazyTitle = false
	return NewFingerprinter(c)
}

// JudgingFingerprinter returns a Fingerprinter for the documents given to a Judge over
// ix (pass 2), which must be sealed: it computes no band keys (Judge reads NearDocs),
// computes a title's key only when the template rule asks, and hands over a paragraph
// that ix knows by its raw bytes as boilerplate (its key in MinDocs groups, the rules
// ix was made for) without normalizing it. Judge decides the same with it as with a
// plain Fingerprinter but for such a paragraph, which has no shingles: a near copy of
// it later in the document is judged by the other rules.
func (ix *Index) JudgingFingerprinter(c Config) *Fingerprinter {
	minDocs := int(ix.satDocs)
	c.known = func(raw uint64, p *Para) bool { return ix.knownRaw(raw, minDocs, p) }
	c.prefetch = ix.prefetchKnown
	c.lazyBands = true
	c.lazyTitle = true
	c.wantRest = nil
	return NewFingerprinter(c)
}

// ParaRecord is what Index.Add reads of a paragraph's fingerprint, as plain values: the
// staged path stores it between its fingerprint and reduce stages.
type ParaRecord struct {
	Key, ShapeKey, Raw uint64
	Words, Numbers     int32
	Short              bool
	// Shingled is true when the paragraph has shingles, and so Bands.
	Shingled bool
	Bands    [Bands]uint64
	// Prefix holds the hashes of the paragraph's first 1 to TemplatePrefix words (0
	// where it is too short or too long): the template rule's prefixes.
	Prefix [TemplatePrefix]uint64
}

// Record returns the record of paragraph i of d. d must have been fingerprinted with
// its bands (a plain Fingerprinter or a CountingFingerprinter).
func (d *Doc) Record(i int) ParaRecord {
	p := &d.Paras[i]
	return ParaRecord{Key: p.Key, ShapeKey: p.ShapeKey, Raw: p.Raw, Words: p.Words, Numbers: p.Numbers,
		Short: p.Short, Shingled: p.hi > p.lo, Bands: *d.bands(p), Prefix: p.prefix}
}

// SetRecords makes d the fingerprint, for Index.Add, of a document with text hash hash
// and title key title whose paragraphs have the records recs. Such a Doc has no spans
// or shingles: it is for counting only.
func (d *Doc) SetRecords(hash, title uint64, recs []ParaRecord) {
	d.Hash, d.TitleKey, d.title, d.lazy = hash, title, "", false
	d.Shingles = d.Shingles[:0]
	d.Paras = d.Paras[:0]
	for _, r := range recs {
		p := Para{Key: r.Key, ShapeKey: r.ShapeKey, Raw: r.Raw, Words: r.Words, Numbers: r.Numbers,
			Short: r.Short, bands: r.Bands, prefix: r.Prefix}
		if r.Shingled {
			p.hi = 1 // Add reads the bands of a paragraph with shingles, not the shingles
		}
		d.Paras = append(d.Paras, p)
	}
}
