package export

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// RowWriter is a batch writer of rows of type T: a ParquetWriter, a JSONLWriter or a
// ShardedParquetWriter. Close flushes and commits the output; Abort gives it up and is
// a no-op after Close.
type RowWriter[T any] interface {
	Write(rows []T) error
	Close() error
	Abort()
}

// Compile-time checks that the writers are RowWriters.
var (
	_ RowWriter[struct{}] = (*ParquetWriter[struct{}])(nil)
	_ RowWriter[struct{}] = (*ShardedParquetWriter[struct{}])(nil)
	_ RowWriter[struct{}] = (*JSONLWriter[struct{}])(nil)
)

// Known reports whether Create knows the format of a file named path by its extension.
func Known(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".parquet", ".jsonl", ".ndjson", ".json":
		return true
	}
	return false
}

// Create opens a writer for path, choosing the format by its extension, in any case:
// .parquet writes Parquet with opts; .jsonl, .ndjson and .json write JSON Lines; "-"
// writes JSON Lines to standard output, and so does a device or named pipe of another
// name (/dev/null, /dev/stdout). Any other name is an error.
func Create[T any](path string, opts ParquetOptions) (RowWriter[T], error) {
	if path == Stdout {
		return NewJSONLWriter[T](path)
	}
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".parquet":
		return NewParquetWriter[T](path, opts)
	case ".jsonl", ".ndjson", ".json":
		return NewJSONLWriter[T](path)
	default:
		if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
			return NewJSONLWriter[T](path)
		}
		return nil, fmt.Errorf("create %s: unknown output extension %q (want .parquet, .jsonl, .ndjson or .json)", path, ext)
	}
}

// WriteJSON writes v as indented JSON (two spaces, no HTML escaping, a final newline) to
// path ("-" for standard output), atomically. It writes the --stats file.
func WriteJSON(path string, v any) error {
	f, err := CreateAtomic(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := EncodeJSON(f, v); err != nil {
		return err
	}
	return f.Commit()
}

// EncodeJSON writes v to f as WriteJSON does, without committing f.
func EncodeJSON(f *AtomicFile, v any) error {
	enc := json.NewEncoder(f)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		if f.writeErr != nil {
			return f.writeErr
		}
		return fmt.Errorf("write %s: %w", f.path, err)
	}
	return nil
}
