// Package cli holds what the project's commands (cmd/smoke, cmd/sitecheck)
// share on their command lines.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// NewFlagSet is a command's flag set: errors and -h go to stderr, -h
// prints header and then the flags.
func NewFlagSet(prog, header string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, header)
		fs.PrintDefaults()
	}
	return fs
}

// Exit statuses the commands share: 0 for success and for -h, 2 for a
// command line that cannot be used.
const (
	ExitOK    = 0
	ExitUsage = 2
)

// ParseArgs parses args with fs and returns the positional arguments.
// Flags may come before or after them ("smoke URL -json"): the flag
// package alone stops at the first argument that is not a flag. exit is
// true when the command is done, with status: ExitOK after -h, ExitUsage
// after a bad flag, which the flag package has reported.
func ParseArgs(fs *flag.FlagSet, args []string) (positional []string, status int, exit bool) {
	for {
		err := fs.Parse(args)
		switch {
		case errors.Is(err, flag.ErrHelp):
			return nil, ExitOK, true
		case err != nil:
			return nil, ExitUsage, true
		case fs.NArg() == 0:
			return positional, 0, false
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// UsageError writes "prog: message" and how to get help to w, and returns
// ExitUsage.
func UsageError(w io.Writer, prog, format string, a ...any) int {
	fmt.Fprintf(w, "%s: %s\n", prog, fmt.Sprintf(format, a...))
	fmt.Fprintf(w, "Run with -h for usage.\n")
	return ExitUsage
}
