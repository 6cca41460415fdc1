package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/cespare/xxhash/v2"
	"github.com/winnowdata/winnow/audit"
	"github.com/winnowdata/winnow/dedup"
	"github.com/winnowdata/winnow/export"
	"github.com/winnowdata/winnow/ingest"
	"github.com/winnowdata/winnow/internal/tempfile"
	"github.com/winnowdata/winnow/schema"
)

// batch is the unit of work between stages: documents in input order.
type batch struct {
	docs  []*schema.Document
	ords  []int64     // with a shard: the documents' places in the whole input (FPDoc.Ord)
	fps   []dedup.Doc // pass 1
	out   []result    // pass 2
	bytes int64       // of text
	read  int64       // input bytes read when the batch was
	// the documents' fingerprint records (fpSpool), each ending at recEnd in pass 2
	recs   []byte
	recEnd []int
}

// para is what pass 2 keeps of a paragraph for the ledger and the stats.
type para struct {
	start, end int
	key        uint64
}

// result is pass 2's verdict on one document.
type result struct {
	paras []para
	decs  []dedup.Decision
	kept  string
	nKept,
	nRemoved int
	sketch dedup.DocSketch
}

const (
	batchDocs  = 256
	batchBytes = 4 << 20
	// writeAhead is how many batches of rows each output writer may queue: the writers
	// encode and compress on goroutines of their own (export.Background), beside the
	// sink of pass 2 and the replay of the spool that feed them
	writeAhead = 4
)

// Clean runs the clean job: pass 1 counts, pass 2 applies the rules and writes the
// corpus, the ledger, the rejects and the stats. On error or cancellation no output file
// is left behind.
func Clean(ctx context.Context, opts Options) (*schema.Stats, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	r := &run{opts: opts, stats: schema.NewStats(), rejectPass: 1}
	r.stats.Version = opts.Version
	defer r.cleanup()
	if err := r.spoolStdin(ctx); err != nil {
		return nil, err
	}
	if err := r.openOutputs(); err != nil {
		return nil, err
	}
	r.checkTmpSpace()
	r.phases = newPhaseClock()
	phases := r.phases
	if err := r.pass1(ctx); err != nil {
		return nil, err
	}
	phases.lap("pass 1")
	if err := r.pass2(ctx); err != nil {
		return nil, err
	}
	phases.lap("pass 2")
	// nothing reads the pass 1 spools or the document index's any more
	r.retire(r.dropCounts, r.dropDocs)
	if r.fpSpool != nil {
		r.retire(r.fpSpool.close)
	}
	if err := r.flushSpool(ctx); err != nil {
		return nil, err
	}
	if r.spool != nil {
		r.retire(r.spool.close)
	}
	phases.lap("write corpus")
	heapProfile()
	if err := r.commit(); err != nil {
		return nil, err
	}
	phases.lap("commit")
	return r.stats, nil
}

// run is the state of one Clean.
type run struct {
	opts    Options
	ix      *dedup.Index
	stats   *schema.Stats
	corpus  []export.RowWriter[schema.Record]
	removed export.RowWriter[schema.Removal]
	rejects export.RowWriter[ingest.Reject]
	undo    []func()

	shard      *sharder // the staged path's part of the inputs; nil for all
	rejectPass int      // the pass that reports rejected records
	inputBytes int64    // the inputs' size on disk (totalInput), once sized
	sized      bool

	// document-level deduplication (nil with NoDocDedup); see place
	docs    *dedup.DocIndex
	docOrd  int             // ordinal of the next document of pass 2 (Index.Group)
	kept    keptDocs        // every document with kept text, by kept ordinal
	dupOf   map[int32]int32 // kept ordinal of a dropped duplicate -> the copy it gave way to
	copies  map[int32]int32 // kept ordinal -> copies dropped in its favour so far
	placed  []int32         // DocIndex ordinal -> kept ordinal
	members []member        // documents of copy groups, placed when pass 2 ends
	// dupCounts: kept ordinal of a document that stays -> copies dropped for it
	dupCounts map[int32]int32
	spool     *spool
	fpSpool   *fpSpool    // pass 1's fingerprints, for pass 2 (nil in the staged path)
	phases    *phaseClock // WINNOW_PHASES

	// the pass 1 spool and the document index's: closed and removed once (undo, or
	// retire when they are read no more); nil until created
	dropCounts, dropDocs func()
	retiring             sync.WaitGroup // see retire

	audit *audit.Audit // nil without a report

	// the stats and the report are created up front and committed last
	statsFile, reportFile *export.AtomicFile
}

func (r *run) cleanup() {
	r.retiring.Wait()
	for i := len(r.undo) - 1; i >= 0; i-- {
		r.undo[i]()
	}
}

// retire runs fns, which close and remove temporary files the run reads no more, on a
// goroutine: the kernel takes milliseconds to free a large file's pages (23 ms for
// the spools of gen_corpus 200 MB, after the corpus was written), which the writing of
// the corpus hides. Each fn must be safe to call again (the undo list holds them too);
// nil ones are skipped. cleanup waits for them, so no file is left when Clean returns.
func (r *run) retire(fns ...func()) {
	r.retiring.Go(func() {
		for _, fn := range fns {
			if fn != nil {
				fn()
			}
		}
	})
}

