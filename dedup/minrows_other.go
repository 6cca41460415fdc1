//go:build !amd64 || purego

package dedup

// hasMinRowsAVX512 is false where minRowsAVX512 is not built.
const hasMinRowsAVX512 = false

// minRows sets rows to the MinHash rows of sh (see bandKeys).
func minRows(sh []uint64, rows *[Bands * Rows / 4]uint64) { minRowsGeneric(sh, rows) }

// minRowsAVX512 is not built here; minRows never calls it.
func minRowsAVX512(sh []uint64, a, b, rows *[Bands * Rows / 4]uint64) { minRowsGeneric(sh, rows) }
