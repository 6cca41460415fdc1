package export

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// Inspect writes a summary of the Parquet file at path to w: its schema, row count, row
// groups (rows, bytes, compression), key-value metadata and its first rows as JSON
// (long strings cut to 200 characters).
func Inspect(path string, w io.Writer, rows int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	pf, err := parquet.OpenFile(f, fi.Size())
	if err != nil {
		return fmt.Errorf("%s: not a readable Parquet file: %w", path, err)
	}
	fmt.Fprintf(w, "file:       %s (%d bytes)\n", path, fi.Size())
	fmt.Fprintf(w, "rows:       %d\n", pf.NumRows())
	md := pf.Metadata()
	fmt.Fprintf(w, "created by: %s\n", md.CreatedBy)
	fmt.Fprintf(w, "schema:\n")
	for _, col := range pf.Schema().Fields() {
		opt := "required"
		if col.Optional() {
			opt = "optional"
		}
		typ := "group"
		if col.Leaf() {
			typ = col.Type().String()
		}
		fmt.Fprintf(w, "  %-14s %-10s %s\n", col.Name(), typ, opt)
	}
	fmt.Fprintf(w, "row groups: %d\n", len(md.RowGroups))
	for i, rg := range md.RowGroups {
		codec := ""
		if len(rg.Columns) > 0 {
			codec = rg.Columns[0].MetaData.Codec.String()
		}
		fmt.Fprintf(w, "  %d: %d rows, %d bytes uncompressed, %d on disk, %s\n",
			i, rg.NumRows, rg.TotalByteSize, compressedSize(rg.Columns), codec)
	}
	kv := md.KeyValueMetadata
	sort.Slice(kv, func(i, j int) bool { return kv[i].Key < kv[j].Key })
	fmt.Fprintf(w, "metadata:\n")
	for _, e := range kv {
		fmt.Fprintf(w, "  %s = %s\n", e.Key, e.Value)
	}
	if rows <= 0 || pf.NumRows() == 0 {
		return nil
	}
	fmt.Fprintf(w, "first rows:\n")
	r := parquet.NewReader(pf)
	defer r.Close()
	for i := 0; i < rows; i++ {
		row := map[string]any{}
		if err := r.Read(&row); err != nil {
			if err == io.EOF {
				break
			}
			return fmt.Errorf("%s: row %d: %w", path, i+1, err)
		}
		for k, v := range row {
			if s, ok := v.(string); ok && len(s) > 200 {
				row[k] = strings.ToValidUTF8(s[:200], "") + "…"
			}
		}
		b, err := json.Marshal(row)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %s\n", b)
	}
	return nil
}

func compressedSize(cols []format.ColumnChunk) int64 {
	var n int64
	for _, c := range cols {
		n += c.MetaData.TotalCompressedSize
	}
	return n
}
