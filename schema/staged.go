package schema

// The Parquet files of the staged path (docs/distributed.md): what winnow fingerprint
// writes for each shard, what a reduce (winnow reduce, or docs/reduce.sql) writes, and
// what winnow apply hands to winnow place. Hashes are unsigned 64-bit values stored as
// int64 (the same bits), so that SQL engines read them as BIGINT.

// FPDoc is one document of a fingerprint shard (fp/docs-I-of-N.parquet).
type FPDoc struct {
	// Ord orders the documents of all shards as the inputs do: the file's ordinal
	// among the input files times 2^40 plus the document's ordinal within its file.
	Ord int64 `parquet:"ord" json:"ord"`
	// Source is the document's source; SourceHash what it is counted under.
	Source     string `parquet:"source,zstd,dict" json:"source"`
	SourceHash int64  `parquet:"source_hash" json:"source_hash"`
	// Node is the hash of the document's text (copies share it); TitleKey the exact
	// key of its title, 0 without one.
	Node     int64 `parquet:"node" json:"node"`
	TitleKey int64 `parquet:"title_key" json:"title_key"`
}

// FPPara is one paragraph of a fingerprint shard (fp/paras-I-of-N.parquet), rows in
// the order of (ord, idx).
type FPPara struct {
	Ord int64 `parquet:"ord" json:"ord"`
	Idx int32 `parquet:"idx" json:"idx"`
	// Key is the exact key, ShapeKey the digit-folded shape's (equal to Key when folding
	// changed nothing), Raw the hash of the paragraph's bytes.
	Key      int64 `parquet:"key" json:"key"`
	ShapeKey int64 `parquet:"shape_key" json:"shape_key"`
	Raw      int64 `parquet:"raw" json:"raw"`
	Words    int32 `parquet:"words" json:"words"`
	Numbers  int32 `parquet:"numbers" json:"numbers"`
	Short    bool  `parquet:"short" json:"short"`
	// Shingled is true when the paragraph has shingles, and so band keys Band0–Band7.
	Shingled bool  `parquet:"shingled" json:"shingled"`
	Band0    int64 `parquet:"band0" json:"band0"`
	Band1    int64 `parquet:"band1" json:"band1"`
	Band2    int64 `parquet:"band2" json:"band2"`
	Band3    int64 `parquet:"band3" json:"band3"`
	Band4    int64 `parquet:"band4" json:"band4"`
	Band5    int64 `parquet:"band5" json:"band5"`
	Band6    int64 `parquet:"band6" json:"band6"`
	Band7    int64 `parquet:"band7" json:"band7"`
	// Prefix0–Prefix3 are the hashes of the paragraph's first 1–4 words (template
	// rule), 0 where it is too short or too long.
	Prefix0 int64 `parquet:"prefix0" json:"prefix0"`
	Prefix1 int64 `parquet:"prefix1" json:"prefix1"`
	Prefix2 int64 `parquet:"prefix2" json:"prefix2"`
	Prefix3 int64 `parquet:"prefix3" json:"prefix3"`
}

// CountRow is one row of a reduce's output (counts.parquet): see dedup.CountKind for
// what each kind means. Columns a kind does not use hold 0.
type CountRow struct {
	Kind    string `parquet:"kind,dict" json:"kind"`
	Source  int64  `parquet:"source" json:"source"`
	Hash    int64  `parquet:"hash" json:"hash"`
	N       int64  `parquet:"n" json:"n"`
	Key     int64  `parquet:"key" json:"key"`
	Words   int32  `parquet:"words" json:"words"`
	Numbers int32  `parquet:"numbers" json:"numbers"`
	Short   bool   `parquet:"short" json:"short"`
}

// JudgedDoc is one judged document of a shard (judged/judged-I-of-N.parquet): the
// document as read, every paragraph's decision, and the sketch of its kept text.
type JudgedDoc struct {
	Ord    int64        `parquet:"ord"`
	ID     string       `parquet:"id,zstd"`
	Source string       `parquet:"source,zstd,dict"`
	URL    string       `parquet:"url,zstd"`
	Title  string       `parquet:"title,zstd"`
	Meta   string       `parquet:"meta,zstd"`
	Text   string       `parquet:"text,zstd"`
	Sketch []byte       `parquet:"sketch"`
	Paras  []JudgedPara `parquet:"paras"`
}

// JudgedPara is a paragraph of a JudgedDoc: its span in Text, its key, and its
// decision ("" for kept).
type JudgedPara struct {
	Start    int32  `parquet:"start"`
	End      int32  `parquet:"end"`
	Key      int64  `parquet:"key"`
	Reason   string `parquet:"reason,dict"`
	DocCount int32  `parquet:"doc_count"`
}
