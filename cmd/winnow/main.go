// Command winnow turns piles of scraped articles into a clean training or research
// corpus: it removes boilerplate (site headers, footers, notices), captions printed twice
// and near-duplicate documents, and writes Parquet that DuckDB, pandas, Polars, Spark and
// Hugging Face datasets load as is.
//
// Usage:
//
//	winnow clean INPUT... -o OUT.parquet [flags]
//
// Run "winnow help clean" for the flags. Every flag can also be set from the environment
// as WINNOW_<FLAG>, e.g. WINNOW_MIN_DOCS=5. Exit status: 0 on success, 1 on a processing
// error, 2 on a usage error, 130 or 143 when interrupted by SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/winnowdata/winnow/ingest"
	"runtime/pprof"
	"syscall"

	"github.com/urfave/cli/v2"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

func main() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithCancelCause(context.Background())
	go func() {
		s := <-sig
		cancel(&interrupted{s.(syscall.Signal)})
		signal.Stop(sig) // a second signal kills the process
	}()
	if path := os.Getenv("WINNOW_CPUPROFILE"); path != "" {
		// a debugging aid for benchmarks: write a CPU profile of the run
		if f, err := os.Create(path); err == nil {
			pprof.StartCPUProfile(f)
			code := run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
			pprof.StopCPUProfile()
			f.Close()
			os.Exit(code)
		}
	}
	os.Exit(run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// interrupted is the cancellation cause when a signal arrives.
type interrupted struct{ sig syscall.Signal }

func (e *interrupted) Error() string { return "interrupted by " + e.sig.String() }

// usageError marks an error in the command line: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// run runs the winnow command line args with the given streams and returns the exit
// status. Tests call it directly.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := newApp(stdin, stdout, stderr)
	err := app.RunContext(ctx, interleave(app, args))
	if err == nil {
		return 0
	}
	var intr *interrupted
	if errors.As(context.Cause(ctx), &intr) {
		fmt.Fprintf(stderr, "winnow: %v; no output was written\n", intr)
		return 128 + int(intr.sig)
	}
	fmt.Fprintf(stderr, "winnow: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "hint: run '%s help' for usage\n", app.Name)
		return 2
	}
	if h := hint(err); h != "" {
		fmt.Fprintf(stderr, "hint: %s\n", h)
	}
	return 1
}

// hint suggests a fix for errors a user can correct.
func hint(err error) string {
	var pe *ingest.ParseError
	if errors.As(err, &pe) {
		return "use --on-error skip to skip malformed records (they are counted in --stats and listed in --rejects)"
	}
	return ""
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:      "winnow",
		Usage:     "clean scraped articles into a deduplicated Parquet corpus",
		Version:   version,
		Reader:    stdin,
		Writer:    stdout,
		ErrWriter: stderr,
		// errors are printed by run, which also picks the exit status
		ExitErrHandler:  func(*cli.Context, error) {},
		HideHelpCommand: false,
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageError{err}
		},
		Commands: []*cli.Command{cleanCommand(), auditCommand(), inspectCommand()},
	}
}
