package pipeline

import (
	"bufio"
	"container/heap"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/winnowdata/winnow/dedup"
	"github.com/winnowdata/winnow/export"
	"github.com/winnowdata/winnow/ingest"
	"github.com/winnowdata/winnow/internal/tempfile"
	"github.com/winnowdata/winnow/schema"
)

// The staged path: the stages of Clean as separate jobs, for corpora past one machine
// (docs/distributed.md).
//
//	Fingerprint  INPUT, shard I of N  -> fp/docs-I-of-N.parquet, fp/paras-I-of-N.parquet
//	Reduce       fp/ (every shard)    -> counts.parquet (or docs/reduce.sql on DuckDB, Spark, Trino)
//	Apply        INPUT, shard I of N, counts.parquet -> judged/judged-I-of-N.parquet
//	Place        judged/, counts.parquet -> the corpus, the ledger, the stats, the report
//
// Fingerprint and Apply run once a shard, on any machines, in any order; Reduce and
// Place once. Reduce counts with the same Index as Clean's pass 1 and writes what its
// Judge looks up (dedup.Index.Counts); Apply judges with an Index loaded from those
// rows (dedup.LoadIndex), with the code of Clean's pass 2; Place runs Clean's sink:
// the ledger, the copy groups, document deduplication and the writers. The outputs
// are byte for byte those of Clean on the same inputs and flags (TestStagedIsClean),
// but for the figures of memory in the stats.

// Shard is part I (0-based) of N of the inputs.
type Shard struct{ I, N int }

// ParseShard parses "I/N" (0 <= I < N).
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return Shard{}, fmt.Errorf("shard %q: want I/N with 0 <= I < N, such as 0/4", s)
	}
	return Shard{i, n}, nil
}

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.I, s.N) }

// sharder picks the documents of one shard, the same way in every stage. With as many
// input files as shards or more, shard I reads the files whose ordinal is I modulo N;
// with fewer, every shard reads every file and takes the documents whose ordinal in
// their file is I modulo N. A document's place in the whole input, its Ord, is its
// file's ordinal times 2^40 plus its ordinal in the file: Reduce and Place merge the
// shards by it.
type sharder struct {
	s      Shard
	byFile bool
	file   int   // file of the last document
	rec    int64 // ordinal of the next document in that file
}

func newSharder(ctx context.Context, s Shard, inputs []string, o ingest.Options) (*sharder, error) {
	files, err := ingest.CountFiles(ctx, inputs, o)
	if err != nil {
		return nil, err
	}
	return &sharder{s: s, byFile: files >= s.N, file: -1}, nil
}

// files is ingest.Options.Files for the shard.
func (sh *sharder) files(ord int) bool { return !sh.byFile || ord%sh.s.N == sh.s.I }

// ownsRejects reports whether the shard reports the records rejected in the files it
// reads: each rejected record is reported by one shard.
func (sh *sharder) ownsRejects() bool { return sh.byFile || sh.s.I == 0 }

func (sh *sharder) reset() { sh.file, sh.rec = -1, 0 }

const ordFileShift = 40

// take returns the Ord of d, the next document read, and whether it is in the shard.
func (sh *sharder) take(d *schema.Document) (int64, bool) {
	if d.FileIndex != sh.file {
		sh.file, sh.rec = d.FileIndex, 0
	}
	rec := sh.rec
	sh.rec++
	ord := int64(d.FileIndex)<<ordFileShift | rec
	return ord, sh.byFile || rec%int64(sh.s.N) == int64(sh.s.I)
}

// stagedRun makes the run of one stage: no corpus outputs unless the stage writes them.
func stagedRun(opts Options) *run {
	r := &run{opts: opts, stats: schema.NewStats(), rejectPass: 2}
	r.stats.Version = opts.Version
	return r
}

// checkStage validates the options a stage reading the inputs uses.
func checkStage(opts *Options, s Shard, dir string) error {
	if dir == "" {
		return errors.New("no output folder given (-o)")
	}
	for _, in := range opts.Inputs {
		if in == "-" {
			return errors.New("the staged path reads files, not stdin (-): every stage must read the same input")
		}
	}
	if s.N < 1 {
		return errors.New("no shard given")
	}
	return opts.Validate()
}

