package ingest

import (
	"context"
	"errors"
	"io"
	"os"
	"testing"
	"time"
)

// Spool returns when its context is cancelled even while a read blocks, as a read of
// stdin does when the process feeding it is idle (SIGINT while waiting on a pipe), and
// leaves no temporary file behind.
func TestSpoolCancelWhileReadBlocks(t *testing.T) {
	dir := t.TempDir()
	pr, pw := io.Pipe()
	defer pw.Close()
	go func() {
		pw.Write([]byte("{\"text\":\"a\"}\n")) // then nothing, and no EOF
	}()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	type result struct {
		path string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		path, cleanup, err := Spool(ctx, pr, dir)
		defer cleanup()
		done <- result{path, err}
	}()
	select {
	case res := <-done:
		if !errors.Is(res.err, context.Canceled) || res.path != "" {
			t.Fatalf("Spool = %q, %v; want context.Canceled", res.path, res.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Spool still blocked 10s after its context was cancelled")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("left behind after a cancelled Spool: %s", e.Name())
	}
}
