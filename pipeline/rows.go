package pipeline

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/winnowdata/winnow/dedup"
	"github.com/winnowdata/winnow/export"
	"github.com/winnowdata/winnow/schema"
)

// rows reads the rows of one Parquet file of the staged path, a buffer at a time.
type rows[T any] struct {
	name string
	f    *os.File
	pf   *parquet.File
	r    *parquet.GenericReader[T]
	buf  []T
	i, n int
	err  error
	row  int64 // rows consumed
}

func openRows[T any](path string) (*rows[T], error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	pf, err := parquet.OpenFile(f, fi.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &rows[T]{name: path, f: f, pf: pf, r: parquet.NewGenericReader[T](pf), buf: make([]T, 256)}, nil
}

// fingerprintVersion is dedup.FingerprintVersion as the staged path's files carry it.
var fingerprintVersion = strconv.Itoa(dedup.FingerprintVersion)

// checkFingerprint reports an error naming the file when it was made by a winnow
// build that fingerprints text otherwise than this one, or by one from before builds
// said how they fingerprint. With foreign set, a file that no winnow build wrote (the
// counts of docs/reduce.sql on DuckDB or Spark) passes unchecked: it carries what the
// fingerprint files gave it, which the reduce that read them did not check.
func (r *rows[T]) checkFingerprint(foreign bool) error {
	v, ok := r.pf.Lookup(schema.MetaFingerprint)
	switch {
	case ok && v == fingerprintVersion:
		return nil
	case ok:
		return fmt.Errorf("%s: made by a winnow build of fingerprint version %s, this one's is %s: "+
			"run every stage with one build", r.name, v, fingerprintVersion)
	case foreign && !strings.HasPrefix(r.pf.Metadata().CreatedBy, "winnow"):
		return nil
	}
	return fmt.Errorf("%s: made by a winnow build older than this one (fingerprint version %s): "+
		"run every stage with one build", r.name, fingerprintVersion)
}

// stagedOptions returns po for an intermediate file of the staged path: it carries
// the fingerprint version the next stage checks.
func stagedOptions(po export.ParquetOptions) export.ParquetOptions {
	kv := maps.Clone(po.KeyValue)
	if kv == nil {
		kv = map[string]string{}
	}
	kv[schema.MetaFingerprint] = fingerprintVersion
	po.KeyValue = kv
	return po
}

// peek returns the next row without consuming it, or nil at the end or on an error
// (Err).
func (r *rows[T]) peek() *T {
	if r.i < r.n {
		return &r.buf[r.i]
	}
	if r.err != nil {
		return nil
	}
	clear(r.buf)
	n, err := r.r.Read(r.buf)
	r.i, r.n = 0, n
	if err != nil {
		if !errors.Is(err, io.EOF) {
			r.err = fmt.Errorf("%s: row %d: %w", r.name, r.row+int64(n)+1, err)
		} else {
			r.err = io.EOF
		}
	}
	if n == 0 {
		return nil
	}
	return &r.buf[0]
}

// next returns the next row and consumes it; nil at the end or on an error.
func (r *rows[T]) next() *T {
	p := r.peek()
	if p != nil {
		r.i++
		r.row++
	}
	return p
}

// Err returns the error that ended the rows, nil at a clean end.
func (r *rows[T]) Err() error {
	if r.err == io.EOF {
		return nil
	}
	return r.err
}

func (r *rows[T]) close() error {
	r.r.Close()
	return r.f.Close()
}

// shardFiles returns the files prefix-I-of-N.ext of dirs, in shard order, and checks
// that every shard of one N is there once.
func shardFiles(dirs []string, prefix, ext string) ([]string, error) {
	type found struct {
		i    int
		path string
	}
	var all []found
	count := -1
	for _, dir := range dirs {
		names, err := filepath.Glob(filepath.Join(dir, prefix+"-*-of-*"+ext))
		if err != nil {
			return nil, err
		}
		for _, p := range names {
			base := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), prefix+"-"), ext)
			a, b, ok := strings.Cut(base, "-of-")
			i, err1 := strconv.Atoi(a)
			n, err2 := strconv.Atoi(b)
			if !ok || err1 != nil || err2 != nil || i < 0 || i >= n {
				continue
			}
			if count >= 0 && n != count {
				return nil, fmt.Errorf("%s is shard %d of %d, but other files are of %d shards", p, i, n, count)
			}
			count = n
			all = append(all, found{i, p})
		}
	}
	if count < 0 {
		return nil, fmt.Errorf("no %s-I-of-N%s files in %s", prefix, ext, strings.Join(dirs, ", "))
	}
	slices.SortFunc(all, func(a, b found) int { return a.i - b.i })
	out := make([]string, 0, count)
	for k, f := range all {
		if f.i != k {
			if f.i < k {
				return nil, fmt.Errorf("shard %d of %d is there twice: %s and %s", f.i, count, all[k-1].path, f.path)
			}
			return nil, fmt.Errorf("shard %d of %d (%s-%05d-of-%05d%s) is missing", k, count, prefix, k, count, ext)
		}
		out = append(out, f.path)
	}
	if len(out) != count {
		return nil, fmt.Errorf("shard %d of %d (%s-%05d-of-%05d%s) is missing", len(out), count, prefix, len(out), count, ext)
	}
	return out, nil
}

// shardName is the file name of shard s: prefix-I-of-N.ext.
func shardName(prefix string, s Shard, ext string) string {
	return fmt.Sprintf("%s-%05d-of-%05d%s", prefix, s.I, s.N, ext)
}
