package export

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/winnowdata/winnow/schema"
)

// Defaults of ParquetOptions; a zero option field means its default.
const (
	// DefaultMaxRowGroupBytes is where a row group is cut, in bytes of row data before
	// encoding (see ParquetOptions.MaxRowGroupBytes). DESIGN.md asks for 64–128 MiB.
	DefaultMaxRowGroupBytes = 96 << 20
	// DefaultMaxRowGroupRows caps the rows of a row group whatever their size, as a
	// safety net for rows whose size is underestimated.
	DefaultMaxRowGroupRows = 1 << 20
	// DefaultPageBufferSize is the target size of a data page before encoding. Larger
	// pages compress text better; each column holds one page buffer while writing.
	DefaultPageBufferSize = 1 << 20
	// DefaultZstdLevel is the zstd level of every column. On English prose in 3 KB
	// documents SpeedFastest writes about 40% faster than SpeedDefault for a file about
	// 7% larger (see BenchmarkParquetWriter); the writer compresses on the goroutine
	// that calls Write, so its speed bounds the pipeline's.
	DefaultZstdLevel = zstd.SpeedFastest
)

// DefaultNoStatistics lists the columns written without min/max statistics by default:
// the long free-text columns, whose bounds would copy whole texts into page headers and
// the footer and serve no query.
var DefaultNoStatistics = []string{"text", "meta"}

// zstdCodecs holds one codec per level, shared by all writers: a codec pools its
// encoders, which are costly to create.
var zstdCodecs = map[zstd.Level]*zstd.Codec{
	zstd.SpeedFastest:           {Level: zstd.SpeedFastest},
	zstd.SpeedDefault:           {Level: zstd.SpeedDefault},
	zstd.SpeedBetterCompression: {Level: zstd.SpeedBetterCompression},
	zstd.SpeedBestCompression:   {Level: zstd.SpeedBestCompression},
}

// ParquetOptions configure a Parquet writer. The zero value is valid and gives the
// defaults above.
type ParquetOptions struct {
	// Version is the winnow version. It is written as the file's created_by
	// ("winnow version V") and under schema.MetaVersion.
	Version string
	// KeyValue is written into the footer's key-value metadata, sorted by key, beside
	// schema.MetaSchemaVersion and schema.MetaVersion, which it may override. Put the
	// flags of the run under schema.MetaFlags.
	KeyValue map[string]string
	// MaxRowGroupBytes cuts a row group once the rows written into it pass this many
	// bytes before encoding: the length of their strings and byte slices plus the width
	// of their numbers. 0 means DefaultMaxRowGroupBytes.
	MaxRowGroupBytes int64
	// MaxRowGroupRows cuts a row group at this many rows. 0 means DefaultMaxRowGroupRows.
	MaxRowGroupRows int64
	// ZstdLevel is the zstd compression level. 0 means DefaultZstdLevel.
	ZstdLevel zstd.Level
	// PageBufferSize is the target size of a data page before encoding. 0 means
	// DefaultPageBufferSize.
	PageBufferSize int
	// PageDir, when not empty, is a folder where each column's pages wait for their
	// row group to be written, in a temporary file that nothing can leave behind,
	// instead of in memory (see pageFiles): about the compressed size of a row group
	// less memory, for one open file a column. The bytes written are the same.
	PageDir string
	// NoStatistics names the top-level columns written without min/max statistics
	// (neither in page headers nor in the footer); nil means DefaultNoStatistics, an
	// empty non-nil slice means none. Names of absent columns are ignored.
	NoStatistics []string
}

