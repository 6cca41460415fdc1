package export

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/winnowdata/winnow/internal/tempfile"
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

// shardTemp matches the temporary files of shards that earlier versions wrote into
// the folder itself.
var shardTemp = regexp.MustCompile(`^\.part-\d{5,}\.parquet\.tmp-`)

// ShardedParquetWriter writes rows of type T to a folder of Parquet shards named by
// ShardName, cutting a new shard when the current one reaches ShardOptions.MaxRows or
// MaxBytes. Rows are never split across shards out of order: shard i holds the rows
// written before those of shard i+1. An empty run writes one shard with no rows, so the
// folder always carries the schema.
//
// The folder is committed as a whole. The shards are written into a hidden sibling
// folder, ".NAME.tmp-PID-RANDOM" (made by tempfile.Mkdir); Close swaps it with the
// folder in one step (rename(2) with RENAME_EXCHANGE on Linux, RENAME_SWAP on macOS)
// and removes the old one, now at the sibling's name. A reader of the folder sees the
// shards of the earlier run or those of this one, never a mix; a run killed at any
// moment leaves the old folder or the new one, plus at most the hidden sibling, which
// the next run that writes beside it removes. What the old folder holds besides shards
// (a README, another tool's _SUCCESS, subfolders) is carried into the new one as hard
// links (copies where there can be none); its shards and the temporary files of earlier
// versions are not. Abort removes the sibling and leaves the folder as it was. The
// folder's parent must be writable, for the sibling.
//
// Where the file system cannot swap two names (NFS, Windows), Close renames the old
// folder to ".NAME.old-PID-RANDOM", the new one into place, and then removes the old:
// between the two renames the folder is missing for a moment, and after a kill there,
// until the next run puts the old folder back. It never holds a mix.
//
// A symbolic link to a folder is followed: the folder it leads to is replaced, beside
// it, and the link stays.
type ShardedParquetWriter[T any] struct {
	dir  string        // the folder as named
	dest string        // the folder replaced: absolute, symbolic links resolved
	tmp  *tempfile.Dir // the sibling the shards are written into
	opts ShardOptions

	cur     *ParquetWriter[T]
	shards  []string // names of the committed shards of this run
	rows    int64
	err     error
	closed  bool
	aborted bool
}

// NewShardedParquetWriter starts writing shards for the folder dir. The folder need not
// exist; its parent must.
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
	dest, err := shardDest(dir)
	if err != nil {
		return nil, err
	}
	restoreAside(dest)
	tempfile.Sweep(filepath.Dir(dest)) // the temporary folders of dead runs
	tmp, err := tempfile.Mkdir(filepath.Dir(dest), "."+filepath.Base(dest)+".tmp-")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	return &ShardedParquetWriter[T]{dir: dir, dest: dest, tmp: tmp, opts: opts}, nil
}

// shardDest returns the folder that dir names, absolute and with symbolic links
// resolved, after checking that it is a folder, or can be made one, and can be
// replaced.
func shardDest(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	var dest string
	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := checkDir(dir, filepath.Dir(filepath.Clean(dir))); err != nil {
			return "", err
		}
		parent, err := filepath.EvalSymlinks(filepath.Dir(abs))
		if err != nil {
			return "", fmt.Errorf("create %s: %w", dir, err)
		}
		dest = filepath.Join(parent, filepath.Base(abs))
	case err != nil:
		return "", fmt.Errorf("create %s: %w", dir, err)
	case !fi.IsDir():
		return "", fmt.Errorf("create %s: not a directory", dir)
	default:
		if dest, err = filepath.EvalSymlinks(abs); err != nil {
			return "", fmt.Errorf("create %s: %w", dir, err)
		}
	}
	if filepath.Dir(dest) == dest {
		return "", fmt.Errorf("create %s: a folder of shards is replaced as a whole; it cannot be the root", dir)
	}
	if wd, err := os.Getwd(); err == nil {
		if wd, err = filepath.EvalSymlinks(wd); err == nil && within(wd, dest) {
			return "", fmt.Errorf("create %s: a folder of shards is replaced as a whole; it cannot hold the current folder (name one inside it, e.g. shards/)", dir)
		}
	}
	return dest, nil
}

// within reports whether path is dir or inside it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// asideTail matches what follows ".NAME.old-" in the name of a folder put aside by the
// fallback of swap.
var asideTail = regexp.MustCompile(`^[1-9][0-9]*-[0-9a-z]{8}$`)

// restoreAside undoes what a run killed in the middle of the fallback of swap left:
// a folder put aside by a dead run goes back in place when the folder is missing, and
// is removed otherwise.
func restoreAside(dest string) {
	parent, prefix := filepath.Dir(dest), "."+filepath.Base(dest)+".old-"
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		tail, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !e.IsDir() || !asideTail.MatchString(tail) {
			continue
		}
		path := filepath.Join(parent, e.Name())
		if !tempfile.Stale(path) {
			continue
		}
		if _, err := os.Lstat(dest); errors.Is(err, fs.ErrNotExist) {
			os.Rename(path, dest)
		} else {
			os.RemoveAll(path)
		}
	}
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
	path := filepath.Join(w.tmp.Path, ShardName(len(w.shards)))
	cur, err := NewParquetWriter[T](path, w.opts.ParquetOptions)
	if err != nil {
		return w.fail(err)
	}
	w.cur = cur
	return nil
}

