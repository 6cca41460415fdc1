package pipeline

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync/atomic"
	"unsafe"

	"github.com/winnowdata/winnow/internal/tempfile"
	"github.com/winnowdata/winnow/schema"
)

// fpSpool holds pass 1's documents and their fingerprints (dedup.Doc.Encode), in input
// order, for pass 2 to judge them without reading the input and fingerprinting them
// again: a temporary file of records, each after its length in 4 bytes. A record is
// the document (appendDoc) and then its fingerprint. Pass 1's workers encode their
// batch's documents (encodeBatch) and its sink appends the batch (write); pass 2 reads
// the documents back in batches (next).
//
// Pass 2 reading the spool rather than the input saves decoding the input a second
// time: JSON, and the gzip or zstd around it. Writing and reading 200 MB of text more
// costs less than that (docs/dedup.md has the figures); the spool takes the size of the
// decoded text plus about 8 bytes a word.
type fpSpool struct {
	f    *os.File
	w    *bufio.Writer
	r    *bufio.Reader
	n    int         // documents written
	read int         // documents read back
	free chan []byte // batches' record buffers, for the next batches (recycle)
	// dropped is set when the run gives the spool up (dropFPSpool): the workers then
	// encode no more
	dropped atomic.Bool
}

func newFPSpool(dir string) (*fpSpool, error) {
	f, err := tempfile.Create(dir, "winnow-fingerprints-")
	if err != nil {
		return nil, fmt.Errorf("create the fingerprint spool: %w", err)
	}
	return &fpSpool{f: f, w: bufio.NewWriterSize(f, 1<<20), free: make(chan []byte, 16)}, nil
}

func (s *fpSpool) close() {
	s.f.Close()
	os.Remove(s.f.Name())
}

// buffer returns a buffer for a batch's records: one a batch gave back, or none.
func (s *fpSpool) buffer() []byte {
	select {
	case b := <-s.free:
		return b
	default:
		return nil
	}
}

// recycle takes back b's record buffer once its records are written or judged: grown
// from empty for every batch, they cost more than encoding them.
func (s *fpSpool) recycle(b *batch) {
	if b.recs != nil {
		select {
		case s.free <- b.recs[:0]:
		default:
		}
	}
	b.recs, b.recEnd = nil, nil
}

// encodeBatch encodes the fingerprints of b's documents into b.recs (on a worker).
func (s *fpSpool) encodeBatch(b *batch) {
	if s.dropped.Load() {
		return
	}
	b.recs = s.buffer()
	// one growth for the batch: Doc.Encode takes at most 8 bytes a shingle and 100 a
	// paragraph
	size := 0
	for i, d := range b.docs {
		size += 128 + len(d.ID) + len(d.Source) + len(d.URL) + len(d.Title) + len(d.Meta) + len(d.File) +
			len(d.Text) + 8*len(b.fps[i].Shingles) + 100*len(b.fps[i].Paras)
	}
	b.recs = slices.Grow(b.recs, size)
	for i := range b.fps {
		at := len(b.recs)
		b.recs = append(b.recs, 0, 0, 0, 0)
		b.recs = appendDoc(b.recs, b.docs[i], b.read)
		b.recs = b.fps[i].Encode(b.recs)
		binary.LittleEndian.PutUint32(b.recs[at:], uint32(len(b.recs)-at-4))
	}
}

// write appends b's records to the spool (in input order, on pass 1's sink).
func (s *fpSpool) write(b *batch) error {
	if _, err := s.w.Write(b.recs); err != nil {
		return fmt.Errorf("write the fingerprint spool: %w", err)
	}
	s.n += len(b.docs)
	s.recycle(b)
	return nil
}

// rewind ends writing and starts reading from the first record.
func (s *fpSpool) rewind() error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("write the fingerprint spool: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("read the fingerprint spool: %w", err)
	}
	s.r = bufio.NewReaderSize(s.f, 1<<20)
	return nil
}

