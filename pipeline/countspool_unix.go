//go:build unix

package pipeline

import (
	"os"
	"syscall"
)

// mapFile maps f read-only, or returns nil (an empty file, or mapping failed: the
// caller reads the file instead).
func mapFile(f *os.File) []byte {
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 || fi.Size() != int64(int(fi.Size())) {
		return nil
	}
	m, err := syscall.Mmap(int(f.Fd()), 0, int(fi.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil
	}
	return m
}

func unmapFile(m []byte) {
	if m != nil {
		syscall.Munmap(m)
	}
}
