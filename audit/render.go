package audit

import (
	"bufio"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"sync"

	"github.com/winnowdata/winnow/schema"
)

//go:embed report.html
var reportText string

// reportTemplate is parsed when a report is first rendered, not at every start of the
// program (2 ms, most of a run on a small input, which mostly writes no report).
var reportTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{"breakable": breakable}).Parse(reportText))
})

// Render writes the report, one self-contained HTML page, to w. st, the run's
// statistics, gives the totals when it is not nil; otherwise they come from the observed
// documents. title heads the page. An error of w is returned as it is, so a writer that
// names its file (export.AtomicFile) names it in the error. Render does not close w.
func (a *Audit) Render(w io.Writer, st *schema.Stats, title string) error {
	v := a.view(st, title)
	ew := &errWriter{w: w}
	bw := bufio.NewWriterSize(ew, 64<<10)
	err := reportTemplate().Execute(bw, v)
	if err == nil {
		err = bw.Flush()
	}
	switch {
	case ew.err != nil:
		return ew.err
	case err != nil:
		return fmt.Errorf("render audit report: %w", err)
	}
	return nil
}

// errWriter remembers the first error of w, to tell a failed write from a failed
// template.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	e.err = err
	return n, err
}
