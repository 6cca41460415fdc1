package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/winnowdata/winnow/internal/tempfile"
)

// StdinName names stdin in Document.File, in ids and in errors.
const StdinName = "stdin"

const stdinName = StdinName

// Open opens inputs (files, folders, glob patterns, or "-" for stdin; see the package
// documentation) as one Reader that yields their documents in order. It checks the
// options and resolves every input first: a missing input ("open X: no such file or
// directory") or a folder or glob without any article file ("no input files in X") is
// an error before anything is read. Files are then opened one at a time as the Reader
// reaches them, and folders are walked lazily, so memory does not grow with the number
// of files. ctx cancels the reading: Next stops and Err returns ctx.Err().
//
// The Reader must be closed. It is not safe for concurrent use, except BytesRead.
func Open(ctx context.Context, inputs []string, opts Options) (Reader, error) {
	opts, err := opts.check()
	if err != nil {
		return nil, err
	}
	if len(inputs) == 0 {
		return nil, errors.New("no input given")
	}
	m := &multi{ctx: ctx, opts: opts, names: namesOf(opts)}
	x := newExclusion(opts)
	stdin := 0
	for _, spec := range inputs {
		if spec == "-" {
			if stdin++; stdin > 1 {
				return nil, errors.New(`stdin ("-") can be read only once`)
			}
			if opts.Stdin != "" {
				if _, err := os.Stat(opts.Stdin); err != nil {
					return nil, openError(err)
				}
			}
		}
		in, err := resolve(spec, x)
		if err != nil {
			return nil, err
		}
		m.inputs = append(m.inputs, in)
	}
	return m, nil
}

// check validates the options and fills in the defaults of empty values.
func (o Options) check() (Options, error) {
	o.Format = strings.ToLower(o.Format)
	switch o.Format {
	case "":
		o.Format = "auto"
	case "auto", "txt", "jsonl", "parquet", "wet":
	default:
		return o, fmt.Errorf("unknown format %q (want auto, txt, jsonl, parquet or wet)", o.Format)
	}
	if o.TextField == "" {
		return o, errors.New("text field name is empty")
	}
	return o, nil
}

// fileRef is one file to read and the names its documents get.
type fileRef struct {
	path   string // path to open
	name   string // in errors and Document.File
	id     string // ID of a .txt article
	source string // Source of a .txt article: its folder's name
	stdin  bool
}

// fileIter yields files; next returns io.EOF after the last.
type fileIter interface {
	next() (fileRef, error)
}

// input is one resolved input: its first file, found by Open, then the rest.
type input struct {
	first *fileRef
	iter  fileIter
}

// resolve finds the first file of one input.
func resolve(spec string, x *exclusion) (*input, error) {
	it, err := iterate(spec, x)
	if err != nil {
		return nil, err
	}
	first, err := it.next()
	if err == io.EOF {
		return nil, fmt.Errorf("no input files in %s", spec)
	}
	if err != nil {
		return nil, err
	}
	return &input{first: &first, iter: it}, nil
}

// iterate returns the files of one input, passing over what x excludes in folders and
// glob matches (x may be nil).
func iterate(spec string, x *exclusion) (fileIter, error) {
	if spec == "-" {
		return &list{refs: []fileRef{{path: "-", name: stdinName, id: stdinName, stdin: true}}}, nil
	}
	fi, err := os.Stat(spec)
	switch {
	case err == nil && fi.IsDir():
		return newWalker(spec, "", x)
	case err == nil:
		return &list{refs: []fileRef{singleFile(spec)}}, nil
	case errors.Is(err, fs.ErrNotExist) && hasGlobMeta(spec):
		return newGlob(spec, x)
	default:
		return nil, openError(err)
	}
}

// singleFile names a file given by itself: its id is its base name, its source the
// name of the folder it is in.
func singleFile(path string) fileRef {
	return fileRef{path: path, name: path, id: filepath.Base(path), source: folderName(filepath.Dir(path))}
}

// folderName returns the name of folder dir, resolving "." and "..".
func folderName(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return filepath.Base(dir)
}

// openError words a stat error as the open error it stands for.
func openError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: "open", Path: pe.Path, Err: pe.Err}
	}
	return err
}

// list yields a fixed list of files.
type list struct {
	refs []fileRef
}

func (l *list) next() (fileRef, error) {
	if len(l.refs) == 0 {
		return fileRef{}, io.EOF
	}
	r := l.refs[0]
	l.refs = l.refs[1:]
	return r, nil
}

