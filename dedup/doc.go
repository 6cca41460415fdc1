// Package dedup finds the paragraphs of a corpus that repeat: boilerplate (site
// headers, footers, notices), captions printed twice and their near variants. It is a
// pure library: it sees strings and returns decisions; reading files and writing Parquet
// live in ingest and export.
//
// # Segmentation
//
// Segment cuts a document into paragraphs at blank lines (SplitBlank), at every line
// (SplitLine), or (SplitAuto, the default) at blank lines when the document has one and
// at lines when it has none. Spans point into the original text, so a kept paragraph is
// written out exactly as it came in; only white space between paragraphs is dropped.
//
// # Normalization
//
// Fingerprints are taken of a normalized form that only the hashes see: Unicode NFKC,
// full case folding, zero-width characters and soft hyphens dropped, every run of
// punctuation, symbols and white space turned into one space. Quotes and dashes are
// punctuation, so "Russia’s" and "Russia's" are the same. Scripts written without spaces
// (Han, Kana, Thai, …) make one token a character. An ASCII fast path skips NFKC, and
// takes paragraphs whose only other characters have ASCII stand-ins: curly quotes,
// dashes, the ellipsis, ©, the no-break space, fullwidth forms (a character whose
// normalized form is ASCII, or is punctuation and symbols that only ever separate
// words; TestStandIns and FuzzNormalizeStandIns check that both paths agree).
//
// Numbers keep their inner separators (1,800,000 and 5.93), and a space before a
// thousands separator ("1 ,800,000", as text extraction leaves it around inline markup)
// is dropped: on three dev corpora that was every caption printed twice that the rules
// missed. Digits are kept in the exact form. The shape form (Shape) folds each number to "0",
// so "© 2022 Site" and "© 2023 Site", or "Updated 5 hours ago" and "Updated 9 hours ago",
// share a shape key. Folding is refused for number-bearing content: a paragraph holding
// a decimal or thousands-separated number (5.93, 155,221) or more than one plain number
// other than years (1900–2099) and clock times (14:05) keeps its digits in the shape
// too, so that two rows of a table, or two scores, never merge.
//
// # Fingerprints
//
// A paragraph's exact key is the xxhash64 of its normalized form; its shape key the
// xxhash64 of the shape. Its shingles are the xxhash64 of each window of k words
// (k = Config.Shingle, default 5) of the normalized form, or, for a paragraph of fewer
// than k words, of each window of 5 characters. Shingle hashes are namespaced (a fixed
// seed per kind, mixed with splitmix64), so a word shingle, a character shingle and a
// key never collide by construction.
//
// Near-duplicate paragraphs are found with MinHash: Bands × Rows = 8 × 8 minimums of
// the shingle hashes under fixed multiply-add permutations (each 64-bit multiply-add
// gives two 32-bit rows, its high and its low half), hashed band by band into 8 band
// keys. Two paragraphs of shingle Jaccard similarity J share one given band with
// probability J^8, and one band of eight or more with:
//
//	J      0.3     0.43    0.5    0.6    0.7    0.8    0.9
//	P    0.0005  0.009   0.031  0.13   0.38   0.77   0.99
//
// A paragraph is near boilerplate when one of its band keys is in MinDocs copy groups
// (BandQuorum = 1): the groups that share that band are each near the paragraph, so the
// evidence is a cluster of near copies, not a sum of weak resemblances. The earlier
// rule (8 bands of 5 rows, two bands each frequent, possibly through different
// neighbours) has the same curve for one pair, but on a corpus of mostly new text a
// formulaic paragraph finds, for each of its bands, some paragraph that shares it, and
// the more so the larger the corpus: on 200 MB of generated news it removed 0.73 % of
// the body text, this rule 0.19 %. Why this stays flat: a random text at similarity J
// shares a given band with probability J^8, so for a band to reach MinDocs groups, two
// other groups must share that one band; for distinct texts (J near 0 for word
// 5-shingles) that does not happen at any corpus size, and for formulaic text at
// J = 0.45 each neighbour shares it with probability 0.0017 (0.024 with 5 rows).
//
// # Counting (pass 1)
//
// Index counts, for each exact and shape key, the documents holding it, overall and per
// source; for each band key, the documents holding a paragraph with that band; and for
// each character shingle of a short paragraph, the documents holding it. Counts are per
// document: a paragraph printed twice in one article counts once.
//
// Syndicated copies would make every paragraph of a story that ran on three sites look
// like boilerplate. So a document whose uncommon long paragraphs come, half or more of
// them, from one earlier document of another source is an echo: the paragraphs it
// shares with that document are not counted again. What it adds (its own site's header
// and footer, a line the copy appended) is counted. The outcome does not depend on which
// copy comes first.
//
// Scraped corpora are mostly repeats, and pass 1 is built to pay little for them:
//
//   - Evidence saturates. A paragraph's key is always counted, but its shape key, band
//     keys, character shingles and prefixes only while the key is in fewer than MinDocs
//     documents (NewIndexFor). Past that, each of those hashes is in MinDocs documents
//     already and every rule asks "in MinDocs documents or more?", so counting them again
//     would change no decision; it would cost eight band-table lookups per paragraph. The
//     doc_count that Judge reports for near_boilerplate and template is then a lower
//     bound (at least MinDocs) of the documents holding the evidence.
//   - Frequent paragraphs are not fingerprinted. Index.Frequent recognises, by the hash
//     of its raw bytes, a paragraph that was added before when its key was already
//     frequent; the Fingerprinter (Config.Known) then hands over the key without
//     normalizing or shingling. The table behind Frequent is written by Add and read by
//     the workers at the same time, without locks (see knownTable); a lookup that lags
//     behind Add costs a fingerprint, never a different count.
//   - Bands are computed when counted. With Config.LazyBands the Fingerprinter leaves
//     them out and Add computes those it counts or looks up; the paragraphs an echo
//     shares with its original need none (TestLazyBandsInAdd). Nor is the rest of a
//     short paragraph hashed (Config.WantRest): only the template rule of pass 2 reads it.
//
// None of these changes a decision: TestSaturationKeepsDecisions compares them with an Index
// that counts everything, and the 1 GB benchmark gives the same corpus byte for byte.
// (A per-worker memo of recent paragraphs by raw bytes helped before Frequent and the
// prefetching below; with them it cost more than it saved, on 100 MB and on 1 GB, and
// is gone.)
//
// The tables are far larger than the processor's caches, so nearly every lookup is a
// cache miss (about 200 ns on the benchmark machine). Lookups are therefore issued a
// document at a time before their answers are used (Config.Prefetch, the prefetch
// steps of Index.Add): misses issued together overlap.
//
// # Rules (pass 2)
//
// A Judge decides each paragraph, first rule first:
//
//  1. duplicate_in_doc: its exact key, or Near (0.8) of its shingles, occurred earlier
//     in the same document. The first copy stays. In a table-like document (five or more
//     paragraphs, three in ten or more holding two numbers) paragraphs of up to
//     TableRowWords (10) words are exempt: a table repeats its header rows, row labels
//     and rows of "nil" or "unch" from section to section, while a caption printed
//     twice is a sentence with a date and a credit, longer than that. On three dev
//     corpora this exemption (it was for paragraphs under k words) lowered the content
//     lost from 0.0029, 0.0016 and 0.0047 to 0.0022, 0.0015 and 0.0020, and left the
//     recall of captions as it was.
//  2. boilerplate: its exact key is in MinDocs (3) documents or more, or in
//     MinSourceShare (0.5) of the documents of its source and at least 3 of them.
//  3. near_boilerplate: its shape key is in MinDocs documents or more; or, for a short
//     paragraph, Near of its character shingles are in MinDocs documents; or two of its
//     band keys are in MinDocs documents.
//  4. template: a paragraph of at most 30 words whose first one to four words are a
//     prefix that starts paragraphs in MinDocs documents or more, and whose remainder is
//     the title of another document of the corpus ("Read more: ‹headline›", "RELATED:
//     ‹headline›", in any language). The title match is what makes it safe: content that
//     merely starts alike ("He said …", "The company …") has a frequent prefix too, but
//     its remainder is not a headline of the corpus. The price is recall: a teaser for
//     an article that is not in the corpus stays.
//
// Pass 2 does not normalize a paragraph again when pass 1 saw its exact bytes (in two
// documents or more) and its key turned out frequent: Index.Known hands Judge its key and
// the few facts the rules need, and it is boilerplate (or duplicate_in_doc, when its key
// occurred earlier in the document). Such a paragraph is not compared shingle by shingle
// with the others of its document: a near copy of it later in the document is judged by
// the other rules. On the 1 GB benchmark this took a run from 49 to 41 CPU seconds and
// removes the same paragraphs.
//
// # Near-duplicate documents
//
// After the rules, DocIndex (docdup.go) drops a document whose kept text is contained,
// to DocConfig.Threshold (--doc-near, 0.9) of its word shingles, in an earlier kept
// document: one-permutation MinHash over 256 bins, 12 bands of 2 rows, each candidate
// verified against the stored signature. The S-curve of the bands, the verification
// table and the trade-offs are in that file's comment.
//
// # Invariants
//
// Everything is deterministic: hashes have fixed seeds, counts are sums, and the only
// order-dependent step (echo detection) walks documents in input order and breaks ties
// by the earlier document. Workers may fingerprint documents in any order as long as
// Index.Add sees them in input order; the result does not depend on the number of
// workers.
package dedup
