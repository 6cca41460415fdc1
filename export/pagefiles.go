package export

import (
	"io"
	"os"

	"github.com/winnowdata/winnow/internal/tempfile"
)

// pageFiles is a parquet.BufferPool that keeps each column's pages, while their row
// group is written, in a temporary file in dir instead of in memory. A row group is
// written column after column, so the writer holds the compressed pages of every
// column until the last one is done: about a row group's compressed size, 20 MB on
// gen_corpus and more on text that compresses less, for each writer. In a file they
// wait in the page cache, outside the process.
//
// A file is removed as soon as it is made: only its descriptor holds it, and the
// system frees it when the descriptor is closed (PutBuffer), or when the process ends
// however it ends. A file is made by tempfile.Create, so one whose process was killed
// in the instant between making and removing it has a name that the next run's sweep
// removes. Where an open file cannot be removed (Windows), it is removed when it is
// put back.
type pageFiles struct{ dir string }

// unlink removes a page file from its folder; tests replace it.
var unlink = os.Remove

func (p pageFiles) GetBuffer() io.ReadWriteSeeker {
	f, err := tempfile.Create(p.dir, "winnow-pages-")
	if err != nil {
		return failedBuffer{err}
	}
	if unlink(f.Name()) == nil {
		return unlinkedFile{f}
	}
	return f
}

func (p pageFiles) PutBuffer(b io.ReadWriteSeeker) {
	switch f := b.(type) {
	case unlinkedFile:
		f.Close()
	case *os.File:
		f.Close()
		os.Remove(f.Name())
	}
}

// unlinkedFile is a page file already removed from its folder.
type unlinkedFile struct{ *os.File }

// failedBuffer is the buffer of a page file that could not be made: every call fails
// with the error, which the writer reports.
type failedBuffer struct{ err error }

func (b failedBuffer) Read([]byte) (int, error)       { return 0, b.err }
func (b failedBuffer) Write([]byte) (int, error)      { return 0, b.err }
func (b failedBuffer) Seek(int64, int) (int64, error) { return 0, b.err }