// withDefaults returns o with its zero fields set to their defaults, or an error naming
// the first invalid field.
func (o ParquetOptions) withDefaults() (ParquetOptions, error) {
	switch {
	case o.MaxRowGroupBytes < 0:
		return o, fmt.Errorf("invalid MaxRowGroupBytes %d: must not be negative", o.MaxRowGroupBytes)
	case o.MaxRowGroupRows < 0:
		return o, fmt.Errorf("invalid MaxRowGroupRows %d: must not be negative", o.MaxRowGroupRows)
	case o.PageBufferSize < 0:
		return o, fmt.Errorf("invalid PageBufferSize %d: must not be negative", o.PageBufferSize)
	case o.ZstdLevel != 0 && zstdCodecs[o.ZstdLevel] == nil:
		return o, fmt.Errorf("invalid ZstdLevel %d: want %d (fastest) to %d (best)",
			o.ZstdLevel, zstd.SpeedFastest, zstd.SpeedBestCompression)
	}
	if o.MaxRowGroupBytes == 0 {
		o.MaxRowGroupBytes = DefaultMaxRowGroupBytes
	}
	if o.MaxRowGroupRows == 0 {
		o.MaxRowGroupRows = DefaultMaxRowGroupRows
	}
	if o.PageBufferSize == 0 {
		o.PageBufferSize = DefaultPageBufferSize
	}
	if o.ZstdLevel == 0 {
		o.ZstdLevel = DefaultZstdLevel
	}
	if o.NoStatistics == nil {
		o.NoStatistics = DefaultNoStatistics
	}
	return o, nil
}

// writerConfig builds and validates the parquet-go configuration for writing rows of type
// T with o, which must have its defaults set.
func writerConfig[T any](o ParquetOptions) (*parquet.WriterConfig, error) {
	kv := map[string]string{schema.MetaSchemaVersion: schema.Version}
	if o.Version != "" {
		kv[schema.MetaVersion] = o.Version
	}
	maps.Copy(kv, o.KeyValue)

	createdBy := "winnow"
	if o.Version != "" {
		createdBy += " version " + o.Version
	}
	options := []parquet.WriterOption{
		// The default names the parquet-go build; ours must not vary with the build.
		&parquet.WriterConfig{CreatedBy: createdBy, KeyValueMetadata: kv},
		parquet.Compression(splitZstd{zstdCodecs[o.ZstdLevel]}),
		parquet.PageBufferSize(o.PageBufferSize),
		parquet.MaxRowsPerRowGroup(o.MaxRowGroupRows),
	}
	if o.PageDir != "" {
		options = append(options, parquet.ColumnPageBuffers(pageFiles{o.PageDir}))
	}
	options = append(options, codecTags[T]()...)
	for _, col := range o.NoStatistics {
		options = append(options, parquet.SkipPageBounds(col), parquet.SkipPageStatistics(col))
	}
	return parquet.NewWriterConfig(options...)
}

// codecTags returns options that drop "zstd" from the parquet tags of the top-level
// fields of T, so those columns use the writer's codec, at ParquetOptions.ZstdLevel,
// rather than parquet-go's shared codec at its default level, which a column's "zstd"
// tag selects.
func codecTags[T any]() []parquet.WriterOption {
	t := reflect.TypeFor[T]()
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var options []parquet.WriterOption
	for i := range t.NumField() {
		f := t.Field(i)
		tag, ok := f.Tag.Lookup("parquet")
		if !ok || f.Anonymous || !f.IsExported() {
			continue
		}
		parts := strings.Split(tag, ",")
		if len(parts) < 2 || !slices.Contains(parts[1:], "zstd") {
			continue
		}
		stripped := strings.Join(slices.DeleteFunc(parts, func(p string) bool { return p == "zstd" }), ",")
		// Keep the other keys of the tag; parquet-go replaces the whole tag.
		old := `parquet:` + strconv.Quote(tag)
		repl := strings.Replace(string(f.Tag), old, `parquet:`+strconv.Quote(stripped), 1)
		if !strings.Contains(string(f.Tag), old) {
			repl = `parquet:` + strconv.Quote(stripped)
		}
		options = append(options, &parquet.StructTagOption{
			ColumnPath: []string{f.Name}, // the Go name, as parquet-go matches it
			StructTag:  reflect.StructTag(repl),
		})
	}
	return options
}

