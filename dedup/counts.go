package dedup

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
)

// Counts: what a sealed Index holds for judging, as rows.
//
// The staged path (pipeline's Fingerprint, Reduce, Apply and Place) runs counting and
// judging as separate jobs: the counts a reduce computes, here or in SQL, are written
// out as Count rows and read back by every apply job into an Index that answers
// Judge's lookups exactly as the Index that counted. Only what can change a decision
// or a ledger row is written: a paragraph key in two groups or more (a key in one is
// reported as 1), a per-source key in MinSourceDocs groups or more, a prefix or a near
// copy in MinDocs or more, every title and every source, and the raw-bytes shortcut
// of the paragraphs Known recognises.

// CountKind names what a Count row counts.
type CountKind string

// The kinds of Count rows. Hash, Source and N mean, by kind:
const (
	CountKey        CountKind = "key"         // Hash: an exact or shape key; N: groups holding it
	CountSourceKey  CountKind = "source_key"  // Source, Hash: a key; N: groups of that source holding it
	CountSourceDocs CountKind = "source_docs" // Source; N: the source's groups
	CountPrefix     CountKind = "prefix"      // Hash: a prefix (Para.prefix); N: groups
	CountTitle      CountKind = "title"       // Hash: a title key; N: documents with that title
	CountNear       CountKind = "near"        // Hash: a paragraph key; N: NearDocs
	// CountRaw: Hash is a raw-bytes hash that Known recognises, Key its exact key, N the
	// groups holding Key, Words, Numbers and Short the paragraph's.
	CountRaw CountKind = "raw"
	// CountGroup: Hash is the ordinal of a document in a copy group of two or more,
	// Key the group (the ordinal of its first document), N the group's size.
	CountGroup CountKind = "group"
	// Totals, in N: the documents added, the distinct keys and band keys, the
	// documents in copy groups of two or more and those groups; and MinDocs, the rule
	// the counts were made for.
	CountDocuments     CountKind = "documents"
	CountDistinctKeys  CountKind = "distinct_keys"
	CountDistinctBands CountKind = "distinct_bands"
	CountCopyDocuments CountKind = "copy_documents"
	CountCopyGroups    CountKind = "copy_groups"
	CountMinDocs       CountKind = "min_docs"
)

// Count is one row of a sealed Index's counts (see CountKind).
type Count struct {
	Kind    CountKind
	Source  uint64 // SourceHash of the source, for the per-source kinds
	Hash    uint64
	N       int64
	Key     uint64
	Words   int32
	Numbers int32
	Short   bool
}

// SourceHash returns the hash a source is counted under (Count.Source).
func SourceHash(source string) uint64 { return sourceHash(source) }

// ErrSketched is returned by Counts for an Index whose prefix table turned into a
// count-min sketch under its memory budget: a sketch holds no hashes to write out.
var ErrSketched = errors.New("dedup: the index passed its memory budget and holds sketches, whose hashes cannot be written out; raise the memory budget")

// Counts calls yield with every Count row a staged apply needs to judge as this Index
// does (see Counts above), for rules r (those it was made for). The Index must be
// sealed. Rows come in an order fixed by the Index's contents: sort them to compare two
// reduces.
func (ix *Index) Counts(r Rules, yield func(Count) error) error {
	if !ix.sealed {
		return errors.New("dedup: Counts of an Index that is not sealed")
	}
	if ix.sketched {
		return ErrSketched
	}
	minDocs := int64(r.MinDocs)
	emit := func(c Count) error { return yield(c) }
	totals := []Count{
		{Kind: CountDocuments, N: ix.Docs()},
		{Kind: CountDistinctKeys, N: int64(ix.DistinctKeys())},
		{Kind: CountDistinctBands, N: int64(ix.DistinctBands())},
		{Kind: CountCopyDocuments, N: ix.copies},
		{Kind: CountCopyGroups, N: ix.groups},
		{Kind: CountMinDocs, N: minDocs},
	}
	for _, c := range totals {
		if err := emit(c); err != nil {
			return err
		}
	}
	err := ix.keys.each(func(k uint64, docs uint32) error {
		return emit(Count{Kind: CountKey, Hash: k, N: int64(docs)})
	})
	if err != nil {
		return err
	}
	if p, ok := ix.prefix.(*table); ok {
		for i := range p.slots {
			if s := &p.slots[i]; s.key != 0 && int64(s.val.docs) >= minDocs {
				if err := emit(Count{Kind: CountPrefix, Hash: s.key, N: int64(s.val.docs)}); err != nil {
					return err
				}
			}
		}
	}
	for i := range ix.titles.slots {
		if s := &ix.titles.slots[i]; s.key != 0 && s.val.docs > 0 {
			if err := emit(Count{Kind: CountTitle, Hash: s.key, N: int64(s.val.docs)}); err != nil {
				return err
			}
		}
	}
	for k, n := range ix.near {
		if err := emit(Count{Kind: CountNear, Hash: k, N: int64(n)}); err != nil {
			return err
		}
	}
	for i := range ix.raw.slots {
		s := &ix.raw.slots[i]
		if s.key == 0 || int64(s.val.docs) < minDocs {
			continue
		}
		e := s.val
		c := Count{Kind: CountRaw, Hash: s.key, Key: e.key, N: int64(e.docs), Words: int32(e.words),
			Numbers: int32(e.numbers), Short: e.flags&rawShort != 0}
		if err := emit(c); err != nil {
			return err
		}
	}
	for src, n := range ix.srcDocs {
		if src == noSource {
			continue
		}
		if err := emit(Count{Kind: CountSourceDocs, Source: src, N: int64(n)}); err != nil {
			return err
		}
	}
	for i, g := range ix.groupOf {
		if n := ix.groupSize[g]; n > 1 {
			if err := emit(Count{Kind: CountGroup, Hash: uint64(i), Key: uint64(g), N: int64(n)}); err != nil {
				return err
			}
		}
	}
	return ix.sourceKeyCounts(yield)
}

