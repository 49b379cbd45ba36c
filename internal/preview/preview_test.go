package preview_test

import (
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/internal/preview"
	"github.com/one-origin/staticsitewithapi/internal/routing/routingtest"
)

// webDir is the repository's sample SPA.
var webDir = filepath.Join("..", "..", "web")

// siteDir writes a small site with one file of each type the preview must
// label explicitly.
func siteDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"index.html":                             "<!doctype html><title>fixture</title>",
		"app.js":                                 "export {}",
		"lib/util.mjs":                           "export const x = 1",
		"style.css":                              "body{}",
		"favicon.svg":                            "<svg xmlns='http://www.w3.org/2000/svg'/>",
		"data.json":                              "{}",
		"app.wasm":                               "\x00asm",
		"fonts/inter.woff2":                      "wOF2",
		"assets.v1/readme.txt":                   "a folder whose name has a dot",
		"config.json":                            `{"apiBase":"https://stale.example/api"}`,
		"blob.bin":                               "\x01\x02",
		"Upper.JS":                               "export {}",
		"assets/index-3f9a2c.js":                 "export {}",
		"assets/index-BxT4e1Ab.js":               "export {}",
		"assets/index-BxT4e1Ab.js.map":           "{}",
		"robots.txt":                             "User-agent: *",
		".well-known/apple-app-site-association": `{"applinks":{}}`,
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	return dir
}

// capture returns a Handler that records the event it gets and answers 200.
func capture(got *events.APIGatewayProxyRequest) preview.HandlerFunc {
	return func(_ context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		*got = req
		return events.APIGatewayProxyResponse{StatusCode: http.StatusOK, Body: "{}"}, nil
	}
}

func do(t *testing.T, h http.Handler, req *http.Request) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	resp := rec.Result()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body)
}

func get(t *testing.T, h http.Handler, target string) (*http.Response, string) {
	t.Helper()
	return do(t, h, httptest.NewRequest(http.MethodGet, target, nil))
}

func TestAdapterBuildsProxyEvent(t *testing.T) {
	var ev events.APIGatewayProxyRequest
	h := preview.New(preview.Options{Dir: siteDir(t), Stage: "dev", Handler: capture(&ev)})

	req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:8080/api/echo?a=1&a=2&q=x%20y", strings.NewReader(`{"hello":"world"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Add("X-Multi", "one")
	req.Header.Add("X-Multi", "two")
	req.Header.Set("Authorization", "Bearer t")
	req.RemoteAddr = "192.0.2.7:54321"
	resp, _ := do(t, h, req)
	require.Equal(t, http.StatusOK, resp.StatusCode)

	assert.Equal(t, http.MethodPost, ev.HTTPMethod)
	assert.Equal(t, "/api/echo", ev.Path, "Path is the viewer's full path (CloudFront adds the stage, API Gateway strips it)")
	assert.Equal(t, "/{proxy+}", ev.Resource)
	assert.Equal(t, map[string]string{"proxy": "api/echo"}, ev.PathParameters)

	assert.Equal(t, map[string]string{"a": "2", "q": "x y"}, ev.QueryStringParameters, "single-value map keeps the last value")
	assert.Equal(t, map[string][]string{"a": {"1", "2"}, "q": {"x y"}}, ev.MultiValueQueryStringParameters)

	assert.Equal(t, "two", ev.Headers["X-Multi"])
	assert.Equal(t, []string{"one", "two"}, ev.MultiValueHeaders["X-Multi"])
	assert.Equal(t, "Bearer t", ev.Headers["Authorization"], "pitfall headers-dropped")
	assert.Equal(t, "application/json", ev.Headers["Content-Type"])
	assert.Equal(t, "127.0.0.1:8080", ev.Headers["Host"])
	assert.Equal(t, "192.0.2.7", ev.Headers["X-Forwarded-For"])
	assert.Equal(t, "http", ev.Headers["X-Forwarded-Proto"])
	assert.Equal(t, "8080", ev.Headers["X-Forwarded-Port"])

	assert.Equal(t, `{"hello":"world"}`, ev.Body)
	assert.False(t, ev.IsBase64Encoded)

	rc := ev.RequestContext
	assert.Equal(t, "dev", rc.Stage)
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, rc.RequestID)
	assert.Equal(t, resp.Header.Get("X-Amzn-Requestid"), rc.RequestID)
	assert.Equal(t, "/{proxy+}", rc.ResourcePath)
	assert.Equal(t, "/dev/api/echo", rc.Path)
	assert.Equal(t, http.MethodPost, rc.HTTPMethod)
	assert.Equal(t, "192.0.2.7", rc.Identity.SourceIP)
	assert.NotZero(t, rc.RequestTimeEpoch)
}

