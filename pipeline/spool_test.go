package pipeline

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/winnowdata/winnow/schema"
)

func spoolRows(n int) []schema.Record {
	rows := make([]schema.Record, n)
	for i := range rows {
		rows[i] = schema.Record{ID: fmt.Sprint("doc-", i), Source: "s", Text: strings.Repeat("word ", i%7),
			NParagraphs: int32(i), NRemoved: int32(i % 3), DocHash: int64(i) - 50}
		if i%4 == 0 {
			rows[i].URL, rows[i].Title, rows[i].Meta = "https://x.test/"+fmt.Sprint(i), "T", `{"k":1}`
		}
	}
	return rows
}

func TestSpoolReplay(t *testing.T) {
	for _, tc := range []struct{ rows, batch int }{{0, 4}, {1, 1}, {10, 3}, {12, 4}, {1000, 7}, {1000, 256}} {
		t.Run(fmt.Sprint(tc.rows, "/", tc.batch), func(t *testing.T) {
			sp, err := newSpool(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer sp.close()
			want := spoolRows(tc.rows)
			for i := range want {
				if err := sp.put(int32(3*i), &want[i]); err != nil {
					t.Fatal(err)
				}
			}
			var got []schema.Record
			err = sp.replay(tc.batch, func(ords []int32, rows []schema.Record) error {
				if len(rows) == 0 || len(rows) > tc.batch || len(ords) != len(rows) {
					return fmt.Errorf("batch of %d rows, %d ordinals", len(rows), len(ords))
				}
				for k := range rows {
					if ords[k] != int32(3*len(got)) {
						return fmt.Errorf("row %d has ordinal %d", len(got), ords[k])
					}
					got = append(got, rows[k])
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("replayed %d rows, want %d", len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("row %d = %+v, want %+v", i, got[i], want[i])
				}
			}
		})
	}
}

// An error of the consumer stops the replay and is returned; a spool file cut short is
// an error, not fewer rows.
func TestSpoolReplayErrors(t *testing.T) {
	sp, err := newSpool(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer sp.close()
	rows := spoolRows(500)
	for i := range rows {
		if err := sp.put(int32(i), &rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	stop := errors.New("stop")
	calls := 0
	err = sp.replay(10, func([]int32, []schema.Record) error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 3 {
		t.Fatalf("replay = %v after %d calls, want %v after 3", err, calls, stop)
	}

	fi, err := sp.f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(sp.f.Name(), fi.Size()-3); err != nil {
		t.Fatal(err)
	}
	n := 0
	err = sp.replay(10, func(_ []int32, rows []schema.Record) error { n += len(rows); return nil })
	if !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), "read spool file") {
		t.Fatalf("replay of a cut file = %v (after %d rows), want an unexpected EOF reading the spool", err, n)
	}
	if n >= len(rows) {
		t.Fatalf("replay of a cut file gave all %d rows", n)
	}
}
