//go:build amd64 && !purego

package scan

import "golang.org/x/sys/cpu"

var hasAVX2 = cpu.X86.HasAVX2

// jsonPlainPrefixAVX2 and asciiPrefixAVX2 look at the whole 32-byte blocks of the n
// bytes at p (see JSONPlainPrefix and ASCIIPrefix).
//
//go:noescape
func jsonPlainPrefixAVX2(p *byte, n int) int

//go:noescape
func asciiPrefixAVX2(p *byte, n int) int
