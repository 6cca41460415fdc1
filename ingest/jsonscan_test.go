package ingest

import (
	"encoding/binary"
	"testing"
)

// TestSpecial checks the eight-byte test of scanString against safeUTF8: every byte
// value at every position, among bytes that pass and bytes that do not.
func TestSpecial(t *testing.T) {
	for _, fill := range []byte{'a', 0x7f, 0x80, 0xff, 0x20, 0x21} {
		for c := range 256 {
			for pos := range 8 {
				var b [8]byte
				for i := range b {
					b[i] = fill
				}
				b[pos] = byte(c)
				want := !safeUTF8[fill] || !safeUTF8[c]
				if got := special(binary.LittleEndian.Uint64(b[:])); got != want {
					t.Fatalf("special(%q) = %v, want %v", b, got, want)
				}
			}
		}
	}
}
