package export

import (
	"reflect"
	"slices"
	"strings"
)

// rowPlan knows, for a row type T, where ParquetWriter must cut its batches.
//
// It estimates the in-memory size of a row before encoding: the length of its strings
// and byte slices plus the width of its fixed-size fields. That is what row groups and
// shards are cut on; the encoded size on disk is smaller (after compression) or a little
// larger (levels, headers), but proportional. And it finds the rows before which a batch
// must be cut to avoid a parquet-go bug with optional columns (see risesFromNull).
type rowPlan[T any] struct {
	fixed   int64   // bytes of the fixed-size fields of a struct T
	varying [][]int // field index paths of the strings and byte slices of a struct T
	generic bool    // T is not a struct: walk each value

	// optional holds the field index paths of the scalar fields tagged "optional",
	// which parquet-go writes as NULL when they hold their zero value.
	optional [][]int
}

func newRowPlan[T any]() *rowPlan[T] {
	t := reflect.TypeFor[T]()
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	s := &rowPlan[T]{}
	if t.Kind() != reflect.Struct {
		s.generic = true
		return s
	}
	if !s.plan(t, nil) {
		*s = rowPlan[T]{generic: true}
	}
	s.optional = optionalFields(t, nil)
	return s
}

// plan records the fields of struct t, reached by the index path prefix. It reports
// false if a field needs a walk at run time (a slice, map, pointer or interface that is
// not a byte slice), in which case the whole row is walked instead.
func (s *rowPlan[T]) plan(t reflect.Type, prefix []int) bool {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Tag.Get("parquet") == "-" {
			continue
		}
		path := append(prefix[:len(prefix):len(prefix)], i)
		switch k := f.Type.Kind(); {
		case k == reflect.String || (k == reflect.Slice && f.Type.Elem().Kind() == reflect.Uint8):
			s.varying = append(s.varying, path)
		case k == reflect.Struct:
			if !s.plan(f.Type, path) {
				return false
			}
		case fixedKind(k):
			s.fixed += int64(f.Type.Size())
		default:
			return false
		}
	}
	return true
}

// optionalFields returns the index paths of the fields of struct t, reached by the
// index path prefix, for which zeroIsNull holds.
func optionalFields(t reflect.Type, prefix []int) [][]int {
	var paths [][]int
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Tag.Get("parquet") == "-" {
			continue
		}
		path := append(prefix[:len(prefix):len(prefix)], i)
		switch {
		case zeroIsNull(f):
			paths = append(paths, path)
		case f.Type.Kind() == reflect.Struct:
			paths = append(paths, optionalFields(f.Type, path)...)
		}
	}
	return paths
}

// zeroIsNull reports whether parquet-go writes field f as NULL when it holds its zero
// value, in the batch code path that risesFromNull works around: an "optional" field
// of a scalar type or a byte slice.
func zeroIsNull(f reflect.StructField) bool {
	tag := strings.Split(f.Tag.Get("parquet"), ",")
	if len(tag) < 2 || !slices.Contains(tag[1:], "optional") {
		return false
	}
	k := f.Type.Kind()
	return k == reflect.String || fixedKind(k) ||
		(k == reflect.Slice && f.Type.Elem().Kind() == reflect.Uint8)
}

// risesFromNull reports whether some optional field is NULL (zero) in prev and not in
// row.
//
// parquet-go v0.32.0 writes a batch of rows wrongly when an optional column of such
// fields goes from a run of NULLs to a run of values in the middle of a 64-row word of
// its null bitmap: some of the NULLs that follow can be written as zero values instead
// (writeRowsFuncOfOptional tests the rest of the word against (1<<y)-1 instead of
// ^0>>y). A batch in which no optional column rises from NULL to a value has each such
// column laid out as values then NULLs, which that code writes correctly; so
// ParquetWriter cuts its batches before every row where risesFromNull is true.
func (s *rowPlan[T]) risesFromNull(prev, row *T) bool {
	if len(s.optional) == 0 {
		return false
	}
	p, r := reflect.ValueOf(prev).Elem(), reflect.ValueOf(row).Elem()
	for p.Kind() == reflect.Pointer {
		if p.IsNil() || r.IsNil() {
			return false
		}
		p, r = p.Elem(), r.Elem()
	}
	for _, path := range s.optional {
		if p.FieldByIndex(path).IsZero() && !r.FieldByIndex(path).IsZero() {
			return true
		}
	}
	return false
}

func fixedKind(k reflect.Kind) bool {
	switch k {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// size returns the estimated size of row, at least 1.
func (s *rowPlan[T]) size(row *T) int64 {
	v := reflect.ValueOf(row).Elem()
	if s.generic {
		return max(walkSize(v), 1)
	}
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return 1
		}
		v = v.Elem()
	}
	n := s.fixed
	for _, path := range s.varying {
		n += int64(v.FieldByIndex(path).Len())
	}
	return max(n, 1)
}

// walkSize estimates the size of any value by walking it.
func walkSize(v reflect.Value) int64 {
	switch v.Kind() {
	case reflect.Invalid:
		return 0
	case reflect.String:
		return int64(v.Len())
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return 0
		}
		return walkSize(v.Elem())
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return int64(v.Len())
		}
		var n int64
		for i := range v.Len() {
			n += walkSize(v.Index(i))
		}
		return n
	case reflect.Map:
		var n int64
		for it := v.MapRange(); it.Next(); {
			n += walkSize(it.Key()) + walkSize(it.Value())
		}
		return n
	case reflect.Struct:
		var n int64
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				n += walkSize(v.Field(i))
			}
		}
		return n
	default:
		return int64(v.Type().Size())
	}
}
