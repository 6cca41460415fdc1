//go:build !amd64 || purego

package scan

// hasAVX2 is false: the callers' own loops do it all.
const hasAVX2 = false

func jsonPlainPrefixAVX2(*byte, int) int { return 0 }

func asciiPrefixAVX2(*byte, int) int { return 0 }
