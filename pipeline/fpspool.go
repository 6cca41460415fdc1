package pipeline

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"unsafe"

	"github.com/winnowdata/winnow/ingest"
	"github.com/winnowdata/winnow/internal/tempfile"
	"github.com/winnowdata/winnow/schema"
)

// fpSpool holds pass 1's fingerprints of the documents (dedup.Doc.Encode), in input
// order, for pass 2 to judge them without fingerprinting them again: a temporary file
// of records, each after its length in 4 bytes. Pass 1's workers encode their batch's
// documents (encodeBatch) and its sink appends the batch (write); pass 2 reads them
// back in batches (next).
//
// A record also holds the document itself (appendDoc) when it comes from a gzip file
// (inline): pass 2 then takes it from the spool and does not inflate and decode that
// file again; it reads the other files as pass 1 did, skipping the inlined ones
// (ingest.Options.Files). Inflating costs more than writing and reading the text
// back; decoding JSON or zstd does not, on this machine's page cache: gen_corpus
// 1 GB, every document inlined, took 0.6 s less than reading the input again as
// .jsonl.gz, and 0.7 s more as .jsonl and as .jsonl.zst (docs/dedup.md).
type fpSpool struct {
	f       *os.File
	w       *bufio.Writer
	r       *bufio.Reader
	n       int          // documents written
	read    int          // documents read back
	inlined map[int]bool // ordinals of the files whose documents are in the spool
	gzStdin bool         // stdin (spooled to a file) is gzip
	free    chan []byte  // batches' record buffers, for the next batches (recycle)
	// dropped is set when the run gives the spool up (dropFPSpool): the workers then
	// encode no more
	dropped atomic.Bool
	close   func() // closes and removes the file, once (removeOnce)
}

// inline reports whether d's record holds d: whether its file is gzip, by its name,
// or it comes from stdin, which is gzip.
func (s *fpSpool) inline(d *schema.Document) bool {
	if s.gzStdin && d.File == ingest.StdinName {
		return true
	}
	return len(d.File) > 3 && strings.EqualFold(d.File[len(d.File)-3:], ".gz")
}

// isGzip reports whether the file at path starts as a gzip stream does.
func isGzip(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var head [2]byte
	_, err = io.ReadFull(f, head[:])
	return err == nil && head == [2]byte{0x1f, 0x8b}
}

func newFPSpool(dir string) (*fpSpool, error) {
	f, err := tempfile.Create(dir, "winnow-fingerprints-")
	if err != nil {
		return nil, fmt.Errorf("create the fingerprint spool: %w", err)
	}
	return &fpSpool{f: f, w: bufio.NewWriterSize(f, 1<<20), inlined: map[int]bool{}, free: make(chan []byte, 6),
		close: removeOnce(f)}, nil
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
		size += 48 + 8*len(b.fps[i].Shingles) + 100*len(b.fps[i].Paras)
		if s.inline(d) {
			size += 80 + len(d.ID) + len(d.Source) + len(d.URL) + len(d.Title) + len(d.Meta) + len(d.File) + len(d.Text)
		}
	}
	b.recs = slices.Grow(b.recs, size)
	for i, d := range b.docs {
		at := len(b.recs)
		b.recs = append(b.recs, 0, 0, 0, 0)
		b.recs = binary.AppendUvarint(b.recs, uint64(b.read))
		if s.inline(d) {
			b.recs = append(b.recs, 1)
			b.recs = appendDoc(b.recs, d)
		} else {
			b.recs = append(b.recs, 0)
		}
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
	for _, d := range b.docs {
		if s.inline(d) {
			s.inlined[d.FileIndex] = true
		}
	}
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
	// read once, in order: what is read is punched out (tempfile.Drainer)
	s.r = bufio.NewReaderSize(tempfile.NewDrainer(s.f, 0), 1<<20)
	return nil
}

// next reads the next batch of documents into b: at most batchDocs of them, or
// batchBytes of text, with their fingerprint records in b.recs, each ending at
// b.recEnd. A document not in its record is input's next. next returns the input bytes
// pass 1 had read after the last one, for the progress bar; b is left empty after the
// last document.
func (s *fpSpool) next(b *batch, input func() (*schema.Document, error)) (int64, error) {
	b.recs = s.buffer()
	var read int64
	for s.read < s.n && len(b.docs) < batchDocs && b.bytes < batchBytes {
		d, rd, err := s.readDoc(b)
		if err != nil {
			return 0, fmt.Errorf("read the fingerprint spool: %w", spoolEOF(err))
		}
		if d == nil {
			if d, err = input(); err != nil {
				return 0, err
			}
		}
		s.read++
		b.docs = append(b.docs, d)
		b.bytes += int64(len(d.Text))
		b.recEnd = append(b.recEnd, len(b.recs))
		read = rd
	}
	return read, nil
}

// readDoc reads one record: its document, returned (nil when it is not inline), and
// its fingerprint, appended to b.recs.
func (s *fpSpool) readDoc(b *batch) (*schema.Document, int64, error) {
	var n [4]byte
	if _, err := io.ReadFull(s.r, n[:]); err != nil {
		return nil, 0, err
	}
	rd := &countingReader{r: s.r}
	read, err := binary.ReadUvarint(rd)
	if err != nil {
		return nil, 0, err
	}
	flag, err := rd.ReadByte()
	if err != nil {
		return nil, 0, err
	}
	var d *schema.Document
	switch flag {
	case 0:
	case 1:
		if d, err = readDocFields(rd); err != nil {
			return nil, 0, err
		}
	default:
		return nil, 0, errBadRecord
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
	return d, int64(read), nil
}

var errBadRecord = errors.New("a record is damaged")

// appendDoc appends d to dst.
func appendDoc(dst []byte, d *schema.Document) []byte {
	for _, str := range [...]string{d.ID, d.Source, d.URL, d.Title, d.Meta, d.File, d.Text} {
		dst = binary.AppendUvarint(dst, uint64(len(str)))
		dst = append(dst, str...)
	}
	dst = binary.AppendUvarint(dst, uint64(d.Line))
	return binary.AppendUvarint(dst, uint64(d.FileIndex))
}

// readDocFields reads what appendDoc wrote. Each string is one allocation of its own,
// as the input readers make them: a kept id must not pin a batch's buffer.
func readDocFields(r *countingReader) (*schema.Document, error) {
	d := &schema.Document{}
	var err error
	for _, dst := range [...]*string{&d.ID, &d.Source, &d.URL, &d.Title, &d.Meta, &d.File, &d.Text} {
		if *dst, err = r.string(); err != nil {
			return nil, err
		}
	}
	line, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, err
	}
	fi, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, err
	}
	d.Line, d.FileIndex = int64(line), int(fi)
	return d, nil
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
