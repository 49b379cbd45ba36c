package smoke_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/internal/preview"
	"github.com/one-origin/staticsitewithapi/internal/smoke"
)

// TestAgainstLocalPreview runs every check against the local preview,
// which serves the sample SPA and the real Lambda handler with the
// distribution's split: a healthy site must pass them all.
func TestAgainstLocalPreview(t *testing.T) {
	srv := httptest.NewServer(preview.New(preview.Options{Dir: filepath.Join("..", "..", "web"), Env: "test"}))
	defer srv.Close()

	report := smoke.Run(context.Background(), fastConfig(srv.URL), srv.Client())
	for _, c := range report.Checks {
		require.True(t, c.OK, "%s: %s (%s)", c.Name, c.Detail, c.Pitfall)
		// The preview serves the upload's Cache-Control, config.json and
		// the real handler, so only what needs -origin, the execute-api
		// URL or an authorizer is left unjudged.
		require.Equal(t, c.Name == smoke.CheckErrorCors || c.Name == smoke.CheckDirectAccess || c.Name == smoke.CheckAuthRequired, c.Skipped, "%s: %s", c.Name, c.Detail)
	}
	require.True(t, report.OK)
	require.GreaterOrEqual(t, len(report.Checks), 5, "root, deep link, health, echo, unknown API path")
	require.Empty(t, report.Pitfalls())
}
