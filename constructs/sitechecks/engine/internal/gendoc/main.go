// Command gendoc writes the rules table of docs/checks.md from
// engine.Rules(). It is run by "go generate ./constructs/sitechecks/engine":
//
//	go run ./internal/gendoc -o ../../../docs/checks.md
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/one-origin/staticsitewithapi/constructs/sitechecks/engine/internal/rulesdoc"
)

func main() {
	out := flag.String("o", "", "the checks document to update (required)")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: gendoc -o FILE")
		os.Exit(2)
	}
	doc, err := os.ReadFile(*out)
	if err == nil {
		doc, err = rulesdoc.Splice(doc)
	}
	if err == nil {
		err = os.WriteFile(*out, doc, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendoc:", err)
		os.Exit(1)
	}
}
