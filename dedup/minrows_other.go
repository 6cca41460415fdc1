//go:build !amd64 || purego

package dedup

// hasMinRowsAVX512 and hasMinRowsAVX2 are false where the vector versions are not
// built.
const (
	hasMinRowsAVX512 = false
	hasMinRowsAVX2   = false
)

// minRows sets rows to the MinHash rows of sh (see bandKeys).
func minRows(sh []uint64, rows *[Bands * Rows / 4]uint64) { minRowsGeneric(sh, rows) }

// minRowsAVX512 is not built here; minRows never calls it.
func minRowsAVX512(sh []uint64, a, b, rows *[Bands * Rows / 4]uint64) { minRowsGeneric(sh, rows) }

// minRowsAVX2 is not built here; minRows never calls it.
func minRowsAVX2(sh []uint64, a, ahi, b, rows *[Bands * Rows / 4]uint64) { minRowsGeneric(sh, rows) }

// permAHi is minRowsAVX2's; it is not built here either.
var permAHi [Bands * Rows / 4]uint64
