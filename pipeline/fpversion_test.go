package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/winnowdata/winnow/dedup"
	"github.com/winnowdata/winnow/export"
	"github.com/winnowdata/winnow/schema"
)

// writeStamped writes rows to path as a winnow build whose files carry the fingerprint
// version v ("" for a build from before versions).
func writeStamped[T any](t *testing.T, path, v string, rows []T) {
	t.Helper()
	po := export.ParquetOptions{Version: "test"}
	if v != "" {
		po.KeyValue = map[string]string{schema.MetaFingerprint: v}
	}
	writeRowsWith(t, path, po, rows)
}

// TestStagesCheckFingerprint: a stage refuses the files of a build that fingerprints
// otherwise (or of one from before builds said how), naming the file, and takes counts
// that a SQL engine wrote.
func TestStagesCheckFingerprint(t *testing.T) {
	ctx := context.Background()
	rules := dedup.DefaultRules()
	for _, tt := range []struct {
		name, docs, paras, want string
	}{
		{"this build", fingerprintVersion, fingerprintVersion, ""},
		{"another version", fingerprintVersion, "1", "paras-00000-of-00001.parquet: made by a winnow build of fingerprint version 1"},
		{"before versions", "", fingerprintVersion, "docs-00000-of-00001.parquet: made by a winnow build older than this one"},
	} {
		t.Run("reduce: "+tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeStamped(t, filepath.Join(dir, "docs-00000-of-00001.parquet"), tt.docs, []schema.FPDoc{})
			writeStamped(t, filepath.Join(dir, "paras-00000-of-00001.parquet"), tt.paras, []schema.FPPara{})
			out := filepath.Join(t.TempDir(), "counts.parquet")
			err := Reduce(ctx, Options{Rules: rules, Version: "test"}, []string{dir}, out)
			switch {
			case tt.want == "" && err != nil:
				t.Fatal(err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Reduce: %v, want an error with %q", err, tt.want)
			}
			if tt.want == "" {
				// the counts it wrote carry the version: apply and place take them;
				// place refuses a judged shard of another build
				if _, err := loadCounts(out, rules); err != nil {
					t.Fatal(err)
				}
				judged := t.TempDir()
				writeStamped(t, filepath.Join(judged, "judged-00000-of-00001.parquet"), "1", []schema.JudgedDoc{})
				_, err := Place(ctx, outputsOf(t.TempDir(), Defaults()), []string{judged}, out)
				if want := "judged-00000-of-00001.parquet: made by a winnow build of fingerprint version 1"; err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("Place: %v, want an error with %q", err, want)
				}
			}
		})
	}
	for _, tt := range []struct {
		name, version, createdBy, want string
	}{
		{"counts of another version", "1", "", "made by a winnow build of fingerprint version 1"},
		{"counts of a build before versions", "", "", "older than this one"},
		{"counts written by DuckDB", "", "DuckDB", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// the rows of a reduce of an empty shard, rewritten as another build or
			// another program would write them
			dir := t.TempDir()
			writeStamped(t, filepath.Join(dir, "docs-00000-of-00001.parquet"), fingerprintVersion, []schema.FPDoc{})
			writeStamped(t, filepath.Join(dir, "paras-00000-of-00001.parquet"), fingerprintVersion, []schema.FPPara{})
			made := filepath.Join(dir, "made.parquet")
			if err := Reduce(ctx, Options{Rules: rules, Version: "test"}, []string{dir}, made); err != nil {
				t.Fatal(err)
			}
			rows, err := parquet.ReadFile[schema.CountRow](made)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "counts.parquet")
			if tt.createdBy == "" {
				writeStamped(t, path, tt.version, rows)
			} else {
				f, err := os.Create(path)
				if err != nil {
					t.Fatal(err)
				}
				w := parquet.NewGenericWriter[schema.CountRow](f, parquet.CreatedBy(tt.createdBy, "1.4.0", ""))
				if _, err := w.Write(rows); err != nil {
					t.Fatal(err)
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				f.Close()
			}
			_, err = loadCounts(path, rules)
			switch {
			case tt.want == "" && err != nil:
				t.Fatal(err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("loadCounts: %v, want an error with %q", err, tt.want)
			}
		})
	}
}
