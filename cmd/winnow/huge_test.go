//go:build huge

package main

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/winnowdata/winnow/schema"
)

// This file holds the tests too big for the default run (make test), built only with
// the tag huge: make test-huge, or go test -tags huge -run TestHugeLine ./cmd/winnow.

// TestHugeLine cleans a JSONL file whose first line is a 200 MB article (one JSON
// object, about 300,000 paragraphs), on the built binary, and reports its time and
// peak memory. It takes about 40 s and 4 to 5 GB of memory, which is why it is built
// only with the tag huge; -short skips it too.
func TestHugeLine(t *testing.T) {
	if testing.Short() {
		t.Skip("200 MB line: about 40 s and 5 GB of memory; skipped with -short")
	}
	if runtime.GOOS != "linux" {
		t.Skip("peak memory is read from Linux rusage")
	}
	bin := buildWinnow(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "huge.jsonl")
	start := time.Now()
	f, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	w := bytes.NewBuffer(make([]byte, 0, 201<<20))
	w.WriteString(`{"id":"huge","source":"s.example","text":"`)
	r := rand.New(rand.NewPCG(3, 3))
	textStart := w.Len()
	for w.Len()-textStart < 200<<20 {
		if w.Len() > textStart {
			w.WriteString(`\n\n`)
		}
		for i := range 60 {
			if i > 0 {
				w.WriteByte(' ')
			}
			w.WriteString(vocabulary[r.IntN(len(vocabulary))])
		}
	}
	textLen := w.Len() - textStart
	w.WriteString("\"}\n")
	w.WriteString(jsonLine("small", 1))
	if _, err := f.Write(w.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	w = nil
	t.Logf("generated a %d MB line in %v", textLen>>20, time.Since(start).Round(time.Millisecond))

	out := filepath.Join(dir, "out.parquet")
	stats := filepath.Join(dir, "stats.json")
	cmd := exec.Command(bin, "clean", in, "-o", out, "--stats", stats, "--quiet")
	cmd.Env = append(os.Environ(), "TMPDIR="+dir)
	start = time.Now()
	b, err := cmd.CombinedOutput()
	took := time.Since(start)
	if err != nil {
		t.Fatalf("winnow: %v\n%s", err, b)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	peak := ru.Maxrss << 10 // KiB on Linux
	t.Logf("cleaned in %v, peak RSS %d MiB", took.Round(time.Millisecond), peak>>20)

	var st schema.Stats
	sb, _ := os.ReadFile(stats)
	if err := json.Unmarshal(sb, &st); err != nil {
		t.Fatal(err)
	}
	// "\n\n" is two bytes in the text and four in the JSON.
	if st.DocumentsIn != 2 || st.DocumentsOut != 2 || st.BytesIn < int64(textLen)*9/10 || st.BytesOut != st.BytesIn {
		t.Errorf("stats: %d/%d documents, %d bytes in, %d out; want both documents whole (~%d bytes)",
			st.DocumentsIn, st.DocumentsOut, st.BytesIn, st.BytesOut, textLen)
	}
	pf, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	fi, _ := pf.Stat()
	p, err := parquet.OpenFile(pf, fi.Size())
	if err != nil || p.NumRows() != 2 {
		t.Fatalf("corpus: %v, rows %d", err, p.NumRows())
	}
	// A bound far above the measured peak, so that a regression to holding many
	// copies of the line (or the machine running out) fails here first.
	if peak > 12<<30 {
		t.Errorf("peak RSS %d MiB for a 200 MB line", peak>>20)
	}
}