// ParquetWriter writes rows of type T, a struct with parquet tags such as schema.Record,
// to one Parquet file, atomically: the file appears at its path only when Close
// succeeds. Output is zstd-compressed, cut into row groups of about
// ParquetOptions.MaxRowGroupBytes, and deterministic.
//
// After an error the writer is aborted (its temporary file is removed) and every later
// call returns an error. A ParquetWriter is not safe for concurrent use.
type ParquetWriter[T any] struct {
	file *AtomicFile
	pw   *parquet.GenericWriter[T]
	plan *rowPlan[T]

	maxBytes, maxRows     int64
	groupBytes, groupRows int64 // of the row group being written
	rows, bytes           int64 // in the whole file
	err                   error // sticky: set once aborted or failed
	closed                bool
}

// NewParquetWriter starts writing a Parquet file of rows of type T to path ("-" for
// standard output). The folder of path must exist.
func NewParquetWriter[T any](path string, opts ParquetOptions) (*ParquetWriter[T], error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	config, err := writerConfig[T](opts)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	file, err := CreateAtomic(path)
	if err != nil {
		return nil, err
	}
	return &ParquetWriter[T]{
		file:     file,
		pw:       parquet.NewGenericWriter[T](file, config),
		plan:     newRowPlan[T](),
		maxBytes: opts.MaxRowGroupBytes,
		maxRows:  opts.MaxRowGroupRows,
	}, nil
}

// Write appends rows to the file, cutting a row group whenever the current one passes
// the size or row limit.
func (w *ParquetWriter[T]) Write(rows []T) error {
	if err := w.check(); err != nil {
		return err
	}
	for len(rows) > 0 {
		n := 0
		for n < len(rows) && w.groupBytes < w.maxBytes && w.groupRows < w.maxRows {
			if n > 0 && w.plan.risesFromNull(&rows[n-1], &rows[n]) {
				break // see risesFromNull
			}
			s := w.plan.size(&rows[n])
			w.groupBytes += s
			w.bytes += s
			w.groupRows++
			n++
		}
		if n > 0 {
			if _, err := w.pw.Write(rows[:n]); err != nil {
				return w.fail(err)
			}
			w.rows += int64(n)
			rows = rows[n:]
		}
		if w.groupBytes >= w.maxBytes || w.groupRows >= w.maxRows {
			if err := w.pw.Flush(); err != nil {
				return w.fail(err)
			}
			w.groupBytes, w.groupRows = 0, 0
		}
	}
	return nil
}

// Close writes the last row group and the footer, then commits the file to its path.
// Close after Close returns nil (or the error of the first Close); Close after Abort
// returns an error matching ErrAborted.
func (w *ParquetWriter[T]) Close() error {
	if w.closed {
		return w.err
	}
	if w.err != nil {
		return w.err
	}
	w.closed = true
	if err := w.pw.Close(); err != nil {
		return w.fail(err)
	}
	if err := w.file.Commit(); err != nil {
		w.err = err
		return err
	}
	return nil
}

// Abort gives up the file: nothing appears at its path. Abort after Close or Abort does
// nothing.
func (w *ParquetWriter[T]) Abort() {
	if w.closed || w.err != nil {
		return
	}
	w.file.Abort()
	w.err = fmt.Errorf("write %s: %w", w.file.Name(), ErrAborted)
}

// Rows returns the number of rows written so far.
func (w *ParquetWriter[T]) Rows() int64 { return w.rows }

// Bytes returns the estimated size of the rows written so far before encoding, as
// counted for MaxRowGroupBytes.
func (w *ParquetWriter[T]) Bytes() int64 { return w.bytes }

func (w *ParquetWriter[T]) check() error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return fmt.Errorf("write %s: %w", w.file.Name(), errClosed)
	}
	return nil
}

// fail aborts the file after err and makes err sticky.
func (w *ParquetWriter[T]) fail(err error) error {
	w.file.Abort()
	if ferr := w.file.writeErr; ferr != nil {
		// A failed write of the file is the cause, already naming the file; parquet-go
		// may have wrapped it or failed later because of it.
		w.err = ferr
	} else {
		w.err = fmt.Errorf("write %s: %w", w.file.Name(), err)
	}
	return w.err
}

var errClosed = errors.New("writer is closed")
