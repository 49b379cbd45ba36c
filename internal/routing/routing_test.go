package routing_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/backend/apihandler"
	"github.com/one-origin/staticsitewithapi/internal/routing"
	"github.com/one-origin/staticsitewithapi/internal/routing/routingtest"
)

// TestRouteMatchesTable checks the Go rules against the rows the
// CloudFront Function and the preview are tested with (pitfalls
// spa-deeplink, s3-origin, wellknown-rewritten).
func TestRouteMatchesTable(t *testing.T) {
	cases, err := routingtest.Load()
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, c := range cases {
		target, got := routing.Route(c.URI, c.Prefix)
		require.Equal(t, c.Target, target.String(), "%s under %s (%s)", c.URI, c.Prefix, c.Why)
		require.Equal(t, c.Want, got, "%s under %s (%s)", c.URI, c.Prefix, c.Why)
		if c.S3() {
			require.Equal(t, c.Want, routing.Rewrite(c.URI), "%s (%s)", c.URI, c.Why)
		}
		require.NoError(t, routing.ValidatePrefix(c.Prefix), "row %q", c.URI)
		seen[c.Target] = true
	}
	require.Len(t, seen, 3, "the table must have api, page and file rows")
}

func TestValidatePrefix(t *testing.T) {
	for _, p := range []string{"/api", "/v1", "/backend/v2", "/a.b_c~d-e", "/API", "/.well-knownx", "/x/.well-known"} {
		assert.NoError(t, routing.ValidatePrefix(p), p)
	}
	for p, want := range map[string]string{
		"":                   "empty",
		"/":                  "every path",
		"api":                `must start with "/"`,
		"/api/":              `must not end with "/"`,
		"/api/*":             `contain "*"`,
		"/api*":              `contain "*"`,
		"//api":              `must start with "/"`,
		"/api//v1":           "letters, digits",
		"/a b":               "letters, digits",
		"/api?x=1":           "letters, digits",
		"/api#x":             "letters, digits",
		"/backend/":          `must not end with "/"`,
		"/.well-known":       "/.well-known/",
		"/.well-known/api":   "/.well-known/",
		"/ümlaut":            "letters, digits",
		"/${Token[TOKEN.1]}": "letters, digits",
	} {
		err := routing.ValidatePrefix(p)
		if assert.Error(t, err, p) {
			assert.Contains(t, err.Error(), want, p)
		}
	}
	// The caller names the setting.
	err := fmt.Errorf("ApiPrefix %q is invalid: %w", "/api/", routing.ValidatePrefix("/api/"))
	assert.True(t, strings.HasPrefix(err.Error(), `ApiPrefix "/api/" is invalid: it must start with "/"`), err)
}

func TestConstants(t *testing.T) {
	assert.Equal(t, "/api", routing.DefaultPrefix)
	assert.NoError(t, routing.ValidatePrefix(routing.DefaultPrefix))
	assert.Equal(t, 29*time.Second, routing.IntegrationTimeout)
	assert.Equal(t, float64(routing.IntegrationTimeoutSeconds), routing.IntegrationTimeout.Seconds())
	assert.Equal(t, []string{"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}, routing.AllMethods)
	assert.Equal(t, "unknown", routing.Target(0).String())
}

// TestCopiesAgree: the API handler keeps its own copy of the default prefix
// (the Lambda imports nothing outside backend/, whose files alone make its
// asset hash); it must not drift.
func TestCopiesAgree(t *testing.T) {
	assert.Equal(t, routing.DefaultPrefix, apihandler.DefaultPrefix)
}

func TestPublicPaths(t *testing.T) {
	health, err := routing.ParsePublicPath("/api", "/api/health")
	require.NoError(t, err)
	sub, err := routing.ParsePublicPath("/api", "/api/public/*")
	require.NoError(t, err)
	require.Equal(t, []string{"api", "public"}, sub.Segments)
	require.True(t, sub.Subtree)
	require.Equal(t, "/api/public/*", sub.String())
	public := []routing.PublicPath{health, sub}
	for path, want := range map[string]bool{
		"/api/health":           true,
		"/api/health/":          false, // another path: API Gateway and the backend see it as such
		"/api/healthz":          false,
		"/api/Health":           false,
		"/api/public/a":         true,
		"/api/public/a/b.json":  true,
		"/api/public/":          false, // nothing under it
		"/api/public":           false, // the subtree, not its root
		"/api/publicity/a":      false,
		"/api/me":               false,
		"/other/api/public/x":   false,
		"/api/items/api/health": false,
	} {
		assert.Equal(t, want, routing.IsPublic(public, path), path)
	}
	for _, bad := range []string{"/health", "/api", "/api/", "/api/*", "/api/public/", "/api/pub*", "/api/*/x", "/api/{id}", "/api//x", "/api/../x", "api/health", "/apix/health"} {
		_, err := routing.ParsePublicPath("/api", bad)
		assert.Error(t, err, bad)
	}
}

// One check of an allowed origin for the construct's Cors.AllowOrigins and
// the preview's CorsAllowOrigins: only what a browser sends as Origin.
func TestValidateOrigin(t *testing.T) {
	for _, o := range []string{"https://app.example.com", "http://localhost:5173", "https://*.example.com", "http://127.0.0.1:8080"} {
		assert.NoError(t, routing.ValidateOrigin(o), o)
	}
	for o, want := range map[string]string{
		"app.example.com":              "is not an origin",
		"ftp://app.example.com":        "is not an origin",
		"https://":                     "is not an origin",
		"https://app.example.com/":     `use "https://app.example.com"`,
		"https://app.example.com/app":  "must be only scheme://host[:port]",
		"https://app.example.com?x=1":  "must be only scheme://host[:port]",
		"https://u@app.example.com":    "must be only scheme://host[:port]",
		"HTTPS://app.example.com":      `use "https://app.example.com"`, // never what a browser sends
		"https://app.example.com#frag": "must be only scheme://host[:port]",
	} {
		err := routing.ValidateOrigin(o)
		if assert.Error(t, err, o) {
			assert.Contains(t, err.Error(), want, o)
		}
	}
}
