package export

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/winnowdata/winnow/internal/tempfile"
)

// Stdout is the output name that selects standard output.
const Stdout = "-"

// ErrAborted is returned by Commit and Close after the output was aborted, by Abort or by
// an earlier failed write.
var ErrAborted = errors.New("output aborted")

// tempFile is the part of *os.File that AtomicFile uses. Tests swap in a file that fails
// like a full disk.
type tempFile interface {
	io.Writer
	Sync() error
	Close() error
	Chmod(fs.FileMode) error
	Name() string
}

// createTemp creates the temporary file of an AtomicFile with tempfile.Create; a
// variable so tests can inject failing files.
var createTemp = func(dir, prefix string) (tempFile, error) {
	return tempfile.Create(dir, prefix)
}

// stdout is where the output name "-" writes; a variable so tests can capture it.
var stdout io.Writer = os.Stdout

// filePerm is the permission of committed files (the temporary file is created with
// 0600).
const filePerm fs.FileMode = 0o644

// AtomicFile is an output file that appears at its destination whole or not at all. It
// writes into a temporary file in the destination's folder, ".NAME.tmp-PID-RANDOM" (made
// by tempfile.Create: if the process is killed, the next run that writes into that
// folder removes it); Commit syncs it and renames it onto the destination, Abort
// removes it. After either, the other does nothing, so
//
//	f, err := export.CreateAtomic(path)
//	...
//	defer f.Abort()
//	... write ...
//	return f.Commit()
//
// cleans up on every error path. An AtomicFile for "-" writes straight to standard
// output; Commit and Abort then only mark it finished. So does an AtomicFile for an
// existing file that is not a regular file, such as /dev/null, /dev/stdout or a named
// pipe: it is opened and written in place, since renaming a temporary file onto it
// would replace the device or pipe by a regular file; Commit and Abort close it.
//
// An AtomicFile is not safe for concurrent use.
type AtomicFile struct {
	path string
	tmp  tempFile  // nil for standard output and for a device or pipe
	dev  *os.File  // a device or pipe written in place, or nil
	w    io.Writer // tmp, dev or stdout
	done bool      // committed or aborted
	err  error     // why it was aborted, if it was: what Commit and Write return

	writeErr error // the failed write that aborted it, if one did

	written, handed int64 // bytes written to tmp, and handed to the kernel's writeback
}

// writebackChunk is how many bytes an AtomicFile writes between two requests to the
// kernel to start writing them to disk (startWriteback).
const writebackChunk = 8 << 20

// CreateAtomic starts writing the file path (or standard output for "-"). The folder of
// path must exist: CreateAtomic creates nothing but its temporary file.
func CreateAtomic(path string) (*AtomicFile, error) {
	if path == Stdout {
		return &AtomicFile{path: path, w: stdout}, nil
	}
	if path == "" {
		return nil, errors.New("create output: empty file name")
	}
	dir, base := filepath.Split(path)
	if base == "" {
		return nil, fmt.Errorf("create %s: not a file name", path)
	}
	if dir == "" {
		dir = "."
	}
	if err := checkDir(path, dir); err != nil {
		return nil, err
	}
	if fi, err := os.Stat(path); err == nil {
		switch {
		case fi.IsDir():
			return nil, fmt.Errorf("create %s: is a directory", path)
		case !fi.Mode().IsRegular():
			// A device or a named pipe: write to it, do not replace it.
			dev, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				return nil, fmt.Errorf("create %s: %w", path, err)
			}
			return &AtomicFile{path: path, dev: dev, w: dev}, nil
		}
	}
	tmp, err := createTemp(dir, "."+base+".tmp-")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return &AtomicFile{path: path, tmp: tmp, w: tmp}, nil
}

// checkDir reports an error naming dir when the folder that is to hold path is missing
// or is not a folder.
func checkDir(path, dir string) error {
	dir = filepath.Clean(dir)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &MissingDirError{Path: path, Dir: dir}
	case err != nil:
		return fmt.Errorf("create %s: %w", path, err)
	case !fi.IsDir():
		return fmt.Errorf("create %s: %s is not a directory", path, dir)
	}
	return nil
}

