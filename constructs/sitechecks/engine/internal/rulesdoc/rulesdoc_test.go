package rulesdoc_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/constructs/sitechecks/engine/internal/rulesdoc"
)

// TestChecksDocIsGenerated: the rules table of docs/checks.md is what
// engine.Rules() renders. Fix a failure with
// `go generate ./constructs/sitechecks/engine`.
func TestChecksDocIsGenerated(t *testing.T) {
	doc, err := os.ReadFile("../../../../../docs/checks.md")
	require.NoError(t, err)
	want, err := rulesdoc.Splice(doc)
	require.NoError(t, err)
	// Compare the tables only, so that a failure shows the rows that differ.
	require.Equal(t, table(string(want)), table(string(doc)), "docs/checks.md is stale: run go generate ./constructs/sitechecks/engine")
	require.Equal(t, string(want), string(doc))
}

func table(doc string) string {
	_, after, _ := strings.Cut(doc, rulesdoc.Begin)
	before, _, _ := strings.Cut(after, rulesdoc.End)
	return before
}
