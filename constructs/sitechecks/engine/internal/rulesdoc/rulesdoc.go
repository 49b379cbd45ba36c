// Package rulesdoc renders the rules of package engine as the table of
// docs/checks.md, so that the table and `sitechecks.Rules()` are one
// source: internal/gendoc writes it, and this package's test fails when
// the file is stale.
package rulesdoc

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/one-origin/staticsitewithapi/constructs/sitechecks/engine"
)

// Begin and End mark the generated table in docs/checks.md.
const (
	Begin = "<!-- rules: generated from engine.Rules() by `go generate ./constructs/sitechecks/engine`; do not edit -->"
	End   = "<!-- end of rules -->"
)

// Table is the rules as a Markdown table, one row per rule, in the order
// of engine.Rules.
func Table() string {
	var b strings.Builder
	b.WriteString("| ID | Level | What it checks |\n|---|---|---|\n")
	for _, r := range engine.Rules() {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", r.ID, r.Level, cell.Replace(r.Checks))
	}
	return b.String()
}

// cell escapes what Markdown would read as a column or an HTML tag.
var cell = strings.NewReplacer("|", `\|`, "<", "&lt;")

// Splice returns doc with the text between Begin and End replaced by
// Table.
func Splice(doc []byte) ([]byte, error) {
	begin := bytes.Index(doc, []byte(Begin))
	end := bytes.Index(doc, []byte(End))
	if begin < 0 || end < begin {
		return nil, errors.New("no " + Begin + " ... " + End + " section")
	}
	var out bytes.Buffer
	out.Write(doc[:begin+len(Begin)])
	out.WriteString("\n\n" + Table() + "\n")
	out.Write(doc[end:])
	return out.Bytes(), nil
}
