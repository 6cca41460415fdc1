package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
	"github.com/winnowdata/winnow/export"
)

func inspectCommand() *cli.Command {
	return &cli.Command{
		Name:      "inspect",
		Usage:     "show a Parquet file's schema, row count, row groups, winnow metadata and first rows",
		ArgsUsage: "FILE.parquet",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "rows", Value: 3, Usage: "how many rows to show", EnvVars: env("rows")},
		},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error { return usageError{err} },
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageError{fmt.Errorf("inspect takes one FILE.parquet")}
			}
			return export.Inspect(c.Args().First(), c.App.Writer, c.Int("rows"))
		},
	}
}
