package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/winnowdata/winnow/schema"
)

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

const (
	// barWidth is the width of the bar in characters.
	barWidth = 24
	// redraw is the shortest time between two drawings of the line.
	redraw = 100 * time.Millisecond
	// settle is how long a pass runs before its speed and time left are shown: the
	// first batches are read from the page cache and a buffer ahead of the work, so
	// their rate is no measure ("174 GB/s").
	settle = 500 * time.Millisecond
)

// progress draws one line per pass on a terminal, redrawn in place: the pass, the
// share and bytes read, and once the pass has run half a second its speed and time left,
//
//	pass 1/2  43% |██████████              | 21.8 MB / 50.7 MB, 27.1 MB/s, 1s left
//
// It is safe for concurrent use.
type progress struct {
	w   io.Writer
	now func() time.Time // time.Now; tests set a clock of their own

	mu    sync.Mutex
	pass  int
	start time.Time // of the pass
	drawn time.Time // when the line was last drawn; zero: never in this pass
	width int       // characters on the line now
}

func newProgress(w io.Writer) *progress { return &progress{w: w, now: time.Now} }

// update reports that pass has read read of total bytes (total 0: unknown).
func (p *progress) update(pass int, read, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if pass != p.pass {
		p.clear()
		p.pass, p.start, p.drawn = pass, now, time.Time{}
	}
	done := total > 0 && read >= total
	if !p.drawn.IsZero() && now.Sub(p.drawn) < redraw && !done {
		return
	}
	line := progressLine(pass, read, total, now.Sub(p.start))
	pad := max(p.width-len([]rune(line)), 0)
	fmt.Fprintf(p.w, "\r%s%s", line, strings.Repeat(" ", pad))
	p.width = len([]rune(line))
	p.drawn = now
}

// warn prints a line of its own, above the bar, which is drawn again at the next
// update.
func (p *progress) warn(msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	fmt.Fprintln(p.w, msg)
	p.drawn = time.Time{}
}

// finish clears the line.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
}

func (p *progress) clear() {
	if p.width > 0 {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.width))
		p.width = 0
	}
}

// progressLine renders the state of a pass that has read read of total bytes (0:
// unknown) in elapsed.
func progressLine(pass int, read, total int64, elapsed time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "pass %d/2 ", pass)
	if total > 0 {
		frac := min(float64(read)/float64(total), 1)
		n := int(frac * barWidth)
		fmt.Fprintf(&b, "%3d%% |%s%s| %s / %s", int(frac*100), strings.Repeat("█", n),
			strings.Repeat(" ", barWidth-n), size(read), size(total))
	} else {
		b.WriteString(size(read))
	}
	if elapsed >= settle && read > 0 {
		rate := float64(read) / elapsed.Seconds()
		fmt.Fprintf(&b, ", %s/s", size(int64(rate)))
		if total > read {
			left := time.Duration(float64(total-read) / rate * float64(time.Second))
			fmt.Fprintf(&b, ", %v left", left.Round(time.Second))
		}
	}
	return b.String()
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
	rate := float64(st.BytesIn) / max(elapsed.Seconds(), 1e-9)
	line := fmt.Sprintf("winnow: %s in, %d out; %d of %s removed",
		count(st.DocumentsIn, "document"), st.DocumentsOut,
		st.ParagraphsIn-st.ParagraphsOut, count(st.ParagraphsIn, "paragraph"))
	if len(reasons) > 0 {
		line += " (" + strings.Join(reasons, ", ") + ")"
	}
	if len(docs) > 0 {
		line += "; documents dropped: " + strings.Join(docs, ", ")
	}
	if st.DocumentsSkip > 0 {
		line += fmt.Sprintf("; %s skipped as malformed", count(st.DocumentsSkip, "record"))
	}
	// the rate in the unit of its size, so that a small input does not read "0.0 MB/s"
	return line + fmt.Sprintf("; %s of text in %.2fs (%s/s)", size(st.BytesIn), elapsed.Seconds(), size(int64(rate)))
}

// count renders n and a noun, plural unless n is 1: "1 document", "3 documents".
func count(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
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
