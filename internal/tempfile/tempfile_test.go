package tempfile

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// deadPID returns the PID of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestNames(t *testing.T) {
	pid := strconv.Itoa(os.Getpid())
	for _, tc := range []struct {
		name string
		is   bool
	}{
		{"winnow-spool-" + pid + "-0a1b2c3d", true},
		{".corpus.parquet.tmp-" + pid + "-zzzzzzzz", true},
		{".shards.tmp-12-abcdefgh", true},
		{"winnow-spool-12-abcdefg", false},        // seven random characters
		{"winnow-spool-12-ABCDEFGH", false},       // upper case
		{"winnow-spool-0-abcdefgh", false},        // no PID 0
		{"winnow-test-bin-1234567890", false},     // os.MkdirTemp's shape
		{".corpus.parquet.tmp-1234567890", false}, // os.CreateTemp's shape
		{"notes-12-abcdefgh", false},              // not a winnow prefix
		{"corpus.parquet.tmp-12-abcdefgh", false}, // not hidden
		{".tmp-12-abcdefgh", false},               // no NAME
	} {
		if got := Is(tc.name); got != tc.is {
			t.Errorf("Is(%q) = %v, want %v", tc.name, got, tc.is)
		}
	}
	n := Name("winnow-x-")
	if !Is(n) || !strings.HasPrefix(n, "winnow-x-"+pid+"-") {
		t.Errorf("Name = %q, want winnow-x-%s-RANDOM", n, pid)
	}
	if Name("winnow-x-") == n {
		t.Error("Name gave the same name twice")
	}
	for _, bad := range []string{"", "spool-", "winnow-spool", ".x.tmp", "x.tmp-", "../winnow-x-"} {
		if _, err := Create(t.TempDir(), bad); err == nil {
			t.Errorf("Create with prefix %q: no error", bad)
		}
		if _, err := Mkdir(t.TempDir(), bad); err == nil {
			t.Errorf("Mkdir with prefix %q: no error", bad)
		}
	}
}

// TestStale covers the two conditions of staleness in one process: a name carrying a
// dead PID is stale only once no open file holds its lock; one carrying our PID never is.
func TestStale(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no locks")
	}
	dir := t.TempDir()
	f, err := Create(dir, "winnow-spool-")
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := f.Stat(); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	mine := f.Name()
	f.Close()
	if Stale(mine) {
		t.Errorf("%s, of this live process, is stale", mine)
	}

	dead := filepath.Join(dir, "winnow-spool-"+strconv.Itoa(deadPID(t))+"-abcdefgh")
	held, err := os.Create(dead)
	if err != nil {
		t.Fatal(err)
	}
	if err := Lock(held); err != nil {
		t.Fatal(err)
	}
	if Stale(dead) {
		t.Error("a locked file of a dead PID is stale")
	}
	if got := Sweep(dir); len(got) != 0 {
		t.Errorf("Sweep removed %v while locked", got)
	}
	held.Close()
	if !Stale(dead) {
		t.Error("an unlocked file of a dead PID is not stale")
	}
	if got := Sweep(dir); !slices.Equal(got, []string{filepath.Base(dead)}) {
		t.Errorf("Sweep removed %v, want %s", got, filepath.Base(dead))
	}
	if got := names(t, dir); !slices.Equal(got, []string{filepath.Base(mine)}) {
		t.Errorf("left %v, want only %s", got, filepath.Base(mine))
	}
}

// TestSweepLeavesOthers: names of another shape, symbolic links, and folders or files
// of live runs stay.
func TestSweepLeavesOthers(t *testing.T) {
	dir := t.TempDir()
	pid := strconv.Itoa(deadPID(t))
	keep := []string{"notes-" + pid + "-abcdefgh", "corpus.parquet", ".x.tmp-123456", "winnow-test-bin-42"}
	for _, n := range keep {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	target := filepath.Join(t.TempDir(), "target")
	os.WriteFile(target, []byte("x"), 0o644)
	link := "winnow-spool-" + pid + "-linklink"
	if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
		t.Fatal(err)
	}
	keep = append(keep, link)
	d, err := Mkdir(dir, ".shards.tmp-")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(d.Path, "part-00000.parquet"), []byte("x"), 0o644)
	keep = append(keep, filepath.Base(d.Path))
	if got := Sweep(dir); len(got) != 0 {
		t.Errorf("Sweep removed %v", got)
	}
	slices.Sort(keep)
	if got := names(t, dir); !slices.Equal(got, keep) {
		t.Errorf("left %v, want %v", got, keep)
	}
	if _, err := os.Stat(target); err != nil {
		t.Errorf("the link's target: %v", err)
	}
	if err := d.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(d.Path); !os.IsNotExist(err) {
		t.Errorf("Remove left %s: %v", d.Path, err)
	}
}

// TestKilledRun: a process that made a file and a folder and was killed with SIGKILL
// leaves them; while it ran Sweep left them alone, after its death Sweep (and the next
// Create in that folder, in a new process) removes them.
func TestKilledRun(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no locks")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "TEMPFILE_HELPER_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	var made []string
	for len(made) < 2 && sc.Scan() {
		made = append(made, sc.Text())
	}
	if len(made) < 2 {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("helper printed %v", made)
	}
	if got := Sweep(dir); len(got) != 0 {
		t.Errorf("Sweep removed %v of a live run", got)
	}
	for _, m := range made {
		if _, err := os.Stat(m); err != nil {
			t.Errorf("%s of the live run: %v", m, err)
		}
	}
	cmd.Process.Kill()
	cmd.Wait()

	// the first Create in dir of this process sweeps it
	f, err := Create(dir, "winnow-spool-")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, m := range made {
		if _, err := os.Stat(m); !os.IsNotExist(err) {
			t.Errorf("%s of the killed run is still there: %v", m, err)
		}
	}
}

// TestHelperProcess is the killed run of TestKilledRun: it makes a file and a folder
// in TEMPFILE_HELPER_DIR, prints their paths, and waits to be killed.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv("TEMPFILE_HELPER_DIR")
	if dir == "" {
		t.Skip("helper of TestKilledRun")
	}
	f, err := Create(dir, ".out.parquet.tmp-")
	if err != nil {
		os.Exit(1)
	}
	d, err := Mkdir(dir, "winnow-stdin-")
	if err != nil {
		os.Exit(1)
	}
	os.WriteFile(filepath.Join(d.Path, "stdin"), []byte("x"), 0o600)
	os.Stdout.WriteString(f.Name() + "\n" + d.Path + "\n")
	select {}
}
