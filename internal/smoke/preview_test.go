package smoke_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
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

// TestAgainstLocalPreviewWithAuth runs every check against the preview
// with its local issuer and the authorizer that trusts it, signed in as
// its test user with the SPA's flow (authorization code and PKCE): the
// real handler's /me, the preview's 401s and CORS must pass them all.
func TestAgainstLocalPreviewWithAuth(t *testing.T) {
	const devServer = "http://localhost:5173"
	srv := httptest.NewServer(preview.New(preview.Options{Dir: filepath.Join("..", "..", "web"), Env: "test",
		CorsAllowOrigins: []string{devServer},
		Auth:             &preview.AuthOptions{PublicPaths: []string{"/api/public/*", "/api/health", "/api/echo"}},
	}))
	defer srv.Close()
	cfg := fastConfig(srv.URL)
	cfg.Origin = devServer
	cfg.Token = previewSignIn(t, srv)

	report := smoke.Run(context.Background(), cfg, srv.Client())
	for _, c := range report.Checks {
		require.True(t, c.OK, "%s: %s (%s)", c.Name, c.Detail, c.Pitfall)
		require.Equal(t, c.Name == smoke.CheckDirectAccess, c.Skipped, "%s: %s", c.Name, c.Detail)
	}
	require.True(t, report.OK)
	require.Contains(t, findCheck(t, report, smoke.CheckAuthSignedIn).Detail, "sub")
	require.Contains(t, findCheck(t, report, smoke.CheckAuthPublic).Detail, "GET /api/health -> 200")
}

// previewSignIn signs in at the preview's local issuer as the SPA does
// and returns the ID token.
func previewSignIn(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	client := srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	verifier := "smoke-test-verifier-0123456789-abcdefghijklmnopqrstuvwxyz"
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{
		"client_id": {preview.DefaultClientId}, "redirect_uri": {srv.URL + "/"}, "response_type": {"code"},
		"scope": {strings.Join(preview.Scopes, " ")}, "state": {"smoke"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
	}
	// The sign-in page's button posts the authorize request back.
	resp, err := client.PostForm(srv.URL+preview.AuthPath+"/oauth2/authorize", q)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)

	resp, err = client.PostForm(srv.URL+preview.AuthPath+"/oauth2/token", url.Values{
		"grant_type": {"authorization_code"}, "client_id": {preview.DefaultClientId}, "code": {loc.Query().Get("code")},
		"redirect_uri": {srv.URL + "/"}, "code_verifier": {verifier},
	})
	require.NoError(t, err)
	defer resp.Body.Close()
	var tokens struct {
		IdToken string `json:"id_token"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tokens))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NotEmpty(t, tokens.IdToken)
	return tokens.IdToken
}
