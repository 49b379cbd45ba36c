package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/internal/preview"
)

// TestBrowserSignIn signs in through the preview's local issuer by
// clicking, as a user would, and checks what the API's authorizer lets
// through, from the site and from a page on another, allowed, origin (a
// dev server's): the signed-in user's claims reach the backend; a
// preflight needs no token (pitfall preflight-auth); a 401 can be read
// cross-origin (pitfall cors-errors); a public path needs no token.
func TestBrowserSignIn(t *testing.T) {
	chrome := chromePath(t)

	// The second origin serves a blank page to run fetch from.
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, "<!doctype html><title>another origin</title><p>another origin</p>\n")
	}))
	t.Cleanup(other.Close)
	webDir, err := filepath.Abs(filepath.Join("..", "..", "web"))
	require.NoError(t, err)
	srv := httptest.NewServer(preview.New(preview.Options{
		Dir:                   webDir,
		Env:                   env,
		ContentSecurityPolicy: strictCSP,
		CorsAllowOrigins:      []string{other.URL},
		Auth:                  &preview.AuthOptions{PublicPaths: []string{"/api/health"}},
	}))
	t.Cleanup(srv.Close)

	bctx, console := startBrowser(t, chrome)
	text := func(id string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.TextContent(chromedp.ID(id)))
		require.NoError(t, err, "#%s", id)
		return strings.TrimSpace(s)
	}
	eval := func(expr string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Evaluate[string](expr))
		require.NoError(t, err, expr)
		return s
	}
	user := preview.DefaultTestUser

	// Signed out: the public health check passes, the protected routes
	// answer 401 and the page says so without failing.
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate(srv.URL+"/items/42")))
	require.Equal(t, "ready", waitStatus(t, bctx), "#status")
	require.Equal(t, "signed out", text("user"))
	require.Equal(t, "ok", text("health"))
	require.Contains(t, text("me"), "401")
	require.Contains(t, text("echo"), "401", "echo is not a public path")

	// Sign in by clicking: the app's button, then the issuer's page.
	require.NoError(t, chromedp.Do(bctx, chromedp.Click(chromedp.ID("sign-in"))))
	poll(t, bctx, `location.pathname + ' ' + (document.getElementById('sign-in-as') ? 'button' : '')`,
		func(s string) bool { return s == preview.AuthPath+"/oauth2/authorize button" })
	require.NoError(t, chromedp.Do(bctx, chromedp.Click(chromedp.ID("sign-in-as"))))

	// Back on the page that started it, without the code in the URL.
	poll(t, bctx, `location.pathname`, func(s string) bool { return s == "/items/42" })
	require.Equal(t, "ready", waitStatus(t, bctx), "#status")
	require.Equal(t, "/items/42", eval(`location.pathname + location.search`))
	waitRoute(t, bctx, "item 42")
	require.Equal(t, user.Email+" (sub "+user.Sub+")", text("me"), "the token's claims reached the backend")
	require.Equal(t, "signed in as "+user.Email, text("user"))
	require.Equal(t, "hello from the SPA", text("echo"), "the token goes with every API call")
	require.Equal(t, "0", eval(`String(localStorage.length)`), "the token is not in localStorage")
	token := eval(`JSON.parse(sessionStorage.getItem('staticsite.idToken')).idToken`)
	require.Len(t, strings.Split(token, "."), 3)

	// From another allowed origin, with fetch: the browser reads each
	// answer only if CORS allowed it (status 0: fetch failed).
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate(other.URL+"/")))
	api, _ := json.Marshal(srv.URL)
	tok, _ := json.Marshal(token)
	crossOrigin, err := chromedp.Run(bctx, chromedp.Evaluate[map[string]answer](fmt.Sprintf(`(async (api, token) => {
		const call = async (path, init) => {
			try {
				const r = await fetch(api + path, init);
				return { status: r.status, body: await r.text() };
			} catch (e) {
				return { status: 0, body: 'fetch failed: ' + e.message };
			}
		};
		return {
			// A simple request: no preflight, the 401 is readable only
			// with Access-Control-Allow-Origin.
			noToken: await call('/api/me'),
			// Authorization makes the browser send a preflight first,
			// which never carries the token.
			withToken: await call('/api/me', { headers: { Authorization: 'Bearer ' + token } }),
			publicPath: await call('/api/health'),
		};
	})(%s, %s)`, api, tok), chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, crossOrigin["noToken"].Status, "the 401 must carry CORS headers: %s", crossOrigin["noToken"].Body)
	assert.JSONEq(t, `{"message":"Unauthorized"}`, orEmpty(crossOrigin["noToken"].Body))
	assert.Equal(t, http.StatusOK, crossOrigin["withToken"].Status, "the preflight must pass without a token: %s", crossOrigin["withToken"].Body)
	assert.Contains(t, crossOrigin["withToken"].Body, user.Email)
	assert.Equal(t, http.StatusOK, crossOrigin["publicPath"].Status, crossOrigin["publicPath"].Body)

	// The same, as the wire shows it.
	req, err := http.NewRequest(http.MethodOptions, srv.URL+"/api/me", nil)
	require.NoError(t, err)
	req.Header.Set("Origin", other.URL)
	req.Header.Set("Access-Control-Request-Method", "GET")
	req.Header.Set("Access-Control-Request-Headers", "authorization")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNoContent, resp.StatusCode, "preflight without a token")
	assert.Equal(t, other.URL, resp.Header.Get("Access-Control-Allow-Origin"))
	req, err = http.NewRequest(http.MethodGet, srv.URL+"/api/me", nil)
	require.NoError(t, err)
	req.Header.Set("Origin", other.URL)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Equal(t, other.URL, resp.Header.Get("Access-Control-Allow-Origin"))
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))

	// Sign out: back to the site, signed out, the token gone.
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate(srv.URL+"/about")))
	poll(t, bctx, `(document.getElementById('user')?.textContent ?? '').trim()`,
		func(s string) bool { return s == "signed in as "+user.Email })
	require.NoError(t, chromedp.Do(bctx, chromedp.Click(chromedp.ID("sign-out"))))
	poll(t, bctx, `location.pathname + ' ' + (document.getElementById('user')?.textContent ?? '').trim()`,
		func(s string) bool { return s == "/ signed out" })
	require.Equal(t, "ready", waitStatus(t, bctx), "#status")
	require.Equal(t, "0", eval(`String(sessionStorage.length)`))
	require.Contains(t, text("me"), "401")

	require.Empty(t, console.problems(), "exceptions or CSP violations in the page")
}

// answer is what a fetch on the page saw.
type answer struct {
	Status int    `json:"status"`
	Body   string `json:"body"`
}

func orEmpty(s string) string {
	if s == "" {
		return "null"
	}
	return s
}
