package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/winnowdata/winnow/export"
)

// outputs returns the flag name and path of every output, in a fixed order; a path is
// empty when the output is not asked for.
func (o *Options) outputs() [][2]string {
	return [][2]string{{"output", o.Output}, {"jsonl", o.JSONL}, {"removed", o.Removed},
		{"stats", o.Stats}, {"rejects", o.Rejects}, {"report", o.Report}}
}

// corpusForms names what --output accepts, for errors.
const corpusForms = "OUT.parquet, OUT.jsonl (.ndjson, .json), a folder of Parquet shards (shards/, or an existing folder), or - for JSONL on stdout"

// checkCorpusName rejects an --output that names no known form: a new name without
// an extension, or with one of no format winnow writes (out.csv), is a usage error
// rather than a file of a guessed format.
func checkCorpusName(p string) error {
	switch {
	case p == "" || p == "-" || isFolderOutput(p) || isDevice(p) || export.Known(p):
		return nil
	case filepath.Ext(p) == "":
		return fmt.Errorf("--output %s: no extension and no such folder; want %s", p, corpusForms)
	}
	return fmt.Errorf("--output %s: unknown output extension %q; want %s", p, filepath.Ext(p), corpusForms)
}

// checkLedgerName does the same for --removed.
func checkLedgerName(p string) error {
	const forms = "want REMOVED.parquet, REMOVED.jsonl (.ndjson, .json) or - for stdout"
	switch {
	case p == "" || p == "-" || isDevice(p) || export.Known(p):
		return nil
	case filepath.Ext(p) == "":
		return fmt.Errorf("--removed %s: no extension; %s", p, forms)
	}
	return fmt.Errorf("--removed %s: unknown output extension %q; %s", p, filepath.Ext(p), forms)
}

// isFolderOutput reports whether the corpus output p is a folder of shards: a name
// ending in a slash, or an existing folder.
func isFolderOutput(p string) bool {
	return strings.HasSuffix(p, "/") || strings.HasSuffix(p, string(filepath.Separator)) || isDir(p)
}

// isDevice reports whether p exists and is neither a regular file nor a folder: a
// device such as /dev/null or a named pipe, written in place.
func isDevice(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.Mode().IsRegular() && !fi.IsDir()
}

// inside reports whether the existing input in is in the folder dir (symbolic links
// resolved).
func inside(in, dir string) bool {
	a, err := filepath.EvalSymlinks(in)
	if err != nil {
		return false
	}
	b, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return false
	}
	if a, err = filepath.Abs(a); err != nil {
		return false
	}
	if b, err = filepath.Abs(b); err != nil {
		return false
	}
	rel, err := filepath.Rel(b, a)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// excludeOutputs makes the folder walks and globs of the inputs pass over the outputs
// of the run (a rerun into a folder it reads must not read the first run's corpus),
// each of them reported once through Warn. An output named explicitly as an input is
// rejected by Validate.
func (r *run) excludeOutputs() {
	for _, f := range r.opts.outputs() {
		if p := f[1]; p != "" && p != "-" {
			r.opts.Ingest.Exclude = append(r.opts.Ingest.Exclude, p)
		}
	}
	var mu sync.Mutex
	told := map[string]bool{}
	warn := r.opts.Warn
	r.opts.Ingest.OnExclude = func(path string) {
		mu.Lock()
		defer mu.Unlock()
		if !told[path] && warn != nil {
			told[path] = true
			warn(fmt.Sprintf("not reading %s: it is an output of this run", path))
		}
	}
}
