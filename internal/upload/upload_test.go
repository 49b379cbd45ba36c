package upload_test

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/internal/upload"
)

func TestDecide(t *testing.T) {
	hashed := func(key string) bool { return strings.Contains(key, "-BxT4e1Ab") }
	for key, want := range map[string]upload.Object{
		"index.html":               {Class: upload.ClassHTML, CacheControl: upload.CacheRevalidate, ContentType: upload.HTMLContentType, Invalidate: true},
		"docs/legal.HTML":          {Class: upload.ClassHTML, CacheControl: upload.CacheRevalidate, ContentType: upload.HTMLContentType, Invalidate: true},
		"config.json":              {Class: upload.ClassConfig, CacheControl: upload.CacheRevalidate, ContentType: "application/json", Invalidate: true},
		"assets/index-BxT4e1Ab.js": {Class: upload.ClassImmutable, CacheControl: upload.CacheImmutable},
		"assets/app-BxT4e1Ab.mjs":  {Class: upload.ClassImmutable, CacheControl: upload.CacheImmutable, ContentType: "text/javascript; charset=utf-8"},
		"app.mjs":                  {Class: upload.ClassModerate, CacheControl: upload.CacheModerate, ContentType: "text/javascript; charset=utf-8", Invalidate: true},
		"app.wasm":                 {Class: upload.ClassModerate, CacheControl: upload.CacheModerate, ContentType: "application/wasm", Invalidate: true},
		"site.webmanifest":         {Class: upload.ClassModerate, CacheControl: upload.CacheModerate, ContentType: "application/manifest+json", Invalidate: true},
		"fonts/x.woff2":            {Class: upload.ClassModerate, CacheControl: upload.CacheModerate, ContentType: "font/woff2", Invalidate: true},
		"fonts/x.woff":             {Class: upload.ClassModerate, CacheControl: upload.CacheModerate, ContentType: "font/woff", Invalidate: true},
		"app.js.map":               {Class: upload.ClassModerate, CacheControl: upload.CacheModerate, ContentType: "application/json", Invalidate: true},
		"app.js":                   {Class: upload.ClassRest, CacheControl: upload.CacheModerate, Invalidate: true},
		"robots.txt":               {Class: upload.ClassRest, CacheControl: upload.CacheModerate, Invalidate: true},
		// wellknown-rewritten: JSON, though it has no extension.
		".well-known/apple-app-site-association": {Class: upload.ClassModerate, CacheControl: upload.CacheModerate, ContentType: "application/json", Invalidate: true},
		".well-known/security.txt":               {Class: upload.ClassRest, CacheControl: upload.CacheModerate, Invalidate: true},
	} {
		assert.Equal(t, want, upload.Decide(key, hashed), key)
	}
}

func TestServedContentType(t *testing.T) {
	never := func(string) bool { return false }
	for key, want := range map[string]string{
		"index.html":  "text/html; charset=utf-8",
		"app.js":      "text/javascript",
		"APP.JS":      "text/javascript",
		"style.css":   "text/css",
		"data.json":   "application/json",
		"logo.svg":    "image/svg+xml",
		"logo.PNG":    "image/png",
		"robots.txt":  "text/plain",
		"favicon.ico": "image/vnd.microsoft.icon",
		"app.mjs":     "text/javascript; charset=utf-8",
		"blob.bin":    "application/octet-stream",
		"LICENSE":     upload.DefaultContentType,
		"data.xyz":    upload.DefaultContentType,
		"config.json": "application/json",
	} {
		assert.Equal(t, want, upload.Decide(key, never).ServedContentType(key), key)
	}
}