func (w *ShardedParquetWriter[T]) commit() error {
	name := filepath.Base(w.cur.file.Name())
	err := w.cur.Close()
	w.cur = nil
	if err != nil {
		return w.fail(err)
	}
	w.shards = append(w.shards, name)
	return nil
}

// Close commits the last shard and puts the folder in place of the old one.
func (w *ShardedParquetWriter[T]) Close() error {
	if w.closed || w.err != nil {
		return w.err
	}
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
	if err := w.swap(); err != nil {
		return w.fail(fmt.Errorf("commit %s: %w", w.dir, err))
	}
	w.closed = true
	return nil
}

// exchange swaps the names of two folders in one step, or returns errNoExchange when
// the file system cannot; a variable so tests can take the fallback.
var exchange = exchangeNames

// errNoExchange is exchange's error where two names cannot be swapped in one step.
var errNoExchange = errors.New("cannot exchange names")

// swap puts the written folder in place of dest.
func (w *ShardedParquetWriter[T]) swap() error {
	parent := filepath.Dir(w.dest)
	old, err := os.Stat(w.dest)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.Chmod(w.tmp.Path, 0o755); err != nil {
			return err
		}
		syncDir(w.tmp.Path)
		if err := os.Rename(w.tmp.Path, w.dest); err != nil {
			return err
		}
		w.tmp.Release()
		syncDir(parent)
		return nil
	}
	if err != nil {
		return err
	}
	if err := carryOver(w.dest, w.tmp.Path); err != nil {
		return err
	}
	if err := os.Chmod(w.tmp.Path, old.Mode().Perm()); err != nil {
		return err
	}
	syncDir(w.tmp.Path)
	switch err := exchange(w.tmp.Path, w.dest); {
	case err == nil:
		// the sibling's name now holds the old folder
		w.tmp.Remove()
		syncDir(parent)
		return nil
	case !errors.Is(err, errNoExchange):
		return err
	}
	// Two renames. The old folder is locked while it is aside, so that no other run
	// takes it for a dead run's; if this one dies before the second rename, the next
	// puts the old folder back (restoreAside).
	aside := filepath.Join(parent, tempfile.Name("."+filepath.Base(w.dest)+".old-"))
	f, err := os.Open(w.dest)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := tempfile.Lock(f); err != nil {
		return err
	}
	if err := os.Rename(w.dest, aside); err != nil {
		return err
	}
	if err := os.Rename(w.tmp.Path, w.dest); err != nil {
		os.Rename(aside, w.dest)
		return err
	}
	w.tmp.Release()
	os.RemoveAll(aside)
	syncDir(parent)
	return nil
}

// carryOver hard-links into the folder to what the folder from holds besides shards and
// the temporary files of shards, recreating subfolders and symbolic links.
func carryOver(from, to string) error {
	entries, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if e.Type().IsRegular() && shardPattern.MatchString(name) || shardTemp.MatchString(name) {
			continue
		}
		if err := linkTree(filepath.Join(from, name), filepath.Join(to, name), e); err != nil {
			return fmt.Errorf("keep %s in the new folder: %w", filepath.Join(from, name), err)
		}
	}
	return nil
}

// linkTree recreates the entry e at src as dst: a hard link to a file (a copy where
// there can be none), a folder of them, or a copy of a symbolic link.
func linkTree(src, dst string, e fs.DirEntry) error {
	switch {
	case e.Type()&fs.ModeSymlink != 0:
		target, err := os.Readlink(src)
		if err != nil {
			return err
		}
		return os.Symlink(target, dst)
	case e.IsDir():
		info, err := e.Info()
		if err != nil {
			return err
		}
		if err := os.Mkdir(dst, info.Mode().Perm()|0o700); err != nil {
			return err
		}
		entries, err := os.ReadDir(src)
		if err != nil {
			return err
		}
		for _, c := range entries {
			if err := linkTree(filepath.Join(src, c.Name()), filepath.Join(dst, c.Name()), c); err != nil {
				return err
			}
		}
		return os.Chmod(dst, info.Mode().Perm())
	}
	if os.Link(src, dst) == nil {
		return nil
	}
	// no hard links here (another user's file under protected_hardlinks, a file system
	// without them): a copy
	return copyFile(src, dst)
}

// copyFile copies the regular file src to the new file dst, with its permissions.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fi.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Abort removes what this run wrote and leaves the folder as it was. Abort after Close
// or Abort does nothing.
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
	w.tmp.Remove()
	w.shards = nil
}

// Shards returns the paths the shards committed so far have in the folder. They are
// there once Close has put the folder in place.
func (w *ShardedParquetWriter[T]) Shards() []string {
	paths := make([]string, len(w.shards))
	for i, name := range w.shards {
		paths[i] = filepath.Join(w.dir, name)
	}
	return paths
}

// Rows returns the number of rows written so far.
func (w *ShardedParquetWriter[T]) Rows() int64 { return w.rows }

// fail aborts the whole run after err and makes err sticky.
func (w *ShardedParquetWriter[T]) fail(err error) error {
	w.abort(err)
	return w.err
}
