// Package scan finds, 32 bytes an instruction where the CPU has AVX2, how far a run
// of bytes goes before the first byte that needs a closer look: the first non-ASCII
// byte (ASCIIPrefix), or the first byte a JSON string cannot hold as it is
// (JSONPlainPrefix). Each looks at whole 32-byte blocks only and leaves the rest, the
// tail and the bytes of a CPU without AVX2, to the caller's own loop: a result of 0
// means nothing was passed over, not that the first byte needs a look.
package scan

import "unsafe"

// ASCIIPrefix returns the index of the first byte of b that is not ASCII (0x80 or
// more), when it lies in b's whole 32-byte blocks; otherwise the length of those
// blocks (len(b) rounded down to 32), or 0 without AVX2.
func ASCIIPrefix(b []byte) int {
	if !hasAVX2 || len(b) < 32 {
		return 0
	}
	return asciiPrefixAVX2(unsafe.SliceData(b), len(b))
}

// ASCIIPrefixString is ASCIIPrefix of a string.
func ASCIIPrefixString(s string) int {
	if !hasAVX2 || len(s) < 32 {
		return 0
	}
	return asciiPrefixAVX2(unsafe.StringData(s), len(s))
}

// JSONPlainPrefix returns the index of the first quote, backslash or control
// character (below 0x20) of b, when it lies in b's whole 32-byte blocks; otherwise
// the length of those blocks, or 0 without AVX2. Bytes of 0x80 or more are plain:
// the caller checks UTF-8 apart.
func JSONPlainPrefix(b []byte) int {
	if !hasAVX2 || len(b) < 32 {
		return 0
	}
	return jsonPlainPrefixAVX2(unsafe.SliceData(b), len(b))
}
