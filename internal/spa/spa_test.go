package spa_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/internal/spa"
)

// casesPath is the table shared with the Node test of the CloudFront
// Function (test/spa_function_test.go); go test runs in the package folder.
var casesPath = filepath.Join("..", "..", "test", "testdata", "spa-rewrite-cases.json")

// TestRewriteMatchesCloudFrontFunction checks the Go rule against the same
// rows the CloudFront Function is tested with (pitfall spa-deeplink).
func TestRewriteMatchesCloudFrontFunction(t *testing.T) {
	raw, err := os.ReadFile(casesPath)
	require.NoError(t, err)
	var cases []struct {
		URI  string `json:"uri"`
		Want string `json:"want"`
		Why  string `json:"why"`
	}
	require.NoError(t, json.Unmarshal(raw, &cases))
	require.NotEmpty(t, cases)

	for _, c := range cases {
		require.NotEmpty(t, c.Want, "row %q has no want", c.URI)
		require.Equal(t, c.Want, spa.Rewrite(c.URI), "%s (%s)", c.URI, c.Why)
	}
}
