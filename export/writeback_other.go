//go:build !linux

package export

// startWriteback does nothing where there is no sync_file_range: Commit's fsync
// writes the whole file.
func startWriteback(f any, off, n int64) {}
