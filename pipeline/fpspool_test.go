package pipeline

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/winnowdata/winnow/dedup"
	"github.com/winnowdata/winnow/schema"
)

// spoolDocs returns n documents with every field of schema.Document set in some of
// them, and texts of every size: empty, short, and longer than the spool reader's
// buffer (1 MiB), which readDoc reads through a buffer of its own. Files of 50
// documents alternate between gzip, whose documents the spool holds, and not.
func spoolDocs(n int) []*schema.Document {
	docs := make([]*schema.Document, n)
	for i := range docs {
		file := fmt.Sprintf("part-%d.jsonl", i/50)
		if i/50%2 == 0 {
			file += ".GZ"
		}
		d := &schema.Document{ID: fmt.Sprint("doc-", i), Source: "src", File: file, FileIndex: i / 50, Line: int64(i + 1),
			Text: strings.Repeat(fmt.Sprintf("Word %d é’\n\n", i), i%9)}
		if i%4 == 1 {
			d.URL, d.Title, d.Meta = "https://x.test/"+fmt.Sprint(i), "Title ₂", `{"k":1}`
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
// once and in order, and the input bytes read that pass 1 gave each batch. The
// documents of gzip files come from the spool, the others from the input, which is
// asked for them in order and for them only.
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
			var fromInput []*schema.Document
			for _, d := range want {
				if !sp.inline(d) {
					fromInput = append(fromInput, d)
				}
			}
			input := func() (*schema.Document, error) {
				if len(fromInput) == 0 {
					return nil, fmt.Errorf("input asked for a document too many")
				}
				d := fromInput[0]
				fromInput = fromInput[1:]
				return d, nil
			}
			for ord := range (n + 49) / 50 {
				if sp.inlined[ord] != (ord%2 == 0) {
					t.Errorf("file %d inlined: %v", ord, sp.inlined[ord])
				}
			}
			var got []*schema.Document
			for {
				b := &batch{}
				read, err := sp.next(b, input)
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
			if len(got) != n || len(fromInput) != 0 {
				t.Fatalf("read %d documents, want %d; %d left in the input", len(got), n, len(fromInput))
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
	_, err = sp.next(&batch{}, func() (*schema.Document, error) { return &schema.Document{}, nil })
	if err == nil || !strings.Contains(err.Error(), "ends before its last record") {
		t.Fatalf("next on a truncated spool: %v", err)
	}
}

// TestInlinedGzipDocuments: a corpus split into three files gives the same outputs
// whether its files are gzip, whose documents pass 2 takes from the spool, plain,
// which pass 2 reads again, or both; a malformed record in the plain file is skipped
// by both passes.
func TestInlinedGzipDocuments(t *testing.T) {
	dir := t.TempDir()
	corpus, err := os.ReadFile(genCorpus(t, dir, 300, 11))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimSpace(string(corpus)), "\n")
	third := len(lines) / 3
	parts := [][]string{lines[:third], append([]string{"{not json\n"}, lines[third:2*third]...), lines[2*third:]}
	var first, firstPicked string // the outputs of the plain files, of all and of b and c
	for _, gz := range [][3]bool{{false, false, false}, {true, false, true}, {true, true, true}} {
		in := filepath.Join(dir, fmt.Sprint("in", gz))
		if err := os.Mkdir(in, 0o755); err != nil {
			t.Fatal(err)
		}
		for k, part := range parts {
			name := filepath.Join(in, fmt.Sprintf("%c.jsonl", 'a'+k))
			data := []byte(strings.Join(part, "") + "\n")
			if gz[k] {
				name += ".gz"
				var b bytes.Buffer
				zw := gzip.NewWriter(&b)
				zw.Write(data)
				zw.Close()
				data = b.Bytes()
			}
			if err := os.WriteFile(name, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		out := filepath.Join(dir, fmt.Sprint("out", gz))
		if err := os.Mkdir(out, 0o755); err != nil {
			t.Fatal(err)
		}
		opts := Defaults()
		opts.Inputs = []string{in}
		opts.OnError = "skip"
		st, err := Clean(context.Background(), outputsOf(out, opts))
		if err != nil {
			t.Fatalf("gzip %v: %v", gz, err)
		}
		if st.DocumentsSkip != 1 || st.DocumentsIn != int64(len(lines)) {
			t.Errorf("gzip %v: %d documents in, %d skipped; want %d and 1", gz, st.DocumentsIn, st.DocumentsSkip, len(lines))
		}
		// the same files, of which the caller picks b and c (Ingest.Files): pass 2
		// reads b again, and neither a, which pass 1 did not read, nor c, inlined
		picked := filepath.Join(dir, fmt.Sprint("picked", gz))
		if err := os.Mkdir(picked, 0o755); err != nil {
			t.Fatal(err)
		}
		opts.Ingest.Files = func(ord int) bool { return ord > 0 }
		if _, err := Clean(context.Background(), outputsOf(picked, opts)); err != nil {
			t.Fatalf("gzip %v, files b and c: %v", gz, err)
		}
		if first == "" {
			first, firstPicked = out, picked
			continue
		}
		files := []string{"corpus.parquet", "corpus.jsonl", "removed.parquet"}
		sameOutputs(t, first, out, files, fmt.Sprint("gzip files ", gz))
		sameOutputs(t, firstPicked, picked, files, fmt.Sprint("gzip files ", gz, ", b and c"))
	}
}

// TestKeptDocs: keptDocs gives back each kept document's id, source, size and
// paragraphs, empty ids and sources included, with each source held once.
func TestKeptDocs(t *testing.T) {
	var k keptDocs
	type doc struct {
		id, src string
		size    int64
		paras   int32
	}
	var want []doc
	for i := range 1000 {
		d := doc{id: fmt.Sprint("id-", i), src: fmt.Sprint("site-", i%7), size: int64(i * 3), paras: int32(i % 11)}
		if i%13 == 0 {
			d.id = ""
		}
		if i%5 == 0 {
			d.src = ""
		}
		want = append(want, d)
		if x := k.add(d.id, d.src, d.size, d.paras); x != int32(i) {
			t.Fatalf("document %d got kept ordinal %d", i, x)
		}
	}
	if k.len() != len(want) || len(k.names) != 8 {
		t.Fatalf("%d documents, %d sources; want %d and 8", k.len(), len(k.names), len(want))
	}
	for i, d := range want {
		x := int32(i)
		if k.id(x) != d.id || k.source(x) != d.src || k.size[x] != d.size || k.paras[x] != d.paras {
			t.Fatalf("document %d: %q %q %d %d, want %+v", i, k.id(x), k.source(x), k.size[x], k.paras[x], d)
		}
	}
}

// TestGzipStdin: gzip on stdin is inlined like a .gz file, and gives the outputs of
// the same lines uncompressed on stdin.
func TestGzipStdin(t *testing.T) {
	dir := t.TempDir()
	corpus, err := os.ReadFile(genCorpus(t, dir, 200, 12))
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(corpus)
	zw.Close()
	plainPath, gzPath := filepath.Join(dir, "plain"), filepath.Join(dir, "gz")
	os.WriteFile(plainPath, corpus, 0o644)
	os.WriteFile(gzPath, gz.Bytes(), 0o644)
	if isGzip(plainPath) || !isGzip(gzPath) || isGzip(filepath.Join(dir, "absent")) {
		t.Fatal("isGzip tells gzip apart wrongly")
	}
	sp := &fpSpool{gzStdin: true}
	if !sp.inline(&schema.Document{File: "stdin"}) || sp.inline(&schema.Document{File: "x.jsonl"}) ||
		!sp.inline(&schema.Document{File: "x.jsonl.gz"}) || (&fpSpool{}).inline(&schema.Document{File: "stdin"}) {
		t.Fatal("inline: wrong documents held")
	}
	var first string
	for _, in := range [][]byte{corpus, gz.Bytes()} {
		out := filepath.Join(dir, fmt.Sprint("out", len(in)))
		if err := os.Mkdir(out, 0o755); err != nil {
			t.Fatal(err)
		}
		opts := Defaults()
		opts.Inputs = []string{"-"}
		opts.Stdin = bytes.NewReader(in)
		if _, err := Clean(context.Background(), outputsOf(out, opts)); err != nil {
			t.Fatal(err)
		}
		if first == "" {
			first = out
			continue
		}
		sameOutputs(t, first, out, []string{"corpus.parquet", "removed.parquet"}, "gzip on stdin")
	}
}
