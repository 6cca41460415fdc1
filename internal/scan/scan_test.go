package scan

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// jsonSpecial is the byte test of JSONPlainPrefix: a quote, a backslash or a control
// character.
func jsonSpecial(c byte) bool { return c == '"' || c == '\\' || c < 0x20 }

func nonASCII(c byte) bool { return c >= 0x80 }

// check fails t unless prefix (JSONPlainPrefix or ASCIIPrefix, stopping at the bytes
// stop reports) passes over other bytes only, and ends either at such a byte or where
// b's whole 32-byte blocks end; or returns 0 without AVX2.
func check(t *testing.T, name string, prefix func([]byte) int, stop func(byte) bool, b []byte) {
	t.Helper()
	n := prefix(b)
	if !hasAVX2 || len(b) < 32 {
		if n != 0 {
			t.Fatalf("%s of %d bytes without a scan = %d", name, len(b), n)
		}
		return
	}
	if n < 0 || n > len(b)&^31 {
		t.Fatalf("%s of %d bytes = %d", name, len(b), n)
	}
	for i, c := range b[:n] {
		if stop(c) {
			t.Fatalf("%s = %d passes over %#x at %d", name, n, c, i)
		}
	}
	if n < len(b)&^31 && !stop(b[n]) {
		t.Fatalf("%s = %d stops at %#x (len %d)", name, n, b[n], len(b))
	}
}

var prefixes = []struct {
	name   string
	prefix func([]byte) int
	stop   func(byte) bool
	stops  []byte // bytes to plant
}{
	{"JSONPlainPrefix", JSONPlainPrefix, jsonSpecial, []byte{'"', '\\', 0, 0x1f, '\n', '\t'}},
	{"ASCIIPrefix", ASCIIPrefix, nonASCII, []byte{0x80, 0xc3, 0xe2, 0xff}},
	{"ASCIIPrefixString", func(b []byte) int { return ASCIIPrefixString(string(b)) }, nonASCII, []byte{0x80, 0xff}},
}

// TestPrefixes: a stopping byte in every place of four blocks, slices of every length
// and start, and random bytes.
func TestPrefixes(t *testing.T) {
	for _, p := range prefixes {
		var pass []byte // the bytes it passes over
		for c := range 256 {
			if !p.stop(byte(c)) {
				pass = append(pass, byte(c))
			}
		}
		buf := make([]byte, 160)
		for i := range buf {
			buf[i] = pass[i%len(pass)]
		}
		for start := range 8 {
			for end := start; end <= len(buf); end++ {
				check(t, p.name, p.prefix, p.stop, buf[start:end])
			}
		}
		if hasAVX2 && p.prefix(buf) != len(buf)&^31 {
			t.Errorf("%s of no stopping byte: %d, want %d", p.name, p.prefix(buf), len(buf)&^31)
		}
		for _, c := range p.stops {
			for at := range 128 {
				b := append([]byte(nil), buf[:128]...)
				b[at] = c
				check(t, p.name, p.prefix, p.stop, b)
				if hasAVX2 && p.prefix(b) != at {
					t.Fatalf("%s of %#x at %d: %d", p.name, c, at, p.prefix(b))
				}
			}
		}
		rng := rand.New(rand.NewPCG(3, 4))
		for range 2000 {
			b := make([]byte, rng.IntN(300))
			for i := range b {
				b[i] = pass[rng.IntN(len(pass))]
				if rng.IntN(200) == 0 {
					b[i] = p.stops[rng.IntN(len(p.stops))]
				}
			}
			check(t, p.name, p.prefix, p.stop, b)
		}
	}
}

// FuzzPrefixes: any bytes.
func FuzzPrefixes(f *testing.F) {
	f.Add([]byte(`a plain run of text that is longer than one block, then "a quote`))
	f.Add([]byte("\xc3\xa9\xe2\x80\x99 and more text, thirty-two bytes or more\\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, p := range prefixes {
			check(t, p.name, p.prefix, p.stop, b)
		}
	})
}

// BenchmarkPrefixes measures both scans on plain runs of a JSON string's typical
// lengths, a paragraph's (480) among them: the cost of a call counts as much as the
// speed per byte.
func BenchmarkPrefixes(b *testing.B) {
	for _, n := range []int{32, 480, 4096} {
		buf := make([]byte, n)
		for i := range buf {
			buf[i] = 'a' + byte(i%26)
		}
		for _, s := range []struct {
			name   string
			prefix func([]byte) int
		}{{"json", JSONPlainPrefix}, {"ascii", ASCIIPrefix}} {
			b.Run(fmt.Sprintf("%s-%d", s.name, n), func(b *testing.B) {
				b.SetBytes(int64(n))
				for b.Loop() {
					if s.prefix(buf) != n&^31 && hasAVX2 {
						b.Fatal("stopped early")
					}
				}
			})
		}
	}
}