// TestPythonGuesses checks the guessed types against Python 3.13's own
// built-in mimetypes table, the one the AWS CLI in the upload Lambda
// (python3.13 runtime) guesses from: every extension the tables name, and
// some that must stay unguessed. The table is recorded in testdata by
// scripts/mimetypes/record.py, so the test needs no Python (and a machine
// whose python3 is another version cannot pass it by accident: 3.11, for
// one, guesses application/javascript for .js).
func TestPythonGuesses(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "python-mimetypes.json"))
	require.NoError(t, err)
	var recorded struct {
		Python  string
		Guesses map[string]string
	}
	require.NoError(t, json.Unmarshal(raw, &recorded))
	require.True(t, strings.HasPrefix(recorded.Python, "3.13."), "recorded with Python %s; record with 3.13, the upload Lambda's", recorded.Python)
	for ext := range upload.GuessedContentTypes {
		require.Contains(t, recorded.Guesses, ext, "record %s too (scripts/mimetypes/record.py)", ext)
	}
	never := func(string) bool { return false }
	for _, ext := range slices.Sorted(maps.Keys(recorded.Guesses)) {
		o := upload.Decide("f"+ext, never)
		if o.ContentType != "" {
			continue // set explicitly, the guess does not matter
		}
		want := recorded.Guesses[ext]
		if want == "" {
			want = upload.DefaultContentType
		}
		assert.Equal(t, want, o.ServedContentType("f"+ext), ext)
	}
}

func TestKeys(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"index.html", "config.json", "assets/app.js", ".well-known/security.txt", "assets/config.json"} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, nil, 0o644))
	}
	keys, err := upload.Keys(dir)
	require.NoError(t, err)
	assert.Equal(t, []string{".well-known/security.txt", "assets/app.js", "assets/config.json", "index.html"}, keys, "the root config.json is generated, not uploaded")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "a[1].js"), nil, 0o644))
	_, err = upload.Keys(dir)
	assert.ErrorContains(t, err, `file "a[1].js" has a name with * ? [ or ]`)
}

func TestConfig(t *testing.T) {
	runtime := map[string]any{"environment": "dev", "apiBase": "https://stale", "flags": []string{"a"}}
	got := upload.Config(runtime, "/v1", "https://example.test")
	assert.Equal(t, map[string]any{"environment": "dev", "apiBase": "/v1", "siteUrl": "https://example.test", "flags": []string{"a"}}, got)
	assert.Equal(t, "https://stale", runtime["apiBase"], "runtime is not modified")
	assert.Equal(t, map[string]any{"apiBase": "/api", "siteUrl": nil}, upload.Config(nil, "/api", nil))
	keys := []string{}
	for k := range upload.Config(nil, "/api", "") {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	assert.Equal(t, []string{upload.ConfigApiBase, upload.ConfigSiteURL}, keys)
}

// Map writes the keys of AuthConfig's JSON encoding, so that the construct
// (which needs a map to carry deploy-time values) and the preview (which
// writes Map too) agree with the type's documentation; publicPaths is
// always a list.
func TestAuthConfigMapIsItsJSON(t *testing.T) {
	full := upload.AuthConfig{
		Type: upload.AuthCognito, Issuer: "https://cognito-idp.ap-southeast-2.amazonaws.com/ap-southeast-2_Ab", UserPoolId: "ap-southeast-2_Ab",
		ClientId: "c", Domain: "https://p.auth.ap-southeast-2.amazoncognito.com", AuthorizeUrl: "a", TokenUrl: "t", LogoutUrl: "l",
		RedirectUri: "https://d.cloudfront.net/", Scopes: []string{"openid", "email"}, PublicPaths: []string{"/api/health"},
	}
	viaJSON, err := json.Marshal(full)
	require.NoError(t, err)
	viaMap, err := json.Marshal(full.Map())
	require.NoError(t, err)
	require.JSONEq(t, string(viaJSON), string(viaMap))

	lambda, err := json.Marshal(upload.AuthConfig{Type: upload.AuthLambda}.Map())
	require.NoError(t, err)
	require.JSONEq(t, `{"type": "lambda", "publicPaths": []}`, string(lambda))
}