func TestAdapterWithoutQueryOrBody(t *testing.T) {
	var ev events.APIGatewayProxyRequest
	h := preview.New(preview.Options{Dir: siteDir(t), Handler: capture(&ev)})
	get(t, h, "/api/items/42/")

	assert.Nil(t, ev.QueryStringParameters, "API Gateway sends null, not {}")
	assert.Nil(t, ev.MultiValueQueryStringParameters)
	assert.Empty(t, ev.Body)
	assert.False(t, ev.IsBase64Encoded)
	assert.Equal(t, "api/items/42/", ev.PathParameters["proxy"])
	assert.Equal(t, "local", ev.RequestContext.Stage)
}

func TestAdapterBase64Bodies(t *testing.T) {
	binary := []byte{0xff, 0x00, 0xfe, 'x'}
	for _, tc := range []struct {
		name, contentType string
		body              []byte
		wantBase64        bool
	}{
		{"json", "application/json; charset=utf-8", []byte(`{"a":1}`), false},
		{"structured json", "application/problem+json", []byte(`{}`), false},
		{"form", "application/x-www-form-urlencoded", []byte("a=1&b=2"), false},
		{"text", "text/plain", []byte("héllo"), false},
		{"no content type", "", []byte("plain"), false},
		{"octet stream", "application/octet-stream", binary, true},
		{"image", "image/png", []byte("PNG but valid UTF-8"), true},
		{"text that is not UTF-8", "text/plain", binary, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ev events.APIGatewayProxyRequest
			h := preview.New(preview.Options{Dir: siteDir(t), Handler: capture(&ev)})
			req := httptest.NewRequest(http.MethodPut, "/api/upload", strings.NewReader(string(tc.body)))
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			do(t, h, req)

			require.Equal(t, tc.wantBase64, ev.IsBase64Encoded)
			if tc.wantBase64 {
				decoded, err := base64.StdEncoding.DecodeString(ev.Body)
				require.NoError(t, err)
				assert.Equal(t, tc.body, decoded)
			} else {
				assert.Equal(t, string(tc.body), ev.Body)
			}
		})
	}
}

func TestAdapterWritesResponse(t *testing.T) {
	png := []byte{0x89, 'P', 'N', 'G', 0x00, 0xff}
	h := preview.New(preview.Options{Dir: siteDir(t), Handler: func(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		return events.APIGatewayProxyResponse{
			StatusCode: http.StatusCreated,
			Headers: map[string]string{
				"Content-Type": "image/png",
				"X-Both":       "from Headers",
			},
			MultiValueHeaders: map[string][]string{
				"Set-Cookie": {"a=1", "b=2"},
				"X-Both":     {"from MultiValueHeaders"},
			},
			Body:            base64.StdEncoding.EncodeToString(png),
			IsBase64Encoded: true,
		}, nil
	}})

	resp, body := get(t, h, "/api/image")
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Equal(t, "image/png", resp.Header.Get("Content-Type"))
	assert.Equal(t, []string{"a=1", "b=2"}, resp.Header.Values("Set-Cookie"))
	assert.Equal(t, []string{"from MultiValueHeaders"}, resp.Header.Values("X-Both"))
	assert.Equal(t, png, []byte(body), "base64 body is decoded")
}

// TestAdapterCompresses, as API Gateway does with the construct's
// MinCompressionSize (pitfall api-uncompressed): large responses are
// gzipped for clients that accept gzip, small ones and others are not.
func TestAdapterCompresses(t *testing.T) {
	large := `{"pad":"` + strings.Repeat("x", 2000) + `"}`
	h := preview.New(preview.Options{Dir: siteDir(t), Handler: func(_ context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		body := large
		if req.Path == "/api/small" {
			body = `{}`
		}
		return events.APIGatewayProxyResponse{StatusCode: http.StatusOK, Headers: map[string]string{"Content-Type": "application/json"}, Body: body}, nil
	}})
	for _, tc := range []struct {
		path, accept string
		gzipped      bool
	}{
		{"/api/large", "gzip, deflate, br", true},
		{"/api/large", "br;q=1.0, gzip;q=0.5", true},
		{"/api/large", "gzip;q=0", false},
		{"/api/large", "", false},
		{"/api/small", "gzip", false},
	} {
		req := httptest.NewRequest(http.MethodGet, tc.path, nil)
		if tc.accept != "" {
			req.Header.Set("Accept-Encoding", tc.accept)
		}
		resp, body := do(t, h, req)
		if !tc.gzipped {
			assert.Empty(t, resp.Header.Get("Content-Encoding"), "%s %q", tc.path, tc.accept)
			continue
		}
		require.Equal(t, "gzip", resp.Header.Get("Content-Encoding"), "%s %q", tc.path, tc.accept)
		zr, err := gzip.NewReader(strings.NewReader(body))
		require.NoError(t, err)
		plain, err := io.ReadAll(zr)
		require.NoError(t, err)
		assert.Equal(t, large, string(plain))
	}
}

func TestAdapterGatewayErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		resp events.APIGatewayProxyResponse
		err  error
	}{
		{"handler error", events.APIGatewayProxyResponse{}, errors.New("boom")},
		{"no status code", events.APIGatewayProxyResponse{Body: "{}"}, nil},
		{"bad base64", events.APIGatewayProxyResponse{StatusCode: 200, Body: "%%%", IsBase64Encoded: true}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := preview.New(preview.Options{Dir: siteDir(t), Handler: func(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
				return tc.resp, tc.err
			}})
			resp, body := get(t, h, "/api/x")
			assert.Equal(t, http.StatusBadGateway, resp.StatusCode)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			assert.JSONEq(t, `{"message":"Internal server error"}`, body)
			assert.NotContains(t, body, "boom", "API Gateway hides the Lambda error")
		})
	}
}

// TestApiSplit runs the real apihandler: every answer under the prefix is
// JSON, never the SPA's HTML (pitfall error-masked).
func TestApiSplit(t *testing.T) {
	h := preview.New(preview.Options{Dir: webDir})
	for _, tc := range []struct {
		method, target, body string
		wantStatus           int
		wantJSON             string // a subset check on top-level keys
	}{
		{http.MethodGet, "/api/health", "", http.StatusOK, `"status":"ok"`},
		{http.MethodGet, "/api/nope", "", http.StatusNotFound, `"error":"not found"`},
		{http.MethodGet, "/api/items/42", "", http.StatusNotFound, `"path":"/api/items/42"`},
		{http.MethodPost, "/api/echo", `{"n":42}`, http.StatusOK, `"echo":{"n":42}`},
		{http.MethodPost, "/api/health", "", http.StatusMethodNotAllowed, `"error":"method not allowed"`},
		{http.MethodDelete, "/api/nope.html", "", http.StatusNotFound, `"error":"not found"`},
	} {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.body))
			if tc.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, body := do(t, h, req)
			assert.Equal(t, tc.wantStatus, resp.StatusCode)
			assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
			assert.True(t, json.Valid([]byte(body)), "not JSON: %q", body)
			assert.NotContains(t, strings.ToLower(body), "<html")
			assert.Contains(t, body, tc.wantJSON)
		})
	}
}

// TestBarePrefixIsStatic: CloudFront's "/api/*" does not match "/api", so the
// preview does not send it to the API either (pitfall s3-origin).
func TestBarePrefixIsStatic(t *testing.T) {
	called := false
	h := preview.New(preview.Options{Dir: siteDir(t), Handler: func(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		called = true
		return events.APIGatewayProxyResponse{StatusCode: 200}, nil
	}})
	resp, body := get(t, h, "/api")
	assert.False(t, called)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "<title>fixture</title>")
	get(t, h, "/apihealth")
	assert.False(t, called)
}

func TestCustomPrefix(t *testing.T) {
	var ev events.APIGatewayProxyRequest
	h := preview.New(preview.Options{Dir: siteDir(t), ApiPrefix: "/backend", Handler: capture(&ev)})
	get(t, h, "/backend/health")
	assert.Equal(t, "/backend/health", ev.Path)

	_, body := get(t, h, "/config.json")
	assert.Contains(t, body, `"apiBase": "/backend"`)

	// The construct's rule: it refuses "/backend/", so the preview does too.
	assert.PanicsWithValue(t, `preview: ApiPrefix "/backend/" is invalid: it must start with "/", must not end with "/" or contain "*" (the construct appends "/*"), and may use letters, digits and . _ ~ - only; for example "/api"`, func() {
		preview.New(preview.Options{Dir: siteDir(t), ApiPrefix: "/backend/"})
	})
}