// spoolStdin copies "-" to a temporary file so that both passes can read it; the
// readers then read that file wherever the inputs say "-".
func (r *run) spoolStdin(ctx context.Context) error {
	for _, in := range r.opts.Inputs {
		if in != "-" {
			continue
		}
		stdin := r.opts.Stdin
		if stdin == nil {
			stdin = os.Stdin
		}
		path, cleanup, err := ingest.Spool(ctx, stdin, r.opts.tempDir())
		if err != nil {
			return err
		}
		r.undo = append(r.undo, cleanup)
		r.opts.Ingest.Stdin = path
	}
	return nil
}

func (r *run) parquetOptions() export.ParquetOptions {
	return export.ParquetOptions{
		Version: r.opts.Version,
		// the pages of a row group wait in the temporary folder, not in memory
		PageDir: r.opts.tempDir(),
		KeyValue: map[string]string{
			schema.MetaFlags: r.opts.Flags,
		},
	}
}

// openOutputs creates every output writer up front, so a bad output path fails before
// the long passes. Each writer writes to a temporary file until commit. It first
// removes the spools that killed runs left in the temporary folder (the output folders
// are swept as their temporary files are made; see internal/tempfile).
func (r *run) openOutputs() error {
	tempfile.Sweep(r.opts.tempDir())
	r.excludeOutputs()
	po := r.parquetOptions()
	open := func(path string) error {
		var w export.RowWriter[schema.Record]
		var err error
		switch {
		case path == "-" && r.opts.Stdout != nil:
			w = export.NewJSONLStream[schema.Record](r.opts.Stdout)
		case path == "-":
			w, err = export.NewJSONLWriter[schema.Record](path)
		case strings.HasSuffix(path, "/") || isDir(path):
			w, err = export.NewShardedParquetWriter[schema.Record](filepath.Clean(path), export.ShardOptions{ParquetOptions: po, MaxBytes: 512 << 20})
		default:
			w, err = export.Create[schema.Record](path, po)
		}
		if err != nil {
			return err
		}
		w = export.Background(w, writeAhead)
		r.corpus = append(r.corpus, w)
		r.undo = append(r.undo, w.Abort)
		return nil
	}
	if r.opts.Output != "" {
		if err := open(r.opts.Output); err != nil {
			return err
		}
	}
	if r.opts.JSONL != "" {
		jw, err := export.NewJSONLWriter[schema.Record](r.opts.JSONL)
		if err != nil {
			return err
		}
		w := export.Background[schema.Record](jw, writeAhead)
		r.corpus = append(r.corpus, w)
		r.undo = append(r.undo, w.Abort)
	}
	if r.opts.Removed != "" {
		w, err := export.Create[schema.Removal](r.opts.Removed, po)
		if err != nil {
			return err
		}
		w = export.Background(w, writeAhead)
		r.removed = w
		r.undo = append(r.undo, w.Abort)
	}
	if r.opts.Report != "" {
		r.audit = audit.New(audit.Options{})
		f, err := export.CreateAtomic(r.opts.Report)
		if err != nil {
			return err
		}
		r.reportFile = f
		r.undo = append(r.undo, f.Abort)
	}
	if r.opts.Stats != "" {
		f, err := export.CreateAtomic(r.opts.Stats)
		if err != nil {
			return err
		}
		r.statsFile = f
		r.undo = append(r.undo, f.Abort)
	}
	if r.opts.Rejects != "" {
		w, err := export.NewJSONLWriter[ingest.Reject](r.opts.Rejects)
		if err != nil {
			return err
		}
		r.rejects = w
		r.undo = append(r.undo, w.Abort)
	}
	return nil
}

// commit puts every output in place. The stats and the report are written first (into
// their temporary files), so that a full disk fails the run before anything is in
// place; then the writers close, each renaming its file; the stats and report last.
// Whatever is still open after an error is aborted by cleanup.
func (r *run) commit() error {
	if r.reportFile != nil {
		title := "winnow audit of " + strings.Join(r.opts.Inputs, ", ")
		if err := r.audit.Render(r.reportFile, r.stats, title); err != nil {
			return err
		}
	}
	if r.statsFile != nil {
		if err := export.EncodeJSON(r.statsFile, r.stats); err != nil {
			return err
		}
	}
	for _, w := range r.corpus {
		if err := w.Close(); err != nil {
			return err
		}
	}
	if r.removed != nil {
		if err := r.removed.Close(); err != nil {
			return err
		}
	}
	if r.rejects != nil {
		if err := r.rejects.Close(); err != nil {
			return err
		}
	}
	for _, f := range []*export.AtomicFile{r.reportFile, r.statsFile} {
		if f != nil {
			if err := f.Commit(); err != nil {
				return err
			}
		}
	}
	return nil
}

