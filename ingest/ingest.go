// Package ingest reads articles from files, folders, globs and stdin as one stream of
// schema.Document values. Formats: a folder of .txt articles, JSONL (plain, .gz, .zst),
// Parquet (a string text column) and Common Crawl WET (WARC conversion records). Every
// reader has the
// bufio.Scanner shape: Next, Doc, Err, and Close.
//
// # Inputs
//
// Open takes a list of inputs and concatenates them, in order, into one Reader. An input
// is a file, a folder, a glob pattern or "-" for stdin:
//
//   - A file named explicitly is read whatever its name.
//   - A folder is walked recursively in lexical order (os.ReadDir order, depth first),
//     so the document order never depends on the file system. Hidden files and folders
//     (a name starting with ".") are skipped; symbolic links are followed, and a link
//     that leads back to one of its own ancestor folders is an error. Only files named
//     *.txt, *.jsonl, *.json, *.ndjson, *.parquet, *.wet, *.gz, *.zst and *.zstd are
//     picked (so *.warc.wet.gz is);
//     the other files are skipped.
//   - A glob (filepath.Match syntax, no "**") is expanded when no file of that exact
//     name exists. Its matches are sorted and picked by the same rules as the files of
//     a folder; a matched folder is walked.
//   - Options.Exclude (the outputs of the run) is passed over in folders and glob
//     matches. So are hidden names (winnow's temporary files among them) and names
//     without an article extension (its spools, "winnow-spool-...").
//   - "-" reads stdin once. A caller that needs two passes spools stdin to a file with
//     Spool and sets Options.Stdin to that path; "-" then reads the spool, and the
//     documents are named exactly as if read from stdin.
//
// An input that does not exist, and a folder or glob that yields no file, make Open
// fail before anything is read.
//
// # Formats
//
// With Options.Format "auto", each file's format comes from its name (.txt: txt;
// .jsonl, .ndjson, .json: jsonl; .parquet: parquet; .wet: wet; a .gz, .zst or .zstd
// suffix is stripped first, so x.warc.wet.gz is wet) and, when the name says nothing,
// from its first bytes: "PAR1" is Parquet, "WARC/1." (a WARC version line, after an
// optional BOM) is WET, a '{' (after an optional BOM and white space) is JSONL,
// anything else is a txt article. Only the name ".wet" tells WET: a .warc or .warc.gz
// file is told by its first bytes. Compression is always detected from the magic bytes (gzip 1f 8b, zstd
// 28 b5 2f fd), whatever the name and the forced format.
//
// txt: one file is one article. Title is its first non-blank line, trimmed; Text is
// everything after the title line with the leading blank lines removed. ID is the
// file's path relative to the input folder with forward slashes
// ("site.example/000001.txt"; the base name for a file named explicitly; "stdin" for
// stdin), Source is the name of the file's parent folder ("" for stdin), Line is 1. A
// file with a NUL byte in its first 8 KiB, or of which more than 30 % of the first
// 8 KiB is not UTF-8, is rejected as a "binary file".
//
// jsonl: one JSON object per line, of any length up to MaxLineSize. Blank lines are
// skipped; a BOM on the first line and CRLF line ends are accepted. The field names
// come from Options. text must be a JSON string. id may be a string or a number (its
// literal text, e.g. "12"); a missing, null or empty id becomes "<file base name>:<line>"
// ("stdin:<line>" for stdin). title, url and source are optional strings (null is
// empty). When source is missing or empty, Source is the lower-cased host of url
// (without port or user info, "www." kept), or "" without a usable url. Every other key
// goes into Meta: a compact JSON object with its keys sorted (the last of duplicate keys
// wins), "" when there is none. Line is the 1-based line number.
//
// parquet: the text column must be a top-level string (BYTE_ARRAY) column; id may be a
// string or integer column; title, url and source string columns. The other top-level
// columns go into Meta as a JSON object with sorted keys (null values left out). Line
// is the 1-based row number. Parquet cannot be read from a compressed stream; from
// stdin it is spooled to a temporary file first.
//
// wet: a stream of WARC records (WARC/1.0, or any "WARC/<major>.<minor>"), read one
// record at a time, normally a multi-member .warc.wet.gz. Each record is a version
// line, "Name: value" header lines (names case-insensitive, folded continuation lines
// accepted, LF or CRLF), a blank line, then Content-Length bytes of content; the blank
// lines between records are skipped. Only "conversion" records are documents; records
// of the other types (warcinfo, request, response, metadata, ...) are read past
// silently. ID is WARC-Record-ID without its angle brackets ("urn:uuid:..."; when it is
// missing, "<file base name>:<line>"); URL is WARC-Target-URI; Source is its host, as
// for jsonl; Title is empty (WET has none); Text is the content. Meta holds
// WARC-Identified-Content-Language as "language" and WARC-Date as "warc_date" (keys
// sorted, absent ones left out, "" when both are). The other headers, Content-Type
// included, are ignored. Line is the line of the record's "WARC/1.0" line in the
// (decompressed) stream. A content longer than MaxWETContent is a ParseError.
//
// # Text
//
// Every string of a Document is valid UTF-8: an invalid byte becomes U+FFFD (as
// encoding/json does; an escaped lone UTF-16 surrogate too). NUL characters are kept.
// Line ends in Text are normalized, in every format: CRLF and a lone CR become "\n".
// Text is otherwise kept exactly as read.
//
// # Errors
//
// A malformed record (a line that is not JSON, a missing text field, a binary .txt
// file, a WARC record without a valid Content-Length or that does not start with a
// WARC version line, a corrupt or truncated file) is a *ParseError naming the file and
// the line or row. By default it stops the stream: Next returns false and Err returns
// it. With Options.SkipErrors the record is passed to Options.OnReject and reading goes
// on with the next record; when the rest of the file cannot be read (a truncated gzip
// stream or WARC record, a corrupt Parquet file), with the next file. A WARC record
// whose length is unknown (a missing or bad Content-Length, an overlong header block)
// or stray text between records is one reject, and reading resumes at the next line
// that is a WARC version line; the lines before it are skipped. Errors that are not about the data (a file
// that cannot be opened, a read failure, cancellation) always stop the stream.
package ingest