// next reads the next batch of documents into b: at most batchDocs of them, or
// batchBytes of text, with their fingerprint records in b.recs, each ending at
// b.recEnd. It returns the input bytes pass 1 had read after the last one, for the
// progress bar; b is left empty after the last document.
func (s *fpSpool) next(b *batch) (int64, error) {
	b.recs = s.buffer()
	var read int64
	for s.read < s.n && len(b.docs) < batchDocs && b.bytes < batchBytes {
		d, rd, err := s.readDoc(b)
		if err != nil {
			return 0, fmt.Errorf("read the fingerprint spool: %w", spoolEOF(err))
		}
		s.read++
		b.docs = append(b.docs, d)
		b.bytes += int64(len(d.Text))
		b.recEnd = append(b.recEnd, len(b.recs))
		read = rd
	}
	return read, nil
}

// readDoc reads one record: its document, returned, and its fingerprint, appended to
// b.recs.
func (s *fpSpool) readDoc(b *batch) (*schema.Document, int64, error) {
	var n [4]byte
	if _, err := io.ReadFull(s.r, n[:]); err != nil {
		return nil, 0, err
	}
	rd := &countingReader{r: s.r}
	d, read, err := readDocHeader(rd)
	if err != nil {
		return nil, 0, err
	}
	size := int(binary.LittleEndian.Uint32(n[:])) - rd.n
	if size < 0 {
		return nil, 0, errBadRecord
	}
	at := len(b.recs)
	b.recs = slices.Grow(b.recs, size)[:at+size]
	if _, err := io.ReadFull(s.r, b.recs[at:]); err != nil {
		return nil, 0, err
	}
	return d, read, nil
}

var errBadRecord = errors.New("a record is damaged")

// appendDoc appends d, and read, the input bytes read when pass 1 read it, to dst.
func appendDoc(dst []byte, d *schema.Document, read int64) []byte {
	dst = binary.AppendUvarint(dst, uint64(read))
	for _, str := range [...]string{d.ID, d.Source, d.URL, d.Title, d.Meta, d.File, d.Text} {
		dst = binary.AppendUvarint(dst, uint64(len(str)))
		dst = append(dst, str...)
	}
	dst = binary.AppendUvarint(dst, uint64(d.Line))
	return binary.AppendUvarint(dst, uint64(d.FileIndex))
}

// readDocHeader reads what appendDoc wrote. Each string is one allocation of its own,
// as the input readers make them: a kept id must not pin a batch's buffer.
func readDocHeader(r *countingReader) (*schema.Document, int64, error) {
	read, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, 0, err
	}
	d := &schema.Document{}
	for _, dst := range [...]*string{&d.ID, &d.Source, &d.URL, &d.Title, &d.Meta, &d.File, &d.Text} {
		if *dst, err = r.string(); err != nil {
			return nil, 0, err
		}
	}
	line, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, 0, err
	}
	fi, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, 0, err
	}
	d.Line, d.FileIndex = int64(line), int(fi)
	return d, int64(read), nil
}

// countingReader reads from a bufio.Reader and counts the bytes it read.
type countingReader struct {
	r *bufio.Reader
	n int
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

// string reads a string after its length: from the reader's buffer when it is there
// (one copy), else through a buffer of its own.
func (c *countingReader) string() (string, error) {
	size, err := binary.ReadUvarint(c)
	if err != nil {
		return "", err
	}
	n := int(size)
	if n < 0 || uint64(n) != size {
		return "", errBadRecord
	}
	if n == 0 {
		return "", nil
	}
	c.n += n
	if n <= c.r.Size() {
		b, err := c.r.Peek(n)
		if err != nil {
			return "", err
		}
		str := string(b)
		_, err = c.r.Discard(n)
		return str, err
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(c.r, buf); err != nil {
		return "", err
	}
	return unsafe.String(unsafe.SliceData(buf), n), nil
}

// rec returns the record of document i of b.
func (b *batch) rec(i int) []byte {
	start := 0
	if i > 0 {
		start = b.recEnd[i-1]
	}
	return b.recs[start:b.recEnd[i]]
}

// spoolEOF says that a spool ended before the last record pass 1 wrote to it.
func spoolEOF(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("it ends before its last record (was the temporary file changed?)")
	}
	return err
}