// picked reports whether a file of a folder is read: by its extension.
func picked(name string) bool {
	lower := strings.ToLower(name)
	for _, ext := range [...]string{".txt", ".jsonl", ".json", ".ndjson", ".parquet", ".wet", ".gz", ".zst", ".zstd"} {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return false
}

func hidden(name string) bool { return strings.HasPrefix(name, ".") }

// walker walks a folder depth first in lexical order, lazily: it holds the entries of
// the folders on the current path only.
type walker struct {
	stack []*frame
	x     *exclusion
}

// frame is one folder being walked.
type frame struct {
	dir     string // its path as walked
	id      string // id prefix of its files: the path relative to the root, with "/"
	name    string // its name: the source of its files
	info    fs.FileInfo
	entries []fs.DirEntry
	i       int
}

// newWalker walks folder dir, whose files get ids prefixed by id, passing over what x
// excludes.
func newWalker(dir, id string, x *exclusion) (*walker, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, openError(err)
	}
	w := &walker{x: x}
	if err := w.push(dir, id, folderName(dir), info); err != nil {
		return nil, err
	}
	return w, nil
}

// push enters a folder, unless it is one of the folders already being walked: a
// symbolic link loop.
func (w *walker) push(dir, id, name string, info fs.FileInfo) error {
	for _, f := range w.stack {
		if os.SameFile(f.info, info) {
			return fmt.Errorf("symlink loop: %s leads back to %s", dir, f.dir)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	w.stack = append(w.stack, &frame{dir: dir, id: id, name: name, info: info, entries: entries})
	return nil
}

func (w *walker) next() (fileRef, error) {
	for len(w.stack) > 0 {
		f := w.stack[len(w.stack)-1]
		if f.i >= len(f.entries) {
			w.stack[len(w.stack)-1] = nil
			w.stack = w.stack[:len(w.stack)-1]
			continue
		}
		e := f.entries[f.i]
		f.i++
		name := e.Name()
		if hidden(name) {
			continue
		}
		path := filepath.Join(f.dir, name)
		typ := e.Type()
		var info fs.FileInfo
		if typ&fs.ModeSymlink != 0 {
			var err error
			if info, err = os.Stat(path); err != nil {
				return fileRef{}, openError(err)
			}
			typ = info.Mode().Type()
		}
		if (typ.IsDir() || typ.IsRegular()) && w.x.skip(path, name, info) {
			continue
		}
		switch {
		case typ.IsDir():
			if info == nil {
				var err error
				if info, err = e.Info(); err != nil {
					return fileRef{}, err
				}
			}
			if err := w.push(path, f.id+name+"/", name, info); err != nil {
				return fileRef{}, err
			}
		case typ.IsRegular() && picked(name):
			return fileRef{path: path, name: path, id: f.id + name, source: f.name}, nil
		}
	}
	return fileRef{}, io.EOF
}

func hasGlobMeta(s string) bool { return strings.ContainsAny(s, `*?[\`) }

// glob yields the matches of a pattern in order, walking the matched folders. Ids are
// relative to the pattern's fixed leading folder ("data" for "data/*/*.jsonl").
type glob struct {
	root    string
	matches []string
	sub     *walker
	x       *exclusion
}

func newGlob(pattern string, x *exclusion) (*glob, error) {
	matches, err := filepath.Glob(pattern)
	if err != nil {
		return nil, fmt.Errorf("bad pattern %q: %w", pattern, err)
	}
	slices.Sort(matches)
	root := filepath.Dir(pattern)
	for hasGlobMeta(root) {
		root = filepath.Dir(root)
	}
	return &glob{root: root, matches: matches, x: x}, nil
}

func (g *glob) next() (fileRef, error) {
	for {
		if g.sub != nil {
			ref, err := g.sub.next()
			if err != io.EOF {
				return ref, err
			}
			g.sub = nil
		}
		if len(g.matches) == 0 {
			return fileRef{}, io.EOF
		}
		m := g.matches[0]
		g.matches = g.matches[1:]
		id, err := filepath.Rel(g.root, m)
		if err != nil {
			id = filepath.Base(m)
		}
		id = filepath.ToSlash(id)
		if slices.ContainsFunc(strings.Split(id, "/"), hidden) {
			continue
		}
		fi, err := os.Stat(m)
		if err != nil {
			return fileRef{}, openError(err)
		}
		if (fi.IsDir() || fi.Mode().IsRegular()) && g.x.skip(m, filepath.Base(m), fi) {
			continue
		}
		if fi.IsDir() {
			if g.sub, err = newWalker(m, id+"/", g.x); err != nil {
				return fileRef{}, err
			}
			continue
		}
		if fi.Mode().IsRegular() && picked(m) {
			return fileRef{path: m, name: m, id: id, source: folderName(filepath.Dir(m))}, nil
		}
	}
}

// exclusion is what folder walks and glob matches pass over: Options.Exclude.
type exclusion struct {
	abs   map[string]bool // the excluded paths, absolute
	names map[string]bool // their base names
	infos []fs.FileInfo   // of those that exist
	on    func(string)
}

func newExclusion(o Options) *exclusion {
	if len(o.Exclude) == 0 {
		return nil
	}
	x := &exclusion{abs: map[string]bool{}, names: map[string]bool{}, on: o.OnExclude}
	for _, p := range o.Exclude {
		if p == "" || p == "-" {
			continue
		}
		if abs, err := filepath.Abs(p); err == nil {
			x.abs[abs] = true
		}
		x.names[filepath.Base(p)] = true
		if fi, err := os.Stat(p); err == nil {
			x.infos = append(x.infos, fi)
		}
	}
	return x
}

// skip reports whether the file or folder at path, named name, is excluded or inside an
// excluded folder, and tells OnExclude if it is. info is what os.Stat says of path when the caller has it (a
// symbolic link, a glob match), or nil: then only an entry with the name of an
// excluded path is looked at further, so that a walk costs no extra system call a
// file.
func (x *exclusion) skip(path, name string, info fs.FileInfo) bool {
	if x == nil || info == nil && !x.names[name] {
		return false
	}
	hit := false
	if abs, err := filepath.Abs(path); err == nil {
		// the path or a folder it is in
		for d := abs; !hit; d = filepath.Dir(d) {
			hit = x.abs[d]
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	if !hit && len(x.infos) > 0 {
		if info == nil {
			info, _ = os.Stat(path)
		}
		for _, xi := range x.infos {
			if info != nil && os.SameFile(info, xi) {
				hit = true
				break
			}
		}
	}
	if hit && x.on != nil {
		x.on(path)
	}
	return hit
}

// TotalSize returns the summed size of the files of inputs that Open would read with
// options o (not those o.Exclude passes over), for a progress bar. It is best effort:
// inputs it cannot resolve count 0, and so does stdin.
func TotalSize(inputs []string, o Options) int64 {
	var total int64
	x := newExclusion(Options{Exclude: o.Exclude}) // (said once, by Open)
	for _, spec := range inputs {
		if spec == "-" {
			continue
		}
		it, err := iterate(spec, x)
		if err != nil {
			continue
		}
		for {
			ref, err := it.next()
			if err != nil {
				break
			}
			if fi, err := os.Stat(ref.path); err == nil {
				total += fi.Size()
			}
		}
	}
	return total
}

// Spool copies r (normally os.Stdin) to a new temporary file under dir (os.TempDir()
// when dir is ""), so that it can be read twice, and returns its path and a cleanup
// func that removes it. The file is named "stdin" in a folder of its own,
// "winnow-stdin-PID-RANDOM" (made by tempfile.Mkdir, so that a later run removes it if
// this process is killed), so that its documents get the same default ids as documents
// read from stdin directly; set Options.Stdin to the path to read it as "-".
func Spool(ctx context.Context, r io.Reader, dir string) (path string, cleanup func(), err error) {
	tmp, err := tempfile.Mkdir(dir, "winnow-stdin-")
	if err != nil {
		return "", func() {}, fmt.Errorf("spool stdin: %w", err)
	}
	cleanup = func() { tmp.Remove() }
	path = filepath.Join(tmp.Path, stdinName)
	f, err := os.Create(path)
	if err != nil {
		cleanup()
		return "", func() {}, fmt.Errorf("spool stdin: %w", err)
	}
	// Copy on a goroutine, so that cancellation ends Spool even while a read from r
	// blocks (stdin is a pipe whose writer is idle): the goroutine is then left behind,
	// blocked in Read, and ends at r's next read, writing into the closed, removed file.
	copied := make(chan error, 1)
	go func() {
		_, err := io.Copy(f, ctxReader{ctx: ctx, r: r})
		copied <- err
	}()
	select {
	case err = <-copied:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		cleanup()
		return "", func() {}, fmt.Errorf("spool stdin: %w", err)
	}
	return path, cleanup, nil
}

// ctxReader stops reading once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
