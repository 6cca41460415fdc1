package ingest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/winnowdata/winnow/ingest"
)

func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "corpus")
	defer os.RemoveAll(dir)
	os.MkdirAll(filepath.Join(dir, "news.example"), 0o755)
	os.WriteFile(filepath.Join(dir, "news.example", "0001.txt"), []byte("A title\n\nFirst paragraph.\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "feed.jsonl"), []byte(
		`{"id":7,"text":"From JSONL.","url":"https://www.blog.example/p/7","lang":"en"}`+"\n"), 0o644)

	r, err := ingest.Open(context.Background(), []string{dir}, ingest.DefaultOptions())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()
	for r.Next() {
		d := r.Doc()
		fmt.Printf("id=%s source=%s title=%q text=%q meta=%s\n", d.ID, d.Source, d.Title, d.Text, d.Meta)
	}
	if err := r.Err(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// id=7 source=www.blog.example title="" text="From JSONL." meta={"lang":"en"}
	// id=news.example/0001.txt source=news.example title="A title" text="First paragraph.\n" meta=
}