// Fingerprint runs the first stage on shard s of opts.Inputs: it fingerprints every
// document and writes dir/docs-I-of-N.parquet and dir/paras-I-of-N.parquet
// (schema.FPDoc and schema.FPPara rows, in input order).
func Fingerprint(ctx context.Context, opts Options, s Shard, dir string) error {
	if err := checkStage(&opts, s, dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	r := stagedRun(opts)
	defer r.cleanup()
	sh, err := newSharder(ctx, s, opts.Inputs, opts.Ingest)
	if err != nil {
		return err
	}
	r.shard = sh
	po := stagedOptions(r.parquetOptions())
	docsW, err := export.Create[schema.FPDoc](filepath.Join(dir, shardName("docs", s, ".parquet")), po)
	if err != nil {
		return err
	}
	r.undo = append(r.undo, docsW.Abort)
	parasW, err := export.Create[schema.FPPara](filepath.Join(dir, shardName("paras", s, ".parquet")), po)
	if err != nil {
		return err
	}
	r.undo = append(r.undo, parasW.Abort)
	fps := make([]*dedup.Fingerprinter, opts.Workers)
	for i := range fps {
		fps[i] = dedup.NewFingerprinter(opts.Dedup)
	}
	var docRows []schema.FPDoc
	var paraRows []schema.FPPara
	free := newFPFree(opts.Workers)
	err = ordered(ctx, opts.Workers,
		func(ctx context.Context, emit func(*batch) error) error { return r.read(ctx, 1, emit) },
		func(w int, b *batch) error {
			fingerprintBatch(fps[w], free, b)
			return nil
		},
		func(b *batch) error {
			docRows, paraRows = docRows[:0], paraRows[:0]
			for i, d := range b.docs {
				fp := &b.fps[i]
				ord := b.ords[i]
				docRows = append(docRows, schema.FPDoc{Ord: ord, Source: d.Source,
					SourceHash: int64(dedup.SourceHash(d.Source)), Node: int64(fp.Hash), TitleKey: int64(fp.TitleKey)})
				for k := range fp.Paras {
					paraRows = append(paraRows, fpPara(ord, k, fp))
				}
			}
			free.put(b.fps)
			b.fps = nil
			if err := docsW.Write(docRows); err != nil {
				return err
			}
			return parasW.Write(paraRows)
		})
	if err != nil {
		return err
	}
	if err := docsW.Close(); err != nil {
		return err
	}
	return parasW.Close()
}

func fpPara(ord int64, k int, d *dedup.Doc) schema.FPPara {
	p := d.Record(k)
	b := &p.Bands
	return schema.FPPara{Ord: ord, Idx: int32(k), Key: int64(p.Key), ShapeKey: int64(p.ShapeKey),
		Raw: int64(p.Raw), Words: p.Words, Numbers: p.Numbers, Short: p.Short, Shingled: p.Shingled,
		Band0: int64(b[0]), Band1: int64(b[1]), Band2: int64(b[2]), Band3: int64(b[3]),
		Band4: int64(b[4]), Band5: int64(b[5]), Band6: int64(b[6]), Band7: int64(b[7]),
		Prefix0: int64(p.Prefix[0]), Prefix1: int64(p.Prefix[1]), Prefix2: int64(p.Prefix[2]), Prefix3: int64(p.Prefix[3])}
}

// paraRecord is the record of a fingerprint row.
func paraRecord(row *schema.FPPara) dedup.ParaRecord {
	return dedup.ParaRecord{Key: uint64(row.Key), ShapeKey: uint64(row.ShapeKey), Raw: uint64(row.Raw),
		Words: row.Words, Numbers: row.Numbers, Short: row.Short, Shingled: row.Shingled,
		Bands: [dedup.Bands]uint64{uint64(row.Band0), uint64(row.Band1), uint64(row.Band2), uint64(row.Band3),
			uint64(row.Band4), uint64(row.Band5), uint64(row.Band6), uint64(row.Band7)},
		Prefix: [dedup.TemplatePrefix]uint64{uint64(row.Prefix0), uint64(row.Prefix1), uint64(row.Prefix2), uint64(row.Prefix3)}}
}

// fpShard is one shard's fingerprint files, read in step.
type fpShard struct {
	docs  *rows[schema.FPDoc]
	paras *rows[schema.FPPara]
}

// ordHeap orders shards by the Ord of their next row.
type ordHeap struct {
	idx []int
	ord func(i int) int64
}

func (h *ordHeap) Len() int           { return len(h.idx) }
func (h *ordHeap) Less(a, b int) bool { return h.ord(h.idx[a]) < h.ord(h.idx[b]) }
func (h *ordHeap) Swap(a, b int)      { h.idx[a], h.idx[b] = h.idx[b], h.idx[a] }
func (h *ordHeap) Push(x any)         { h.idx = append(h.idx, x.(int)) }
func (h *ordHeap) Pop() any {
	x := h.idx[len(h.idx)-1]
	h.idx = h.idx[:len(h.idx)-1]
	return x
}

// merge calls fn with the index of the shard holding the next row in Ord order, for
// shards whose next row's Ord is given by next (ok false once a shard is done), until
// every shard is done. Two shards never hold one Ord.
func merge(ctx context.Context, n int, next func(i int) (int64, bool), fn func(i int) error) error {
	heads := make([]int64, n)
	h := &ordHeap{ord: func(i int) int64 { return heads[i] }}
	for i := range n {
		if o, ok := next(i); ok {
			heads[i] = o
			h.idx = append(h.idx, i)
		}
	}
	heap.Init(h)
	last, count := int64(-1), 0
	for h.Len() > 0 {
		if count++; count&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		i := h.idx[0]
		if heads[i] <= last {
			return fmt.Errorf("documents out of order: ord %d after %d (shards from different inputs?)", heads[i], last)
		}
		last = heads[i]
		if err := fn(i); err != nil {
			return err
		}
		if o, ok := next(i); ok {
			heads[i] = o
			heap.Fix(h, 0)
		} else {
			heap.Pop(h)
		}
	}
	return nil
}

// Reduce runs the second stage: it counts the fingerprints of every shard in the fp
// folders dirs, in input order, with Clean's Index for opts.Rules within opts.Memory
// bytes, and writes the counts the judges need to the Parquet file out
// (schema.CountRow rows). Of opts it reads only Rules, Memory, TmpDir and Version.
func Reduce(ctx context.Context, opts Options, dirs []string, out string) (err error) {
	rules, memory, version := opts.Rules, opts.Memory, opts.Version
	if err := rules.Validate(); err != nil {
		return err
	}
	if err := opts.validTmpDir(); err != nil {
		return err
	}
	docFiles, err := shardFiles(dirs, "docs", ".parquet")
	if err != nil {
		return err
	}
	paraFiles, err := shardFiles(dirs, "paras", ".parquet")
	if err != nil {
		return err
	}
	if len(docFiles) != len(paraFiles) {
		return fmt.Errorf("%d shards of docs but %d of paras", len(docFiles), len(paraFiles))
	}
	shards := make([]fpShard, len(docFiles))
	defer func() {
		for _, s := range shards {
			if s.docs != nil {
				s.docs.close()
			}
			if s.paras != nil {
				s.paras.close()
			}
		}
	}()
	for i := range shards {
		if shards[i].docs, err = openRows[schema.FPDoc](docFiles[i]); err != nil {
			return err
		}
		if shards[i].paras, err = openRows[schema.FPPara](paraFiles[i]); err != nil {
			return err
		}
		if err := errors.Join(shards[i].docs.checkFingerprint(false), shards[i].paras.checkFingerprint(false)); err != nil {
			return err
		}
	}
	ix := dedup.NewIndexFor(rules, memory)
	f, err := tempfile.Create(opts.tempDir(), "winnow-counts-")
	if err != nil {
		return fmt.Errorf("create the reduce spool: %w", err)
	}
	defer func() { f.Close(); os.Remove(f.Name()) }()
	ix.UseSpool(f)
	var d dedup.Doc
	var recs []dedup.ParaRecord
	err = merge(ctx, len(shards), func(i int) (int64, bool) {
		if row := shards[i].docs.peek(); row != nil {
			return row.Ord, true
		}
		return 0, false
	}, func(i int) error {
		s := &shards[i]
		doc := *s.docs.next()
		recs = recs[:0]
		for {
			p := s.paras.peek()
			if p == nil || p.Ord != doc.Ord {
				break
			}
			if p.Ord < doc.Ord || int(p.Idx) != len(recs) {
				return fmt.Errorf("%s: row %d: paragraph %d of document %d out of order", s.paras.name, s.paras.row+1, p.Idx, p.Ord)
			}
			recs = append(recs, paraRecord(s.paras.next()))
		}
		d.SetRecords(uint64(doc.Node), uint64(doc.TitleKey), recs)
		ix.Add(doc.Source, &d)
		return nil
	})
	if err != nil {
		return err
	}
	for _, s := range shards {
		if err := s.docs.Err(); err != nil {
			return err
		}
		if err := s.paras.Err(); err != nil {
			return err
		}
		if p := s.paras.peek(); p != nil {
			return fmt.Errorf("%s: row %d: paragraph of document %d, which %s does not hold", s.paras.name, s.paras.row+1, p.Ord, s.docs.name)
		}
	}
	if err := ix.Seal(); err != nil {
		return err
	}
	w, err := export.Create[schema.CountRow](out, stagedOptions(export.ParquetOptions{Version: version}))
	if err != nil {
		return err
	}
	defer w.Abort()
	var buf []schema.CountRow
	flush := func() error {
		err := w.Write(buf)
		buf = buf[:0]
		return err
	}
	err = ix.Counts(rules, func(c dedup.Count) error {
		buf = append(buf, schema.CountRow{Kind: string(c.Kind), Source: int64(c.Source), Hash: int64(c.Hash),
			N: c.N, Key: int64(c.Key), Words: c.Words, Numbers: c.Numbers, Short: c.Short})
		if len(buf) == 4096 {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := flush(); err != nil {
		return err
	}
	return w.Close()
}

// loadCounts reads a reduce's counts into an Index for rules.
func loadCounts(path string, rules dedup.Rules) (*dedup.Index, error) {
	rs, err := openRows[schema.CountRow](path)
	if err != nil {
		return nil, err
	}
	defer rs.close()
	if err := rs.checkFingerprint(true); err != nil {
		return nil, err
	}
	ix, err := dedup.LoadIndex(rules, func() (dedup.Count, error) {
		row := rs.next()
		if row == nil {
			if err := rs.Err(); err != nil {
				return dedup.Count{}, err
			}
			return dedup.Count{}, io.EOF
		}
		return dedup.Count{Kind: dedup.CountKind(row.Kind), Source: uint64(row.Source), Hash: uint64(row.Hash),
			N: row.N, Key: uint64(row.Key), Words: row.Words, Numbers: row.Numbers, Short: row.Short}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ix, nil
}

// Apply runs the third stage on shard s of opts.Inputs: it judges every document with
// the counts of a reduce and writes dir/judged-I-of-N.parquet (schema.JudgedDoc rows,
// in input order), and the records it skipped under --on-error skip to
// dir/rejects-I-of-N.jsonl.
func Apply(ctx context.Context, opts Options, s Shard, counts, dir string) error {
	if err := checkStage(&opts, s, dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	r := stagedRun(opts)
	defer r.cleanup()
	ix, err := loadCounts(counts, opts.Rules)
	if err != nil {
		return err
	}
	r.ix = ix
	sh, err := newSharder(ctx, s, opts.Inputs, opts.Ingest)
	if err != nil {
		return err
	}
	r.shard = sh
	w, err := export.Create[schema.JudgedDoc](filepath.Join(dir, shardName("judged", s, ".parquet")), stagedOptions(r.parquetOptions()))
	if err != nil {
		return err
	}
	r.undo = append(r.undo, w.Abort)
	if opts.OnError == "skip" {
		rj, err := export.NewJSONLWriter[ingest.Reject](filepath.Join(dir, shardName("rejects", s, ".jsonl")))
		if err != nil {
			return err
		}
		r.rejects = rj
		r.undo = append(r.undo, rj.Abort)
	}
	js := r.newJudges()
	var out []schema.JudgedDoc
	err = ordered(ctx, opts.Workers,
		func(ctx context.Context, emit func(*batch) error) error { return r.read(ctx, 2, emit) },
		js.judgeBatch,
		func(b *batch) error {
			out = out[:0]
			for i, d := range b.docs {
				res := &b.out[i]
				jd := schema.JudgedDoc{Ord: b.ords[i], ID: d.ID, Source: d.Source, URL: d.URL, Title: d.Title,
					Meta: d.Meta, Text: d.Text, Sketch: res.sketch.AppendBinary(nil),
					Paras: make([]schema.JudgedPara, len(res.paras))}
				for k, p := range res.paras {
					jd.Paras[k] = schema.JudgedPara{Start: int32(p.start), End: int32(p.end), Key: int64(p.key),
						Reason: res.decs[k].Reason, DocCount: res.decs[k].DocCount}
				}
				out = append(out, jd)
			}
			return w.Write(out)
		})
	if err != nil {
		return err
	}
	if r.rejects != nil {
		if err := r.rejects.Close(); err != nil {
			return err
		}
	}
	return w.Close()
}

// Place runs the last stage: it reads the judged shards of every apply in the folders
// dirs, in input order, and writes opts's outputs (corpus, ledger, stats, report,
// rejects) as Clean would: copy groups keep one copy, near-duplicate documents go.
// opts.Inputs only names the report.
func Place(ctx context.Context, opts Options, dirs []string, counts string) (*schema.Stats, error) {
	if len(opts.Inputs) == 0 {
		opts.Inputs = dirs
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	files, err := shardFiles(dirs, "judged", ".parquet")
	if err != nil {
		return nil, err
	}
	r := stagedRun(opts)
	defer r.cleanup()
	ix, err := loadCounts(counts, opts.Rules)
	if err != nil {
		return nil, err
	}
	r.ix = ix
	if err := r.openOutputs(); err != nil {
		return nil, err
	}
	if err := r.startPlacement(); err != nil {
		return nil, err
	}
	r.indexStats()
	if err := r.placeRejects(dirs, len(files)); err != nil {
		return nil, err
	}
	shards := make([]*rows[schema.JudgedDoc], len(files))
	defer func() {
		for _, s := range shards {
			if s != nil {
				s.close()
			}
		}
	}()
	for i, f := range files {
		if shards[i], err = openRows[schema.JudgedDoc](f); err != nil {
			return nil, err
		}
		if err := shards[i].checkFingerprint(false); err != nil {
			return nil, err
		}
	}
	var out sinkBuffers
	b := &batch{}
	var sb strings.Builder
	flush := func() error {
		if len(b.docs) == 0 {
			return nil
		}
		err := r.sinkBatch(b, &out)
		b = &batch{}
		return err
	}
	err = merge(ctx, len(shards), func(i int) (int64, bool) {
		if row := shards[i].peek(); row != nil {
			return row.Ord, true
		}
		return 0, false
	}, func(i int) error {
		jd := shards[i].next()
		d := &schema.Document{ID: jd.ID, Source: jd.Source, URL: jd.URL, Title: jd.Title, Meta: jd.Meta, Text: jd.Text}
		res := result{paras: make([]para, len(jd.Paras)), decs: make([]dedup.Decision, len(jd.Paras))}
		for k, p := range jd.Paras {
			if p.Start < 0 || p.End < p.Start || int(p.End) > len(d.Text) {
				return fmt.Errorf("%s: row %d: paragraph %d spans [%d, %d) of a text of %d bytes", shards[i].name, shards[i].row, k, p.Start, p.End, len(d.Text))
			}
			res.paras[k] = para{int(p.Start), int(p.End), uint64(p.Key)}
			res.decs[k] = dedup.Decision{Reason: p.Reason, DocCount: p.DocCount}
		}
		if err := res.sketch.UnmarshalBinary(jd.Sketch); err != nil {
			return fmt.Errorf("%s: row %d: %w", shards[i].name, shards[i].row, err)
		}
		r.keptText(&sb, d.Text, &res)
		b.docs = append(b.docs, d)
		b.out = append(b.out, res)
		if len(b.docs) >= batchDocs {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return nil, err
	}
	for _, s := range shards {
		if err := s.Err(); err != nil {
			return nil, err
		}
	}
	if int64(r.docOrd) != r.ix.Docs() {
		return nil, fmt.Errorf("the judged shards hold %d documents, the counts %d: were they made from the same inputs?", r.docOrd, r.ix.Docs())
	}
	r.placeCopies()
	if err := r.docsErr(); err != nil {
		return nil, err
	}
	if err := r.flushSpool(ctx); err != nil {
		return nil, err
	}
	if err := r.commit(); err != nil {
		return nil, err
	}
	return r.stats, nil
}

// placeRejects counts the records the applies skipped and copies them to --rejects.
func (r *run) placeRejects(dirs []string, shards int) error {
	if r.opts.OnError != "skip" {
		return nil
	}
	files, err := shardFiles(dirs, "rejects", ".jsonl")
	if err != nil {
		return fmt.Errorf("%w (apply with --on-error skip writes them)", err)
	}
	if len(files) != shards {
		return fmt.Errorf("%d shards of rejects but %d judged", len(files), shards)
	}
	for _, f := range files {
		rjs, err := readRejects(f)
		if err != nil {
			return err
		}
		r.stats.DocumentsSkip += int64(len(rjs))
		if r.rejects != nil && len(rjs) > 0 {
			if err := r.rejects.Write(rjs); err != nil {
				return err
			}
		}
	}
	return nil
}

// readRejects reads a JSONL file of rejected records.
func readRejects(path string) ([]ingest.Reject, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []ingest.Reject
	dec := json.NewDecoder(bufio.NewReader(f))
	for line := 1; ; line++ {
		var rj ingest.Reject
		if err := dec.Decode(&rj); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, fmt.Errorf("%s: record %d: %w", path, line, err)
		}
		out = append(out, rj)
	}
}