import (
	"context"
	"fmt"

	"github.com/winnowdata/winnow/schema"
)

// Options select the input format and the JSONL / Parquet field names.
type Options struct {
	// Format is auto, txt, jsonl, parquet or wet. Auto detects each file from its name
	// and its first bytes.
	Format      string
	TextField   string
	IDField     string
	SourceField string
	URLField    string
	TitleField  string
	// SkipErrors skips a malformed record instead of failing the read. Every skipped
	// record is passed to OnReject; none is dropped silently.
	SkipErrors bool
	OnReject   func(Reject)
	// Exclude lists files and folders that folder walks and glob matches pass over,
	// a folder with everything in it: the outputs of the run, so that a rerun does not
	// read what the first run wrote. They need not exist. An input named explicitly is
	// read even when excluded (the caller rejects that case with a clearer error).
	// OnExclude, when set, is called with the path of every file or folder passed over
	// this way; each time the walk meets it.
	Exclude   []string
	OnExclude func(path string)
	// Files, when set, picks the files to read by their ordinal: 0 for the first file
	// of the inputs, in the order they are read (Document.FileIndex). A file it declines
	// is not opened. The staged path reads one shard of the inputs this way.
	Files func(ordinal int) bool
	// Stdin, when not empty, is the path of a file read in place of os.Stdin for the
	// input "-", normally the spool made by Spool. Documents read from it are named as
	// if read from stdin, so both passes of a run see the same names.
	Stdin string
}

// DefaultOptions returns the field names of DESIGN.md.
func DefaultOptions() Options {
	return Options{Format: "auto", TextField: "text", IDField: "id", SourceField: "source",
		URLField: "url", TitleField: "title"}
}

// Reject names a record that was skipped under SkipErrors.
type Reject struct {
	File  string `json:"file"`
	Line  int64  `json:"line"`
	Error string `json:"error"`
}

// Reader is a stream of documents. Next advances to the next document and reports
// whether there is one; Doc returns it (a fresh value the caller may keep); Err returns
// the first error that stopped the stream, nil at a clean end.
type Reader interface {
	Next() bool
	Doc() *schema.Document
	Err() error
	// BytesRead is how many input bytes (on disk, compressed) have been consumed so far.
	BytesRead() int64
	Close() error
}

// CountFiles returns the number of files the inputs name (folders walked, globs
// expanded, as Open reads them), without opening any.
func CountFiles(ctx context.Context, inputs []string, opts Options) (int, error) {
	n := 0
	opts.Files = func(ord int) bool { n = ord + 1; return false }
	rd, err := Open(ctx, inputs, opts)
	if err != nil {
		return 0, err
	}
	defer rd.Close()
	for rd.Next() {
	}
	return n, rd.Err()
}

// ParseError is a malformed record: the file, the 1-based line (or row) and the cause.
// Line is 0 when the error is about the whole file.
type ParseError struct {
	File string
	Line int64
	Err  error
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }
