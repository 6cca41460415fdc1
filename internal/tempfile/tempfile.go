// Package tempfile creates winnow's temporary files and folders so that what a dead run
// left behind (killed with SIGKILL, out of memory, a power cut) is found and removed by
// a later run, and what a live run holds never is.
//
// Every temporary name is PREFIX + PID + "-" + RANDOM: PID is the process that made
// it, RANDOM eight characters of [0-9a-z]. PREFIX is either "winnow-WHAT-" (spools in
// the system's temporary folder: "winnow-spool-", "winnow-stdin-") or ".NAME.tmp-"
// (the hidden sibling of an output NAME that is renamed onto NAME when complete). The
// maker also holds an exclusive flock(2) lock on the file or folder for as long as it
// keeps it open; the kernel drops the lock when the process dies, however it dies.
//
// An entry is stale when its PID is not a running process and nobody holds its lock.
// Both are checked: the PID alone can be reused by an unrelated process (the entry is
// then kept a while longer, which is safe) and means nothing to a run in another PID
// namespace that shares the folder (the lock still protects it); the lock alone is not
// yet taken in the instant between creating a file and locking it (the PID, ours,
// protects it). Sweep removes the stale entries of a folder; Create and Mkdir sweep
// their folder before their first use of it in a process. Names of any other shape are
// never touched.
//
// On systems without flock(2) and signal 0 (Windows), nothing is ever stale: Sweep
// removes nothing.
package tempfile

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
)

// shape matches a temporary name and captures its PID.
var shape = regexp.MustCompile(`^(?:winnow-[^/]*-|\.[^/]+\.tmp-)([1-9][0-9]{0,9})-[0-9a-z]{8}$`)

// owner matches the PID-RANDOM tail of a name made by Name, whatever its prefix.
var owner = regexp.MustCompile(`([1-9][0-9]{0,9})-[0-9a-z]{8}$`)

// Is reports whether name (a base name) has the shape of a temporary name made by
// Create or Mkdir.
func Is(name string) bool { return shape.MatchString(name) }

// checkPrefix reports an error for a prefix whose names Sweep would not recognize.
func checkPrefix(prefix string) error {
	if !Is(prefix + "1-00000000") {
		return fmt.Errorf("temporary name prefix %q: want \"winnow-WHAT-\" or \".NAME.tmp-\"", prefix)
	}
	return nil
}

// Name returns a new name for prefix, owned by this process: prefix + PID + "-" +
// eight random characters. It does not create anything.
func Name(prefix string) string {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	var r [8]byte
	for i := range r {
		r[i] = digits[rand.IntN(len(digits))]
	}
	return prefix + strconv.Itoa(os.Getpid()) + "-" + string(r[:])
}

// Create creates a new temporary file in dir (the system's temporary folder when dir is
// ""), named prefix + PID + "-" + RANDOM, opened for reading and writing with
// permission 0600, and locked for as long as it is open. prefix must be "winnow-WHAT-"
// or ".NAME.tmp-". Before its first use of dir in this process, Create removes the
// stale temporary files and folders of dead runs there (see Sweep).
//
// The caller removes the file when done with it (close, then remove or rename); if the
// process dies first, a later run's Sweep removes it. Every temporary file of winnow
// is made by Create (or its folders by Mkdir), so that none outlives a killed run.
func Create(dir, prefix string) (*os.File, error) {
	if err := checkPrefix(prefix); err != nil {
		return nil, err
	}
	if dir == "" {
		dir = os.TempDir()
	}
	sweepOnce(dir)
	for try := 0; ; try++ {
		path := filepath.Join(dir, Name(prefix))
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) && try < 100 {
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := Lock(f); err != nil {
			f.Close()
			os.Remove(path)
			return nil, err
		}
		return f, nil
	}
}

// Dir is a temporary folder made by Mkdir, locked until Remove or Release.
type Dir struct {
	Path string // the folder, joined to the dir given to Mkdir
	f    *os.File
}

// Mkdir creates a new temporary folder in dir (the system's temporary folder when dir is
// ""), named and swept as Create's files are, with permission 0700, and locks it until
// Remove or Release. What is put inside needs no name of its own: the folder is removed
// as a whole.
func Mkdir(dir, prefix string) (*Dir, error) {
	if err := checkPrefix(prefix); err != nil {
		return nil, err
	}
	if dir == "" {
		dir = os.TempDir()
	}
	sweepOnce(dir)
	for try := 0; ; try++ {
		path := filepath.Join(dir, Name(prefix))
		err := os.Mkdir(path, 0o700)
		if errors.Is(err, fs.ErrExist) && try < 100 {
			continue
		}
		if err != nil {
			return nil, err
		}
		f, err := os.Open(path)
		if err == nil {
			if err = Lock(f); err != nil {
				f.Close()
			}
		}
		if err != nil {
			os.Remove(path)
			return nil, err
		}
		return &Dir{Path: path, f: f}, nil
	}
}

// Remove removes the folder with everything in it and releases its lock. Remove after
// Remove or Release does nothing.
func (d *Dir) Remove() error {
	if d.f == nil {
		return nil
	}
	err := os.RemoveAll(d.Path)
	d.Release()
	return err
}

// Release releases the lock without removing the folder, once it has been renamed to a
// name of its own (it is then no longer temporary).
func (d *Dir) Release() {
	if d.f != nil {
		d.f.Close()
		d.f = nil
	}
}

// Stale reports whether the file or folder at path, whose name ends in the PID-RANDOM
// tail that Name gives, belongs to no live run: its PID is not a running process (nor
// this one) and its lock is free. A name without that tail is never stale.
func Stale(path string) bool {
	f := claim(path)
	if f == nil {
		return false
	}
	f.Close()
	return true
}

// claim returns path opened and locked when it is stale, or nil.
func claim(path string) *os.File {
	m := owner.FindStringSubmatch(filepath.Base(path))
	if m == nil {
		return nil
	}
	pid, err := strconv.Atoi(m[1])
	if err != nil || pid == os.Getpid() || alive(pid) {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	if !tryLock(f) {
		f.Close()
		return nil
	}
	return f
}

// Sweep removes the stale temporary files and folders in dir (see Stale) and returns
// the names it removed. Entries of any other shape, symbolic links among them, are left
// alone; so are those it cannot open or remove (another user's, in a shared /tmp).
func Sweep(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() && !e.IsDir() || !Is(name) {
			continue
		}
		path := filepath.Join(dir, name)
		// removed while holding the lock: a run cannot take it over meanwhile
		if f := claim(path); f != nil {
			if os.RemoveAll(path) == nil {
				removed = append(removed, name)
			}
			f.Close()
		}
	}
	return removed
}

// swept holds the folders swept by sweepOnce, by absolute path.
var swept sync.Map

// sweepOnce sweeps dir the first time this process uses it.
func sweepOnce(dir string) {
	key := dir
	if abs, err := filepath.Abs(dir); err == nil {
		key = abs
	}
	if _, done := swept.LoadOrStore(key, true); !done {
		Sweep(dir)
	}
}
