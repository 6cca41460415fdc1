package ingest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/winnowdata/winnow/schema"
)

// fileReader reads the documents of one file. next returns io.EOF at the end, and
// after an error from which the file cannot be read further.
type fileReader interface {
	next() (*schema.Document, error)
	close() error
}

// multi is the Reader Open returns: the files of all inputs, one after the other.
type multi struct {
	ctx    context.Context
	opts   Options
	names  fieldNames
	inputs []*input
	in     int

	cur     fileReader
	curSrc  *countReader // bytes of the current file counted so far
	curSize int64        // its size on disk, -1 when unknown

	read   atomic.Int64 // BytesRead
	files  int          // files met so far (the next one's ordinal)
	doc    *schema.Document
	err    error
	n      int
	closed bool
}

var _ Reader = (*multi)(nil)

// Next advances to the next document.
func (m *multi) Next() bool {
	m.doc = nil
	if m.err != nil || m.closed {
		return false
	}
	for {
		if m.n++; m.n&63 == 0 {
			if err := m.ctx.Err(); err != nil {
				m.fail(err)
				return false
			}
		}
		if m.cur == nil {
			ref, ok, err := m.nextFile()
			if err != nil {
				m.fail(err)
				return false
			}
			if !ok {
				return false
			}
			ord := m.files
			m.files++
			if m.opts.Files != nil && !m.opts.Files(ord) {
				continue
			}
			if err := m.ctx.Err(); err != nil {
				m.fail(err)
				return false
			}
			if err := m.openFile(ref); err != nil {
				if m.skip(err) {
					continue
				}
				m.fail(err)
				return false
			}
		}
		doc, err := m.cur.next()
		switch {
		case err == nil:
			doc.FileIndex = m.files - 1
			m.doc = doc
			return true
		case err == io.EOF:
			m.closeFile()
		case m.skip(err):
		default:
			m.fail(err)
			return false
		}
	}
}

// skip reports a ParseError to OnReject under SkipErrors and reports whether it did.
func (m *multi) skip(err error) bool {
	var pe *ParseError
	if !m.opts.SkipErrors || !errors.As(err, &pe) {
		return false
	}
	if fe := (*FieldError)(nil); errors.As(err, &fe) && fe.Whole {
		return false // no record of the file has the text field: not a bad record
	}
	if m.opts.OnReject != nil {
		m.opts.OnReject(Reject{File: pe.File, Line: pe.Line, Error: pe.Err.Error()})
	}
	return true
}

func (m *multi) fail(err error) {
	m.err = err
	if m.cur != nil {
		m.closeFile()
	}
}

// Doc returns the current document.
func (m *multi) Doc() *schema.Document { return m.doc }

// Err returns the error that stopped the stream, nil at a clean end.
func (m *multi) Err() error { return m.err }

// BytesRead returns the input bytes consumed so far. It may be called from another
// goroutine while Next runs.
func (m *multi) BytesRead() int64 { return m.read.Load() }

// Close releases the open file and its temporary spool, if any. It does not close
// os.Stdin.
func (m *multi) Close() error {
	if m.closed {
		return nil
	}
	m.closed = true
	if m.cur != nil {
		return m.closeFile()
	}
	return nil
}

// nextFile returns the next file of the inputs.
func (m *multi) nextFile() (fileRef, bool, error) {
	for m.in < len(m.inputs) {
		in := m.inputs[m.in]
		if in.first != nil {
			ref := *in.first
			in.first = nil
			return ref, true, nil
		}
		ref, err := in.iter.next()
		if err == io.EOF {
			m.in++
			continue
		}
		if err != nil {
			return fileRef{}, false, err
		}
		return ref, true, nil
	}
	return fileRef{}, false, nil
}

// closeFile closes the current file and counts it as read whole.
func (m *multi) closeFile() error {
	err := m.cur.close()
	if m.curSize >= 0 && m.curSrc != nil {
		m.read.Add(m.curSize - m.curSrc.n.Load())
	}
	m.cur, m.curSrc, m.curSize = nil, nil, 0
	return err
}

