//go:build !amd64 || purego

package ingest

// plainPrefix returns 0: without AVX2, scanString's 8-byte test does it all (see
// plain_amd64.go).
func plainPrefix([]byte) int { return 0 }

// hasPlainAVX reports whether plainPrefix scans (for the tests): never here.
func hasPlainAVX() bool { return false }
