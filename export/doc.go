// Package export writes winnow's outputs: the cleaned corpus and the removed-paragraph
// ledger as Parquet (one file or a folder of shards) or JSONL, and the run statistics as
// JSON; CreateAtomic gives the other outputs (such as the HTML report of package audit) a
// file that appears whole or not at all. Inspect summarizes a Parquet file.
//
// Every writer is atomic: it writes into a hidden temporary file beside its destination
// (".NAME.tmp-XXXX") and renames it onto the destination only when Close (or Commit)
// succeeds. A writer that fails, or that is aborted, removes its temporary file and leaves
// whatever was at the destination untouched, so a crashed or interrupted run never leaves
// a half-written corpus behind. The output name "-" means standard output, which is
// written directly and cannot be taken back.
//
// Writers have the shape of compress/gzip.Writer: Write takes a batch of rows, Close
// flushes, writes the footer and commits. Abort gives up and cleans up; it is safe to
// defer right after creation, since it does nothing once Close has run:
//
//	w, err := export.NewParquetWriter[schema.Record]("corpus.parquet", opts)
//	if err != nil {
//		return err
//	}
//	defer w.Abort()
//	if err := w.Write(rows); err != nil {
//		return err
//	}
//	return w.Close()
//
// Output is deterministic: the same rows written with the same options give
// byte-identical files. Nothing that depends on the time, the host or the run (such as a
// timestamp or a temporary name) is written into a file.
package export