// sourceKeyCounts yields the per-source key counts of MinSourceDocs groups or more. The
// table holds them under a hash of source and key, so the pairs are found again in the
// spool's records, each yielded once.
func (ix *Index) sourceKeyCounts(yield func(Count) error) error {
	done := map[uint64]bool{}
	var rec record
	for i := range len(ix.offsets) {
		if err := ix.readRecord(i, &rec, true); err != nil {
			return err
		}
		src := ix.srcHash[rec.src]
		if !ix.countsSource(src) {
			continue
		}
		for _, k := range rec.keys {
			sk := srcKey(src, k)
			n := ix.srcKeys.get(sk).docs
			if n < MinSourceDocs || done[sk] {
				continue
			}
			done[sk] = true
			if err := yield(Count{Kind: CountSourceKey, Source: src, Hash: k, N: int64(n)}); err != nil {
				return err
			}
		}
	}
	return nil
}

// LoadIndex returns a sealed Index holding the counts that next yields, one row at a
// time until io.EOF, as Counts wrote them (or a SQL reduce computed them): a Judge over
// it decides as over the Index that counted. Rows may come in any order. rules must
// be those the counts were made for (their MinDocs is checked).
func LoadIndex(r Rules, next func() (Count, error)) (*Index, error) {
	ix := NewIndex()
	ix.floorKeys = 1 // a key is in one group at least: only keys in two or more are written
	near := map[uint64]int32{}
	var docs int64 = -1
	type member struct{ ord, group, size uint64 }
	var members []member
	minDocs := int64(-1)
	for {
		c, err := next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		n := uint32(min(max(c.N, 0), math.MaxUint32))
		switch c.Kind {
		case CountKey:
			ix.keys.set(c.Hash, n)
		case CountSourceKey:
			ix.srcKeys.set(srcKey(c.Source, c.Hash), n)
		case CountSourceDocs:
			ix.srcDocs[c.Source] = n
		case CountPrefix:
			p := ix.prefix.(*table)
			p.set(c.Hash, n)
		case CountTitle:
			ix.titles.set(c.Hash, n)
		case CountNear:
			near[c.Hash] = int32(min(c.N, math.MaxInt32))
		case CountRaw:
			v, _ := ix.raw.ref(c.Hash)
			*v = rawInfo{key: c.Key, docs: n, words: uint16(min(max(c.Words, 0), 1<<16-1)),
				numbers: uint8(min(max(c.Numbers, 0), 255))}
			if c.Short {
				v.flags = rawShort
			}
		case CountGroup:
			members = append(members, member{c.Hash, c.Key, uint64(c.N)})
		case CountDocuments:
			docs = c.N
			ix.loadedDocs = c.N
		case CountDistinctKeys:
			ix.distinctKeys = int(c.N)
		case CountDistinctBands:
			ix.distinctBands = int(c.N)
		case CountCopyDocuments:
			ix.copies = c.N
		case CountCopyGroups:
			ix.groups = c.N
		case CountMinDocs:
			minDocs = c.N
		default:
			return nil, fmt.Errorf("counts: unknown kind %q", c.Kind)
		}
	}
	ix.setNear(near)
	if docs < 0 {
		return nil, errors.New(`counts: no "documents" row: not the output of a reduce`)
	}
	if minDocs != int64(r.MinDocs) {
		return nil, fmt.Errorf("counts were made for --min-docs %d, not %d: run the reduce again with the same rules", minDocs, r.MinDocs)
	}
	ix.groupOf = make([]uint32, docs)
	ix.groupSize = make([]uint32, docs)
	for i := range ix.groupOf {
		ix.groupOf[i] = uint32(i)
		ix.groupSize[i] = 1
	}
	slices.SortFunc(members, func(a, b member) int { return int(a.ord) - int(b.ord) })
	for _, m := range members {
		if m.ord >= uint64(docs) || m.group >= uint64(docs) {
			return nil, fmt.Errorf("counts: group row of document %d (group %d) past the %d documents", m.ord, m.group, docs)
		}
		ix.groupOf[m.ord] = uint32(m.group)
		ix.groupSize[m.group] = uint32(min(m.size, math.MaxUint32))
	}
	ix.satDocs = uint32(r.MinDocs)
	ix.loaded = true
	ix.sealed = true
	return ix, nil
}
