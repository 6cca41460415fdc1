package export

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
)

// ShardOptions configure a ShardedParquetWriter.
type ShardOptions struct {
	ParquetOptions
	// MaxRows starts a new shard once the current one holds this many rows; 0 means no
	// limit.
	MaxRows int64
	// MaxBytes starts a new shard once the rows of the current one pass this many bytes
	// before encoding, counted as for ParquetOptions.MaxRowGroupBytes; 0 means no limit.
	// Files on disk are smaller, by the compression ratio.
	MaxBytes int64
}

// ShardName returns the file name of shard i: part-00000.parquet, part-00001.parquet, …
func ShardName(i int) string {
	return fmt.Sprintf("part-%05d.parquet", i)
}

// shardPattern matches the names ShardName gives.
var shardPattern = regexp.MustCompile(`^part-(\d{5,})\.parquet$`)

// ShardedParquetWriter writes rows of type T to a folder of Parquet shards named by
// ShardName, cutting a new shard when the current one reaches ShardOptions.MaxRows or
// MaxBytes. Rows are never split across shards out of order: shard i holds the rows
// written before those of shard i+1.
//
// Each shard is written atomically. Close commits the last shard and removes the shards
// that an earlier run left in the folder beyond the last one of this run, so the folder
// then holds exactly this run's output. Abort removes every shard this run wrote (and
// the folder, if this run created it), but cannot restore the shards of an earlier run
// that this run replaced. An empty run writes one shard with no rows, so the folder
// always carries the schema.
type ShardedParquetWriter[T any] struct {
	dir        string
	opts       ShardOptions
	createdDir bool

	cur     *ParquetWriter[T]
	shards  []string // paths of the committed shards of this run
	rows    int64
	err     error
	closed  bool
	aborted bool
}

// NewShardedParquetWriter starts writing shards into the folder dir. The folder is
// created if it does not exist; its parent must exist.
func NewShardedParquetWriter[T any](dir string, opts ShardOptions) (*ShardedParquetWriter[T], error) {
	switch {
	case dir == "" || dir == Stdout:
		return nil, fmt.Errorf("create shards: %q is not a folder name", dir)
	case opts.MaxRows < 0:
		return nil, fmt.Errorf("create %s: invalid MaxRows %d: must not be negative", dir, opts.MaxRows)
	case opts.MaxBytes < 0:
		return nil, fmt.Errorf("create %s: invalid MaxBytes %d: must not be negative", dir, opts.MaxBytes)
	}
	if _, err := opts.ParquetOptions.withDefaults(); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	w := &ShardedParquetWriter[T]{dir: dir, opts: opts}
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := checkDir(dir, filepath.Dir(filepath.Clean(dir))); err != nil {
			return nil, err
		}
		if err := os.Mkdir(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create %s: %w", dir, err)
		}
		w.createdDir = true
	case err != nil:
		return nil, fmt.Errorf("create %s: %w", dir, err)
	case !fi.IsDir():
		return nil, fmt.Errorf("create %s: not a directory", dir)
	}
	return w, nil
}

// Write appends rows, starting new shards as the limits are reached.
func (w *ShardedParquetWriter[T]) Write(rows []T) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return fmt.Errorf("write %s: %w", w.dir, errClosed)
	}
	for len(rows) > 0 {
		if w.cur == nil {
			if err := w.open(); err != nil {
				return err
			}
		}
		n := w.room(rows)
		if err := w.cur.Write(rows[:n]); err != nil {
			return w.fail(err)
		}
		w.rows += int64(n)
		rows = rows[n:]
		if w.full() {
			if err := w.commit(); err != nil {
				return err
			}
		}
	}
	return nil
}

// room returns how many of rows go into the current shard: at least one, and up to the
// row that reaches a limit.
func (w *ShardedParquetWriter[T]) room(rows []T) int {
	n := len(rows)
	if w.opts.MaxRows > 0 {
		n = int(min(int64(n), w.opts.MaxRows-w.cur.Rows()))
	}
	if w.opts.MaxBytes > 0 {
		b := w.cur.Bytes()
		for i := range n {
			if b += w.cur.plan.size(&rows[i]); b >= w.opts.MaxBytes {
				return i + 1
			}
		}
	}
	return max(n, 1)
}

func (w *ShardedParquetWriter[T]) full() bool {
	return (w.opts.MaxRows > 0 && w.cur.Rows() >= w.opts.MaxRows) ||
		(w.opts.MaxBytes > 0 && w.cur.Bytes() >= w.opts.MaxBytes)
}

func (w *ShardedParquetWriter[T]) open() error {
	path := filepath.Join(w.dir, ShardName(len(w.shards)))
	cur, err := NewParquetWriter[T](path, w.opts.ParquetOptions)
	if err != nil {
		return w.fail(err)
	}
	w.cur = cur
	return nil
}

func (w *ShardedParquetWriter[T]) commit() error {
	path := w.cur.file.Name()
	err := w.cur.Close()
	w.cur = nil
	if err != nil {
		return w.fail(err)
	}
	w.shards = append(w.shards, path)
	return nil
}

// Close commits the last shard and removes stale shards of an earlier run.
func (w *ShardedParquetWriter[T]) Close() error {
	if w.closed || w.err != nil {
		return w.err
	}
	w.closed = true
	if w.cur == nil && len(w.shards) == 0 {
		if err := w.open(); err != nil {
			return err
		}
	}
	if w.cur != nil {
		if err := w.commit(); err != nil {
			return err
		}
	}
	return w.removeStale()
}

// removeStale removes the shards numbered past the last one of this run.
func (w *ShardedParquetWriter[T]) removeStale() error {
	entries, err := os.ReadDir(w.dir)
	if err != nil {
		return fmt.Errorf("clean %s: %w", w.dir, err)
	}
	for _, e := range entries {
		m := shardPattern.FindStringSubmatch(e.Name())
		if m == nil || e.IsDir() {
			continue
		}
		if i, err := strconv.Atoi(m[1]); err == nil && i < len(w.shards) {
			continue
		}
		if err := os.Remove(filepath.Join(w.dir, e.Name())); err != nil {
			w.err = fmt.Errorf("remove stale shard: %w", err)
			return w.err
		}
	}
	return nil
}

// Abort removes the shards written by this run. Abort after Close or Abort does
// nothing.
func (w *ShardedParquetWriter[T]) Abort() {
	if w.closed {
		return
	}
	w.abort(fmt.Errorf("write %s: %w", w.dir, ErrAborted))
}

// abort removes what this run wrote and makes err sticky, unless an error already is.
func (w *ShardedParquetWriter[T]) abort(err error) {
	if w.aborted {
		return
	}
	w.aborted = true
	if w.err == nil {
		w.err = err
	}
	if w.cur != nil {
		w.cur.Abort()
		w.cur = nil
	}
	for _, p := range w.shards {
		os.Remove(p)
	}
	w.shards = nil
	if w.createdDir {
		os.Remove(w.dir) // only succeeds if empty, as it should
	}
}

// Shards returns the paths of the shards committed so far.
func (w *ShardedParquetWriter[T]) Shards() []string {
	return append([]string(nil), w.shards...)
}

// Rows returns the number of rows written so far.
func (w *ShardedParquetWriter[T]) Rows() int64 { return w.rows }

// fail aborts the whole run after err and makes err sticky.
func (w *ShardedParquetWriter[T]) fail(err error) error {
	w.abort(err)
	return w.err
}