func TestStaticDeepLinks(t *testing.T) {
	h := preview.New(preview.Options{Dir: siteDir(t)})
	for _, target := range []string{"/", "/about", "/about/", "/items/42", "/items/42?tab=1", "/docs/v1.2/intro", "/index.html"} {
		t.Run(target, func(t *testing.T) {
			resp, body := get(t, h, target)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
			assert.Equal(t, "no-cache", resp.Header.Get("Cache-Control"))
			assert.Contains(t, body, "<title>fixture</title>")
		})
	}
}

// TestStaticContentTypes: files are served as the deployment uploads them
// (internal/upload): explicit types where the upload sets one, the AWS
// CLI's guess (Python 3.13's mimetypes) where it does not, and the cache
// class of the file.
func TestStaticContentTypes(t *testing.T) {
	const (
		revalidate = "no-cache"
		immutable  = "public, max-age=31536000, immutable"
		moderate   = "public, max-age=3600"
	)
	h := preview.New(preview.Options{Dir: siteDir(t)})
	for target, want := range map[string][2]string{
		"/index.html":                   {"text/html; charset=utf-8", revalidate},
		"/app.js":                       {"text/javascript", moderate},
		"/Upper.JS":                     {"text/javascript", moderate},
		"/assets/index-3f9a2c.js":       {"text/javascript", moderate},
		"/assets/index-BxT4e1Ab.js":     {"text/javascript", immutable},
		"/assets/index-BxT4e1Ab.js.map": {"application/json", immutable},
		"/lib/util.mjs":                 {"text/javascript; charset=utf-8", moderate},
		"/style.css":                    {"text/css", moderate},
		"/favicon.svg":                  {"image/svg+xml", moderate},
		"/data.json":                    {"application/json", moderate},
		"/app.wasm":                     {"application/wasm", moderate},
		"/fonts/inter.woff2":            {"font/woff2", moderate},
		"/robots.txt":                   {"text/plain", moderate},
		"/blob.bin":                     {"application/octet-stream", moderate},
		"/assets.v1/readme.txt":         {"text/plain", moderate},
		// wellknown-rewritten: a file, and JSON, though it has no extension.
		"/.well-known/apple-app-site-association": {"application/json", moderate},
	} {
		t.Run(target, func(t *testing.T) {
			resp, _ := get(t, h, target)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, want[0], resp.Header.Get("Content-Type"))
			assert.Equal(t, want[1], resp.Header.Get("Cache-Control"))
			assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
		})
	}
}

// TestStaticHashedByManifest: with a bundler manifest in the folder, the
// manifest decides what is immutable, as in the upload, and a rebuild is
// seen without a restart.
func TestStaticHashedByManifest(t *testing.T) {
	dir := siteDir(t)
	h := preview.New(preview.Options{Dir: dir})
	resp, _ := get(t, h, "/assets/index-BxT4e1Ab.js")
	require.Equal(t, "public, max-age=31536000, immutable", resp.Header.Get("Cache-Control"))

	require.NoError(t, os.MkdirAll(filepath.Join(dir, ".vite"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".vite", "manifest.json"), []byte(`{"index.html":{"file":"assets/other-C0ffee12.js"}}`), 0o644))
	resp, _ = get(t, h, "/assets/index-BxT4e1Ab.js")
	assert.Equal(t, "public, max-age=3600", resp.Header.Get("Cache-Control"), "not in the manifest: not hashed")

	require.NoError(t, os.WriteFile(filepath.Join(dir, ".vite", "manifest.json"), []byte("not json"), 0o644))
	resp, body := get(t, h, "/assets/index-BxT4e1Ab.js")
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	assert.Contains(t, body, "is not a Vite manifest")
}

// TestStaticMissingIsAccessDenied: S3 behind OAC answers 403 XML for a
// missing key; the preview must not hide that behind index.html or a 404.
func TestStaticMissingIsAccessDenied(t *testing.T) {
	dir := siteDir(t)
	outside := filepath.Join(t.TempDir(), "secret.txt")
	require.NoError(t, os.WriteFile(outside, []byte("secret"), 0o644))
	require.NoError(t, os.Symlink(outside, filepath.Join(dir, "escape.txt")))

	h := preview.New(preview.Options{Dir: dir})
	for _, target := range []string{"/missing.js", "/items/42/app.js", "/assets.v1", "/.env", "/escape.txt", "/../secret.txt"} {
		t.Run(target, func(t *testing.T) {
			resp, body := get(t, h, target)
			assert.Equal(t, http.StatusForbidden, resp.StatusCode)
			assert.Equal(t, "application/xml", resp.Header.Get("Content-Type"))
			assert.Contains(t, body, "<Code>AccessDenied</Code>")
			assert.NotContains(t, body, "secret")
		})
	}
}

