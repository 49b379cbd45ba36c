// Package cli holds what the project's commands (cmd/smoke, cmd/sitecheck)
// share on their command lines.
package cli

import (
	"flag"
	"fmt"
	"io"
)

// Parse parses args with fs and returns the positional arguments. Flags may
// come before or after them ("smoke URL -json"): the flag package alone
// stops at the first argument that is not a flag. The error is fs.Parse's,
// flag.ErrHelp for -h.
func Parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// UsageError writes "prog: message" and how to get help to w.
func UsageError(w io.Writer, prog, format string, a ...any) {
	fmt.Fprintf(w, "%s: %s\n", prog, fmt.Sprintf(format, a...))
	fmt.Fprintf(w, "Run with -h for usage.\n")
}
