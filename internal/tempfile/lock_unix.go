//go:build unix

package tempfile

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// Lock takes an exclusive lock on f, a file or folder opened by this process, that marks
// it as held by a live run: Stale reports false while f is open. It does not wait: an
// entry locked by another run is an error.
func Lock(f *os.File) error {
	if err := flock(f, syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return fmt.Errorf("lock %s: %w", f.Name(), err)
	}
	return nil
}

// tryLock reports whether f could be locked, i.e. no other open file holds its lock.
func tryLock(f *os.File) bool {
	return flock(f, syscall.LOCK_EX|syscall.LOCK_NB) == nil
}

func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

// alive reports whether a process with this PID exists (a process of another user
// counts).
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