// MissingDirError is returned when an output's folder does not exist. Winnow does not
// create missing parent folders. It matches fs.ErrNotExist with errors.Is.
type MissingDirError struct {
	Path string // the output asked for
	Dir  string // its missing folder
}

func (e *MissingDirError) Error() string {
	return fmt.Sprintf("create %s: directory %s does not exist", e.Path, e.Dir)
}

// Unwrap returns fs.ErrNotExist.
func (e *MissingDirError) Unwrap() error { return fs.ErrNotExist }

// Name returns the destination path ("-" for standard output).
func (f *AtomicFile) Name() string { return f.path }

// Write writes to the temporary file (or to standard output). A failed write aborts the
// file: the temporary file is removed and every later call fails.
func (f *AtomicFile) Write(p []byte) (int, error) {
	if f.done {
		if f.err != nil {
			return 0, f.err
		}
		return 0, fmt.Errorf("write %s: %w", f.path, fs.ErrClosed)
	}
	n, err := f.w.Write(p)
	if err != nil {
		// Name the destination, not the temporary file.
		f.writeErr = fmt.Errorf("write %s: %w", f.path, unwrapPath(err))
		f.abort(f.writeErr)
		return n, f.writeErr
	}
	if f.tmp != nil {
		f.written += int64(n)
		if f.written-f.handed >= writebackChunk {
			startWriteback(f.tmp, f.handed, f.written-f.handed)
			f.handed = f.written
		}
	}
	return n, nil
}

// Commit makes the written bytes the content of the destination: it syncs and closes the
// temporary file and renames it onto the destination, replacing any file there. If any
// step fails, the temporary file is removed and the destination is left as it was.
// Commit after Commit does nothing and returns nil; Commit after Abort does nothing and
// returns an error that matches ErrAborted.
func (f *AtomicFile) Commit() error {
	if f.done {
		return f.err
	}
	f.done = true
	if f.dev != nil {
		if err := f.dev.Close(); err != nil {
			f.err = fmt.Errorf("commit %s: %w", f.path, unwrapPath(err))
			return f.err
		}
		return nil
	}
	if f.tmp == nil {
		return nil
	}
	tmp := f.tmp.Name()
	err := f.tmp.Sync()
	if err == nil {
		err = f.tmp.Chmod(filePerm)
	}
	if cerr := f.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, f.path)
	}
	if err != nil {
		os.Remove(tmp)
		f.err = fmt.Errorf("commit %s: %w", f.path, err)
		return f.err
	}
	syncDir(filepath.Dir(f.path))
	return nil
}

// Abort gives the file up: it closes and removes the temporary file. The destination is
// left as it was. Abort after Commit or Abort does nothing.
func (f *AtomicFile) Abort() {
	f.abort(fmt.Errorf("%s: %w", f.path, ErrAborted))
}

func (f *AtomicFile) abort(cause error) {
	if f.done {
		return
	}
	f.done = true
	if !errors.Is(cause, ErrAborted) {
		cause = &abortError{cause}
	}
	f.err = cause
	if f.dev != nil {
		f.dev.Close()
	}
	if f.tmp != nil {
		f.tmp.Close()
		os.Remove(f.tmp.Name())
	}
}

// unwrapPath returns the cause of a *fs.PathError, which names the temporary file
// rather than the destination, or err itself.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// abortError is the error of a file aborted by a failed write: it reads as that write's
// error and matches both it and ErrAborted.
type abortError struct{ err error }

func (e *abortError) Error() string   { return e.err.Error() }
func (e *abortError) Unwrap() []error { return []error{e.err, ErrAborted} }

// syncDir makes a rename in dir durable. It is best effort: some systems cannot sync a
// folder, and the rename has already happened.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}
