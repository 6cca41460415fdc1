package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/winnowdata/winnow/schema"
)

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress draws one bar per pass on w: bytes read, MB/s and time left.
type progress struct {
	w    io.Writer
	bar  *progressbar.ProgressBar
	pass int
}

func (p *progress) update(pass int, read, total int64) {
	if p.bar == nil || pass != p.pass {
		if p.bar != nil {
			p.bar.Finish()
			fmt.Fprintln(p.w)
		}
		p.pass = pass
		max := total
		if max <= 0 {
			max = -1 // unknown size: a spinner
		}
		p.bar = progressbar.NewOptions64(max,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(fmt.Sprintf("pass %d/2", pass)),
			progressbar.OptionShowBytes(true),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionClearOnFinish(),
		)
	}
	p.bar.Set64(read)
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}

// summary is the one line printed at the end of a run.
func summary(st *schema.Stats, elapsed time.Duration) string {
	var reasons []string
	for r, n := range st.Removed {
		reasons = append(reasons, fmt.Sprintf("%s %d", r, n))
	}
	sort.Strings(reasons)
	var docs []string
	for r, n := range st.DocsRemoved {
		docs = append(docs, fmt.Sprintf("%s %d", r, n))
	}
	sort.Strings(docs)
	mbs := float64(st.BytesIn) / 1e6 / max(elapsed.Seconds(), 1e-9)
	line := fmt.Sprintf("winnow: %d documents in, %d out; %d of %d paragraphs removed",
		st.DocumentsIn, st.DocumentsOut, st.ParagraphsIn-st.ParagraphsOut, st.ParagraphsIn)
	if len(reasons) > 0 {
		line += " (" + strings.Join(reasons, ", ") + ")"
	}
	if len(docs) > 0 {
		line += "; documents dropped: " + strings.Join(docs, ", ")
	}
	return line + fmt.Sprintf("; %s of text in %.2fs (%.1f MB/s)", size(st.BytesIn), elapsed.Seconds(), mbs)
}

// size renders a byte count with a decimal unit: 512 B, 5.5 kB, 102.3 MB, 1.0 GB.
func size(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1e6:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	case n < 1e9:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.1f GB", float64(n)/1e9)
}
