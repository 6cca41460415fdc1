package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	"github.com/winnowdata/winnow/dedup"
	"github.com/winnowdata/winnow/internal/heaplimit"
	"github.com/winnowdata/winnow/internal/hugeheap"
	"github.com/winnowdata/winnow/pipeline"
)

// env returns the environment variable of a flag: WINNOW_MIN_DOCS for min-docs.
func env(flag string) []string {
	return []string{"WINNOW_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))}
}

func str(name, value, usage string, aliases ...string) *cli.StringFlag {
	return &cli.StringFlag{Name: name, Value: value, Usage: usage, Aliases: aliases, EnvVars: env(name)}
}

// resultFlags are the flags that change what is written; they go into the Parquet
// metadata. --workers and paths do not: output bytes must not depend on them.
var resultFlags = []string{"format", "text-field", "id-field", "source-field", "url-field",
	"title-field", "split", "min-docs", "min-source-share", "near", "shingle", "doc-near", "doc-shingle",
	"no-doc-dedup", "on-error"}

func ingestFlags() []cli.Flag {
	return []cli.Flag{
		str("format", "auto", "input format: auto, txt, jsonl, parquet or wet"),
		str("text-field", "text", "JSONL/Parquet field holding the article text"),
		str("id-field", "id", "field holding the document id"),
		str("source-field", "source", "field holding the source (default: the URL's host)"),
		str("url-field", "url", "field holding the URL"),
		str("title-field", "title", "field holding the title"),
		str("on-error", "fail", "on a malformed record: fail, or skip it (counted in --stats, listed in --rejects)"),
		str("rejects", "", "write skipped records (file, line, error) to this JSONL file"),
	}
}

func dedupFlags() []cli.Flag {
	d := dedup.DefaultRules()
	return []cli.Flag{
		str("split", "auto", "paragraph split: blank (blank lines), line (every line) or auto (blank lines, or lines when a document has none)"),
		&cli.IntFlag{Name: "min-docs", Value: d.MinDocs, Usage: "a paragraph in at least this many copy groups (a story and its copies count once) is boilerplate", EnvVars: env("min-docs")},
		&cli.Float64Flag{Name: "min-source-share", Value: d.MinSourceShare, Usage: "a paragraph in at least this share of its source's copy groups (and 2 of them) is boilerplate", EnvVars: env("min-source-share")},
		&cli.Float64Flag{Name: "near", Value: d.Near, Usage: "share of a paragraph's shingles already in its document that makes it a duplicate_in_doc", EnvVars: env("near")},
		&cli.IntFlag{Name: "shingle", Value: dedup.DefaultConfig().Shingle, Usage: "words per shingle", EnvVars: env("shingle")},
		&cli.Float64Flag{Name: "doc-near", Value: 0.9, Usage: "containment above which a document is a near-duplicate of an earlier one", EnvVars: env("doc-near")},
		&cli.IntFlag{Name: "doc-shingle", Value: pipeline.Defaults().DocShingle, Usage: "words per shingle of document-level near-duplicate detection", EnvVars: env("doc-shingle")},
		&cli.BoolFlag{Name: "no-doc-dedup", Usage: "keep near-duplicate documents", EnvVars: env("no-doc-dedup")},
		&cli.IntFlag{Name: "workers", Value: pipeline.Defaults().Workers, Usage: "worker goroutines (output does not depend on it)", EnvVars: env("workers")},
		str("memory", "4GiB", "memory budget for the fingerprint tables (past a quarter of it, near-duplicate documents' signatures wait on disk)"),
		str("tmp-dir", "", "folder for the temporary spools, about 1.3 times the input at their peak (default: $TMPDIR, or /tmp)"),
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress on stderr", EnvVars: env("quiet")},
	}
}

// jobCommand builds clean or audit: its own output flags, the shared input and dedup
// flags, and an action that binds them, checks what the command needs, and runs.
func jobCommand(name, usage, description string, outputs []cli.Flag, need func(pipeline.Options) error) *cli.Command {
	flags := append(outputs, ingestFlags()...)
	flags = append(flags, dedupFlags()...)
	return &cli.Command{
		Name:         name,
		Usage:        usage,
		ArgsUsage:    "INPUT...",
		Description:  description,
		Flags:        flags,
		OnUsageError: func(_ *cli.Context, err error, _ bool) error { return usageError{err} },
		Action: func(c *cli.Context) error {
			opts, err := cleanOptions(c)
			if err != nil {
				return usageError{err}
			}
			if err := need(opts); err != nil {
				return usageError{err}
			}
			return runClean(c, opts)
		},
	}
}

func cleanCommand() *cli.Command {
	return jobCommand("clean", "remove boilerplate, repeated captions and near-duplicate documents",
		`INPUT is a file, a folder (walked recursively), a glob, or - for stdin.
A .txt file is one article (first non-empty line = title, source = its folder's name);
JSONL (.jsonl, .jsonl.gz, .jsonl.zst) and Parquet hold one article a record; a Common
Crawl WET file (.warc.wet.gz) one article a conversion record.

Examples:
   winnow clean articles/ -o corpus.parquet
   winnow clean crawl.jsonl.zst -o corpus.parquet --removed removed.parquet --stats stats.json
   cat dump.jsonl | winnow clean - -o - > clean.jsonl
   winnow clean data/*.jsonl.gz -o shards/ --min-docs 5 --on-error skip --rejects rejects.jsonl`,
		[]cli.Flag{
			str("output", "", "the clean corpus: OUT.parquet, a folder (ending in /) of Parquet shards, or - for JSONL on stdout", "o"),
			str("jsonl", "", "also write the corpus as JSON Lines"),
			str("removed", "", "write every removed paragraph with its reason (.parquet or .jsonl)"),
			str("stats", "", "write run statistics as JSON"),
			str("report", "", "write an HTML audit report of what was removed, by source"),
		},
		func(o pipeline.Options) error {
			if o.Output == "" && o.JSONL == "" {
				return fmt.Errorf("no output: give -o OUT.parquet (or --jsonl)")
			}
			return nil
		})
}

func auditCommand() *cli.Command {
	return jobCommand("audit", "report how much boilerplate a scrape holds, by source, without writing a corpus",
		`The same analysis as clean, written as a self-contained HTML report (open it in a
browser; it loads nothing from the network): totals, removal by reason and by source,
each source's most frequent boilerplate, the top duplicated captions, sample documents.

Examples:
   winnow audit crawl.jsonl.zst --report audit.html
   winnow audit articles/ --report audit.html --stats stats.json`,
		[]cli.Flag{
			str("report", "", "the HTML audit report to write (required)"),
			str("stats", "", "also write run statistics as JSON"),
			str("removed", "", "also write every removed paragraph with its reason (.parquet or .jsonl)"),
		},
		func(o pipeline.Options) error {
			if o.Report == "" {
				return fmt.Errorf("audit needs --report REPORT.html")
			}
			return nil
		})
}

// limitHeap asks Go's garbage collector to keep the heap under the memory budget (at
// least 256 MiB), unless GOMEMLIMIT says otherwise. Without a limit the heap grows to
// twice what is live between collections: on a gigabyte of new text under --memory
// 128MiB, a peak of 405 MiB where 316 MiB do, in the same time. The limit rises with
// the live heap when that outgrows it (see package heaplimit), so that the collector
// never runs back to back.
//
// It then reserves heap backed by huge pages (package hugeheap), a quarter of the limit
// and at most 1 GiB: on gen_corpus 200 MB it takes the page faults from 50,000 to
// 5,000. Huge pages are filled in part and given back whole, so they can raise the
// peak under a small budget: on gen_corpus 1 GB under --memory 128MiB (a limit of
// 256 MiB, peaks of 255-259 MiB without huge pages) a reservation of 256 MiB gave
// 253-318 MiB, one of 512 MiB 305-333 MiB; a quarter of the limit, 223-234 MiB.
func limitHeap(budget int64) {
	if os.Getenv("GOMEMLIMIT") == "" {
		heaplimit.Set(max(budget, 256<<20))
	}
	hugeheap.Reserve(int(min(debug.SetMemoryLimit(-1)/4, 1<<30)))
}

// runClean validates opts and runs the job with progress and a summary on stderr.
func runClean(c *cli.Context, opts pipeline.Options) error {
	limitHeap(opts.Memory)
	if err := opts.Validate(); err != nil {
		return usageError{err}
	}
	quiet := c.Bool("quiet")
	stderr := c.App.ErrWriter
	var bar *progress
	if !quiet && isTerminal(stderr) {
		bar = newProgress(stderr)
		opts.Progress = bar.update
	}
	// notes (an output met among the inputs) are printed even with --quiet
	opts.Warn = func(msg string) {
		if bar != nil {
			bar.warn("winnow: " + msg)
			return
		}
		fmt.Fprintln(stderr, "winnow: "+msg)
	}
	start := time.Now()
	st, err := pipeline.Clean(c.Context, opts)
	if bar != nil {
		bar.finish()
	}
	if err != nil {
		return err
	}
	if !quiet {
		fmt.Fprintln(stderr, summary(st, time.Since(start)))
	}
	return nil
}

// cleanOptions binds the flags of c to pipeline.Options.
func cleanOptions(c *cli.Context) (pipeline.Options, error) {
	o := pipeline.Defaults()
	o.Inputs = c.Args().Slice()
	if len(o.Inputs) == 0 {
		return o, fmt.Errorf("no INPUT given")
	}
	o.Output = c.String("output")
	o.JSONL = c.String("jsonl")
	o.Removed = c.String("removed")
	o.Stats = c.String("stats")
	o.Report = c.String("report")
	o.Rejects = c.String("rejects")
	o.Ingest.Format = c.String("format")
	o.Ingest.TextField = c.String("text-field")
	o.Ingest.IDField = c.String("id-field")
	o.Ingest.SourceField = c.String("source-field")
	o.Ingest.URLField = c.String("url-field")
	o.Ingest.TitleField = c.String("title-field")
	o.OnError = c.String("on-error")
	split, err := dedup.ParseSplit(c.String("split"))
	if err != nil {
		return o, err
	}
	o.Dedup.Split = split
	o.Dedup.Shingle = c.Int("shingle")
	o.Rules.MinDocs = c.Int("min-docs")
	o.Rules.MinSourceShare = c.Float64("min-source-share")
	o.Rules.Near = c.Float64("near")
	o.DocNear = c.Float64("doc-near")
	o.NoDocDedup = c.Bool("no-doc-dedup")
	o.DocShingle = c.Int("doc-shingle")
	o.Workers = c.Int("workers")
	if o.Memory, err = pipeline.ParseSize(c.String("memory")); err != nil {
		return o, err
	}
	o.TmpDir = c.String("tmp-dir")
	o.Stdin = c.App.Reader
	o.Stdout = c.App.Writer
	o.Version = version
	o.Flags = flagString(c)
	return o, nil
}

// flagString renders the result flags as "name=value" pairs, sorted, for the metadata.
func flagString(c *cli.Context) string {
	var kv []string
	for _, f := range resultFlags {
		kv = append(kv, f+"="+fmt.Sprint(c.Value(f)))
	}
	sort.Strings(kv)
	return strings.Join(kv, " ")
}
