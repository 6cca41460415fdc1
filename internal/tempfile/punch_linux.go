package tempfile

import (
	"os"

	"golang.org/x/sys/unix"
)

// punch frees the storage of n bytes of f at off; the file keeps its size.
func punch(f *os.File, off, n int64) error {
	return unix.Fallocate(int(f.Fd()), unix.FALLOC_FL_PUNCH_HOLE|unix.FALLOC_FL_KEEP_SIZE, off, n)
}
