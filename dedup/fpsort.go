package dedup

import "slices"

// fpList collects the band keys of one partition as countBands reads them, as the
// fingerprints a packedTable keeps (packedFP), and counts them by sorting them.
//
// A table counted them before: at gen_corpus sizes it is far larger than the caches,
// and every key costs a miss in it (BenchmarkCountFPs: 10 M keys in 730 ms, against
// 340 ms sorted). Sorted, the keys are read and written in order, and they take 8
// bytes each where the table took 8 bytes a slot at most three quarters full; only
// the keys counted twice or more go into a table, a small one.
type fpList struct {
	fps  []uint64 // fps[:n] hold the keys
	n    int
	slab *slab
}

// newFPList returns a list with room for about size keys (it grows past them).
func newFPList(size int) *fpList {
	l := &fpList{}
	l.fps, l.slab = allocSlice[uint64](max(size, 1024))
	return l
}

// add appends the fingerprint of band key h.
func (l *fpList) add(h uint64) {
	if l.n == len(l.fps) {
		l.grow()
	}
	l.fps[l.n] = packedFP(h)
	l.n++
}

func (l *fpList) grow() {
	fps, s := allocSlice[uint64](nextSize(len(l.fps)))
	copy(fps, l.fps[:l.n])
	l.slab.free()
	l.fps, l.slab = fps, s
}

// bytes returns the memory the list's keys take (its capacity, sized by an estimate
// divided among the partitions, is left out: the stats must not depend on how many
// partitions a round counts at once, one a core).
func (l *fpList) bytes() int64 { return 8 * int64(l.n) }

// free gives the list's memory back. The list must not be used again.
func (l *fpList) free() {
	l.slab.free()
	l.fps, l.slab, l.n = nil, nil, 0
}

// count sorts the keys and returns how many are distinct and a table of those added
// least times or more (least ≥ 1), each with its count as packedTable.add counts it:
// saturated at packedCount.
func (l *fpList) count(least uint32) (distinct int, t *packedTable) {
	fps := l.fps[:l.n]
	sortFPs(fps)
	var kept []uint64 // slots: fingerprint and count
	for i := 0; i < len(fps); {
		j := i + 1
		for j < len(fps) && fps[j] == fps[i] {
			j++
		}
		distinct++
		if c := j - i; c >= int(least) {
			kept = append(kept, fps[i]<<16|uint64(min(c, packedCount)))
		}
		i = j
	}
	t = newPackedTable(len(kept))
	for _, s := range kept {
		*t.find(s >> 16) = s
	}
	t.n = len(kept)
	return distinct, t
}

// sortFPsMin is the shortest list sortFPs sorts by radix: below it, slices.Sort is as
// fast and needs no scratch.
const sortFPsMin = 1 << 12

// sortFPs sorts fingerprints (48-bit values, as packedFP returns them) in place:
// one pass puts each in the bucket of its top 8 bits, in place (an American flag
// sort), then each bucket, small enough to stay in the caches, is sorted by its
// remaining 40 bits in five passes of 8 bits through a scratch buffer the size of
// the largest bucket.
func sortFPs(a []uint64) {
	if len(a) < sortFPsMin {
		slices.Sort(a)
		return
	}
	const topShift = 40
	var count, start, next [256]int
	for _, v := range a {
		count[v>>topShift&0xff]++
	}
	largest := 0
	for b, s := 0, 0; b < 256; b++ {
		start[b], next[b] = s, s
		s += count[b]
		largest = max(largest, count[b])
	}
	for b := range 256 {
		end := start[b] + count[b]
		for next[b] < end {
			// carry the value at next[b] to its bucket, and the one it displaces to
			// its own, until one belongs in bucket b
			v := a[next[b]]
			for d := int(v >> topShift & 0xff); d != b; d = int(v >> topShift & 0xff) {
				a[next[d]], v = v, a[next[d]]
				next[d]++
			}
			a[next[b]] = v
			next[b]++
		}
	}
	scratch := make([]uint64, largest)
	for b := range 256 {
		bucket := a[start[b] : start[b]+count[b]]
		src, dst := bucket, scratch[:len(bucket)]
		for shift := 0; shift < topShift; shift += 8 {
			var c [256]int
			for _, v := range src {
				c[byte(v>>shift)]++
			}
			for d, s := 0, 0; d < 256; d++ {
				c[d], s = s, s+c[d]
			}
			for _, v := range src {
				d := byte(v >> shift)
				dst[c[d]] = v
				c[d]++
			}
			src, dst = dst, src
		}
		copy(bucket, src) // after an odd number of passes, the scratch holds them
	}
}
