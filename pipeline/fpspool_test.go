package pipeline

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/winnowdata/winnow/dedup"
	"github.com/winnowdata/winnow/schema"
)

// spoolDocs returns n documents with every field of schema.Document set in some of
// them, and texts of every size: empty, short, and longer than the spool reader's
// buffer (1 MiB), which readDoc reads through a buffer of its own.
func spoolDocs(n int) []*schema.Document {
	docs := make([]*schema.Document, n)
	for i := range docs {
		d := &schema.Document{ID: fmt.Sprint("doc-", i), Source: "src", File: "in.jsonl", Line: int64(i + 1),
			Text: strings.Repeat(fmt.Sprintf("Word %d é’\n\n", i), i%9)}
		if i%4 == 1 {
			d.URL, d.Title, d.Meta, d.FileIndex = "https://x.test/"+fmt.Sprint(i), "Title ₂", `{"k":1}`, i/4
		}
		if i%97 == 50 {
			d.Text = strings.Repeat("long paragraph of text. ", 50_000) // 1.2 MB
		}
		docs[i] = d
	}
	return docs
}

// TestFPSpoolDocuments: pass 2 reads back from the spool every document of pass 1,
// field for field, with its fingerprint record, in batches that hold every document
// once and in order, and the input bytes read that pass 1 gave each batch.
func TestFPSpoolDocuments(t *testing.T) {
	for _, n := range []int{0, 1, 255, 256, 257, 700} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			sp, err := newFPSpool(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer sp.close()
			want := spoolDocs(n)
			f := dedup.NewFingerprinter(dedup.DefaultConfig())
			var recs [][]byte
			for at := 0; at < n; at += 100 { // pass 1's batches: 100 documents
				b := &batch{docs: want[at:min(at+100, n)], read: int64(1000 * at)}
				b.fps = make([]dedup.Doc, len(b.docs))
				for i, d := range b.docs {
					f.Doc(d.Title, d.Text, &b.fps[i])
					recs = append(recs, b.fps[i].Encode(nil))
				}
				sp.encodeBatch(b)
				if err := sp.write(b); err != nil {
					t.Fatal(err)
				}
			}
			if err := sp.rewind(); err != nil {
				t.Fatal(err)
			}
			var got []*schema.Document
			for {
				b := &batch{}
				read, err := sp.next(b)
				if err != nil {
					t.Fatal(err)
				}
				if len(b.docs) == 0 {
					break
				}
				if len(b.docs) > batchDocs || len(b.recEnd) != len(b.docs) {
					t.Fatalf("a batch of %d documents and %d records", len(b.docs), len(b.recEnd))
				}
				last := len(got) + len(b.docs) - 1
				if wantRead := int64(1000 * (last / 100 * 100)); read != wantRead {
					t.Errorf("batch ending at document %d: read %d, want %d", last, read, wantRead)
				}
				for i, d := range b.docs {
					if rec := b.rec(i); string(rec) != string(recs[len(got)]) {
						t.Fatalf("document %d: fingerprint record of %d bytes, want %d", len(got), len(rec), len(recs[len(got)]))
					}
					got = append(got, d)
				}
			}
			if len(got) != n {
				t.Fatalf("read %d documents, want %d", len(got), n)
			}
			for i := range want {
				if *got[i] != *want[i] {
					t.Fatalf("document %d: read back %+.80v, want %+.80v", i, *got[i], *want[i])
				}
			}
		})
	}
}

// TestFPSpoolTruncated: a spool cut short is an error, not fewer documents.
func TestFPSpoolTruncated(t *testing.T) {
	sp, err := newFPSpool(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer sp.close()
	b := &batch{docs: spoolDocs(3)}
	b.fps = make([]dedup.Doc, 3)
	f := dedup.NewFingerprinter(dedup.DefaultConfig())
	for i, d := range b.docs {
		f.Doc(d.Title, d.Text, &b.fps[i])
	}
	sp.encodeBatch(b)
	if err := sp.write(b); err != nil {
		t.Fatal(err)
	}
	if err := sp.w.Flush(); err != nil {
		t.Fatal(err)
	}
	fi, err := sp.f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(sp.f.Name(), fi.Size()-10); err != nil {
		t.Fatal(err)
	}
	if err := sp.rewind(); err != nil {
		t.Fatal(err)
	}
	_, err = sp.next(&batch{})
	if err == nil || !strings.Contains(err.Error(), "ends before its last record") {
		t.Fatalf("next on a truncated spool: %v", err)
	}
}
