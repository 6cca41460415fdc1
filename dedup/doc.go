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
// missed. Digits are kept in the exact form. The shape form (Shape) folds numbers to
// "0" when the words say they vary from page to page, so that "© 2022 Site" and
// "© 2023 Site", "Updated 5 hours ago" and "Updated 9 hours ago", or a dateline
// ("Published March 5, 2021 at 3:45 p.m. | Updated 5 hours ago") share a shape key
// (numberShape has the rule). A number is a year, a clock time, a day next to a month
// name, a count of time units ("5 hours"), a quantity (a number before a unit: "195
// mln", "12 cts") or plain. The shape keeps every digit of a paragraph holding a
// quantity or a decimal or thousands-separated number (5.93, 155,221), of one longer
// than ShapeWords (14) words, of one with two plain numbers or more, and of a bare day
// in fewer than three words ("Pay April 15", a dividend table's row); two numbers or
// more fold only when they are a date and a time with three words or more around them.
// So two rows of a table, two scores or two dividend dates never merge, while a
// dateline does.
//
// # Fingerprints
//
// A paragraph's exact key is the xxhash64 of its normalized form; its shape key the
// xxhash64 of the shape, namespaced (mixed with a seed of its own) so that it is never
// another paragraph's exact key. Its shingles are the xxhash64 of each window of k words
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
// Index counts, for each exact and shape key, the copy groups holding it, overall and
// per source; for each band key, the groups holding a paragraph with that band; for
// each prefix, the groups with a short paragraph starting with it. A copy group is a
// story and its copies (re-scrapes, syndicated copies, copies without the template),
// decided order-independently from the documents' long paragraphs once counting is
// over (groups.go): Add counts documents and spools what each counted, Seal takes back
// what the copies of a story counted twice. A paragraph printed twice in one article,
// or once in each of three copies of one story, counts once, whatever the source field
// says and wherever the copies fall in the input.
//
// Scraped corpora are mostly repeats, and pass 1 is built to pay little for them:
//
//   - Evidence saturates. A paragraph's key is always counted, but its shape key, band
//     keys and prefixes only while the key is in fewer than MinDocs documents
//     (NewIndexFor). Past that, each of those hashes is in MinDocs documents already, so
//     counting them again would cost eight band-table lookups per paragraph. With copy
//     groups this can keep a near copy: a key in MinDocs documents may be in fewer
//     groups, and then the evidence of a later story holding it is not counted
//     (TestSaturationKeepsDecisions: 1 of 228 near_boilerplate and template paragraphs).
//     It never removes one. The doc_count that Judge reports for near_boilerplate and
//     template is a lower bound (at least MinDocs) of the groups holding the evidence.
//   - Frequent paragraphs are not fingerprinted. Index.Frequent recognises, by the hash
//     of its raw bytes, a paragraph that was added before when its key was already
//     frequent; the Fingerprinter (Config.Known) then hands over the key without
//     normalizing or shingling. The table behind Frequent is written by Add and read by
//     the workers at the same time, without locks (see knownTable); a lookup that lags
//     behind Add costs a fingerprint, never a different count.
//   - Bands can be computed when counted. With Config.LazyBands the Fingerprinter
//     leaves them out and Add computes those it counts; saturated paragraphs need none
//     (TestLazyBandsInAdd). winnow clean does not set it in pass 1: on new text nearly
//     every paragraph needs its bands, and the workers compute them in parallel where
//     Add runs on one goroutine (gen_corpus 200 MB 6.05 -> 5.4-5.6 s; the 100 MB Reuters
//     corpus, mostly repeats, 4.1 -> 4.5-4.7 s). Nor is the rest of a short paragraph
//     hashed (Config.WantRest): only the template rule of pass 2 reads it.
//
// Frequent and lazy bands change no decision; TestSaturationKeepsDecisions compares the
// three with an Index that counts everything. Pass 2 computes no MinHash at all: Seal
// reads the spool once more, once the counts are final, and keeps the keys of the
// paragraphs whose bands make them near boilerplate (Index.NearDocs); every paragraph's
// bands are in the records of the first documents that hold it.
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
//  2. boilerplate: its exact key is in MinDocs (3) groups or more, or in
//     MinSourceShare (0.5) of the groups of its source and at least MinSourceDocs (2) of
//     them: a site with two pages in a crawl repeats its template on both, and two
//     different stories share nothing else (on the zyte pages, recall 0.50 with 3, 0.71
//     with 2). Documents without a source are not counted per source.
//  3. near_boilerplate: its shape key is in MinDocs groups or more; or one of its band
//     keys is (two for a short paragraph, none for a short paragraph whose numbers are
//     content). The character-shingle rule that was here (Near of a short paragraph's
//     character 5-grams each in MinDocs documents) fired on 88 % of 100 k distinct
//     three-word documents and 99.9 % of 1 M: common words share their 5-grams.
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
// After the rules, the copies of a story (its copy group) keep one: the fullest kept
// text, of equal ones the first, and a copy whose kept text it holds to --doc-near is
// dropped, whatever the input order. Then DocIndex (docdup.go) drops a document whose
// kept text is contained, to DocConfig.Threshold (--doc-near, 0.9) of its word
// shingles, in an earlier kept document: one-permutation MinHash over 256 bins, 12
// bands of 2 rows, each candidate verified against the stored signature. The S-curve
// of the bands, the verification table and the trade-offs are in that file's comment.
//
// # Invariants
//
// Everything is deterministic: hashes have fixed seeds, counts are sums over groups,
// and the groups depend on the documents, not on their order. Input order decides only
// ties: which of equal copies stays, and DocIndex's "earlier". Workers may fingerprint
// documents in any order; the result does not depend on the number of workers.
package dedup
