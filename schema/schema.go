// Package schema holds winnow's record types: the Document read from the input, the
// cleaned corpus Record and the Removal ledger row written as Parquet, and the Stats
// summary written as JSON. The struct tags are the Parquet contract of DESIGN.md: column
// names are snake_case, strings are UTF-8, optional columns hold NULL for an empty value.
package schema

// Version is the version of the Parquet schemas in this package. It is written into the
// key-value metadata of every file winnow produces, under the key "winnow.schema_version".
const Version = "1"

// Metadata keys written into the Parquet footer of every output file.
const (
	MetaVersion       = "winnow.version"
	MetaSchemaVersion = "winnow.schema_version"
	MetaFlags         = "winnow.flags"
	// MetaFingerprint is dedup.FingerprintVersion, on the staged path's intermediate
	// files (fingerprints, counts, judged shards)
	MetaFingerprint = "winnow.fingerprint_version"
)

// Removal reasons, in the order the rules apply them.
const (
	ReasonDuplicateInDoc  = "duplicate_in_doc"
	ReasonBoilerplate     = "boilerplate"
	ReasonNearBoilerplate = "near_boilerplate"
	ReasonTemplate        = "template"
	ReasonDuplicateDoc    = "duplicate_doc"
	ReasonEmpty           = "empty"
)

// Document is one input article as a reader yields it.
type Document struct {
	ID     string
	Source string
	URL    string
	Title  string
	Text   string
	// Meta is a JSON object of the input fields that are not mapped to a column, or "".
	Meta string
	// File and Line locate the record in the input (Line is 1-based; for Parquet input
	// it is the 1-based row number; for a .txt file it is 1).
	File string
	Line int64
	// FileIndex is the 0-based ordinal of the file among all the files of the inputs.
	FileIndex int
}

// Record is one row of the cleaned corpus.
type Record struct {
	ID          string `parquet:"id,zstd" json:"id"`
	Source      string `parquet:"source,zstd,dict" json:"source"`
	URL         string `parquet:"url,optional,zstd" json:"url,omitempty"`
	Title       string `parquet:"title,optional,zstd" json:"title,omitempty"`
	Text        string `parquet:"text,zstd" json:"text"`
	NParagraphs int32  `parquet:"n_paragraphs" json:"n_paragraphs"`
	NRemoved    int32  `parquet:"n_removed" json:"n_removed"`
	DupCount    int32  `parquet:"dup_count" json:"dup_count"`
	DocHash     int64  `parquet:"doc_hash" json:"doc_hash"`
	Meta        string `parquet:"meta,optional,zstd" json:"meta,omitempty"`
}

// Removal is one row of the removed-paragraph ledger. Index is the paragraph position in
// the input document, or -1 when the whole document was removed.
type Removal struct {
	DocID    string `parquet:"doc_id,zstd" json:"doc_id"`
	Source   string `parquet:"source,zstd,dict" json:"source"`
	Index    int32  `parquet:"index" json:"index"`
	Reason   string `parquet:"reason,zstd,dict" json:"reason"`
	Text     string `parquet:"text,zstd" json:"text"`
	Key      int64  `parquet:"key" json:"key"`
	DocCount int32  `parquet:"doc_count" json:"doc_count"`
	DupOf    string `parquet:"dup_of,optional,zstd" json:"dup_of,omitempty"`
}

// Fingerprint is one row of the fingerprint files of the distributed path: one
// paragraph occurrence.
type Fingerprint struct {
	DocID  string `parquet:"doc_id,zstd" json:"doc_id"`
	Source string `parquet:"source,zstd,dict" json:"source"`
	Index  int32  `parquet:"index" json:"index"`
	Key    int64  `parquet:"key" json:"key"`
}

// Stats summarises one run. It is written as JSON by --stats.
type Stats struct {
	Version       string                  `json:"winnow_version"`
	SchemaVersion string                  `json:"schema_version"`
	DocumentsIn   int64                   `json:"documents_in"`
	DocumentsOut  int64                   `json:"documents_out"`
	DocumentsSkip int64                   `json:"documents_skipped"`
	ParagraphsIn  int64                   `json:"paragraphs_in"`
	ParagraphsOut int64                   `json:"paragraphs_out"`
	BytesIn       int64                   `json:"bytes_in"`
	BytesOut      int64                   `json:"bytes_out"`
	Removed       map[string]int64        `json:"removed_paragraphs"`
	RemovedBytes  map[string]int64        `json:"removed_bytes"`
	DocsRemoved   map[string]int64        `json:"removed_documents"`
	Sources       map[string]*SourceStats `json:"sources"`
	DistinctKeys  int64                   `json:"distinct_paragraph_keys"`
	DistinctBands int64                   `json:"distinct_band_keys"`
	// CopyDocuments counts the documents that are in a copy group of two or more (a
	// story and its copies, see dedup's Copy groups), CopyGroups those groups: what a
	// group's members share was counted once.
	CopyDocuments int64 `json:"copy_documents"`
	CopyGroups    int64 `json:"copy_groups"`
	// SpoolBytes is the size of the temporary file in which pass 1 kept what each
	// document counted, until the copy groups were known.
	SpoolBytes int64 `json:"counts_spool_bytes"`
	// IndexBytes is the memory of the fingerprint count tables after pass 1; Sketched
	// says whether the --memory budget turned the prefix table into a sketch (the band
	// keys and the copy groups' anchors are counted exactly, in partitions).
	IndexBytes int64 `json:"index_bytes"`
	Sketched   bool  `json:"sketched"`
	// IndexTables splits IndexBytes by table: the exact paragraph keys ("keys"), the
	// raw-bytes shortcut of pass 2 ("raw"), per-source keys ("source_keys"), the
	// near-duplicate evidence ("bands", "prefixes", "titles"), the raw-bytes
	// shortcut of pass 1 ("frequent_raw", freed when pass 1 ends) and the copy groups'
	// ("copy_anchors", "copy_nodes").
	IndexTables map[string]int64 `json:"index_bytes_by_table,omitempty"`
	// IndexEntries is the number of hashes each of those tables holds.
	IndexEntries map[string]int64 `json:"index_entries_by_table,omitempty"`
}

// SourceStats is the per-source part of Stats.
type SourceStats struct {
	DocumentsIn   int64            `json:"documents_in"`
	DocumentsOut  int64            `json:"documents_out"`
	ParagraphsIn  int64            `json:"paragraphs_in"`
	ParagraphsOut int64            `json:"paragraphs_out"`
	BytesIn       int64            `json:"bytes_in"`
	BytesOut      int64            `json:"bytes_out"`
	Removed       map[string]int64 `json:"removed_paragraphs"`
}

// NewStats returns empty Stats with its maps made.
func NewStats() *Stats {
	return &Stats{
		Version:       "",
		SchemaVersion: Version,
		Removed:       map[string]int64{},
		RemovedBytes:  map[string]int64{},
		DocsRemoved:   map[string]int64{},
		Sources:       map[string]*SourceStats{},
	}
}

// Source returns the stats of source s, creating them on first use.
func (s *Stats) Source(name string) *SourceStats {
	ss := s.Sources[name]
	if ss == nil {
		ss = &SourceStats{Removed: map[string]int64{}}
		s.Sources[name] = ss
	}
	return ss
}
