// Command floor is the benchmark floor of bench/run.sh: it reads and decodes the input
// with winnow's readers and writes every document's text as zstd Parquet with winnow's
// writer, doing no deduplication. winnow clean cannot be faster than this.
//
//	go run ./bench/floor INPUT... OUT.parquet
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/winnowdata/winnow/export"
	"github.com/winnowdata/winnow/ingest"
	"github.com/winnowdata/winnow/schema"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: floor INPUT... OUT.parquet")
		os.Exit(2)
	}
	if err := run(os.Args[1:len(os.Args)-1], os.Args[len(os.Args)-1]); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func run(inputs []string, out string) error {
	rd, err := ingest.Open(context.Background(), inputs, ingest.DefaultOptions())
	if err != nil {
		return err
	}
	defer rd.Close()
	w, err := export.NewParquetWriter[schema.Record](out, export.ParquetOptions{Version: "floor"})
	if err != nil {
		return err
	}
	defer w.Abort()
	batch := make([]schema.Record, 0, 256)
	for rd.Next() {
		d := rd.Doc()
		batch = append(batch, schema.Record{ID: d.ID, Source: d.Source, URL: d.URL, Title: d.Title, Text: d.Text, Meta: d.Meta})
		if len(batch) == cap(batch) {
			if err := w.Write(batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if err := rd.Err(); err != nil {
		return err
	}
	if err := w.Write(batch); err != nil {
		return err
	}
	return w.Close()
}
