package pipeline

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/winnowdata/winnow/schema"
)

// The SQL reduce (docs/reduce.sql, run on DuckDB by interop/reduce-sql.mjs) computes
// the counts the Go reduce writes, row for row, and apply and place with its counts
// write what Clean writes, byte for byte. It needs Node.js and interop's packages
// (`npm ci` in interop/); it is skipped without them. WINNOW_REDUCE_SQL_CORPUS names
// more inputs to try (a JSONL file such as the dev corpus, out/dev/corpus.jsonl, which
// is tried when present); WINNOW_REDUCE_SQL another query than docs/reduce.sql.
func TestReduceSQL(t *testing.T) {
	node := needDuckDB(t)
	dir := t.TempDir()
	corpus := writeCorpus(t, dir)
	cases := []struct {
		name   string
		inputs []string
	}{
		{"jsonl", []string{corpus, writeCopies(t, corpus, dir)}},
		{"gen", []string{genCorpus(t, dir, 400, 1)}},
		{"gen2", []string{genCorpus(t, dir, 300, 2)}},
		{"folder", []string{filepath.Join("..", "testdata", "sample")}},
	}
	extra := filepath.Join("..", "out", "dev", "corpus.jsonl")
	if p := os.Getenv("WINNOW_REDUCE_SQL_CORPUS"); p != "" {
		extra = p
	}
	if _, err := os.Stat(extra); err == nil {
		cases = append(cases, struct {
			name   string
			inputs []string
		}{"dev", []string{extra}})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := Defaults()
			opts.Inputs = c.inputs
			opts.Workers = 2
			opts.Version = "test"
			want := filepath.Join(t.TempDir(), "clean")
			if err := os.Mkdir(want, 0o755); err != nil {
				t.Fatal(err)
			}
			if _, err := Clean(context.Background(), outputsOf(want, opts)); err != nil {
				t.Fatal(err)
			}
			for _, n := range []int{1, 3} {
				got := filepath.Join(t.TempDir(), fmt.Sprint("sql", n))
				runStagedSQL(t, node, opts, n, got)
				sameOutputs(t, want, got, []string{"corpus.parquet", "corpus.jsonl", "removed.parquet", "report.html"},
					fmt.Sprintf("%d shards with the SQL counts", n))
			}
		})
	}
}

// needDuckDB skips the test without Node.js and interop's DuckDB package, or under
// -short, and returns the path of node.
func needDuckDB(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("short: the SQL reduce runs on DuckDB from Node.js, a few seconds a corpus")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node: the SQL reduce runs on DuckDB from Node.js")
	}
	if _, err := os.Stat(filepath.Join("..", "interop", "node_modules", "@duckdb", "node-api")); err != nil {
		t.Skip("no interop/node_modules/@duckdb/node-api: run npm ci in interop/")
	}
	return node
}

// runStagedSQL runs the staged path on n shards with both reduces: it checks that
// the SQL reduce's rows are the Go reduce's, then applies and places with the SQL
// counts, writing the outputs into dir.
func runStagedSQL(t *testing.T, node string, opts Options, n int, dir string) {
	t.Helper()
	ctx := context.Background()
	fp, judged := filepath.Join(dir, "fp"), filepath.Join(dir, "judged")
	goCounts, sqlCounts := filepath.Join(dir, "counts-go.parquet"), filepath.Join(dir, "counts-sql.parquet")
	for i := n - 1; i >= 0; i-- {
		if err := Fingerprint(ctx, opts, Shard{i, n}, fp); err != nil {
			t.Fatalf("fingerprint %d/%d: %v", i, n, err)
		}
	}
	start := time.Now()
	if err := Reduce(ctx, opts, []string{fp}, goCounts); err != nil {
		t.Fatalf("reduce: %v", err)
	}
	goTime := time.Since(start)
	sqlStats := runSQLReduce(t, node, fp, sqlCounts, opts.Rules.MinDocs)
	t.Logf("%d shards: Go reduce %v; SQL reduce on DuckDB %s", n, goTime.Round(time.Millisecond), sqlStats)
	want, got := readCountRows(t, goCounts), readCountRows(t, sqlCounts)
	diffCountRows(t, n, want, got)
	for i := n - 1; i >= 0; i-- {
		if err := Apply(ctx, opts, Shard{i, n}, sqlCounts, judged); err != nil {
			t.Fatalf("apply %d/%d: %v", i, n, err)
		}
	}
	if _, err := Place(ctx, outputsOf(dir, opts), []string{judged}, sqlCounts); err != nil {
		t.Fatalf("place: %v", err)
	}
}

// runSQLReduce runs docs/reduce.sql (or WINNOW_REDUCE_SQL) on DuckDB over the
// fingerprints in fp, for minDocs, into out, and returns what the runner reports: the
// rows written and the query's time.
func runSQLReduce(t *testing.T, node, fp, out string, minDocs int) string {
	t.Helper()
	sql := filepath.Join("..", "docs", "reduce.sql")
	if p := os.Getenv("WINNOW_REDUCE_SQL"); p != "" {
		sql = p // another query, such as a variant to see the test fail
	}
	cmd := exec.Command(node, filepath.Join("..", "interop", "reduce-sql.mjs"), sql, out, fp)
	cmd.Env = append(os.Environ(), fmt.Sprintf("WINNOW_MIN_DOCS=%d", minDocs))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	res, err := cmd.Output()
	if err != nil {
		t.Fatalf("SQL reduce: %v\n%s", err, stderr.String())
	}
	return strings.TrimSpace(string(res))
}

func readCountRows(t *testing.T, path string) []schema.CountRow {
	t.Helper()
	rs, err := openRows[schema.CountRow](path)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.close()
	var out []schema.CountRow
	for r := rs.next(); r != nil; r = rs.next() {
		out = append(out, *r)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(out, compareCountRows)
	return out
}

func compareCountRows(a, b schema.CountRow) int {
	return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Source, b.Source), cmp.Compare(a.Hash, b.Hash),
		cmp.Compare(a.N, b.N), cmp.Compare(a.Key, b.Key), cmp.Compare(a.Words, b.Words),
		cmp.Compare(a.Numbers, b.Numbers), cmpBool(a.Short, b.Short))
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// diffCountRows reports the rows of one sorted multiset missing from the other, by
// kind, and a few of them.
func diffCountRows(t *testing.T, shards int, want, got []schema.CountRow) {
	t.Helper()
	var missing, extra []schema.CountRow
	i, j := 0, 0
	for i < len(want) || j < len(got) {
		switch {
		case j == len(got) || i < len(want) && compareCountRows(want[i], got[j]) < 0:
			missing = append(missing, want[i])
			i++
		case i == len(want) || compareCountRows(want[i], got[j]) > 0:
			extra = append(extra, got[j])
			j++
		default:
			i++
			j++
		}
	}
	if len(missing) == 0 && len(extra) == 0 {
		return
	}
	kinds := func(rs []schema.CountRow) map[string]int {
		m := map[string]int{}
		for _, r := range rs {
			m[r.Kind]++
		}
		return m
	}
	t.Errorf("%d shards: the SQL reduce's %d rows differ from the Go reduce's %d: %d missing %v, %d extra %v",
		shards, len(got), len(want), len(missing), kinds(missing), len(extra), kinds(extra))
	for k, r := range missing[:min(len(missing), 8)] {
		t.Logf("missing %d: %+v", k, r)
	}
	for k, r := range extra[:min(len(extra), 8)] {
		t.Logf("extra %d: %+v", k, r)
	}
}
