package export_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/parquet-go/parquet-go"

	"github.com/winnowdata/winnow/export"
	"github.com/winnowdata/winnow/schema"
)

func ExampleNewParquetWriter() {
	dir, err := os.MkdirTemp("", "winnow-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "corpus.parquet")

	w, err := export.NewParquetWriter[schema.Record](path, export.ParquetOptions{
		Version:  "0.1.0",
		KeyValue: map[string]string{schema.MetaFlags: "--min-docs 3"},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer w.Abort() // does nothing once Close has succeeded
	err = w.Write([]schema.Record{
		{ID: "herald/1.txt", Source: "herald", Title: "Floods", Text: "The river rose.", NParagraphs: 1},
		{ID: "herald/2.txt", Source: "herald", URL: "https://herald.example/2", Text: "Rain again.", NParagraphs: 1},
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	rows, err := parquet.ReadFile[schema.Record](path)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range rows {
		fmt.Printf("%s title=%q url=%q text=%q\n", r.ID, r.Title, r.URL, r.Text)
	}
	// Output:
	// herald/1.txt title="Floods" url="" text="The river rose."
	// herald/2.txt title="" url="https://herald.example/2" text="Rain again."
}
