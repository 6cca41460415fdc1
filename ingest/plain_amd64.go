//go:build amd64 && !purego

package ingest

import "golang.org/x/sys/cpu"

// hasPlainAVX2 says whether plainPrefix may run plainPrefixAVX2.
var hasPlainAVX2 = cpu.X86.HasAVX2

// plainPrefixAVX2 returns the index of the first quote, backslash or control
// character (below 0x20) of b, when it lies in b's whole 32-byte blocks; otherwise
// the length of those blocks (len(b) rounded down to 32), where the caller goes on.
//
//go:noescape
func plainPrefixAVX2(b []byte) int

// plainPrefix returns how many leading bytes of b scanString may pass over at once:
// none of them a quote, a backslash or a control character. It looks at 32 bytes an
// instruction where the CPU has AVX2 (the 8-byte test of special took a sixth of the
// JSON decoding), and returns 0 elsewhere, leaving it all to special.
func plainPrefix(b []byte) int {
	if !hasPlainAVX2 || len(b) < 32 {
		return 0
	}
	return plainPrefixAVX2(b)
}

// hasPlainAVX reports whether plainPrefix scans (for the tests).
func hasPlainAVX() bool { return hasPlainAVX2 }
