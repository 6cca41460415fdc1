package pipeline

import "fmt"

// spoolPeak is the peak of the spools over the input's size on new text (README,
// Temporary files: gen_corpus 1 GB and 3 GB, 1.3; .gz input needs more, its decoded
// text being larger than the file).
const spoolPeak = 1.3

// freeSpace returns the bytes free to this user in the file system of dir, and false
// where it cannot tell; a variable for the tests.
var freeSpace = diskFree

// checkTmpSpace warns, before pass 1, when the temporary folder holds less free space
// than the spools of the input may need at their peak: a run that fills the disk fails
// in pass 2, after most of its time. It is a warning, not an error: the need is an
// estimate, and repeated text needs less.
func (r *run) checkTmpSpace() {
	if r.opts.Warn == nil {
		return
	}
	dir := r.opts.tempDir()
	free, ok := freeSpace(dir)
	if !ok {
		return
	}
	need := int64(float64(r.totalInput()) * spoolPeak)
	if free >= need {
		return
	}
	r.opts.Warn(fmt.Sprintf("the temporary folder %s has %.0f MB free; the spools of this input may need about %.0f MB at their peak (--tmp-dir puts them elsewhere)",
		dir, float64(free)/1e6, float64(need)/1e6))
}
