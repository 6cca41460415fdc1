// Package pipeline wires ingest, dedup and export into winnow's jobs: Clean reads the
// input twice (pass 1 counts paragraph fingerprints, pass 2 applies the rules and writes
// the corpus), on several workers, with output that does not depend on their number.
package pipeline

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/winnowdata/winnow/dedup"
	"github.com/winnowdata/winnow/ingest"
)

// Options are the settings of a run. Start from Defaults and call Validate.
type Options struct {
	// Inputs are files, folders, globs or "-" for stdin.
	Inputs []string
	// Output is the corpus: a .parquet file, a folder of Parquet shards (a name ending
	// in "/" or an existing folder), or "-" for JSONL on stdout. Empty writes no corpus.
	Output string
	// JSONL also writes the corpus rows as JSON Lines.
	JSONL string
	// Removed writes the removed-paragraph ledger (.parquet or .jsonl).
	Removed string
	// Stats writes the run's statistics as JSON.
	Stats string
	// Rejects writes the records skipped under OnError "skip" as JSONL.
	Rejects string
	// Report writes the HTML audit report.
	Report string

	Ingest ingest.Options
	Dedup  dedup.Config
	Rules  dedup.Rules

	// DocNear is the containment threshold of near-duplicate documents; NoDocDedup
	// turns document-level deduplication off.
	DocNear    float64
	NoDocDedup bool
	// DocShingle is the number of words in a document shingle (default 5). When it
	// equals Dedup.Shingle, documents are sketched from their paragraphs' shingles.
	DocShingle int

	// TmpDir is the folder of the run's spools (the fingerprints, the counts, the kept
	// rows, stdin, the pages of a Parquet row group): an existing folder with room for
	// them, about 1.3 times the input at their peak on new text (README, Temporary
	// files). Empty: the system's temporary folder, $TMPDIR or /tmp (os.TempDir). The
	// temporary files of the outputs are made beside the outputs, to be renamed.
	TmpDir string

	// Workers is the number of fingerprinting goroutines (default: all cores).
	Workers int
	// Memory is the budget for the fingerprint tables in bytes; past a quarter of it,
	// the signatures of the documents kept for near-duplicate detection go to disk.
	Memory int64
	// OnError is "fail" (stop at the first malformed record) or "skip".
	OnError string

	// Version and Flags are written into the Parquet metadata.
	Version string
	Flags   string
	// Stdin is read for the input "-" (default os.Stdin); Stdout receives the corpus
	// for the output "-" (default os.Stdout).
	Stdin  io.Reader
	Stdout io.Writer
	// Progress, when set, is called after each batch read with the pass (1 or 2) and
	// the input bytes read so far and in all (0 when unknown, as for stdin).
	Progress func(pass int, read, total int64)
	// Warn, when set, receives notes about the run that are not errors, one line each,
	// without a prefix: an output of the run that a folder walk or a glob of the inputs
	// met, and passed over. It may be called from another goroutine than Clean's, but
	// not from two at once.
	Warn func(msg string)
}

// Defaults returns the options of DESIGN.md.
func Defaults() Options {
	return Options{
		Ingest:     ingest.DefaultOptions(),
		Dedup:      dedup.DefaultConfig(),
		Rules:      dedup.DefaultRules(),
		DocNear:    0.9,
		DocShingle: 5,
		Workers:    runtime.NumCPU(),
		Memory:     4 << 30,
		OnError:    "fail",
		Version:    "dev",
	}
}

