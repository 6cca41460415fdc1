package export

import (
	"errors"
	"os"
	"reflect"
	"slices"
	"syscall"
	"testing"

	"github.com/winnowdata/winnow/schema"
)

// readShards reads back the rows of every shard in dir, in shard order.
func readShards(t *testing.T, dir string) (rows []schema.Record, counts []int) {
	t.Helper()
	for _, name := range dirNames(t, dir) {
		got, _ := readParquet[schema.Record](t, join(dir, name))
		rows = append(rows, got...)
		counts = append(counts, len(got))
	}
	return rows, counts
}

func TestShardedByRows(t *testing.T) {
	dir := join(t.TempDir(), "out")
	rows := sampleRecords(35, 100)
	w, err := NewShardedParquetWriter[schema.Record](dir, ShardOptions{MaxRows: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for chunk := range slices.Chunk(rows, 4) {
		if err := w.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := []string{"part-00000.parquet", "part-00001.parquet", "part-00002.parquet", "part-00003.parquet"}
	if names := dirNames(t, dir); !slices.Equal(names, want) {
		t.Fatalf("shards %v, want %v", names, want)
	}
	got, counts := readShards(t, dir)
	if !reflect.DeepEqual(got, rows) || !slices.Equal(counts, []int{10, 10, 10, 5}) {
		t.Fatalf("shards hold %v rows, want [10 10 10 5] in order", counts)
	}
	if w.Rows() != 35 || len(w.Shards()) != 4 {
		t.Fatalf("Rows() = %d, Shards() = %v", w.Rows(), w.Shards())
	}
}

func TestShardedByBytes(t *testing.T) {
	dir := t.TempDir() // exists already
	rows := sampleRecords(40, 1000)
	w, err := NewShardedParquetWriter[schema.Record](dir, ShardOptions{MaxBytes: 8 << 10})
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, w, rows)
	got, counts := readShards(t, dir)
	if !reflect.DeepEqual(got, rows) {
		t.Fatal("rows differ")
	}
	if len(counts) < 4 {
		t.Fatalf("%d shards, want several", len(counts))
	}
}

func TestShardedReplacesStale(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"part-00000.parquet", "part-00007.parquet", "notes.txt"} {
		if err := os.WriteFile(join(dir, name), []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w, err := NewShardedParquetWriter[schema.Record](dir, ShardOptions{MaxRows: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(sampleRecords(3, 50)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := []string{"notes.txt", "part-00000.parquet", "part-00001.parquet"}
	if names := dirNames(t, dir); !slices.Equal(names, want) {
		t.Fatalf("files %v, want %v", names, want)
	}
}

func TestShardedEmpty(t *testing.T) {
	dir := join(t.TempDir(), "out")
	w, err := NewShardedParquetWriter[schema.Record](dir, ShardOptions{MaxRows: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, counts := readShards(t, dir)
	if len(got) != 0 || !slices.Equal(counts, []int{0}) {
		t.Fatalf("got shards %v, want one empty shard", counts)
	}
}

func TestShardedAbort(t *testing.T) {
	parent := t.TempDir()
	dir := join(parent, "out")
	w, err := NewShardedParquetWriter[schema.Record](dir, ShardOptions{MaxRows: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(sampleRecords(10, 50)); err != nil {
		t.Fatal(err)
	}
	if len(w.Shards()) != 3 {
		t.Fatalf("%d shards committed before Abort, want 3", len(w.Shards()))
	}
	w.Abort()
	w.Abort()
	if err := w.Close(); !errors.Is(err, ErrAborted) {
		t.Fatalf("Close after Abort = %v", err)
	}
	if names := dirNames(t, parent); len(names) != 0 {
		t.Fatalf("left after Abort: %v", names)
	}
}

func TestShardedFullDisk(t *testing.T) {
	parent := t.TempDir()
	dir := join(parent, "out")
	withFullDisk(t, 2, 5<<10) // the third shard fails
	w, err := NewShardedParquetWriter[schema.Record](dir, ShardOptions{MaxRows: 10})
	if err != nil {
		t.Fatal(err)
	}
	err = w.Write(sampleRecords(100, 2000))
	if err == nil {
		err = w.Close()
	}
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("err = %v, want ENOSPC", err)
	}
	if names := dirNames(t, parent); len(names) != 0 {
		t.Fatalf("left after a failed write: %v", names)
	}
}

func TestShardedMissingParent(t *testing.T) {
	dir := join(t.TempDir(), "no", "out")
	_, err := NewShardedParquetWriter[schema.Record](dir, ShardOptions{})
	var me *MissingDirError
	if !errors.As(err, &me) {
		t.Fatalf("err = %v, want MissingDirError", err)
	}
}
