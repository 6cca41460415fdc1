package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTmpSpaceWarning: a run warns once, before pass 1, when the temporary folder has
// less free space than 1.3 times the input, naming the folder and --tmp-dir, and runs
// on; with room, or where the free space is unknown, it says nothing.
func TestTmpSpaceWarning(t *testing.T) {
	dir := t.TempDir()
	in := genCorpus(t, dir, 50, 31)
	st, err := os.Stat(in)
	if err != nil {
		t.Fatal(err)
	}
	size := st.Size()
	for _, c := range []struct {
		name  string
		free  int64
		known bool
		warn  bool
	}{
		{"room", 2 * size, true, false},
		{"just room", size*13/10 + 1, true, false},
		{"too little", size, true, true},
		{"none", 0, true, true},
		{"unknown", 0, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func(f func(string) (int64, bool)) { freeSpace = f }(freeSpace)
			var asked string
			freeSpace = func(d string) (int64, bool) { asked = d; return c.free, c.known }
			tmp := t.TempDir()
			opts := Defaults()
			opts.Inputs = []string{in}
			opts.Output = filepath.Join(t.TempDir(), "out.parquet")
			opts.TmpDir = tmp
			var warnings []string
			opts.Warn = func(msg string) { warnings = append(warnings, msg) }
			if _, err := Clean(context.Background(), opts); err != nil {
				t.Fatal(err)
			}
			if asked != tmp {
				t.Errorf("free space asked of %q, want the temporary folder %q", asked, tmp)
			}
			var got []string
			for _, w := range warnings {
				if strings.Contains(w, "free") {
					got = append(got, w)
				}
			}
			if !c.warn {
				if len(got) > 0 {
					t.Errorf("warned with room: %q", got)
				}
				return
			}
			if len(got) != 1 || !strings.Contains(got[0], tmp) || !strings.Contains(got[0], "--tmp-dir") {
				t.Errorf("warnings %q, want one naming %s and --tmp-dir", got, tmp)
			}
		})
	}
}