// Validate reports the first invalid setting.
func (o *Options) Validate() error {
	if len(o.Inputs) == 0 {
		return errors.New("no input given")
	}
	if err := o.Rules.Validate(); err != nil {
		return err
	}
	if o.Dedup.Shingle < 1 || o.Dedup.Shingle > 32 {
		return fmt.Errorf("shingle must be between 1 and 32, not %d", o.Dedup.Shingle)
	}
	if o.DocShingle < 1 || o.DocShingle > 32 {
		return fmt.Errorf("doc-shingle must be between 1 and 32, not %d", o.DocShingle)
	}
	if o.DocNear <= 0 || o.DocNear > 1 {
		return fmt.Errorf("doc-near must be in (0, 1], not %g", o.DocNear)
	}
	if o.Workers < 1 {
		return fmt.Errorf("workers must be at least 1, not %d", o.Workers)
	}
	if err := o.validTmpDir(); err != nil {
		return err
	}
	if o.Memory < 1<<20 {
		return fmt.Errorf("memory must be at least 1MiB, not %d bytes", o.Memory)
	}
	switch o.OnError {
	case "fail", "skip":
	default:
		return fmt.Errorf("on-error must be fail or skip, not %q", o.OnError)
	}
	if o.Ingest.TextField == "" {
		return errors.New("text-field must not be empty")
	}
	stdin := 0
	for _, in := range o.Inputs {
		if in == "-" {
			stdin++
		}
	}
	if stdin > 1 {
		return errors.New("stdin (-) given more than once")
	}
	if err := distinctInputs(o.Inputs); err != nil {
		return err
	}
	switch o.Ingest.Format {
	case "auto", "txt", "jsonl", "parquet", "wet":
	default:
		return fmt.Errorf("format must be auto, txt, jsonl, parquet or wet, not %q", o.Ingest.Format)
	}
	if o.Rejects != "" && o.OnError != "skip" {
		return errors.New("--rejects lists skipped records: it needs --on-error skip")
	}
	if err := checkCorpusName(o.Output); err != nil {
		return err
	}
	if err := checkLedgerName(o.Removed); err != nil {
		return err
	}
	outs := map[string]string{}
	stdout := "" // the flag writing to stdout
	for _, f := range o.outputs() {
		flag, p := f[0], f[1]
		if p == "-" {
			if stdout != "" {
				return fmt.Errorf("--%s and --%s both write to stdout (-)", stdout, flag)
			}
			stdout = flag
			continue
		}
		if p == "" {
			continue
		}
		if prev, ok := outs[p]; ok {
			return fmt.Errorf("--%s and --%s name the same file %s", prev, flag, p)
		}
		outs[p] = flag
		for _, in := range o.Inputs {
			if sameFile(in, p) {
				return fmt.Errorf("--%s %s is also an input", flag, p)
			}
			if flag == "output" && isFolderOutput(p) && in != "-" && inside(in, p) {
				return fmt.Errorf("input %s is inside the --output folder %s, which is replaced as a whole", in, p)
			}
		}
	}
	return nil
}

// distinctInputs reports an input given twice, under any name (a.jsonl and
// data/../a.jsonl, a link to it), or inside a folder that is an input too: read twice,
// every document would be its own copy.
func distinctInputs(inputs []string) error {
	type in struct {
		name string
		abs  string
		fi   os.FileInfo
	}
	var seen []in
	for _, name := range inputs {
		if name == "-" || strings.ContainsAny(name, "*?[") {
			continue // stdin, or a glob (matched later)
		}
		fi, err := os.Stat(name)
		if err != nil {
			continue // a missing input is reported when it is opened
		}
		abs, err := filepath.Abs(name)
		if err == nil {
			if real, err := filepath.EvalSymlinks(abs); err == nil {
				abs = real
			}
		}
		for _, s := range seen {
			switch {
			case os.SameFile(s.fi, fi):
				return fmt.Errorf("input %s is given twice (also as %s)", name, s.name)
			case s.fi.IsDir() && within(abs, s.abs):
				return fmt.Errorf("input %s is inside input folder %s: it would be read twice", name, s.name)
			case fi.IsDir() && within(s.abs, abs):
				return fmt.Errorf("input %s is inside input folder %s: it would be read twice", s.name, name)
			}
		}
		seen = append(seen, in{name, abs, fi})
	}
	return nil
}

// within reports whether path lies below folder dir (both absolute and clean).
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// tempDir returns the folder of the run's spools: TmpDir, or the system's temporary
// folder.
func (o *Options) tempDir() string {
	if o.TmpDir != "" {
		return o.TmpDir
	}
	return os.TempDir()
}

// validTmpDir reports an error unless TmpDir is empty or an existing folder.
func (o *Options) validTmpDir() error {
	if o.TmpDir == "" {
		return nil
	}
	st, err := os.Stat(o.TmpDir)
	if err != nil {
		return fmt.Errorf("tmp-dir: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("tmp-dir %s is not a folder", o.TmpDir)
	}
	return nil
}