// read streams the input as batches. Only pass 1 reports rejects (pass 2 sees the same).
func (r *run) read(ctx context.Context, pass int, emit func(*batch) error) error {
	io := r.readerOptions() // this pass's
	var rejects []ingest.Reject
	if r.shard != nil {
		io.Files = r.shard.files
	}
	if pass == r.rejectPass && io.SkipErrors && (r.shard == nil || r.shard.ownsRejects()) {
		io.OnReject = func(rj ingest.Reject) { rejects = append(rejects, rj) }
	}
	rd, err := ingest.Open(ctx, r.opts.Inputs, io)
	if err != nil {
		return err
	}
	defer rd.Close()
	var total int64
	if r.opts.Progress != nil {
		total = r.totalInput()
		r.opts.Progress(pass, 0, total)
	}
	b := &batch{}
	flush := func() error {
		if r.opts.Progress != nil {
			r.opts.Progress(pass, rd.BytesRead(), total)
		}
		if len(rejects) > 0 {
			r.stats.DocumentsSkip += int64(len(rejects))
			if r.rejects != nil {
				if err := r.rejects.Write(rejects); err != nil {
					return err
				}
			}
			rejects = rejects[:0]
		}
		if len(b.docs) == 0 {
			return nil
		}
		b.read = rd.BytesRead()
		err := emit(b)
		b = &batch{}
		return err
	}
	if r.shard != nil {
		r.shard.reset()
	}
	for rd.Next() {
		d := rd.Doc()
		if r.shard != nil {
			ord, ok := r.shard.take(d)
			if !ok {
				continue
			}
			b.ords = append(b.ords, ord)
		}
		b.docs = append(b.docs, d)
		b.bytes += int64(len(d.Text))
		if len(b.docs) >= batchDocs || b.bytes >= batchBytes {
			if err := flush(); err != nil {
				return err
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if err := rd.Err(); err != nil {
		return err
	}
	return flush()
}

// readerOptions returns the input reader's options of a pass, before the pass's own:
// the run's, skipping malformed records under --on-error skip, reporting none.
func (r *run) readerOptions() ingest.Options {
	o := r.opts.Ingest
	o.SkipErrors = r.opts.OnError == "skip"
	o.OnReject = nil
	return o
}

// inputSize returns the size of the inputs, for the progress bar.
func (r *run) inputSize() int64 {
	total := ingest.TotalSize(r.opts.Inputs, r.opts.Ingest)
	if r.opts.Ingest.Stdin != "" {
		total += fileSize(r.opts.Ingest.Stdin)
	}
	return total
}

// totalInput is inputSize, walked once a run.
func (r *run) totalInput() int64 {
	if !r.sized {
		r.inputBytes, r.sized = r.inputSize(), true
	}
	return r.inputBytes
}

// pass1 fingerprints every document on the workers and counts them into the index in
// input order.
func (r *run) pass1(ctx context.Context) error {
	r.ix = dedup.NewIndexFor(r.opts.Rules, r.opts.Memory)
	// what each document counted waits on disk for the copy groups (Index.Seal)
	f, err := tempfile.Create(r.opts.tempDir(), "winnow-counts-")
	if err != nil {
		return fmt.Errorf("create the pass 1 spool: %w", err)
	}
	r.dropCounts = removeOnce(f)
	r.undo = append(r.undo, r.dropCounts)
	r.ix.UseSpool(f)
	// the fingerprints wait on disk for pass 2
	if r.fpSpool, err = newFPSpool(r.opts.tempDir()); err != nil {
		return err
	}
	r.undo = append(r.undo, r.fpSpool.close)
	r.fpSpool.gzStdin = r.opts.Ingest.Stdin != "" && isGzip(r.opts.Ingest.Stdin)
	spool := r.fpSpool // the workers' (the sink may drop r.fpSpool)
	// paragraphs already exact boilerplate are not fingerprinted again
	fps := make([]*dedup.Fingerprinter, r.opts.Workers)
	for i := range fps {
		fps[i] = r.ix.CountingFingerprinter(r.opts.Dedup)
	}
	free := newFPFree(r.opts.Workers)
	return ordered(ctx, r.opts.Workers,
		func(ctx context.Context, emit func(*batch) error) error { return r.read(ctx, 1, emit) },
		func(w int, b *batch) error {
			fingerprintBatch(fps[w], free, b)
			spool.encodeBatch(b)
			return nil
		},
		func(b *batch) error {
			if r.fpSpool != nil {
				if err := r.fpSpool.write(b); err != nil {
					r.dropFPSpool(err)
				}
			}
			b.recs = nil
			for i, d := range b.docs {
				r.ix.Add(d.Source, &b.fps[i])
			}
			free.put(b.fps)
			b.fps = nil
			return nil
		})
}

// dropFPSpool gives up the fingerprint spool after an error writing it (a full
// temporary folder, a file size limit): it is only a saving, and pass 2 then
// fingerprints the text again, to the same result.
func (r *run) dropFPSpool(err error) {
	r.fpSpool.dropped.Store(true)
	r.fpSpool.close()
	r.fpSpool = nil
	if r.opts.Warn != nil {
		r.opts.Warn(fmt.Sprintf("%v: pass 2 fingerprints the text again", err))
	}
}

// fpFree recycles the fingerprints of batches: they go from batch to batch, so that
// their slices are grown once rather than for every document. It is a channel, not a
// sync.Pool, which every collection empties.
type fpFree chan []dedup.Doc

func newFPFree(workers int) fpFree { return make(fpFree, 2*workers+2) }

// put gives fps back, or drops it when enough wait already.
func (f fpFree) put(fps []dedup.Doc) {
	select {
	case f <- fps:
	default:
	}
}

// fingerprintBatch fingerprints the documents of b into b.fps with f, in a slice
// recycled through free.
func fingerprintBatch(f *dedup.Fingerprinter, free fpFree, b *batch) {
	select {
	case b.fps = <-free:
	default:
	}
	if cap(b.fps) < len(b.docs) {
		b.fps = append(b.fps[:cap(b.fps)], make([]dedup.Doc, len(b.docs)-cap(b.fps))...)
	}
	b.fps = b.fps[:len(b.docs)]
	for i, d := range b.docs {
		f.Doc(d.Title, d.Text, &b.fps[i])
	}
}

// pass2 judges every document on the workers and writes the results in input order.
func (r *run) pass2(ctx context.Context) error {
	if err := r.ix.Seal(); err != nil {
		return err
	}
	r.phases.lap("seal")
	js := r.newJudges()
	if err := r.startPlacement(); err != nil {
		return err
	}
	r.indexStats()
	var out sinkBuffers
	produce := func(ctx context.Context, emit func(*batch) error) error { return r.read(ctx, 2, emit) }
	if r.fpSpool != nil {
		if err := r.fpSpool.rewind(); err != nil {
			r.dropFPSpool(err)
		}
	}
	if r.fpSpool != nil {
		produce = r.readSpool
	}
	err := ordered(ctx, r.opts.Workers, produce,
		js.judgeBatch,
		func(b *batch) error { return r.sinkBatch(b, &out) })
	if err != nil {
		return err
	}
	r.placeCopies()
	if err := r.docsErr(); err != nil {
		return err
	}
	r.endPlacement()
	return nil
}

// endPlacement frees the document index once every document is placed: writing the
// corpus needs only what placing decided (dupOf, kept), and the index, its signatures
// and its band table, is most of what pass 2 holds a document (gen_corpus 3 GB under
// --memory 128MiB: the corpus write ends at 265 MiB instead of 302 and no longer sets
// the run's peak).
func (r *run) endPlacement() {
	if r.docs == nil {
		return
	}
	r.docs, r.placed, r.copies = nil, nil, nil
}

// readSpool is pass 2's reader when pass 1 spooled the fingerprints: it emits the
// documents in batches, as read does, with their records. A document the spool holds
// (inlined) comes from there; the others are read from the input again, whose inlined
// files are not opened.
func (r *run) readSpool(ctx context.Context, emit func(*batch) error) error {
	var total int64
	if r.opts.Progress != nil {
		total = r.totalInput()
		r.opts.Progress(2, 0, total)
	}
	var rd ingest.Reader
	defer func() {
		if rd != nil {
			rd.Close()
		}
	}()
	input := func() (*schema.Document, error) {
		if rd == nil {
			o := r.readerOptions() // rejects were reported by pass 1
			inlined, picked := r.fpSpool.inlined, o.Files
			o.Files = func(ord int) bool { return !inlined[ord] && (picked == nil || picked(ord)) }
			var err error
			if rd, err = ingest.Open(ctx, r.opts.Inputs, o); err != nil {
				return nil, err
			}
		}
		if rd.Next() {
			return rd.Doc(), nil
		}
		if err := rd.Err(); err != nil {
			return nil, err
		}
		return nil, errInputChanged
	}
	for {
		b := &batch{}
		read, err := r.fpSpool.next(b, input)
		if err != nil {
			return err
		}
		if len(b.docs) == 0 {
			break
		}
		if r.opts.Progress != nil {
			r.opts.Progress(2, read, total)
		}
		if err := emit(b); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if rd != nil && rd.Next() {
		return errInputChanged
	}
	return nil
}

// errInputChanged: pass 2 read other documents than pass 1 did.
var errInputChanged = errors.New("the input does not hold the documents pass 1 read (did it change between the passes?)")

// docsErr returns the error of the document index's spool, if any.
func (r *run) docsErr() error {
	if r.docs == nil {
		return nil
	}
	return r.docs.Err()
}

// judges is what pass 2's workers judge with, one of each a worker.
type judges struct {
	r         *run
	fps       []*dedup.Fingerprinter
	judges    []*dedup.Judge
	sketchers []*dedup.DocSketcher
	docs      []dedup.Doc // each worker's fingerprint, reused
	hint      []int       // paragraphs of each worker's last batch
}

// newJudges makes the workers' judges over the sealed Index.
func (r *run) newJudges() *judges {
	n := r.opts.Workers
	js := &judges{r: r, fps: make([]*dedup.Fingerprinter, n), judges: make([]*dedup.Judge, n),
		sketchers: make([]*dedup.DocSketcher, n), docs: make([]dedup.Doc, n), hint: make([]int, n)}
	for i := range n {
		js.fps[i] = r.ix.JudgingFingerprinter(r.opts.Dedup)
		js.judges[i] = dedup.NewJudge(r.opts.Rules, r.ix)
		js.sketchers[i] = dedup.NewDocSketcher(r.docConfig())
	}
	return js
}

func (r *run) docConfig() dedup.DocConfig {
	return dedup.DocConfig{Shingle: r.opts.DocShingle, Threshold: r.opts.DocNear}
}

// judgeBatch judges the documents of b on worker w into b.out.
func (js *judges) judgeBatch(w int, b *batch) error {
	b.out = make([]result, len(b.docs))
	var jd judging
	// sized like the worker's last batch: grown from empty, they cost a fair share of
	// the allocation of pass 2
	jd.decs = make([]dedup.Decision, 0, js.hint[w])
	jd.spans = make([]para, 0, js.hint[w])
	for i, d := range b.docs {
		var rec []byte
		if b.recEnd != nil {
			rec = b.rec(i)
		}
		if err := js.r.judgeDoc(&jd, js.fps[w], js.judges[w], js.sketchers[w], &js.docs[w], d, rec, &b.out[i]); err != nil {
			return err
		}
	}
	js.hint[w] = len(jd.decs) + len(jd.decs)/4
	if b.recEnd != nil {
		js.r.fpSpool.recycle(b) // decoded: the records are read no more
	}
	return nil
}

// startPlacement sets up document deduplication (unless --no-doc-dedup) and the spool
// of kept rows.
func (r *run) startPlacement() error {
	if r.opts.NoDocDedup {
		return nil
	}
	r.docs = dedup.NewDocIndex(r.docConfig())
	if r.opts.Memory > 0 {
		// past a quarter of the budget, the kept documents' signatures wait on disk
		f, err := tempfile.Create(r.opts.tempDir(), "winnow-docs-")
		if err != nil {
			return fmt.Errorf("create the document index's spool: %w", err)
		}
		r.dropDocs = removeOnce(f)
		r.undo = append(r.undo, r.dropDocs)
		r.docs.UseSpool(f, r.opts.Memory/4)
	}
	r.dupOf = map[int32]int32{}
	r.copies = map[int32]int32{}
	// every document of a copy group waits in members until pass 2 ends: sized once,
	// the slice of 240-byte entries is not copied over and over as it grows
	if docs, _ := r.ix.Copies(); docs > 0 {
		r.members = make([]member, 0, docs)
	}
	// kept rows wait in the spool for their dup_count, and for the ledger row they
	// become if a fuller copy replaces them
	if len(r.corpus) > 0 || r.removed != nil {
		sp, err := newSpool(r.opts.tempDir())
		if err != nil {
			return err
		}
		r.spool = sp
		r.undo = append(r.undo, sp.close)
	}
	return nil
}

// sinkBuffers are the rows of one batch on their way to the writers.
type sinkBuffers struct {
	recs []schema.Record
	rems []schema.Removal
}

// sinkBatch takes the judged documents of b, in input order, and writes what can be
// written now.
func (r *run) sinkBatch(b *batch, out *sinkBuffers) error {
	out.recs, out.rems = out.recs[:0], out.rems[:0]
	for i, d := range b.docs {
		if err := r.sinkDoc(d, &b.out[i], &out.recs, &out.rems); err != nil {
			return err
		}
	}
	for _, w := range r.corpus {
		if err := w.Write(out.recs); err != nil {
			return err
		}
	}
	if r.removed != nil {
		return r.removed.Write(out.rems)
	}
	return nil
}

// indexStats puts the Index's figures in the stats.
func (r *run) indexStats() {
	r.stats.DistinctKeys = int64(r.ix.DistinctKeys())
	r.stats.DistinctBands = int64(r.ix.DistinctBands())
	r.stats.CopyDocuments, r.stats.CopyGroups = r.ix.Copies()
	if r.ix.Loaded() {
		return // a staged run: the figures of memory are the reduce's
	}
	r.stats.SpoolBytes = r.ix.SpoolBytes()
	r.stats.IndexBytes = r.ix.Bytes()
	r.stats.IndexTables = r.ix.TableBytes()
	r.stats.IndexEntries = r.ix.TableEntries()
	r.stats.Sketched = r.ix.Sketched()
}

// judging is one worker's scratch for the documents of a batch: their decisions and
// spans share two slices (fewer allocations).
type judging struct {
	decs    []dedup.Decision
	spans   []para
	sb      strings.Builder
	scratch docScratch
}

// judgeDoc judges document d into res (pass 2's work on a worker): from rec, its
// fingerprint record of pass 1, or, without one, fingerprinting it.
func (r *run) judgeDoc(jd *judging, f *dedup.Fingerprinter, j *dedup.Judge, s *dedup.DocSketcher, fp *dedup.Doc, d *schema.Document, rec []byte, res *result) error {
	if rec != nil {
		if err := f.Decode(d.Title, d.Text, rec, fp); err != nil {
			return fmt.Errorf("read the fingerprint spool: document %q: %w", d.ID, err)
		}
	} else {
		f.Doc(d.Title, d.Text, fp)
	}
	n := len(jd.decs)
	jd.decs = j.Judge(jd.decs, d.Source, fp)
	res.decs = jd.decs[n:len(jd.decs):len(jd.decs)]
	n = len(jd.spans)
	for _, p := range fp.Paras {
		jd.spans = append(jd.spans, para{p.Start, p.End, p.Key})
	}
	res.paras = jd.spans[n:len(jd.spans):len(jd.spans)]
	r.keptText(&jd.sb, d.Text, res)
	if !r.opts.NoDocDedup && res.nKept > 0 {
		res.sketch = r.docSketch(s, d.Text, fp, res.decs, &jd.scratch)
	}
	return nil
}

// keptText sets res's kept text and its counts of kept and removed paragraphs from
// its decisions. Where the kept paragraphs are one span of text, each two newlines
// after the one before (a document that lost only its header and footer, say), the
// kept text is that span of text, not a copy.
func (r *run) keptText(sb *strings.Builder, text string, res *result) {
	res.nKept, res.nRemoved = 0, 0
	n, first, last, span := 0, -1, -1, true
	for k, p := range res.paras {
		if res.decs[k].Reason != "" {
			res.nRemoved++
			continue
		}
		res.nKept++
		n += p.end - p.start + 2
		if first < 0 {
			first = k
		} else if text[res.paras[last].end:p.start] != "\n\n" {
			span = false
		}
		last = k
	}
	switch {
	case first < 0:
		res.kept = ""
	case span:
		res.kept = text[res.paras[first].start:res.paras[last].end]
	default:
		sb.Reset()
		sb.Grow(n)
		for k := first; k <= last; k++ {
			if res.decs[k].Reason != "" {
				continue
			}
			if k > first {
				sb.WriteString("\n\n")
			}
			p := res.paras[k]
			sb.WriteString(text[p.start:p.end])
		}
		res.kept = sb.String()
	}
}

// sinkDoc accounts for one judged document, in input order: stats, ledger rows,
// placement (see place) and the report.
func (r *run) sinkDoc(d *schema.Document, res *result, recs *[]schema.Record, rems *[]schema.Removal) error {
	paras := res.paras
	r.account(d, paras, res)
	for k, p := range paras {
		dec := res.decs[k]
		if dec.Reason == "" {
			continue
		}
		*rems = append(*rems, schema.Removal{DocID: d.ID, Source: d.Source, Index: int32(k),
			Reason: dec.Reason, Text: d.Text[p.start:p.end], Key: int64(p.key), DocCount: dec.DocCount})
	}
	docReason, err := r.place(d, res, recs, rems)
	if err != nil {
		return err
	}
	if r.audit != nil {
		r.observe(d, paras, res, docReason, "")
	}
	return nil
}

// docScratch holds the buffers of docSketch for one worker.
type docScratch struct{ hashes []uint64 }

// docSketch sketches a judged document for document-level deduplication from its kept
// long paragraphs (all its kept paragraphs when none is long: two pages of one site
// whose navigation survived share short lines, not stories). With --doc-shingle equal
// to --shingle, the paragraphs' shingles from fingerprinting are sketched as they are;
// otherwise each paragraph is shingled again with the document shingle size. Either way
// no shingle spans two paragraphs, so a copy that cut a paragraph has no shingles of
// its own at the cut.
func (r *run) docSketch(s *dedup.DocSketcher, text string, fp *dedup.Doc, decs []dedup.Decision, sc *docScratch) dedup.DocSketch {
	long := false
	for k, p := range fp.Paras {
		if decs[k].Reason == "" && !p.Short {
			long = true
			break
		}
	}
	same := r.opts.DocShingle == r.opts.Dedup.Shingle
	sc.hashes = sc.hashes[:0]
	for k, p := range fp.Paras {
		if decs[k].Reason != "" || long && p.Short {
			continue
		}
		if same {
			sc.hashes = append(sc.hashes, fp.ParaShingles(k)...)
		} else {
			sc.hashes = s.AppendShingles(sc.hashes, text[p.Start:p.End])
		}
	}
	return s.SketchHashes(sc.hashes)
}

// member is a document of a copy group with kept text, waiting for pass 2 to end.
type member struct {
	kord   int32 // kept ordinal
	group  int   // Index.Group
	sketch dedup.DocSketch
}

// place decides what becomes of a judged document: dropped as empty, or kept for now
// (into recs, or the spool when document deduplication may still drop it). It returns
// the document-level reason: "empty", or "" for a document kept for now.
//
// Document deduplication: a document of a copy group (Index.Group) waits until pass 2
// has judged every document (placeCopies). Any other document is placed at once in
// the DocIndex, which drops it when its kept text is a near-duplicate of an earlier
// kept document's, or has it replace that document when it holds more.
func (r *run) place(d *schema.Document, res *result, recs *[]schema.Record, rems *[]schema.Removal) (string, error) {
	ord := r.docOrd
	r.docOrd++
	if res.nKept == 0 {
		*rems = append(*rems, schema.Removal{DocID: d.ID, Source: d.Source, Index: -1,
			Reason: schema.ReasonEmpty})
		r.stats.DocsRemoved[schema.ReasonEmpty]++
		return schema.ReasonEmpty, nil
	}
	rec := schema.Record{ID: d.ID, Source: d.Source, URL: d.URL, Title: d.Title,
		Text: res.kept, NParagraphs: int32(res.nKept), NRemoved: int32(res.nRemoved),
		DocHash: int64(xxhash.Sum64String(res.kept)), Meta: d.Meta}
	r.stats.DocumentsOut++
	r.stats.BytesOut += int64(len(res.kept))
	ss := r.stats.Source(d.Source)
	ss.DocumentsOut++
	ss.BytesOut += int64(len(res.kept))
	if r.docs == nil {
		*recs = append(*recs, rec)
		return "", nil
	}
	kord := r.kept.add(d.ID, d.Source, int64(len(res.kept)), int32(res.nKept))
	if r.spool != nil {
		if err := r.spool.put(kord, &rec); err != nil {
			return "", err
		}
	}
	if r.ix.GroupSize(ord) > 1 {
		g := r.ix.Group(ord)
		r.members = append(r.members, member{kord: kord, group: g, sketch: res.sketch})
		return "", nil
	}
	r.placeDoc(kord, res.sketch)
	return "", nil
}

// placeDoc places kept document kord in the DocIndex: it stays, gives way to an
// earlier kept document it nearly duplicates, or replaces that document when it holds
// more text (and no copy was dropped in favour of that one yet).
func (r *run) placeDoc(kord int32, sk dedup.DocSketch) {
	r.placed = append(r.placed, kord)
	m := r.docs.Place(sk, func(o int) bool { return r.copies[r.placed[o]] == 0 })
	switch {
	case m.Replaced:
		r.drop(r.placed[m.Of], kord)
	case m.Of >= 0:
		r.drop(kord, r.placed[m.Of])
	}
}

// placeCopies places the documents of copy groups once pass 2 has judged them all.
// In each group the copy with the most kept text (distinct shingles) stays, of equal
// ones the first: a
// member whose kept text it holds to --doc-near is dropped as its duplicate. Which
// copies are dropped depends on the input order only among copies of equal kept text. The copy that
// stays, and members holding text of their own, go to the DocIndex like any other
// document.
func (r *run) placeCopies() {
	if r.docs == nil {
		return
	}
	ms := r.members
	sort.SliceStable(ms, func(a, b int) bool { return ms[a].group < ms[b].group })
	for start := 0; start < len(ms); {
		end := start
		best := start
		for end < len(ms) && ms[end].group == ms[start].group {
			if ms[end].sketch.Shingles() > ms[best].sketch.Shingles() {
				best = end
			}
			end++
		}
		rep := &ms[best]
		r.placeDoc(rep.kord, rep.sketch)
		for i := start; i < end; i++ {
			m := &ms[i]
			if i == best {
				continue
			}
			if m.sketch.Containment(rep.sketch) >= r.opts.DocNear {
				r.drop(m.kord, rep.kord)
				continue
			}
			r.placeDoc(m.kord, m.sketch)
		}
		start = end
	}
	r.members = nil
}

// drop removes kept document x in favour of kept document by: it leaves the counts of
// kept documents, and its spooled row becomes a ledger row (flushSpool).
func (r *run) drop(x, by int32) {
	r.dupOf[x] = by
	r.copies[by]++
	src, n, k := r.kept.source(x), r.kept.size[x], int64(r.kept.paras[x])
	st := r.stats
	st.DocsRemoved[schema.ReasonDuplicateDoc]++
	st.DocumentsOut--
	st.BytesOut -= n
	st.ParagraphsOut -= k
	st.Removed[schema.ReasonDuplicateDoc] += k
	st.RemovedBytes[schema.ReasonDuplicateDoc] += n
	ss := st.Source(src)
	ss.DocumentsOut--
	ss.BytesOut -= n
	ss.ParagraphsOut -= k
	ss.Removed[schema.ReasonDuplicateDoc] += k
	if r.audit != nil {
		r.audit.Drop(src, schema.ReasonDuplicateDoc, k, n)
	}
}

// keptDocs holds what placing a kept document, and dropping it later, needs of it, in
// few allocations: a run keeps it for every document with kept text (on gen_corpus
// 1 GB, 12 MB of strings and slices for 264 K documents before it was packed so).
type keptDocs struct {
	ids    []byte  // the ids, one after the other
	idEnd  []int   // kept ordinal -> the end of its id in ids
	src    []int32 // kept ordinal -> source ordinal
	srcOrd map[string]int32
	names  []string // source ordinal -> source
	size   []int64  // kept ordinal -> bytes of kept text
	paras  []int32  // kept ordinal -> kept paragraphs
}

// add records a kept document and returns its kept ordinal.
func (k *keptDocs) add(id, source string, size int64, paras int32) int32 {
	x := int32(len(k.idEnd))
	k.ids = append(k.ids, id...)
	k.idEnd = append(k.idEnd, len(k.ids))
	s, ok := k.srcOrd[source]
	if !ok {
		if k.srcOrd == nil {
			k.srcOrd = map[string]int32{}
		}
		s = int32(len(k.names))
		k.srcOrd[source] = s
		k.names = append(k.names, source)
	}
	k.src = append(k.src, s)
	k.size = append(k.size, size)
	k.paras = append(k.paras, paras)
	return x
}

func (k *keptDocs) len() int { return len(k.idEnd) }

// id returns the id of kept document x, a new string.
func (k *keptDocs) id(x int32) string {
	start := 0
	if x > 0 {
		start = k.idEnd[x-1]
	}
	return string(k.ids[start:k.idEnd[x]])
}

func (k *keptDocs) source(x int32) string { return k.names[k.src[x]] }

// keptCopy follows the copies a dropped document gave way to, to the one that stayed.
func (r *run) keptCopy(x int32) int32 {
	for range r.kept.len() {
		by, ok := r.dupOf[x]
		if !ok {
			break
		}
		x = by
	}
	return x
}

// duplicateRow is the ledger row of a document dropped as a near-duplicate of the kept
// document with id of: its kept text and the hash a corpus row would have had.
func duplicateRow(rec *schema.Record, of string) schema.Removal {
	return schema.Removal{DocID: rec.ID, Source: rec.Source, Index: -1, Reason: schema.ReasonDuplicateDoc,
		Text: rec.Text, Key: rec.DocHash, DupOf: of}
}

// observe shows one judged document to the audit report.
func (r *run) observe(d *schema.Document, paras []para, res *result, reason, dupOf string) {
	ad := audit.Doc{ID: d.ID, Source: d.Source, Title: d.Title, Reason: reason, DupOf: dupOf,
		Paras: make([]audit.Para, len(paras))}
	for k, p := range paras {
		ad.Paras[k] = audit.Para{Text: d.Text[p.start:p.end], Reason: res.decs[k].Reason,
			DocCount: res.decs[k].DocCount, Key: p.key}
	}
	r.audit.Observe(&ad)
}

// flushSpool writes the spooled rows to the corpus writers with their dup_count, and
// the rows of documents that a fuller copy replaced to the ledger.
func (r *run) flushSpool(ctx context.Context) error {
	if r.spool == nil {
		return nil
	}
	// dup_count: the copies dropped in favour of each kept document, through the
	// documents that gave way to another after copies were dropped for them
	r.dupCounts = map[int32]int32{}
	for x := range r.dupOf {
		r.dupCounts[r.keptCopy(x)]++
	}
	var rems []schema.Removal
	return r.spool.replay(batchDocs, func(ords []int32, rows []schema.Record) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		kept := rows[:0]
		rems = rems[:0]
		for i, row := range rows {
			if _, ok := r.dupOf[ords[i]]; ok {
				rems = append(rems, duplicateRow(&row, r.kept.id(r.keptCopy(ords[i]))))
				continue
			}
			row.DupCount = r.dupCounts[ords[i]]
			kept = append(kept, row)
		}
		for _, w := range r.corpus {
			if err := w.Write(kept); err != nil {
				return err
			}
		}
		if r.removed != nil && len(rems) > 0 {
			return r.removed.Write(rems)
		}
		return nil
	})
}

// account adds one judged document to the stats.
func (r *run) account(d *schema.Document, paras []para, res *result) {
	st := r.stats
	ss := st.Source(d.Source)
	st.DocumentsIn++
	ss.DocumentsIn++
	st.BytesIn += int64(len(d.Text))
	ss.BytesIn += int64(len(d.Text))
	st.ParagraphsIn += int64(len(paras))
	ss.ParagraphsIn += int64(len(paras))
	st.ParagraphsOut += int64(res.nKept)
	ss.ParagraphsOut += int64(res.nKept)
	// removed paragraphs come in runs of one reason (a header, a footer): the maps are
	// updated once a run
	var cur string
	var n, bytes int64
	flush := func() {
		if cur != "" {
			st.Removed[cur] += n
			ss.Removed[cur] += n
			st.RemovedBytes[cur] += bytes
		}
	}
	for k, p := range paras {
		reason := res.decs[k].Reason
		if reason == "" {
			continue
		}
		if reason != cur {
			flush()
			cur, n, bytes = reason, 0, 0
		}
		n++
		bytes += int64(p.end - p.start)
	}
	flush()
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false
	}
	return os.SameFile(fa, fb)
}
