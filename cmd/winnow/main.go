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
// error, 2 on a usage error, 130 or 143 when interrupted by SIGINT or SIGTERM, 141
// (silently) when the reader of stdout goes away.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/winnowdata/winnow/ingest"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancelOnSignal(cancel)
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

// cancelOnSignal cancels the run at the first SIGINT, SIGTERM or SIGPIPE, so that it
// stops and removes its temporary files. After a SIGINT or SIGTERM it lets the next
// one kill the process. SIGPIPE stays caught for the whole run: a write to a closed
// pipe on stdout or stderr (winnow clean X -o - | head -1) then fails with EPIPE and
// the run cleans up, where the default action would kill it with its temporary files
// left behind. The signals are caught when it returns.
func cancelOnSignal(cancel context.CancelCauseFunc) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	pipe := make(chan os.Signal, 1)
	signal.Notify(pipe, syscall.SIGPIPE)
	go func() {
		for {
			select {
			case s := <-sig:
				cancel(&interrupted{s.(syscall.Signal)})
				signal.Stop(sig) // a second signal kills the process
				sig = nil
			case <-pipe:
				cancel(&interrupted{syscall.SIGPIPE})
			}
		}
	}()
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
	if errors.As(context.Cause(ctx), &intr) && intr.sig != syscall.SIGPIPE {
		fmt.Fprintf(stderr, "winnow: %v; no output was written\n", intr)
		return 128 + int(intr.sig)
	}
	if intr != nil || errors.Is(err, syscall.EPIPE) {
		// The reader of stdout went away (head -1): an ordinary end for a filter,
		// silent as for the tools it is piped into, with the status of SIGPIPE. The
		// signal may come after the failed write it stands for, or not at all (a
		// named pipe output), hence the check of the error too.
		return 128 + int(syscall.SIGPIPE)
	}
	fmt.Fprintf(stderr, "winnow: %v\n", err)
	var ue usageError
	var ec cli.ExitCoder // urfave/cli's only one: "No help topic for 'x'"
	if errors.As(err, &ue) || errors.As(err, &ec) {
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
	var fe *ingest.FieldError
	if errors.As(err, &fe) {
		return fe.Hint("--text-field")
	}
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
		// without a command, the help; with one that is not known, a usage error
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageError{fmt.Errorf("unknown command %q", c.Args().First())}
			}
			return cli.ShowAppHelp(c)
		},
		Commands: []*cli.Command{cleanCommand(), auditCommand(), inspectCommand(),
			fingerprintCommand(), reduceCommand(), applyCommand(), placeCommand()},
	}
}
