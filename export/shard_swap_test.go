package export

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/winnowdata/winnow/schema"
)

// writeShards writes a complete folder of n rows in shards of per rows, tagged with run
// in the metadata.
func writeShards(t *testing.T, dir string, run, n int, per int64) {
	t.Helper()
	w, err := NewShardedParquetWriter[schema.Record](dir, ShardOptions{MaxRows: per,
		ParquetOptions: ParquetOptions{KeyValue: map[string]string{"run": strconv.Itoa(run)}}})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	if err := w.Write(sampleRecords(n, 50)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// folderRun reads the folder through one open handle (as a reader that lists it, then
// opens what it listed, does) and returns the run whose shards it holds and its rows;
// an error when it holds no shard, or shards of several runs, or a gap in their
// numbers.
func folderRun(dir string) (run int, rows int64, err error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return 0, 0, err
	}
	defer root.Close()
	d, err := root.Open(".")
	if errors.Is(err, fs.ErrNotExist) {
		return 0, 0, errVanished // the folder opened was swapped out and removed since
	}
	if err != nil {
		return 0, 0, err
	}
	opened, statErr := d.Stat()
	entries, err := d.ReadDir(-1)
	d.Close()
	if errors.Is(err, fs.ErrNotExist) {
		// listing a folder removed after it was opened: it was replaced meanwhile
		return 0, 0, errVanished
	}
	if err != nil {
		return 0, 0, err
	}
	// a listing of the old folder while it was being removed, after the swap, lacks
	// some shards: the folder at dir is another one by now
	defer func() {
		if err != nil && statErr == nil {
			if now, e := os.Stat(dir); e != nil || !os.SameFile(opened, now) {
				run, rows, err = 0, 0, errVanished
			}
		}
	}()
	var shards []string
	for _, e := range entries {
		if shardPattern.MatchString(e.Name()) {
			shards = append(shards, e.Name())
		}
	}
	slices.Sort(shards)
	if len(shards) == 0 {
		return 0, 0, errors.New("no shard")
	}
	run = -1
	for i, name := range shards {
		if name != ShardName(i) {
			return 0, 0, fmt.Errorf("shards %v: %s missing", shards, ShardName(i))
		}
		f, err := root.Open(name)
		if errors.Is(err, fs.ErrNotExist) {
			// the folder was removed after the listing: it was replaced
			return 0, 0, errVanished
		}
		if err != nil {
			return 0, 0, err
		}
		fi, _ := f.Stat()
		pf, err := parquet.OpenFile(f, fi.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
		if err != nil {
			f.Close()
			return 0, 0, fmt.Errorf("%s: %w", name, err)
		}
		v, _ := pf.Lookup("run")
		r, _ := strconv.Atoi(v)
		rows += pf.NumRows()
		f.Close()
		if run >= 0 && r != run {
			return 0, 0, fmt.Errorf("%s is of run %d, %s of run %d", shards[0], run, name, r)
		}
		run = r
	}
	return run, rows, nil
}

// errVanished is folderRun's error when a shard it listed is gone: a writer replaced
// the folder and removed the old one while it was being read.
var errVanished = errors.New("the folder was replaced while being read")

// rowsOf is how many rows run n writes in the kill tests: every run a different count,
// so that a folder of one run's shards and another's has a count of neither.
func rowsOf(run int) int { return 300 + run }

func TestShardedSwapReplacesWhole(t *testing.T) {
	for _, fallback := range []bool{false, true} {
		t.Run(fmt.Sprint("fallback=", fallback), func(t *testing.T) {
			if fallback {
				orig := exchange
				exchange = func(a, b string) error { return errNoExchange }
				t.Cleanup(func() { exchange = orig })
			}
			parent := t.TempDir()
			dir := join(parent, "out")
			writeShards(t, dir, 1, 50, 10) // 5 shards
			os.WriteFile(join(dir, "README"), []byte("mine"), 0o644)
			os.Mkdir(join(dir, "sub"), 0o755)
			os.WriteFile(join(dir, "sub", "part-00000.parquet"), []byte("not ours"), 0o644)
			os.Symlink("README", join(dir, "link"))
			os.WriteFile(join(dir, ".part-00003.parquet.tmp-123456"), []byte("old temp"), 0o600)

			w, err := NewShardedParquetWriter[schema.Record](dir, ShardOptions{MaxRows: 10,
				ParquetOptions: ParquetOptions{KeyValue: map[string]string{"run": "2"}}})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(sampleRecords(15, 50)); err != nil {
				t.Fatal(err)
			}
			// before Close, the folder is the old run's, whole
			if run, rows, err := folderRun(dir); err != nil || run != 1 || rows != 50 {
				t.Fatalf("before Close: run %d, %d rows, %v; want run 1, 50 rows", run, rows, err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if run, rows, err := folderRun(dir); err != nil || run != 2 || rows != 15 {
				t.Fatalf("after Close: run %d, %d rows, %v; want run 2, 15 rows", run, rows, err)
			}
			want := []string{"README", "link", "part-00000.parquet", "part-00001.parquet", "sub"}
			if got := dirNames(t, dir); !slices.Equal(got, want) {
				t.Errorf("folder holds %v, want %v", got, want)
			}
			if b, _ := os.ReadFile(join(dir, "sub", "part-00000.parquet")); string(b) != "not ours" {
				t.Errorf("sub/part-00000.parquet = %q", b)
			}
			if b, _ := os.ReadFile(join(dir, "link")); string(b) != "mine" {
				t.Errorf("link reads %q", b)
			}
			if got := dirNames(t, parent); !slices.Equal(got, []string{"out"}) {
				t.Errorf("beside the folder: %v, want only out", got)
			}
			if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o755 {
				t.Errorf("folder mode %v, want 0755", fi.Mode().Perm())
			}
			if got := w.Shards(); !slices.Equal(got, []string{join(dir, "part-00000.parquet"), join(dir, "part-00001.parquet")}) {
				t.Errorf("Shards() = %v", got)
			}
		})
	}
}

// TestShardedAbortKeepsOld: a run that fails or is interrupted leaves the earlier
// run's folder exactly as it was.
func TestShardedAbortKeepsOld(t *testing.T) {
	parent := t.TempDir()
	dir := join(parent, "out")
	writeShards(t, dir, 1, 30, 10)
	w, err := NewShardedParquetWriter[schema.Record](dir, ShardOptions{MaxRows: 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(sampleRecords(20, 50)); err != nil {
		t.Fatal(err)
	}
	w.Abort()
	if run, rows, err := folderRun(dir); err != nil || run != 1 || rows != 30 {
		t.Fatalf("after Abort: run %d, %d rows, %v; want run 1 whole", run, rows, err)
	}
	if got := dirNames(t, parent); !slices.Equal(got, []string{"out"}) {
		t.Errorf("beside the folder: %v, want only out", got)
	}
}

// TestShardedThroughSymlink: a link to a folder elsewhere stays a link; the folder it
// leads to is replaced.
func TestShardedThroughSymlink(t *testing.T) {
	real := join(t.TempDir(), "shards")
	writeShards(t, real, 1, 10, 5)
	link := join(t.TempDir(), "out")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	writeShards(t, link, 2, 10, 5)
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("%s is no longer a link: %v", link, err)
	}
	if run, _, err := folderRun(real); err != nil || run != 2 {
		t.Fatalf("the linked folder holds run %d (%v), want 2", run, err)
	}
	if got := dirNames(t, filepath.Dir(link)); !slices.Equal(got, []string{"out"}) {
		t.Errorf("beside the link: %v", got)
	}
}

// TestShardedRestoresAside: a run of the fallback killed between its two renames left
// the old folder aside and the new one at its temporary name; the next run puts the old
// one back before anything else, and the temporary one is swept.
func TestShardedRestoresAside(t *testing.T) {
	parent := t.TempDir()
	dir := join(parent, "out")
	writeShards(t, dir, 1, 12, 5)
	dead := deadPID(t)
	aside := join(parent, fmt.Sprintf(".out.old-%d-abcdefgh", dead))
	if err := os.Rename(dir, aside); err != nil {
		t.Fatal(err)
	}
	newer := join(parent, "newer")
	writeShards(t, newer, 2, 7, 5)
	if err := os.Rename(newer, join(parent, fmt.Sprintf(".out.tmp-%d-abcdefgh", dead))); err != nil {
		t.Fatal(err)
	}
	w, err := NewShardedParquetWriter[schema.Record](dir, ShardOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if run, rows, err := folderRun(dir); err != nil || run != 1 || rows != 12 {
		t.Fatalf("after a new writer started: run %d, %d rows, %v; want the old run back", run, rows, err)
	}
	w.Abort()
	if got := dirNames(t, parent); !slices.Equal(got, []string{"out"}) {
		t.Errorf("beside the folder: %v, want only out", got)
	}
}

func TestShardedRefusesCurrentFolder(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, d := range []string{".", "./", dir, filepath.Dir(dir)} {
		if _, err := NewShardedParquetWriter[schema.Record](d, ShardOptions{}); err == nil || !strings.Contains(err.Error(), "current folder") {
			t.Errorf("NewShardedParquetWriter(%q) = %v, want an error about the current folder", d, err)
		}
	}
}

// deadPID returns the PID of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// TestShardedKillLoop kills a process writing a folder of shards with SIGKILL at
// random moments, 20 times, while a reader reads the folder over and over; then lets a
// last run finish. The reader, and a check after every kill, must find the whole
// output of one run, never shards of two (every run writes its number into each
// shard's metadata and a row count of its own); beside the folder there may be only
// the hidden temporary folders of dead runs, and after the last run none at all.
func TestShardedKillLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 40 processes; skipped with -short")
	}
	for _, fallback := range []bool{false, true} {
		t.Run(fmt.Sprint("fallback=", fallback), func(t *testing.T) { killLoop(t, fallback) })
	}
}

func killLoop(t *testing.T, fallback bool) {
	parent := t.TempDir()
	dir := join(parent, "out")
	start := func(run int) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestShardHelperProcess$")
		cmd.Env = append(os.Environ(), "SHARD_HELPER_DIR="+dir, "SHARD_HELPER_RUN="+strconv.Itoa(run))
		if fallback {
			cmd.Env = append(cmd.Env, "SHARD_HELPER_FALLBACK=1")
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	begin := time.Now()
	if err := start(0).Wait(); err != nil {
		t.Fatal(err)
	}
	full := time.Since(begin)

	// the reader
	var (
		stop     atomic.Bool
		wg       sync.WaitGroup
		reads    atomic.Int64
		missing  atomic.Int64
		vanished atomic.Int64
		mu       sync.Mutex
		problems []string
		seen     = map[int]bool{}
	)
	check := func(where string) {
		run, rows, err := folderRun(dir)
		switch {
		case errors.Is(err, fs.ErrNotExist) && fallback:
			missing.Add(1) // between the two renames, or after a kill there
		case errors.Is(err, errVanished):
			vanished.Add(1)
		case err != nil:
			mu.Lock()
			problems = append(problems, fmt.Sprintf("%s: %v", where, err))
			mu.Unlock()
		case rows != int64(rowsOf(run)):
			mu.Lock()
			problems = append(problems, fmt.Sprintf("%s: %d rows of run %d, want %d", where, rows, run, rowsOf(run)))
			mu.Unlock()
		default:
			mu.Lock()
			seen[run] = true
			mu.Unlock()
		}
		reads.Add(1)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop.Load() {
			check("reader")
		}
	}()

	r := rand.New(rand.NewPCG(1, 2))
	killed := 0
	for run := 1; run <= 20; run++ {
		cmd := start(run)
		time.Sleep(time.Duration(r.Int64N(int64(full + full/3))))
		if cmd.Process.Kill() == nil {
			killed++
		}
		cmd.Wait()
		check(fmt.Sprintf("after the kill of run %d", run))
		for _, name := range dirNames(t, parent) {
			if name != "out" && !strings.HasPrefix(name, ".out.tmp-") && !(fallback && strings.HasPrefix(name, ".out.old-")) {
				t.Errorf("after the kill of run %d: %s beside the folder", run, name)
			}
		}
	}
	if err := start(99).Wait(); err != nil {
		t.Fatal(err)
	}
	stop.Store(true)
	wg.Wait()
	for _, p := range problems {
		t.Error(p)
	}
	if run, rows, err := folderRun(dir); err != nil || run != 99 || rows != int64(rowsOf(99)) {
		t.Errorf("after the last run: run %d, %d rows, %v", run, rows, err)
	}
	if got := dirNames(t, parent); !slices.Equal(got, []string{"out"}) {
		t.Errorf("after the last run, beside the folder: %v, want only out", got)
	}
	runs := slices.Sorted(maps.Keys(seen))
	t.Logf("a whole run took %v; %d kills; the reader read the folder %d times and found it whole, of runs %v (missing %d times, replaced while read %d times)",
		full.Round(time.Millisecond), killed, reads.Load(), runs, missing.Load(), vanished.Load())
}

// TestShardHelperProcess is the writer of TestShardedKillLoop.
func TestShardHelperProcess(t *testing.T) {
	dir := os.Getenv("SHARD_HELPER_DIR")
	if dir == "" {
		t.Skip("helper of TestShardedKillLoop")
	}
	if os.Getenv("SHARD_HELPER_FALLBACK") != "" {
		exchange = func(a, b string) error { return errNoExchange }
	}
	run, _ := strconv.Atoi(os.Getenv("SHARD_HELPER_RUN"))
	w, err := NewShardedParquetWriter[schema.Record](dir, ShardOptions{MaxRows: 20,
		ParquetOptions: ParquetOptions{KeyValue: map[string]string{"run": strconv.Itoa(run)}}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for chunk := range slices.Chunk(sampleRecords(rowsOf(run), 3000), 20) {
		if err := w.Write(chunk); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if err := w.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// TestCopyFile: the fallback of carrying a file over where it cannot be hard-linked.
func TestCopyFile(t *testing.T) {
	dir := t.TempDir()
	src, dst := join(dir, "a"), join(dir, "b")
	os.WriteFile(src, []byte("kept"), 0o640)
	if err := copyFile(src, dst); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(dst); string(b) != "kept" {
		t.Errorf("copy holds %q", b)
	}
	if fi, _ := os.Stat(dst); fi.Mode().Perm() != 0o640 {
		t.Errorf("copy mode %v", fi.Mode().Perm())
	}
	if err := copyFile(src, dst); err == nil {
		t.Error("copy onto an existing file: no error")
	}
}
