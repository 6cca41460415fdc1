package dedup

import (
	"testing"
)

// TestSketchOvercount measures how often the count-min sketch lifts a key that is in
// one or two documents to MinDocs (3) or more, the error that turns a paragraph into
// near-boilerplate by mistake, at the loads a budget can give.
func TestSketchOvercount(t *testing.T) {
	tests := []struct {
		name  string
		load  float64 // distinct keys per counter of a row
		bound float64 // the rate the sketch doc promises at most
	}{
		{"load 0.1", 0.1, 1e-4},
		{"load 0.25", 0.25, 1e-3},
		{"load 0.5", 0.5, 1e-2},
		{"load 1", 1, 0.06},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const width = 1 << 16
			n := int(tt.load * width)
			s := newSketch(width * sketchRows)
			exact := newTable(n)
			// keys seen in 1, 2 or 3 documents, in equal shares
			for i := 0; i < n; i++ {
				k := mix(uint64(i) + 1)
				for d := 0; d <= i%3; d++ {
					s.add(k)
					exact.add(k)
				}
			}
			wrong, rare := 0, 0
			for i := 0; i < n; i++ {
				k := mix(uint64(i) + 1)
				e := exact.get(k).docs
				got := s.get(k).docs
				if got < e {
					t.Fatalf("sketch undercounts key %d: %d < %d", i, got, e)
				}
				if e < 3 {
					rare++
					if got >= 3 {
						wrong++
					}
				}
			}
			rate := float64(wrong) / float64(rare)
			t.Logf("%s: %d of %d keys in fewer than 3 documents counted in 3 or more (%.2g)", tt.name, wrong, rare, rate)
			if rate > tt.bound {
				t.Errorf("overcount rate %.2g above %.2g", rate, tt.bound)
			}
		})
	}
}
