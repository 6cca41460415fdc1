// Package dedup finds the paragraphs of a corpus that repeat: boilerplate (site
// headers, footers, notices), captions printed twice, their near variants, and
// near-duplicate documents. It is a pure library: it sees strings and returns
// decisions; reading files and writing Parquet live in ingest and export. The
// reasoning behind each rule, with the measurements that decided it, is in
// docs/dedup.md.
//
// # Stages
//
// A corpus goes through four stages; each reads what the one before wrote.
//
//  1. Fingerprint: Fingerprinter.Doc reads a document's title and text and writes a Doc:
//     its paragraphs (Segment: at blank lines, or at lines) with, for each, the
//     xxhash64 of its normalized form (Key: NFKC, case folded, quotes, dashes and
//     punctuation folded), of its shape with varying numbers folded to 0 (ShapeKey),
//     its word 5-shingles, 8 MinHash band keys and the hashes of its first words.
//     Doc.Encode writes it as bytes and Fingerprinter.Decode reads it back, so that
//     the judging pass need not fingerprint the text again.
//  2. Count: Index.Add reads a document's source and Doc, in input order, counts its
//     keys and spools its band keys; Index.Seal then decides the copy groups (a story
//     and its copies count once: see groups.go), takes back what copies counted twice,
//     and counts the band keys from the spool in partitions that fit the memory budget
//     (exact at any size). Index.Counts writes what judging needs as rows and
//     LoadIndex reads them back, for the staged path, where another job (or
//     docs/reduce.sql) counts.
//  3. Judge: Judge.Judge reads a Doc and the sealed Index and writes one Decision a
//     paragraph: kept (""), or removed with a reason and the count behind it. The rules,
//     first first: duplicate_in_doc (its key, or Rules.Near of its shingles, earlier in
//     the document), boilerplate (its key in Rules.MinDocs groups, or in
//     Rules.MinSourceShare of its source's groups and at least MinSourceDocs),
//     near_boilerplate (its shape key in MinDocs groups, or one band key: near copies
//     in MinDocs groups, and for a long paragraph in one group in BandShare of the
//     corpus), template (a frequent first word or words, then the title of another
//     document).
//  4. Place documents: a DocSketcher reads a document's kept text and writes a
//     DocSketch; DocIndex.Place reads sketches in input order and says which document
//     is a near-duplicate of an earlier kept one (containment of its shingles,
//     DocConfig.Threshold).
//
// Why near_boilerplate stays rare at any corpus size (a band key is 8 MinHash rows,
// and BandShare bounds formulaic text) is in docs/dedup.md, with the figures.
//
// # Invariants
//
// Everything is deterministic: hashes have fixed seeds, counts are counts of copy
// groups, and the groups depend on the documents, not on their order. Input order
// decides only ties (which of equal copies stays, DocIndex's "earlier") and one
// economy of counting (a paragraph whose key is in MinDocs earlier documents adds no
// near-duplicate evidence), which the staged path reproduces from each document's
// place in the input. Workers may fingerprint documents in any order; the result does
// not depend on their number.
package dedup