// openFile opens ref and sets up the reader of its format.
func (m *multi) openFile(ref fileRef) (err error) {
	var (
		rd     io.Reader
		f      *os.File
		size   int64 = -1
		closer []func() error
	)
	defer func() {
		if err != nil {
			for i := len(closer) - 1; i >= 0; i-- {
				closer[i]()
			}
		}
	}()
	if ref.stdin && m.opts.Stdin == "" {
		rd = os.Stdin
	} else {
		path := ref.path
		if ref.stdin {
			path = m.opts.Stdin
		}
		if f, err = os.Open(path); err != nil {
			return err
		}
		closer = append(closer, f.Close)
		fi, err := f.Stat()
		if err != nil {
			return err
		}
		if fi.IsDir() {
			return fmt.Errorf("read %s: is a directory", ref.name)
		}
		rd = f
		if fi.Mode().IsRegular() {
			size = fi.Size()
		}
	}

	src := &countReader{r: rd, total: &m.read}
	br := bufio.NewReaderSize(src, bufferSize(size))
	head, err := br.Peek(4)
	if err != nil && err != io.EOF {
		return readError(ref.name, err)
	}
	var (
		data        io.Reader = br
		compression string
	)
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		compression = "gzip"
		zr, err := gzip.NewReader(br)
		if err != nil {
			return streamError(ref.name, 0, &decodeError{format: compression, err: err}, src)
		}
		closer = append(closer, zr.Close)
		data = &decoder{r: zr, format: compression, src: src}
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		compression = "zstd"
		zr, err := zstd.NewReader(br, zstd.WithDecoderMaxWindow(1<<30))
		if err != nil {
			return streamError(ref.name, 0, &decodeError{format: compression, err: err}, src)
		}
		closer = append(closer, func() error { zr.Close(); return nil })
		data = &decoder{r: zr, format: compression, src: src}
	}
	dbr := br
	if compression != "" {
		dbr = bufio.NewReaderSize(data, 1<<20)
	}

	format := m.opts.Format
	if format == "auto" {
		if format = formatOfName(ref.name); format == "" {
			peek, err := dbr.Peek(sniffSize)
			if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
				return streamError(ref.name, 0, err, src)
			}
			format = sniff(peek)
		}
	}

	var fr fileReader
	switch format {
	case "txt":
		fr = &txtReader{r: dbr, ref: ref, src: src}
	case "jsonl":
		fr = newJSONLReader(dbr, ref.name, baseName(ref), m.names, src)
	case "wet":
		fr = newWETReader(dbr, ref.name, baseName(ref), src)
	case "parquet":
		if compression != "" {
			return &ParseError{File: ref.name, Err: fmt.Errorf("parquet inside a %s stream is not supported", compression)}
		}
		if size < 0 { // stdin or a pipe: Parquet needs random access, spool it
			path, cleanup, err := Spool(m.ctx, br, "")
			if err != nil {
				return err
			}
			closer = append(closer, func() error { cleanup(); return nil })
			if f, err = os.Open(path); err != nil {
				return err
			}
			closer = append(closer, f.Close)
			fi, err := f.Stat()
			if err != nil {
				return err
			}
			// The bytes were counted as Spool read them: count no more.
			src = &countReader{total: new(atomic.Int64)}
			pr, err := newParquetReader(f, fi.Size(), ref, m.names, src)
			if err != nil {
				return err
			}
			m.cur, m.curSrc, m.curSize = &closing{fileReader: pr, closers: closer}, src, -1
			return nil
		}
		pr, err := newParquetReader(f, size, ref, m.names, src)
		if err != nil {
			return err
		}
		fr = pr
	default:
		return fmt.Errorf("format %q is not supported", format)
	}
	m.cur, m.curSrc, m.curSize = &closing{fileReader: fr, closers: closer}, src, size
	return nil
}

// closing closes the file and decompressors of a fileReader with it.
type closing struct {
	fileReader
	closers []func() error
}