func TestStaticMethods(t *testing.T) {
	h := preview.New(preview.Options{Dir: siteDir(t)})

	resp, body := do(t, h, httptest.NewRequest(http.MethodHead, "/app.js", nil))
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/javascript", resp.Header.Get("Content-Type"))
	assert.Empty(t, body)

	// A POST outside the API prefix is the s3-origin pitfall; CloudFront
	// refuses it on the GET/HEAD-only S3 behavior.
	resp, body = do(t, h, httptest.NewRequest(http.MethodPost, "/echo", strings.NewReader("{}")))
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, body, "This distribution is not configured to allow the HTTP request method")
}

func TestStaticContentSecurityPolicy(t *testing.T) {
	const csp = "default-src 'self'"
	h := preview.New(preview.Options{Dir: siteDir(t), ContentSecurityPolicy: csp})
	resp, _ := get(t, h, "/items/42")
	assert.Equal(t, csp, resp.Header.Get("Content-Security-Policy"))

	resp, _ = get(t, preview.New(preview.Options{Dir: siteDir(t)}), "/")
	assert.Empty(t, resp.Header.Get("Content-Security-Policy"))
}

func TestConfigJSON(t *testing.T) {
	type config struct {
		ApiBase     string `json:"apiBase"`
		Environment string `json:"environment"`
		SiteURL     string `json:"siteUrl"`
	}
	read := func(h http.Handler) (*http.Response, config) {
		resp, body := get(t, h, "http://127.0.0.1:8123/config.json")
		var c config
		require.NoError(t, json.Unmarshal([]byte(body), &c), body)
		return resp, c
	}

	// The folder's own config.json (an absolute, stale one) is ignored.
	resp, c := read(preview.New(preview.Options{Dir: siteDir(t)}))
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	assert.Equal(t, "no-cache", resp.Header.Get("Cache-Control"))
	assert.Equal(t, config{ApiBase: "/api", Environment: "local", SiteURL: "http://127.0.0.1:8123"}, c)

	_, c = read(preview.New(preview.Options{Dir: siteDir(t), Env: "dev", SiteURL: "https://example.test/", ApiPrefix: "/v1"}))
	assert.Equal(t, config{ApiBase: "/v1", Environment: "dev", SiteURL: "https://example.test"}, c)

	// RuntimeConfig adds keys and wins over environment, as the app's
	// frontendConfig does; apiBase and siteUrl are the preview's.
	_, body := get(t, preview.New(preview.Options{Dir: siteDir(t), Env: "dev", RuntimeConfig: map[string]any{
		"featureFlags": map[string]any{"beta": true}, "environment": "staging",
	}}), "http://127.0.0.1:8123/config.json")
	assert.JSONEq(t, `{"apiBase":"/api","siteUrl":"http://127.0.0.1:8123","environment":"staging","featureFlags":{"beta":true}}`, body)
}

func TestNewPanicsOnBadOptions(t *testing.T) {
	assert.PanicsWithValue(t, `preview: ApiPrefix "/" is invalid: "/" would send every path to the API and none to the site; use a path such as "/api"`, func() {
		preview.New(preview.Options{Dir: siteDir(t), ApiPrefix: "/"})
	})
	assert.Panics(t, func() { preview.New(preview.Options{Dir: filepath.Join(t.TempDir(), "nope")}) })
	err := preview.Options{Dir: siteDir(t), ApiPrefix: "/.well-known/api", RuntimeConfig: map[string]any{"apiBase": "https://x"}}.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), `ApiPrefix "/.well-known/api" is invalid`)
	assert.Contains(t, err.Error(), `RuntimeConfig must not set "apiBase"`)
	assert.NoError(t, preview.Options{Dir: siteDir(t)}.Validate())
}

