package dedup

import (
	"math"
	"math/bits"
)

// distinctEstimate estimates how many distinct hashes it was given: a HyperLogLog of
// 2^hllBits one-byte registers (Flajolet et al. 2007, with linear counting for small
// sets), standard error about 1.04 / sqrt(2^hllBits), 0.8 %. Add feeds it the band
// keys it spools, so that Seal sizes the tables it counts them in once, where a table
// grown from small moves its keys three times over on the way (see countBands).
type distinctEstimate struct {
	reg [1 << hllBits]uint8
}

const hllBits = 14

// add takes one hash (well mixed: a band key).
func (e *distinctEstimate) add(h uint64) {
	i := h >> (64 - hllBits)
	rank := uint8(bits.LeadingZeros64(h<<hllBits|1<<(hllBits-1)) + 1)
	if rank > e.reg[i] {
		e.reg[i] = rank
	}
}

// count returns the estimate.
func (e *distinctEstimate) count() float64 {
	const m = float64(1 << hllBits)
	sum, zeros := 0.0, 0
	for _, r := range e.reg {
		sum += math.Ldexp(1, -int(r))
		if r == 0 {
			zeros++
		}
	}
	est := 0.7213 / (1 + 1.079/m) * m * m / sum
	if est <= 2.5*m && zeros > 0 {
		est = m * math.Log(m/float64(zeros))
	}
	return est
}
