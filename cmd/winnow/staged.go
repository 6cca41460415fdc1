package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/winnowdata/winnow/pipeline"
)

// The staged path: clean's stages as separate commands, for corpora past one machine
// (docs/distributed.md). Each stage takes the flags of clean that change results; give
// every stage the same ones.

func stagedCommand(name, usage, args, description string, own []cli.Flag, action func(c *cli.Context, o pipeline.Options) error) *cli.Command {
	flags := append(own, ingestFlags()...)
	flags = append(flags, dedupFlags()...)
	return &cli.Command{
		Name:         name,
		Usage:        usage,
		ArgsUsage:    args,
		Description:  description,
		Flags:        flags,
		OnUsageError: func(_ *cli.Context, err error, _ bool) error { return usageError{err} },
		Action: func(c *cli.Context) error {
			o, err := cleanOptions(c)
			if err != nil {
				return usageError{err}
			}
			if name != "place" {
				o.Output = "" // -o is the stage's folder or file, not a corpus
			}
			limitHeap(o.Memory) // as clean does
			start := time.Now()
			if err := action(c, o); err != nil {
				return err
			}
			if !c.Bool("quiet") {
				fmt.Fprintf(c.App.ErrWriter, "winnow %s: done in %s\n", name, time.Since(start).Round(time.Millisecond))
			}
			return nil
		},
	}
}

func shardFlag() cli.Flag {
	return str("shard", "0/1", "the part of the inputs this job reads: I/N, 0 <= I < N (the same N in every stage)")
}

func shardOf(c *cli.Context) (pipeline.Shard, error) {
	s, err := pipeline.ParseShard(c.String("shard"))
	if err != nil {
		return s, usageError{err}
	}
	return s, nil
}

// shardAndOutput returns the --shard and -o of a stage that reads a shard of the inputs.
func shardAndOutput(c *cli.Context) (pipeline.Shard, string, error) {
	s, err := shardOf(c)
	if err != nil {
		return s, "", err
	}
	out, err := needOutput(c)
	return s, out, err
}

func needOutput(c *cli.Context) (string, error) {
	out := c.String("output")
	if out == "" {
		return "", usageError{fmt.Errorf("no output: give -o")}
	}
	return out, nil
}

func fingerprintCommand() *cli.Command {
	return stagedCommand("fingerprint", "staged path, stage 1: fingerprint one shard of the inputs", "INPUT...",
		`Writes FP_DIR/docs-I-of-N.parquet and FP_DIR/paras-I-of-N.parquet: the keys, shape
keys, band keys and prefixes of every paragraph of shard I of N, for the reduce. Shards
are files (ordinal modulo N) when there are N files or more, else records of each file.

Example (a Slurm array job of 64 tasks):
   winnow fingerprint crawl/ --shard $SLURM_ARRAY_TASK_ID/64 -o fp/`,
		[]cli.Flag{str("output", "", "the fingerprint folder (FP_DIR)", "o"), shardFlag()},
		func(c *cli.Context, o pipeline.Options) error {
			s, out, err := shardAndOutput(c)
			if err != nil {
				return err
			}
			return pipeline.Fingerprint(c.Context, o, s, out)
		})
}

func reduceCommand() *cli.Command {
	return stagedCommand("reduce", "staged path, stage 2: count the fingerprints of every shard", "FP_DIR...",
		`Counts the fingerprints of all shards (each stage-1 job's files must be there) as
clean's first pass does and writes what the judges need to COUNTS.parquet. The same
counts come from docs/reduce.sql on DuckDB, Spark SQL or Trino.

Example:
   winnow reduce fp/ -o counts.parquet`,
		[]cli.Flag{str("output", "", "the counts file to write (.parquet)", "o")},
		func(c *cli.Context, o pipeline.Options) error {
			out, err := needOutput(c)
			if err != nil {
				return err
			}
			return pipeline.Reduce(c.Context, o, o.Inputs, out)
		})
}

func applyCommand() *cli.Command {
	return stagedCommand("apply", "staged path, stage 3: judge every paragraph of one shard", "INPUT...",
		`Judges the paragraphs of shard I of N of the inputs with the counts of the reduce and
writes JUDGED_DIR/judged-I-of-N.parquet (and rejects-I-of-N.jsonl with --on-error skip).

Example:
   winnow apply crawl/ --shard $SLURM_ARRAY_TASK_ID/64 --counts counts.parquet -o judged/`,
		[]cli.Flag{str("output", "", "the judged folder (JUDGED_DIR)", "o"), shardFlag(),
			str("counts", "", "the reduce's counts (.parquet)")},
		func(c *cli.Context, o pipeline.Options) error {
			s, out, err := shardAndOutput(c)
			if err != nil {
				return err
			}
			if c.String("counts") == "" {
				return usageError{fmt.Errorf("no --counts COUNTS.parquet given")}
			}
			return pipeline.Apply(c.Context, o, s, c.String("counts"), out)
		})
}

func placeCommand() *cli.Command {
	return stagedCommand("place", "staged path, stage 4: drop near-duplicate documents and write the corpus", "JUDGED_DIR...",
		`Reads the judged shards in input order, keeps one copy of each copy group, drops
near-duplicate documents and writes the corpus, the ledger, the stats and the report:
byte for byte what clean writes with the same flags.

Example:
   winnow place judged/ --counts counts.parquet -o corpus.parquet --removed removed.parquet --stats stats.json`,
		[]cli.Flag{
			str("output", "", "the clean corpus: OUT.parquet, a folder (ending in /) of Parquet shards, or - for JSONL on stdout", "o"),
			str("counts", "", "the reduce's counts (.parquet)"),
			str("jsonl", "", "also write the corpus as JSON Lines"),
			str("removed", "", "write every removed paragraph with its reason (.parquet or .jsonl)"),
			str("stats", "", "write run statistics as JSON"),
			str("report", "", "write an HTML audit report of what was removed, by source"),
		},
		func(c *cli.Context, o pipeline.Options) error {
			if o.Output == "" && o.JSONL == "" {
				return usageError{fmt.Errorf("no output: give -o OUT.parquet (or --jsonl)")}
			}
			if c.String("counts") == "" {
				return usageError{fmt.Errorf("no --counts COUNTS.parquet given")}
			}
			dirs := o.Inputs
			o.Inputs = nil
			_, err := pipeline.Place(c.Context, o, dirs, c.String("counts"))
			return err
		})
}
