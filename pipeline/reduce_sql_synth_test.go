package pipeline

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/winnowdata/winnow/dedup"
	"github.com/winnowdata/winnow/export"
	"github.com/winnowdata/winnow/schema"
)

// synthFP writes fingerprint shards of made-up rows into dir, n shards by record, and
// returns dir: rows no text would give, to reach what the corpora do not. Hashes are
// drawn from small pools (and of both signs), so that keys, shapes, bands, prefixes and
// titles repeat; nodes repeat (exact copies), sometimes with other paragraphs than
// their first document's; stories of long paragraphs are shared by a few documents of
// different sites (copy groups, chains of links, ties) beside site templates in many;
// one key's paragraphs differ in words, raw hash or bands from one occurrence to
// another; band keys share their top 48 bits (Go's packed fingerprints) and some lie
// in [0, 2^17); and a chain of links longer than maxHops.
func synthFP(t *testing.T, dir string, seed uint64, docs, shards int) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 11))
	h := func() int64 { return int64(rng.Uint64()) }
	pool := func(n int) []int64 {
		p := make([]int64, n)
		for i := range p {
			p[i] = h()
		}
		return p
	}
	pick := func(p []int64) int64 { return p[rng.IntN(len(p))] }
	bandBases := pool(40)
	band := func() int64 {
		switch rng.IntN(20) {
		case 0:
			return int64(rng.IntN(1 << 17)) // fingerprint 0 or 1: one count in Go
		case 1:
			return -int64(rng.IntN(1 << 17))
		}
		return bandBases[rng.IntN(len(bandBases))]&^0xffff | int64(rng.IntN(4)) // 4 keys a fingerprint
	}
	type para struct {
		key, shape, raw int64
		words, numbers  int32
		short, shingled bool
		bands           [8]int64
		prefix          [4]int64
	}
	shapes, prefixes, titles := pool(30), pool(25), pool(15)
	newPara := func(words int32) para {
		p := para{key: h(), raw: h(), words: words, numbers: int32(rng.IntN(300)), short: rng.IntN(3) == 0,
			shingled: rng.IntN(5) != 0}
		p.shape = p.key
		if rng.IntN(4) == 0 {
			p.shape = pick(shapes)
		}
		if rng.IntN(10) == 0 {
			p.raw = 0
		}
		for j := range p.bands {
			p.bands[j] = band()
		}
		for j := range p.prefix {
			if rng.IntN(3) == 0 {
				p.prefix[j] = pick(prefixes)
			}
		}
		return p
	}
	// variant: the same key with other words, raw, bands or shortness
	variant := func(p para) para {
		switch rng.IntN(4) {
		case 0:
			p.words = int32(rng.IntN(30))
		case 1:
			p.raw = h()
		case 2:
			p.bands[rng.IntN(8)] = band()
		case 3:
			p.short = !p.short
		}
		return p
	}
	sources := []string{"", "a.example", "b.example", "c.example", "d.example", "e.example"}
	templates := make([][]para, len(sources))
	for i := range templates {
		for range 2 + rng.IntN(3) {
			templates[i] = append(templates[i], newPara(int32(3+rng.IntN(20))))
		}
	}
	stories := make([][]para, docs/4+1)
	for i := range stories {
		for range 1 + rng.IntN(4) {
			stories[i] = append(stories[i], newPara(int32(10+rng.IntN(30))))
		}
	}
	common := make([]para, 12)
	for i := range common {
		common[i] = newPara(int32(rng.IntN(40)))
	}
	nodes := pool(docs * 3 / 4)
	if len(nodes) > 3 {
		nodes[0], nodes[1], nodes[2] = 0x7fffffffffffffff, -0x8000000000000000, 1 // the extremes
	}
	firstOf := map[int64][]para{}
	type doc struct {
		fd    schema.FPDoc
		paras []para
	}
	var all []doc
	for i := range docs {
		src := rng.IntN(len(sources))
		node := pick(nodes)
		var ps []para
		if prev, ok := firstOf[node]; ok && rng.IntN(6) != 0 {
			ps = prev // an exact copy, as a node's documents are
		} else {
			ps = append(ps, templates[src]...)
			st := stories[rng.IntN(len(stories))]
			for _, p := range st {
				if rng.IntN(8) != 0 {
					ps = append(ps, p)
				}
			}
			if rng.IntN(3) == 0 { // a second story: chains and ties of links
				ps = append(ps, stories[rng.IntN(len(stories))]...)
			}
			for range rng.IntN(4) {
				p := common[rng.IntN(len(common))]
				if rng.IntN(5) == 0 {
					p = variant(p)
				}
				ps = append(ps, p)
			}
			if rng.IntN(4) == 0 && len(ps) > 0 { // a paragraph printed twice, its words counted otherwise
				q := ps[rng.IntN(len(ps))]
				if rng.IntN(2) == 0 {
					q.words = int32(12 + rng.IntN(30))
				}
				ps = append(ps, q)
			}
			rng.Shuffle(len(ps), func(a, b int) { ps[a], ps[b] = ps[b], ps[a] })
			if _, ok := firstOf[node]; !ok {
				firstOf[node] = ps
			}
		}
		var title int64
		if rng.IntN(3) != 0 {
			title = pick(titles)
		}
		all = append(all, doc{schema.FPDoc{Ord: int64(i/500)<<40 | int64(i%500), Source: sources[src],
			SourceHash: int64(dedup.SourceHash(sources[src])), Node: node, TitleKey: title}, ps})
	}
	// a chain of links longer than maxHops: document k holds the long paragraphs k and
	// k+1, and links to document k-1 (whose node is smaller)
	chain := make([]para, 14)
	for k := range chain {
		chain[k] = newPara(20)
	}
	for k := range len(chain) - 1 {
		all = append(all, doc{schema.FPDoc{Ord: int64(docs/500+1)<<40 | int64(k), Source: "chain.example",
			SourceHash: int64(dedup.SourceHash("chain.example")), Node: 1<<40 + int64(k)},
			[]para{chain[k], chain[k+1]}})
	}
	for s := range shards {
		var drows []schema.FPDoc
		var prows []schema.FPPara
		for i, d := range all {
			if i%shards != s {
				continue
			}
			drows = append(drows, d.fd)
			for k, p := range d.paras {
				prows = append(prows, schema.FPPara{Ord: d.fd.Ord, Idx: int32(k), Key: p.key, ShapeKey: p.shape,
					Raw: p.raw, Words: p.words, Numbers: p.numbers, Short: p.short, Shingled: p.shingled,
					Band0: p.bands[0], Band1: p.bands[1], Band2: p.bands[2], Band3: p.bands[3],
					Band4: p.bands[4], Band5: p.bands[5], Band6: p.bands[6], Band7: p.bands[7],
					Prefix0: p.prefix[0], Prefix1: p.prefix[1], Prefix2: p.prefix[2], Prefix3: p.prefix[3]})
			}
		}
		writeRows(t, filepath.Join(dir, shardName("docs", Shard{s, shards}, ".parquet")), drows)
		writeRows(t, filepath.Join(dir, shardName("paras", Shard{s, shards}, ".parquet")), prows)
	}
	return dir
}

