// Command gendoc writes docs/PITFALLS.md from package pitfalls. It is run by
// "go generate ./pitfalls":
//
//	go run ./internal/gendoc -o ../docs/PITFALLS.md
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/one-origin/staticsitewithapi/pitfalls/internal/doc"
)

func main() {
	out := flag.String("o", "", "file to write (required)")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: gendoc -o FILE")
		os.Exit(2)
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "gendoc:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, doc.Markdown(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gendoc:", err)
		os.Exit(1)
	}
}
