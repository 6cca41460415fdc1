// Package audit tallies what winnow removed from a corpus and renders it as an HTML
// report: totals, removal by reason and by source (a sortable table and bar charts),
// each source's most frequent boilerplate, the top duplicated captions, a histogram of
// how much of each document was removed, and sample documents with their removed
// paragraphs struck through.
//
// The pipeline shows an Audit every judged document of pass 2, in input order, with
// Observe; Drop counts a document that Observe saw kept and that a fuller copy later
// replaced; Render writes the page to an io.Writer at the end:
//
//	a := audit.New(audit.Options{})
//	for each judged document d {
//		a.Observe(&audit.Doc{ID: d.ID, Source: d.Source, Paras: ...})
//	}
//	err := a.Render(w, stats, "winnow audit of crawl.jsonl")
//
// # Duplicated captions
//
// The captions table lists the paragraphs removed as duplicate_in_doc that the rules
// mean by a caption printed twice: text that reads as a sentence (at least four words
// of letters, and at least half of its words) whose earlier copy in the document was
// not removed as boilerplate or template. Table rows of numbers, dates or dashes and a
// notice printed at the top and the foot of a page still count under duplicate_in_doc
// everywhere else in the report; a note under the table says how many it leaves out.
//
// # Bounded memory
//
// An Audit keeps tallies whose size does not depend on the number of documents:
// fixed-size counters per source and per reason, bounded tables of removed-paragraph
// keys (Options.KeysPerSource, TotalKeys, CaptionKeys; a full table drops its keys with
// the smallest counts, and the report says so), a fixed histogram and a handful of
// sample documents. Observe copies what it keeps and retains nothing of the Doc it is
// given. Text is cut to a few hundred characters when stored.
//
// # Determinism
//
// Every choice (which keys a full table drops, which documents are samples, the order
// of every list) depends only on the input order, so the same input gives a
// byte-identical report.
//
// # Untrusted text
//
// The page is self-contained: inline CSS, inline SVG charts drawn here, a small inline
// script that makes the sources table sortable, and a Content Security Policy that
// forbids every fetch. All text from the input goes through html/template, which
// escapes it for its context; it is made valid UTF-8 and loses its control characters
// first.
//
// Input text may also carry bidirectional controls (an id ending in U+202E RIGHT-TO-LEFT
// OVERRIDE and "txt.exe"). They stay, but cannot reorder the page's own text: every
// element that holds input text (ids, titles, sources, paragraphs, dup_of) isolates it,
// as <bdi> within a line and dir="auto" on a paragraph or cell of its own, and where no
// element can (the page's <title>, SVG labels) the text sits between FSI and PDI; the
// text itself has its controls balanced (a stray PDF or PDI that would close the
// isolation around it is dropped, an override left open is closed at the end of its
// line).
//
// The files: tally.go counts (reasons, per-source counters, key tables, samples),
// view.go turns the tallies into what the template shows, svg.go lays out the charts,
// format.go formats numbers and cleans text, render.go and report.html write the page.
package audit
