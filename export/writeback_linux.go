package export

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// startWriteback asks the kernel to start writing bytes [off, off+n) of f to disk
// without waiting (sync_file_range with SYNC_FILE_RANGE_WRITE), so that the fsync of
// Commit finds most of the file already written instead of waiting for all of it. It
// is a hint: errors are ignored, and a file that is not an *os.File is left alone.
func startWriteback(f any, off, n int64) {
	c, ok := f.(syscall.Conn)
	if !ok {
		return
	}
	rc, err := c.SyscallConn()
	if err != nil {
		return
	}
	rc.Control(func(fd uintptr) {
		unix.SyncFileRange(int(fd), off, n, unix.SYNC_FILE_RANGE_WRITE)
	})
}