// TestSampleSite checks the repository's web/ folder: deep links load the
// app, its assets have the right types, and it needs no CSP exception.
func TestSampleSite(t *testing.T) {
	h := preview.New(preview.Options{Dir: webDir})

	resp, page := get(t, h, "/items/42")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, page, `<script type="module" src="/app.js"></script>`)
	for _, id := range []string{"env", "health", "echo", "me", "user", "sign-in", "sign-out", "route", "status"} {
		assert.Contains(t, page, `id="`+id+`"`)
	}
	// Strict CSP: no inline scripts, styles or event handlers.
	assert.NotRegexp(t, regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`), page, "inline script")
	assert.NotRegexp(t, regexp.MustCompile(`(?i)<style|\sstyle=|\son[a-z]+=`), page, "inline style or handler")
	// Every asset is root-relative, so it loads from a deep link too.
	for _, m := range regexp.MustCompile(`(?:src|href)="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		assert.True(t, strings.HasPrefix(m[1], "/") && !strings.HasPrefix(m[1], "//"), "not root-relative: %s", m[1])
	}

	for target, want := range map[string]string{
		"/app.js":      "text/javascript",
		"/style.css":   "text/css",
		"/favicon.svg": "image/svg+xml",
	} {
		resp, _ := get(t, h, target)
		assert.Equal(t, http.StatusOK, resp.StatusCode, target)
		assert.Equal(t, want, resp.Header.Get("Content-Type"), target)
	}

	// Pitfall absolute-base-url: the app gets its API base from config.json.
	_, app := get(t, h, "/app.js")
	assert.Contains(t, app, "'/config.json'")
	assert.NotRegexp(t, regexp.MustCompile(`https?://`), app, "no absolute URL in the app")

	_, err := os.Stat(filepath.Join(webDir, "config.json"))
	assert.True(t, os.IsNotExist(err), "web/config.json must not exist: the deployment writes it (pitfall config-pruned)")
}

// TestRoutingTable serves every row of the routing table that the
// CloudFront Function and internal/routing are tested with
// (test/testdata/routing-cases.json): an api row reaches the handler with
// its path, a page row gets index.html, a file row gets that file (or S3's
// 403 when the folder cannot hold it), never the page.
func TestRoutingTable(t *testing.T) {
	cases, err := routingtest.Load()
	require.NoError(t, err)

	// A folder with every file row's file; its body is its path. A path
	// that cannot be a file next to the others (/.well-known beside
	// /.well-known/...) is left out and must be a 403.
	dir := t.TempDir()
	const page = "<!doctype html><title>page</title>"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.html"), []byte(page), 0o644))
	created := map[string]bool{"/index.html": true}
	for _, c := range cases {
		if c.Target != "file" || created[c.Want] {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(c.Want, "/")))
		if os.MkdirAll(filepath.Dir(p), 0o755) == nil && os.WriteFile(p, []byte(c.Want), 0o644) == nil {
			created[c.Want] = true
		}
	}

	for _, c := range cases {
		t.Run(c.Prefix+" "+c.URI, func(t *testing.T) {
			var ev events.APIGatewayProxyRequest
			called := false
			h := preview.New(preview.Options{Dir: dir, ApiPrefix: c.Prefix, Handler: func(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
				called = true
				return capture(&ev)(ctx, req)
			}})
			target := c.URI
			if q := c.Query(); len(q) > 0 {
				target += "?" + q.Encode()
			}
			resp, body := get(t, h, target)
			switch c.Target {
			case "api":
				require.True(t, called, "%s: the API handler was not called (%s)", c.URI, c.Why)
				assert.Equal(t, c.Want, ev.Path)
				if q := c.Query(); len(q) > 0 {
					assert.Equal(t, map[string][]string(q), ev.MultiValueQueryStringParameters)
				}
			case "page":
				require.False(t, called, "%s went to the API (%s)", c.URI, c.Why)
				assert.Equal(t, http.StatusOK, resp.StatusCode, c.Why)
				assert.Equal(t, page, body, "%s: want index.html (%s)", c.URI, c.Why)
			case "file":
				require.False(t, called, "%s went to the API (%s)", c.URI, c.Why)
				switch c.Want {
				case "/index.html":
					assert.Equal(t, page, body)
					return
				case "/config.json": // generated, as the deployment writes it
					assert.Contains(t, body, `"apiBase": "`+c.Prefix+`"`)
					return
				}
				if !created[c.Want] {
					assert.Equal(t, http.StatusForbidden, resp.StatusCode, "%s: want S3's 403 (%s)", c.URI, c.Why)
					assert.Contains(t, body, "<Code>AccessDenied</Code>")
					return
				}
				assert.Equal(t, http.StatusOK, resp.StatusCode, c.Why)
				assert.Equal(t, c.Want, body, "%s: want the file itself (%s)", c.URI, c.Why)
			default:
				t.Fatalf("unknown target %q", c.Target)
			}
		})
	}
}
