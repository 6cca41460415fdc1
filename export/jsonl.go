package export

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// jsonlBufferSize is the write buffer of a JSONL writer.
const jsonlBufferSize = 256 << 10

// JSONLWriter writes rows of type T as JSON Lines: one JSON object per line, encoded by
// encoding/json (so its json tags apply) without HTML escaping, so text stays readable
// ("<", ">" and "&" are written as they are). It is atomic like ParquetWriter: the file
// appears at its path only when Close succeeds.
//
// After an error the writer is aborted and every later call returns an error. A
// JSONLWriter is not safe for concurrent use.
type JSONLWriter[T any] struct {
	file   *AtomicFile
	buf    *bufio.Writer
	enc    *json.Encoder
	rows   int64
	err    error
	closed bool
}

// NewJSONLWriter starts writing JSON Lines to path ("-" for standard output). The folder
// of path must exist.
func NewJSONLWriter[T any](path string) (*JSONLWriter[T], error) {
	file, err := CreateAtomic(path)
	if err != nil {
		return nil, err
	}
	buf := bufio.NewWriterSize(file, jsonlBufferSize)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	return &JSONLWriter[T]{file: file, buf: buf, enc: enc}, nil
}

// Write appends one line per row.
func (w *JSONLWriter[T]) Write(rows []T) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return fmt.Errorf("write %s: %w", w.file.Name(), errClosed)
	}
	for i := range rows {
		if err := w.enc.Encode(&rows[i]); err != nil {
			return w.fail(fmt.Errorf("row %d: %w", w.rows+1, err))
		}
		w.rows++
	}
	return nil
}

// Close flushes the buffered lines and commits the file to its path. Close after Close
// returns nil (or the error of the first Close); Close after Abort returns an error
// matching ErrAborted.
func (w *JSONLWriter[T]) Close() error {
	if w.closed || w.err != nil {
		return w.err
	}
	w.closed = true
	if err := w.buf.Flush(); err != nil {
		return w.fail(err)
	}
	if err := w.file.Commit(); err != nil {
		w.err = err
		return err
	}
	return nil
}

// Abort gives up the file: nothing appears at its path (lines already sent to standard
// output stay there). Abort after Close or Abort does nothing.
func (w *JSONLWriter[T]) Abort() {
	if w.closed || w.err != nil {
		return
	}
	w.file.Abort()
	w.err = fmt.Errorf("write %s: %w", w.file.Name(), ErrAborted)
}

// Rows returns the number of rows written so far.
func (w *JSONLWriter[T]) Rows() int64 { return w.rows }

// fail aborts the file after err and makes err sticky.
func (w *JSONLWriter[T]) fail(err error) error {
	w.file.Abort()
	if ferr := w.file.writeErr; ferr != nil {
		w.err = ferr
	} else {
		w.err = fmt.Errorf("write %s: %w", w.file.Name(), err)
	}
	return w.err
}

// NewJSONLStream writes JSON Lines to w, typically a command's standard output. Close
// flushes but does not close w; nothing is atomic about a stream.
func NewJSONLStream[T any](w io.Writer) *JSONLWriter[T] {
	file := &AtomicFile{path: Stdout, w: w}
	buf := bufio.NewWriterSize(file, jsonlBufferSize)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	return &JSONLWriter[T]{file: file, buf: buf, enc: enc}
}