// writeRows writes rows to path as this build's fingerprint stage writes its files.
func writeRows[T any](t *testing.T, path string, rows []T) {
	t.Helper()
	writeRowsWith(t, path, stagedOptions(export.ParquetOptions{Version: "test"}), rows)
}

// writeRowsWith writes rows to path with po.
func writeRowsWith[T any](t *testing.T, path string, po export.ParquetOptions, rows []T) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	w, err := export.Create[T](path, po)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// The SQL reduce computes the Go reduce's rows on made-up fingerprints (synthFP), for
// several seeds and rules.
func TestReduceSQLSynthetic(t *testing.T) {
	node := needDuckDB(t)
	type synthCase struct {
		seed          uint64
		docs, minDocs int
		shards        int
	}
	cases := []synthCase{{1, 600, 3, 1}, {2, 1500, 3, 3}, {3, 1000, 2, 2}, {4, 800, 5, 1}, {5, 3000, 3, 4}}
	// WINNOW_REDUCE_SQL_SYNTH_DOCS=N adds a case of N documents (to time the two)
	if n, err := strconv.Atoi(os.Getenv("WINNOW_REDUCE_SQL_SYNTH_DOCS")); err == nil && n > 0 {
		cases = append(cases, synthCase{9, n, 3, 4})
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("seed%d", c.seed), func(t *testing.T) {
			fp := synthFP(t, t.TempDir(), c.seed, c.docs, c.shards)
			rules := dedup.DefaultRules()
			rules.MinDocs = c.minDocs
			goCounts, sqlCounts := filepath.Join(t.TempDir(), "go.parquet"), filepath.Join(t.TempDir(), "sql.parquet")
			start := time.Now()
			if err := Reduce(context.Background(), Options{Rules: rules, Version: "test"}, []string{fp}, goCounts); err != nil {
				t.Fatal(err)
			}
			goTime := time.Since(start)
			sqlStats := runSQLReduce(t, node, fp, sqlCounts, c.minDocs)
			want := readCountRows(t, goCounts)
			kinds := map[string]int{}
			for _, r := range want {
				kinds[r.Kind]++
			}
			t.Logf("%d documents: Go reduce %v, SQL reduce on DuckDB %s; %d rows: %v", c.docs,
				goTime.Round(time.Millisecond), sqlStats, len(want), kinds)
			diffCountRows(t, c.shards, want, readCountRows(t, sqlCounts))
		})
	}
	// Go counts band keys in 16 bits: one in 65535 documents or more stays at 65535,
	// though they are fewer groups
	t.Run("band_cap", func(t *testing.T) {
		fp := t.TempDir()
		const docs = 70000
		var drows []schema.FPDoc
		var prows []schema.FPPara
		band := int64(0x5eed_0000_0000)
		for i := range docs {
			node := int64(i/2 + 1) // exact copies: 35000 groups of two
			drows = append(drows, schema.FPDoc{Ord: int64(i), Node: node, SourceHash: int64(dedup.SourceHash(""))})
			key := node * 7919
			prows = append(prows, schema.FPPara{Ord: int64(i), Key: key, ShapeKey: key, Raw: key + 1, Words: 5,
				Shingled: true, Band0: band, Band1: key + 2, Band2: key + 3, Band3: key + 4, Band4: key + 5,
				Band5: key + 6, Band6: key + 7, Band7: key + 8})
		}
		writeRows(t, filepath.Join(fp, shardName("docs", Shard{0, 1}, ".parquet")), drows)
		writeRows(t, filepath.Join(fp, shardName("paras", Shard{0, 1}, ".parquet")), prows)
		rules := dedup.DefaultRules()
		goCounts, sqlCounts := filepath.Join(t.TempDir(), "go.parquet"), filepath.Join(t.TempDir(), "sql.parquet")
		if err := Reduce(context.Background(), Options{Rules: rules, Version: "test"}, []string{fp}, goCounts); err != nil {
			t.Fatal(err)
		}
		runSQLReduce(t, node, fp, sqlCounts, rules.MinDocs)
		want := readCountRows(t, goCounts)
		near := 0
		for _, r := range want {
			if r.Kind == "near" && r.N == 65535 {
				near++
			}
		}
		if near != docs/2 {
			t.Errorf("the Go reduce wrote %d near rows of 65535 groups, want %d: not a test of the cap", near, docs/2)
		}
		diffCountRows(t, 1, want, readCountRows(t, sqlCounts))
	})
}
