package export

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/parquet-go/parquet-go/compress/zstd"
)

// TestSplitZstd checks splitZstd against its definition: a page below splitMin is one
// frame, as the plain codec writes it; a larger one is the frames of its two halves,
// one after the other; and every page decodes back to itself.
func TestSplitZstd(t *testing.T) {
	plain := &zstd.Codec{Level: zstd.SpeedFastest}
	c := splitZstd{plain}
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"the", "minister", "said", "on", "Tuesday", "that", "prices", "rose", "7.5%", "—", "élan"}
	for _, size := range []int{0, 1, 1000, splitMin - 1, splitMin, splitMin + 1, 3*splitMin + 7} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			var b bytes.Buffer
			for b.Len() < size {
				b.WriteString(words[rng.IntN(len(words))])
				b.WriteByte(' ')
			}
			src := b.Bytes()[:size]
			got, err := c.Encode(nil, src)
			if err != nil {
				t.Fatal(err)
			}
			var want []byte
			if size < splitMin {
				want, _ = plain.Encode(nil, src)
			} else {
				first, _ := plain.Encode(nil, src[:size/2])
				second, _ := plain.Encode(nil, src[size/2:])
				want = append(first, second...)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%d bytes: frames differ from the definition (%d bytes, want %d)", size, len(got), len(want))
			}
			back, err := c.Decode(nil, got)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(back, src) {
				t.Errorf("%d bytes: decoded %d bytes that differ from the page", size, len(back))
			}
		})
	}
}
