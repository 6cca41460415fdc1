//go:build !unix

package tempfile

import "os"

// Lock does nothing on this system.
func Lock(f *os.File) error { return nil }

// tryLock reports false: without locks, an entry could be a live run's.
func tryLock(f *os.File) bool { return false }

// alive reports true: without signal 0, any process could be running.
func alive(pid int) bool { return true }
