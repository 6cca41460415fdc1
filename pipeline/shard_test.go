package pipeline

import (
	"testing"

	"github.com/winnowdata/winnow/schema"
)

func TestParseShard(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Shard
		ok   bool
	}{
		{"0/1", Shard{0, 1}, true},
		{"3/4", Shard{3, 4}, true},
		{" 2 / 8 ", Shard{2, 8}, true},
		{"4/4", Shard{}, false},
		{"-1/4", Shard{}, false},
		{"1/0", Shard{}, false},
		{"1", Shard{}, false},
		{"a/b", Shard{}, false},
		{"", Shard{}, false},
	} {
		got, err := ParseShard(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseShard(%q) = %v, %v; want %v (ok %v)", c.in, got, err, c.want, c.ok)
		}
	}
}

// Every string either parses to a shard that prints back to itself, or is an error;
// every document is in exactly one shard of N.
func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"0/1", "3/4", "4/4", "x", "1/-2", "007/9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sh, err := ParseShard(s)
		if err != nil {
			return
		}
		back, err := ParseShard(sh.String())
		if err != nil || back != sh {
			t.Fatalf("%q parsed to %v, which prints as %q and parses to %v, %v", s, sh, sh.String(), back, err)
		}
	})
}

func TestSharderTakesEachDocumentOnce(t *testing.T) {
	for _, byFile := range []bool{false, true} {
		const n = 5
		seen := map[int64]int{}
		for i := range n {
			sh := &sharder{s: Shard{i, n}, byFile: byFile, file: -1}
			for f := range 7 {
				if !sh.files(f) {
					continue
				}
				for range 11 {
					if ord, ok := sh.take(&schema.Document{FileIndex: f}); ok {
						seen[ord]++
					}
				}
			}
		}
		if len(seen) != 7*11 {
			t.Errorf("byFile %v: %d documents taken, want %d", byFile, len(seen), 7*11)
		}
		for ord, k := range seen {
			if k != 1 {
				t.Errorf("byFile %v: document %d taken %d times", byFile, ord, k)
			}
		}
	}
}