func (c *closing) close() error {
	errs := []error{c.fileReader.close()}
	for i := len(c.closers) - 1; i >= 0; i-- {
		errs = append(errs, c.closers[i]())
	}
	return errors.Join(errs...)
}

// bufferSize sizes the read buffer of a file: small files (one .txt article) get a
// small buffer.
func bufferSize(size int64) int {
	switch {
	case size < 0 || size >= 1<<20:
		return 1 << 20
	case size < 4096:
		return 4096
	default:
		return int(size) + 1
	}
}

// formatOfName returns the format a file name tells, "" when it tells none.
func formatOfName(name string) string {
	lower := strings.ToLower(filepath.Base(name))
	for _, ext := range [...]string{".gz", ".zst", ".zstd"} {
		if strings.HasSuffix(lower, ext) {
			lower = strings.TrimSuffix(lower, ext)
			break
		}
	}
	switch filepath.Ext(lower) {
	case ".txt":
		return "txt"
	case ".jsonl", ".ndjson", ".json":
		return "jsonl"
	case ".parquet":
		return "parquet"
	case ".wet":
		return "wet"
	}
	return ""
}

// sniffSize is how many leading bytes sniff may look at.
const sniffSize = 4096

// sniff tells the format from the first bytes of a (decompressed) stream: Parquet's
// magic, a WARC version line ("WARC/1.0"), a JSON object after an optional BOM and
// white space, or else text.
func sniff(head []byte) string {
	if bytes.HasPrefix(head, []byte("PAR1")) {
		return "parquet"
	}
	if bytes.HasPrefix(bytes.TrimPrefix(head, bom), []byte("WARC/1.")) {
		return "wet"
	}
	head = bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
	if len(head) > 0 && head[0] == '{' {
		return "jsonl"
	}
	return "txt"
}

// countReader counts the bytes read from a file into its own counter and into the
// Reader's total. It keeps the first read error so that a decompressor's error can be
// told apart from an I/O error. It may be read from a decompressor's goroutine.
type countReader struct {
	r     io.Reader
	total *atomic.Int64
	n     atomic.Int64
	err   atomic.Pointer[error]
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	c.total.Add(int64(n))
	if err != nil && err != io.EOF {
		c.err.CompareAndSwap(nil, &err)
	}
	return n, err
}

// ioErr returns the I/O error the file returned, if any.
func (c *countReader) ioErr() error {
	if c == nil {
		return nil
	}
	if p := c.err.Load(); p != nil {
		return *p
	}
	return nil
}

// decodeError is a failure of a compressed stream itself (not of reading the file).
type decodeError struct {
	format string
	err    error
}

func (e *decodeError) Error() string {
	if errors.Is(e.err, io.ErrUnexpectedEOF) {
		return "truncated " + e.format + " stream: " + e.err.Error()
	}
	return "corrupt " + e.format + " stream: " + e.err.Error()
}

func (e *decodeError) Unwrap() error { return e.err }

// decoder marks the errors of a decompressor as decodeErrors.
type decoder struct {
	r      io.Reader
	format string
	src    *countReader
}

func (d *decoder) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if err != nil && err != io.EOF && d.src.ioErr() == nil {
		var de *decodeError
		if !errors.As(err, &de) {
			err = &decodeError{format: d.format, err: err}
		}
	}
	return n, err
}

// streamError turns an error met while reading file name at line into the error
// Next reports: a ParseError for a broken compressed stream (nothing more can be read
// from it), the I/O error itself otherwise.
func streamError(name string, line int64, err error, src *countReader) error {
	if ioErr := src.ioErr(); ioErr != nil {
		return readError(name, ioErr)
	}
	var de *decodeError
	if errors.As(err, &de) {
		return &ParseError{File: name, Line: line, Err: de}
	}
	return readError(name, err)
}

// readError names the file in an I/O error unless it already does.
func readError(name string, err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return err
	}
	return fmt.Errorf("read %s: %w", name, err)
}

var (
	_ fileReader = (*jsonlReader)(nil)
	_ fileReader = (*txtReader)(nil)
	_ fileReader = (*parquetReader)(nil)
	_ fileReader = (*wetReader)(nil)
)
