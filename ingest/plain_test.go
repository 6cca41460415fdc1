package ingest

import (
	"math/rand/v2"
	"testing"
)

// isSpecial is the byte test plainPrefix makes: a quote, a backslash or a control
// character.
func isSpecial(c byte) bool { return c == '"' || c == '\\' || c < 0x20 }

// checkPlainPrefix fails t unless plainPrefix(b) passes over plain bytes only, and
// stops either at a special byte or where its whole 32-byte blocks end (or at 0, where
// it does nothing).
func checkPlainPrefix(t *testing.T, b []byte) {
	t.Helper()
	n := plainPrefix(b)
	if n < 0 || n > len(b) {
		t.Fatalf("plainPrefix of %d bytes = %d", len(b), n)
	}
	for i, c := range b[:n] {
		if isSpecial(c) {
			t.Fatalf("plainPrefix = %d passes over %#x at %d", n, c, i)
		}
	}
	if n == 0 || n == len(b)&^31 {
		return
	}
	if !isSpecial(b[n]) {
		t.Fatalf("plainPrefix = %d stops at a plain byte %#x (len %d)", n, b[n], len(b))
	}
}

// TestPlainPrefix: every special byte in every place of a block, in slices of every
// length and start, and plain bytes of every value, including UTF-8's high bytes.
func TestPlainPrefix(t *testing.T) {
	plain := make([]byte, 0, 256)
	for c := range 256 {
		if !isSpecial(byte(c)) {
			plain = append(plain, byte(c))
		}
	}
	buf := make([]byte, 160)
	for i := range buf {
		buf[i] = plain[i%len(plain)]
	}
	for start := range 8 {
		for end := start; end <= len(buf); end++ {
			checkPlainPrefix(t, buf[start:end])
		}
	}
	if hasPlainAVX() && plainPrefix(buf) != len(buf)&^31 {
		t.Errorf("all plain: %d passed over, want %d", plainPrefix(buf), len(buf)&^31)
	}
	for _, sp := range []byte{'"', '\\', 0, 0x1f, '\n', '\t'} {
		for at := range 100 {
			b := append([]byte(nil), buf[:128]...)
			b[at] = sp
			checkPlainPrefix(t, b)
			if hasPlainAVX() && plainPrefix(b) != at {
				t.Fatalf("%#x at %d: %d passed over", sp, at, plainPrefix(b))
			}
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		b := make([]byte, rng.IntN(300))
		for i := range b {
			b[i] = plain[rng.IntN(len(plain))]
			if rng.IntN(200) == 0 {
				b[i] = "\"\\\n\x00\x1f"[rng.IntN(5)]
			}
		}
		checkPlainPrefix(t, b)
	}
}

// FuzzPlainPrefix: any bytes.
func FuzzPlainPrefix(f *testing.F) {
	f.Add([]byte(`a plain run of text that is longer than one block, then "a quote`))
	f.Add([]byte("\xc3\xa9\xe2\x80\x99 and more text, thirty-two bytes or more\\n"))
	f.Fuzz(func(t *testing.T, b []byte) { checkPlainPrefix(t, b) })
}
