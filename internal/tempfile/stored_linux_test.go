package tempfile

import (
	"os"
	"syscall"
)

// stored returns the bytes of storage the file of st holds.
func stored(st os.FileInfo) (int64, bool) {
	s, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return s.Blocks * 512, true
}
