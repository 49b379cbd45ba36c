package smoke_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/internal/smoke"
)

func ptr[T any](v T) *T { return &v }

// fastConfig keeps retries on but their backoff short.
func fastConfig(base string) smoke.Config {
	return smoke.Config{BaseURL: base, Timeout: 2 * time.Second, Retries: ptr(2), Backoff: time.Millisecond, Deadline: 20 * time.Second}
}

// override helpers for the scenarios below.
type override = func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool

var (
	cloudFrontHeaders = []string{"Content-Type", "text/html", "Server", "CloudFront", "X-Cache", "Error from cloudfront"}
	s3Headers         = []string{"Content-Type", "application/xml", "Server", "AmazonS3", "X-Cache", "Error from cloudfront"}
)

func onApi(f func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool) override {
	return func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
		return s.isApi(r) && f(s, w, r)
	}
}

// onDeepLink applies f to requests for the deep link only.
func onDeepLink(f func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool) override {
	return func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
		return r.URL.Path == smoke.DeepLinkPath && f(s, w, r)
	}
}

// TestRunScenarios replays each failure recorded in PITFALLS.md from a
// loopback fake of the distribution and wants exactly the expected pitfall
// IDs, on exactly the expected checks.
func TestRunScenarios(t *testing.T) {
	tests := []struct {
		name     string
		origin   string
		override override
		failing  []string
		ids      []smoke.PitfallID
		previous []string // Config.PreviousAssets
		// execute, when set, serves the API's execute-api URL
		// (Config.ApiExecuteUrl), under the stage /dev.
		execute http.HandlerFunc
	}{
		{name: "healthy site"},
		{name: "healthy site with an allowed origin", origin: allowedOrigin},
		{
			name:   "edge-methods: API behavior allows only GET and HEAD",
			origin: allowedOrigin,
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				if r.Method == http.MethodGet || r.Method == http.MethodHead {
					return false
				}
				replay(w, http.StatusForbidden, testdata(s.t, "cloudfront-403-method.txt"), cloudFrontHeaders...)
				return true
			}),
			failing: []string{smoke.CheckEcho, smoke.CheckHeaders, smoke.CheckCompression, smoke.CheckPreflight},
			ids:     []smoke.PitfallID{smoke.EdgeMethods},
		},
		{
			name: "s3-origin: no API behavior, requests reach the bucket",
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				if r.Method == http.MethodPost {
					replay(w, http.StatusMethodNotAllowed, testdata(s.t, "s3-method-not-allowed.xml"), s3Headers...)
				} else {
					replay(w, http.StatusForbidden, testdata(s.t, "s3-access-denied.xml"), s3Headers...)
				}
				return true
			}),
			failing: []string{smoke.CheckHealth, smoke.CheckEcho, smoke.CheckHeaders, smoke.CheckCompression, smoke.CheckUnknownRoute},
			ids:     []smoke.PitfallID{smoke.S3Origin},
		},
		{
			name: "spa-deeplink: no SPA fallback on the S3 behavior",
			override: func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				// Files are still served; only client-side routes fail.
				if s.isApi(r) || r.URL.Path == "/" || strings.Contains(path.Base(r.URL.Path), ".") {
					return false
				}
				replay(w, http.StatusForbidden, testdata(s.t, "s3-access-denied.xml"), s3Headers...)
				return true
			},
			failing: []string{smoke.CheckDeepLink},
			ids:     []smoke.PitfallID{smoke.SpaDeeplink},
		},
		{
			name: "spa-deeplink: a deep link serves other HTML than the root",
			override: onDeepLink(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				replay(w, http.StatusOK, []byte("<!doctype html><title>Not found</title>"), "Content-Type", "text/html")
				return true
			}),
			failing: []string{smoke.CheckDeepLink},
			ids:     []smoke.PitfallID{smoke.SpaDeeplink},
		},
		{
			name: "spa-deeplink: a deep link gets a plain 404",
			override: onDeepLink(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				replay(w, http.StatusNotFound, []byte("Not Found"), "Content-Type", "text/plain")
				return true
			}),
			failing: []string{smoke.CheckDeepLink},
			ids:     []smoke.PitfallID{smoke.SpaDeeplink},
		},
		{
			name: "api-route: API Gateway has no matching resource",
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				replay(w, http.StatusForbidden, testdata(s.t, "missing-authentication-token.json"),
					"Content-Type", "application/json", "x-amzn-ErrorType", "MissingAuthenticationTokenException")
				return true
			}),
			// The unknown route passes: that is API Gateway's own JSON error.
			failing: []string{smoke.CheckHealth, smoke.CheckEcho, smoke.CheckHeaders, smoke.CheckCompression},
			ids:     []smoke.PitfallID{smoke.ApiRoute},
		},
		{
			name:   "api-route and preflight-auth: no resource at all, OPTIONS included",
			origin: allowedOrigin,
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				replay(w, http.StatusForbidden, testdata(s.t, "missing-authentication-token.json"),
					"Content-Type", "application/json", "x-amzn-ErrorType", "MissingAuthenticationTokenException")
				return true
			}),
			failing: []string{smoke.CheckHealth, smoke.CheckEcho, smoke.CheckHeaders, smoke.CheckCompression, smoke.CheckPreflight},
			ids:     []smoke.PitfallID{smoke.ApiRoute, smoke.PreflightAuth},
		},
		{
			name:   "preflight-auth: ANY {proxy+} without its own OPTIONS",
			origin: allowedOrigin,
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				if r.Method != http.MethodOptions {
					return false
				}
				replay(w, http.StatusForbidden, testdata(s.t, "missing-authentication-token.json"),
					"Content-Type", "application/json", "x-amzn-ErrorType", "MissingAuthenticationTokenException")
				return true
			}),
			failing: []string{smoke.CheckPreflight},
			ids:     []smoke.PitfallID{smoke.PreflightAuth},
		},
		{
			name:   "preflight-auth: authorizer on OPTIONS",
			origin: allowedOrigin,
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				if r.Method != http.MethodOptions {
					return false
				}
				replay(w, http.StatusUnauthorized, []byte(`{"message":"Unauthorized"}`),
					"Content-Type", "application/json", "x-amzn-ErrorType", "UnauthorizedException")
				return true
			}),
			failing: []string{smoke.CheckPreflight},
			ids:     []smoke.PitfallID{smoke.PreflightAuth},
		},
		{
			name:   "preflight-auth: OPTIONS reaches a backend that refuses it",
			origin: allowedOrigin,
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				if r.Method != http.MethodOptions {
					return false
				}
				writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method not allowed"})
				return true
			}),
			failing: []string{smoke.CheckPreflight},
			ids:     []smoke.PitfallID{smoke.PreflightAuth},
		},
		{
			name: "host-header: viewer Host forwarded to execute-api",
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				replay(w, http.StatusForbidden, testdata(s.t, "forbidden.json"),
					"Content-Type", "application/json", "x-amzn-ErrorType", "ForbiddenException")
				return true
			}),
			failing: []string{smoke.CheckHealth, smoke.CheckEcho, smoke.CheckHeaders, smoke.CheckCompression},
			ids:     []smoke.PitfallID{smoke.HostHeader},
		},
		{
			name: "api-cached: caching policy on the API behavior",
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				if r.Method == http.MethodGet {
					w.Header().Set("X-Cache", "Hit from cloudfront")
					w.Header().Set("Age", "37")
				}
				s.api(w, r)
				return true
			}),
			// A caching policy caches the API's 404s too.
			failing: []string{smoke.CheckHealth, smoke.CheckErrorsUncached},
			ids:     []smoke.PitfallID{smoke.ApiCached, smoke.ErrorsCached},
		},
		{
			name:     "api-cached: only the second health request is a hit",
			override: cachedAfterFirst(),
			failing:  []string{smoke.CheckHealth},
			ids:      []smoke.PitfallID{smoke.ApiCached},
		},
		{
			name: "error-masked: 404 -> /index.html with 200",
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				if !strings.Contains(r.URL.Path, smoke.UnknownRoutePrefix) {
					return false
				}
				replay(w, http.StatusOK, s.index, "Content-Type", "text/html", "X-Cache", "Error from cloudfront")
				return true
			}),
			failing: []string{smoke.CheckUnknownRoute},
			ids:     []smoke.PitfallID{smoke.ErrorMasked},
		},
		{
			name: "error-masked: 404 -> /index.html keeping the 404, no Content-Type",
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				if !strings.Contains(r.URL.Path, smoke.UnknownRoutePrefix) {
					return false
				}
				w.Header()["Content-Type"] = nil // keep net/http from sniffing one
				replay(w, http.StatusNotFound, s.index)
				return true
			}),
			failing: []string{smoke.CheckUnknownRoute},
			ids:     []smoke.PitfallID{smoke.ErrorMasked},
		},
		{
			name: "origin-timeout: CloudFront 504 on the API",
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				replay(w, http.StatusGatewayTimeout, testdata(s.t, "cloudfront-504.txt"), cloudFrontHeaders...)
				return true
			}),
			failing: []string{smoke.CheckHealth, smoke.CheckEcho, smoke.CheckHeaders, smoke.CheckCompression, smoke.CheckUnknownRoute},
			ids:     []smoke.PitfallID{smoke.OriginTimeout},
		},
		{
			name:     "cors-duplicate: backend and CloudFront both set the header",
			origin:   allowedOrigin,
			override: duplicateAllowOrigin(false),
			failing:  []string{smoke.CheckEcho, smoke.CheckErrorCors, smoke.CheckPreflight},
			ids:      []smoke.PitfallID{smoke.CorsDuplicate},
		},
		{
			name:     "cors-duplicate: two values joined in one header",
			origin:   allowedOrigin,
			override: duplicateAllowOrigin(true),
			failing:  []string{smoke.CheckEcho, smoke.CheckErrorCors, smoke.CheckPreflight},
			ids:      []smoke.PitfallID{smoke.CorsDuplicate},
		},
		{
			name:    "origin not allowed: a failure with no pitfall",
			origin:  "https://other.example.com",
			failing: []string{smoke.CheckPreflight},
		},
		{
			name:   "preflight allows another origin: a failure with no pitfall",
			origin: "http://localhost:5173",
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				if r.Method != http.MethodOptions {
					return false
				}
				replay(w, http.StatusNoContent, nil, "Access-Control-Allow-Origin", allowedOrigin)
				return true
			}),
			failing: []string{smoke.CheckPreflight},
		},
		{
			name:   "preflight answered with *",
			origin: "http://localhost:5173",
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				if r.Method != http.MethodOptions {
					return false
				}
				replay(w, http.StatusNoContent, nil, "Access-Control-Allow-Origin", "*")
				return true
			}),
		},
		{
			name: "echo route that does not echo: a failure with no pitfall",
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				if r.Method != http.MethodPost {
					return false
				}
				writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
				return true
			}),
			failing: []string{smoke.CheckEcho},
		},
		{
			name: "errors-cached: CloudFront serves an API 404 from its cache",
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				key := r.Method + " " + r.URL.Path
				if !strings.Contains(r.URL.Path, smoke.UnknownRoutePrefix) || s.count(key) < 2 {
					return false
				}
				w.Header().Set("X-Cache", "Error from cloudfront")
				w.Header().Set("Age", "4")
				s.api(w, r)
				return true
			}),
			failing: []string{smoke.CheckErrorsUncached},
			ids:     []smoke.PitfallID{smoke.ErrorsCached},
		},
		{
			name: "wellknown-rewritten: the SPA rule sends /.well-known/ to index.html",
			override: func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				if !strings.HasPrefix(r.URL.Path, "/.well-known/") {
					return false
				}
				replay(w, http.StatusOK, s.index, "Content-Type", "text/html", "Server", "AmazonS3")
				return true
			},
			failing: []string{smoke.CheckWellKnown},
			ids:     []smoke.PitfallID{smoke.WellknownRewritten},
		},
		{
			name: "api-uncompressed: no compression at API Gateway",
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				r.Header.Del("Accept-Encoding")
				s.api(w, r)
				return true
			}),
			failing: []string{smoke.CheckCompression},
			ids:     []smoke.PitfallID{smoke.ApiUncompressed},
		},
		{
			name: "headers-dropped: no origin request policy on the API behavior",
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				// CachingOptimized alone forwards no viewer header and no query.
				for _, h := range []string{"Content-Type", "Authorization", "X-Smoke-Probe"} {
					r.Header.Del(h)
				}
				r.URL.RawQuery = ""
				s.api(w, r)
				return true
			}),
			failing: []string{smoke.CheckHeaders},
			ids:     []smoke.PitfallID{smoke.HeadersDropped},
		},
		{
			name: "headers-dropped: Content-Type forwarded, Authorization not (a custom origin request policy)",
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				r.Header.Del("Authorization")
				s.api(w, r)
				return true
			}),
			failing: []string{smoke.CheckHeaders},
			ids:     []smoke.PitfallID{smoke.HeadersDropped},
		},
		{
			name:     "headers-dropped: an echo of headers shows Authorization but no custom header",
			override: headerEcho("X-Smoke-Probe"),
			failing:  []string{smoke.CheckHeaders},
			ids:      []smoke.PitfallID{smoke.HeadersDropped},
		},
		{
			name:     "an echo of headers shows all of them",
			override: headerEcho(),
		},
		{
			name:   "cors-errors: the API's errors carry no CORS headers",
			origin: allowedOrigin,
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				if !strings.Contains(r.URL.Path, smoke.UnknownRoutePrefix) {
					return false
				}
				// API Gateway's own answer, which no CORS policy reaches.
				r.Header.Del("Origin")
				s.api(w, r)
				return true
			}),
			failing: []string{smoke.CheckErrorCors},
			ids:     []smoke.PitfallID{smoke.CorsErrors},
		},
		{
			name: "edge-optimized: two CloudFront hops in Via",
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				w.Header().Set("Via", "1.1 9f8e7d6c5b4a.cloudfront.net (CloudFront), "+oneHop)
				s.api(w, r)
				return true
			}),
			failing: []string{smoke.CheckSingleHop},
			ids:     []smoke.PitfallID{smoke.EdgeOptimized},
		},
		{
			name: "edge-optimized: the second hop as its own Via line",
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				w.Header().Add("Via", oneHop)
				w.Header().Add("Via", "1.1 9f8e7d6c5b4a.cloudfront.net (CloudFront)")
				s.api(w, r)
				return true
			}),
			failing: []string{smoke.CheckSingleHop},
			ids:     []smoke.PitfallID{smoke.EdgeOptimized},
		},
		{
			name:    "direct-access: the execute-api URL answers without the key",
			execute: executeApi(false),
			failing: []string{smoke.CheckDirectAccess},
			ids:     []smoke.PitfallID{smoke.DirectAccess},
		},
		{
			name:    "the execute-api URL refuses a request without the key",
			execute: executeApi(true),
		},
		{
			name: "execute-api URL without the stage: a failure with no pitfall",
			execute: func(w http.ResponseWriter, r *http.Request) {
				replay(w, http.StatusForbidden, testdata(t, "missing-authentication-token.json"),
					"Content-Type", "application/json", "x-amzn-ErrorType", "MissingAuthenticationTokenException")
			},
			failing: []string{smoke.CheckDirectAccess},
		},
		{
			name:     "stale-frontend: index.html cached for a day",
			override: cacheControl("/index.html", "public, max-age=86400"),
			failing:  []string{smoke.CheckRevalidate},
			ids:      []smoke.PitfallID{smoke.StaleFrontend},
		},
		{
			name:     "stale-frontend: config.json without Cache-Control",
			override: cacheControl("/config.json", ""),
			failing:  []string{smoke.CheckRevalidate},
			ids:      []smoke.PitfallID{smoke.StaleFrontend},
		},
		{
			name:     "stale-frontend: max-age=0 but a long s-maxage",
			override: cacheControl("/index.html", "max-age=0, s-maxage=3600"),
			failing:  []string{smoke.CheckRevalidate},
			ids:      []smoke.PitfallID{smoke.StaleFrontend},
		},
		{
			name:     "index.html with max-age=0, must-revalidate",
			override: cacheControl("/index.html", "max-age=0, must-revalidate"),
		},
		{
			name: "config-pruned: config.json deleted by another deployment",
			override: func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path != "/config.json" {
					return false
				}
				replay(w, http.StatusForbidden, testdata(s.t, "s3-access-denied.xml"), s3Headers...)
				return true
			},
			failing: []string{smoke.CheckConfigJSON},
			ids:     []smoke.PitfallID{smoke.ConfigPruned},
		},
		{
			name: "config-pruned: an error page answers for the missing config.json",
			override: func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path != "/config.json" {
					return false
				}
				replay(w, http.StatusOK, s.index, "Content-Type", "text/html", "Cache-Control", "no-cache")
				return true
			},
			failing: []string{smoke.CheckConfigJSON},
			ids:     []smoke.PitfallID{smoke.ConfigPruned},
		},
		{
			name:     "absolute-base-url: config.json names the distribution",
			override: file("/config.json", "application/json", `{"apiBase":"https://d111111abcdef8.cloudfront.net/api"}`),
			failing:  []string{smoke.CheckApiBase},
			ids:      []smoke.PitfallID{smoke.AbsoluteBaseUrl},
		},
		{
			name:     "absolute-base-url: the bundle calls execute-api",
			override: file(scriptPath, "text/javascript", `axios.create({baseURL:"https://abc123defg.execute-api.eu-west-1.amazonaws.com/dev"})`),
			failing:  []string{smoke.CheckApiBase},
			ids:      []smoke.PitfallID{smoke.AbsoluteBaseUrl},
		},
		{
			name:     "absolute-base-url: the bundle calls the API on the CloudFront domain",
			override: file(scriptPath, "text/javascript", `const api='https://d111111abcdef8.cloudfront.net/api/';`),
			failing:  []string{smoke.CheckApiBase},
			ids:      []smoke.PitfallID{smoke.AbsoluteBaseUrl},
		},
		{
			name: "absolute-base-url: index.html calls the API on the site's own origin",
			override: func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path != "/" && r.URL.Path != "/index.html" && r.URL.Path != smoke.DeepLinkPath {
					return false
				}
				page := bytes.Replace(s.index, []byte("</body>"), []byte(`<script>window.API="http://`+r.Host+`/api"</script></body>`), 1)
				replay(w, http.StatusOK, page, "Content-Type", "text/html", "Cache-Control", "no-cache")
				return true
			},
			failing: []string{smoke.CheckApiBase},
			ids:     []smoke.PitfallID{smoke.AbsoluteBaseUrl},
		},
		{
			name:     "a bundle that names the site and an API on another path is fine",
			override: file(scriptPath, "text/javascript", `const a="https://d111111abcdef8.cloudfront.net/apix",b="https://cdn.example.com/api/x";fetch("/api/echo")`),
		},
		{
			name:     "chunk-deleted: the deploy removed the previous build's chunk",
			previous: []string{"/assets/index-Old4e1Ab.js"},
			failing:  []string{smoke.CheckPreviousAssets},
			ids:      []smoke.PitfallID{smoke.ChunkDeleted},
		},
		{
			name:     "previous build's chunk still served",
			previous: []string{"/assets/index-Old4e1Ab.js"},
			override: func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path != "/assets/index-Old4e1Ab.js" {
					return false
				}
				replay(w, http.StatusOK, []byte("export {}"), "Content-Type", "text/javascript", "Server", "AmazonS3")
				return true
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := newFakeSite(t, tt.override)
			srv := site.start()
			cfg := fastConfig(srv.URL)
			cfg.Origin = tt.origin
			cfg.PreviousAssets = tt.previous
			if tt.execute != nil {
				exec := httptest.NewServer(http.StripPrefix("/dev", tt.execute))
				defer exec.Close()
				cfg.ApiExecuteUrl = exec.URL + "/dev/"
			}

			rep := smoke.Run(context.Background(), cfg, srv.Client())

			var failing []string
			for _, c := range rep.Checks {
				if !c.OK {
					failing = append(failing, c.Name)
					require.NotEmpty(t, c.Fix, "failed check %s has no fix", c.Name)
					require.NotContains(t, c.Fix, "\n", "fix must be one line")
				} else {
					require.Empty(t, c.Pitfall, "passing check %s names a pitfall", c.Name)
				}
				// Without a choice to judge from, these say why they are skipped.
				switch c.Name {
				case smoke.CheckDirectAccess:
					require.Equal(t, tt.execute == nil, c.Skipped, "%s: %s", c.Name, c.Detail)
				case smoke.CheckErrorCors:
					require.Equal(t, tt.origin == "", c.Skipped && strings.Contains(c.Detail, "no origin given"), "%s: %s", c.Name, c.Detail)
				case smoke.CheckAuthRequired:
					// The fake site has no authorizer unless a test gives it one.
					require.True(t, c.Skipped, "%s: %s", c.Name, c.Detail)
				}
				require.NotEmpty(t, c.Detail, "check %s has no detail", c.Name)
			}
			require.Equal(t, tt.failing, failing, "failing checks; report: %+v", rep)
			require.Equal(t, tt.ids, rep.Pitfalls(), "pitfalls; report: %+v", rep)
			require.Equal(t, len(tt.failing) == 0, rep.OK)
			require.Empty(t, rep.Error)
			require.False(t, rep.Unreachable)

			want := []string{smoke.CheckRoot, smoke.CheckDeepLink, smoke.CheckWellKnown, smoke.CheckRevalidate, smoke.CheckConfigJSON, smoke.CheckApiBase,
				smoke.CheckHealth, smoke.CheckSingleHop, smoke.CheckEcho, smoke.CheckHeaders, smoke.CheckCompression, smoke.CheckUnknownRoute}
			if !slices.Contains(tt.failing, smoke.CheckUnknownRoute) {
				want = append(want, smoke.CheckErrorsUncached) // asks the same path again
			}
			want = append(want, smoke.CheckErrorCors)
			if tt.previous != nil {
				want = append(want, smoke.CheckPreviousAssets)
			}
			if tt.origin != "" {
				want = append(want, smoke.CheckPreflight)
			}
			want = append(want, smoke.CheckAuthRequired, smoke.CheckDirectAccess)
			var names []string
			for _, c := range rep.Checks {
				names = append(names, c.Name)
			}
			require.Equal(t, want, names)
		})
	}
}

// headerEcho makes the echo route report the query and headers of a
// request with a query (the headers check's), as a backend that echoes
// them does, leaving out the headers named.
func headerEcho(drop ...string) override {
	return onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/echo") || r.URL.RawQuery == "" {
			return false
		}
		body, _ := io.ReadAll(r.Body)
		headers := map[string]string{}
		for name := range r.Header {
			if !slices.Contains(drop, name) {
				headers[name] = r.Header.Get(name)
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"echo": json.RawMessage(body), "query": r.URL.RawQuery, "headers": headers})
		return true
	})
}

// executeApi serves the stage's own URL: with the API key required, API
// Gateway refuses a request without it; without, the backend answers.
func executeApi(keyRequired bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path != "/api/health":
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found", "path": r.URL.Path})
		case keyRequired && r.Header.Get("X-Api-Key") == "":
			replay(w, http.StatusForbidden, []byte(`{"message":"Forbidden"}`), "Content-Type", "application/json", "x-amzn-ErrorType", "ForbiddenException")
		default:
			writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
		}
	}
}

// cacheControl serves the file at path as the fake S3 does, with another
// Cache-Control ("" for none).
func cacheControl(path, value string) override {
	return func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != path {
			return false
		}
		rec := &headerWriter{ResponseWriter: w, add: func(h http.Header) {
			h.Del("Cache-Control")
			if value != "" {
				h.Set("Cache-Control", value)
			}
		}}
		s.s3(rec, r)
		return true
	}
}

// file serves body at path with a revalidating Cache-Control.
func file(path, contentType, body string) override {
	return func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != path {
			return false
		}
		replay(w, http.StatusOK, []byte(body), "Content-Type", contentType, "Cache-Control", "no-cache")
		return true
	}
}

// cachedAfterFirst answers the first health request as a miss and every
// later one as a hit, as CloudFront does once a caching policy has stored it.
func cachedAfterFirst() override {
	var n atomic.Int32
	return onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/health") {
			return false
		}
		if n.Add(1) > 1 {
			w.Header().Set("X-Cache", "Hit from cloudfront")
		}
		s.api(w, r)
		return true
	})
}

// duplicateAllowOrigin adds the backend's own CORS header on top of
// CloudFront's, as separate lines or comma-joined.
func duplicateAllowOrigin(joined bool) override {
	return onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
		origin := r.Header.Get("Origin")
		if origin == "" {
			return false
		}
		rec := &headerWriter{ResponseWriter: w, add: func(h http.Header) {
			if joined {
				h.Set("Access-Control-Allow-Origin", origin+", "+origin)
			} else {
				h.Add("Access-Control-Allow-Origin", "*")
			}
		}}
		s.api(rec, r)
		return true
	})
}

// headerWriter lets a scenario change headers just before they are sent.
type headerWriter struct {
	http.ResponseWriter
	add  func(http.Header)
	done bool
}

func (h *headerWriter) WriteHeader(status int) {
	if !h.done {
		h.done = true
		h.add(h.Header())
	}
	h.ResponseWriter.WriteHeader(status)
}

func (h *headerWriter) Write(b []byte) (int, error) {
	if !h.done {
		h.WriteHeader(http.StatusOK)
	}
	return h.ResponseWriter.Write(b)
}

// A failure line names the request and quotes the recorded answer, so a
// reader can tell what CloudFront actually said.
func TestRunDetailQuotesTheResponse(t *testing.T) {
	site := newFakeSite(t, onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodPost {
			return false
		}
		replay(w, http.StatusForbidden, testdata(s.t, "cloudfront-403-method.txt"), cloudFrontHeaders...)
		return true
	}))
	srv := site.start()
	rep := smoke.Run(context.Background(), fastConfig(srv.URL), srv.Client())
	echo := findCheck(t, rep, smoke.CheckEcho)
	require.Equal(t, smoke.EdgeMethods, echo.Pitfall)
	require.Contains(t, echo.Detail, "POST /api/echo -> 403 text/html: 403 ERROR The request could not be satisfied.")
	require.Equal(t, smoke.EdgeMethods.Fix(), echo.Fix)
}

func findCheck(t *testing.T, rep smoke.Report, name string) smoke.Check {
	t.Helper()
	for _, c := range rep.Checks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no check %q in %+v", name, rep.Checks)
	return smoke.Check{}
}

func TestRunRetriesTransientErrors(t *testing.T) {
	var n atomic.Int32
	flaky := onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/health") || n.Add(1) > 2 {
			return false
		}
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"message": "Service Unavailable"})
		return true
	})

	t.Run("recovers within the retries", func(t *testing.T) {
		n.Store(0)
		site := newFakeSite(t, flaky)
		srv := site.start()
		rep := smoke.Run(context.Background(), fastConfig(srv.URL), srv.Client())
		require.True(t, rep.OK, "%+v", rep)
		// 503, 503, 200 for the first request; 200 for the second.
		require.Equal(t, 4, site.count("GET /api/health"))
	})
	t.Run("gives up after the retries", func(t *testing.T) {
		n.Store(0)
		site := newFakeSite(t, flaky)
		srv := site.start()
		cfg := fastConfig(srv.URL)
		cfg.Retries = ptr(1)
		rep := smoke.Run(context.Background(), cfg, srv.Client())
		health := findCheck(t, rep, smoke.CheckHealth)
		require.False(t, health.OK)
		require.Empty(t, health.Pitfall, "a 503 matches no pitfall")
		require.Contains(t, health.Detail, "-> 503")
		require.Equal(t, 2, site.count("GET /api/health"))
	})
}

func TestRunRetriesAreBounded(t *testing.T) {
	site := newFakeSite(t, onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
		replay(w, http.StatusGatewayTimeout, testdata(s.t, "cloudfront-504.txt"), cloudFrontHeaders...)
		return true
	}))
	srv := site.start()
	for _, retries := range []int{0, 2, smoke.MaxRetries} {
		before := site.count("POST /api/echo")
		cfg := fastConfig(srv.URL)
		cfg.Retries = ptr(retries)
		rep := smoke.Run(context.Background(), cfg, srv.Client())
		require.Equal(t, []smoke.PitfallID{smoke.OriginTimeout}, rep.Pitfalls())
		// The echo, headers and compression checks all POST to the echo route.
		require.Equal(t, 3*(retries+1), site.count("POST /api/echo")-before, "attempts with %d retries", retries)
	}
}

func TestRunDoesNotRetryClientErrors(t *testing.T) {
	site := newFakeSite(t, onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
		replay(w, http.StatusForbidden, testdata(s.t, "missing-authentication-token.json"),
			"Content-Type", "application/json", "x-amzn-ErrorType", "MissingAuthenticationTokenException")
		return true
	}))
	srv := site.start()
	rep := smoke.Run(context.Background(), fastConfig(srv.URL), srv.Client())
	require.Equal(t, []smoke.PitfallID{smoke.ApiRoute}, rep.Pitfalls())
	require.Equal(t, 3, site.count("POST /api/echo"), "once each for the echo, the headers and compression")
	require.Equal(t, 1, site.count("GET /api/health"))
}

// hang answers API requests only when the client gives up.
func hang(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
	// net/http notices a closed connection only once the body is read.
	_, _ = io.Copy(io.Discard, r.Body)
	select {
	case <-r.Context().Done():
	case <-time.After(10 * time.Second):
	}
	return true
}

func TestRunTimesOutEachRequest(t *testing.T) {
	site := newFakeSite(t, onApi(hang))
	srv := site.start()
	cfg := fastConfig(srv.URL)
	cfg.Timeout = 100 * time.Millisecond
	cfg.Retries = ptr(1)

	start := time.Now()
	rep := smoke.Run(context.Background(), cfg, srv.Client())
	require.Less(t, time.Since(start), 5*time.Second)

	require.False(t, rep.OK)
	require.True(t, findCheck(t, rep, smoke.CheckRoot).OK)
	for _, name := range []string{smoke.CheckHealth, smoke.CheckEcho, smoke.CheckUnknownRoute} {
		c := findCheck(t, rep, name)
		require.False(t, c.OK, name)
		require.Empty(t, c.Pitfall, name)
		require.Contains(t, c.Detail, "no answer within the 100ms timeout", name)
	}
	require.Equal(t, 6, site.count("POST /api/echo"), "a timeout is retried (echo, headers and compression checks)")
}

func TestRunHonoursTheOverallDeadline(t *testing.T) {
	site := newFakeSite(t, hang)
	srv := site.start()
	cfg := fastConfig(srv.URL)
	cfg.Timeout = 5 * time.Second
	cfg.Deadline = 200 * time.Millisecond

	start := time.Now()
	rep := smoke.Run(context.Background(), cfg, srv.Client())
	require.Less(t, time.Since(start), 3*time.Second)
	require.False(t, rep.OK)
	require.False(t, rep.Unreachable)
	for _, c := range rep.Checks {
		if c.Skipped {
			// Nothing came back for them to judge.
			require.Contains(t, []string{smoke.CheckApiBase, smoke.CheckSingleHop, smoke.CheckErrorCors, smoke.CheckAuthRequired, smoke.CheckDirectAccess}, c.Name)
			continue
		}
		require.False(t, c.OK, c.Name)
		require.Contains(t, c.Detail, "overall deadline of 200ms exceeded", c.Name)
	}
}

func TestRunStopsWhenTheContextEnds(t *testing.T) {
	site := newFakeSite(t, hang)
	srv := site.start()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	rep := smoke.Run(ctx, fastConfig(srv.URL), srv.Client())
	require.Less(t, time.Since(start), 3*time.Second)
	require.False(t, rep.OK)
}

func TestRunUnreachableHost(t *testing.T) {
	base := closedPort(t)
	rep := smoke.Run(context.Background(), fastConfig(base), nil)
	require.True(t, rep.Unreachable)
	require.False(t, rep.OK)
	require.Contains(t, rep.Error, "cannot reach "+base)
	require.Contains(t, rep.Error, "connection refused")
	require.Len(t, rep.Checks, 1, "nothing else is tried")
	require.Equal(t, smoke.CheckRoot, rep.Checks[0].Name)
}

func TestRunInvalidConfig(t *testing.T) {
	rep := smoke.Run(context.Background(), smoke.Config{BaseURL: "ftp://example.com"}, nil)
	require.False(t, rep.OK)
	require.Contains(t, rep.Error, "invalid configuration")
	require.Empty(t, rep.Checks)
}

// A backend mounted elsewhere is checked at the paths given, and only there.
func TestRunCustomPaths(t *testing.T) {
	site := newFakeSite(t, nil)
	site.prefix = "/backend"
	srv := site.start()
	cfg := fastConfig(srv.URL + "/")
	cfg.ApiPrefix = "/backend"
	cfg.HealthPath = "/backend/health"
	rep := smoke.Run(context.Background(), cfg, srv.Client())
	require.True(t, rep.OK, "%+v", rep)
	require.Equal(t, 2, site.count("GET /backend/health"))
	require.Equal(t, 4, site.count("POST /backend/echo"), "the echo, headers (twice: text/plain, then JSON) and compression checks")
	require.Equal(t, 2, site.countPrefix("GET /backend/"+smoke.UnknownRoutePrefix), "asked twice: not-found, then not from cache")
	require.Zero(t, site.countPrefix("GET /api"))
}

func TestRunLeavesConfigAlone(t *testing.T) {
	site := newFakeSite(t, nil)
	srv := site.start()
	cfg := smoke.Config{BaseURL: srv.URL, Retries: ptr(1)}
	before := cfg
	rep := smoke.Run(context.Background(), cfg, srv.Client())
	require.True(t, rep.OK)
	require.Equal(t, before, cfg)
	require.Equal(t, 1, *cfg.Retries)
}

func TestConfigValidate(t *testing.T) {
	ok := "https://d111111abcdef8.cloudfront.net"
	tests := []struct {
		name string
		cfg  smoke.Config
		errs []string // substrings; none means valid
	}{
		{name: "defaults", cfg: smoke.Config{BaseURL: ok}},
		{name: "everything set", cfg: smoke.Config{BaseURL: ok + "/", ApiPrefix: "/v1", HealthPath: "/v1/ping", EchoPath: "/v1/echo",
			Origin: "http://localhost:5173", Timeout: time.Second, Retries: ptr(0), Backoff: time.Millisecond, Deadline: time.Minute}},
		{name: "missing URL", cfg: smoke.Config{}, errs: []string{"site URL is missing"}},
		{name: "no scheme", cfg: smoke.Config{BaseURL: "d111111abcdef8.cloudfront.net"}, errs: []string{"not an http(s) URL"}},
		{name: "query", cfg: smoke.Config{BaseURL: ok + "?x=1"}, errs: []string{"must not have a query"}},
		{name: "root prefix", cfg: smoke.Config{BaseURL: ok, ApiPrefix: "/"}, errs: []string{`API prefix "/" is invalid`}},
		{name: "wildcard prefix", cfg: smoke.Config{BaseURL: ok, ApiPrefix: "/api/*"}, errs: []string{"API prefix"}},
		// The construct's rule (routing.ValidatePrefix), not a looser one.
		{name: "trailing slash prefix", cfg: smoke.Config{BaseURL: ok, ApiPrefix: "/backend/"}, errs: []string{`API prefix "/backend/" is invalid: it must start with "/", must not end with "/"`}},
		{name: "well-known prefix", cfg: smoke.Config{BaseURL: ok, ApiPrefix: "/.well-known/api"}, errs: []string{`API prefix "/.well-known/api" is invalid`}},
		{name: "relative paths", cfg: smoke.Config{BaseURL: ok, HealthPath: "health", EchoPath: "echo"},
			errs: []string{`health path "health"`, `echo path "echo"`}},
		{name: "origin with path", cfg: smoke.Config{BaseURL: ok, Origin: "http://localhost:5173/"}, errs: []string{`use "http://localhost:5173"`}},
		{name: "origin without scheme", cfg: smoke.Config{BaseURL: ok, Origin: "localhost:5173"}, errs: []string{"not an origin"}},
		{name: "retries too many", cfg: smoke.Config{BaseURL: ok, Retries: ptr(smoke.MaxRetries + 1)}, errs: []string{"retries 6 is out of range"}},
		{name: "negative durations", cfg: smoke.Config{BaseURL: ok, Timeout: -1, Backoff: -1, Deadline: -1, Retries: ptr(-1)},
			errs: []string{"timeout", "backoff", "deadline", "retries -1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if len(tt.errs) == 0 {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, want := range tt.errs {
				require.Contains(t, err.Error(), want)
			}
			require.Len(t, strings.Split(err.Error(), "\n"), len(tt.errs), "every problem is reported once: %v", err)
		})
	}
}

func TestReportPitfallsAreSortedAndDistinct(t *testing.T) {
	rep := smoke.Report{Checks: []smoke.Check{
		{Name: "a", Pitfall: smoke.SpaDeeplink},
		{Name: "b", Pitfall: smoke.ApiRoute},
		{Name: "c", Pitfall: smoke.SpaDeeplink},
		{Name: "d"},
		{Name: "e", OK: true},
	}}
	require.Equal(t, []smoke.PitfallID{smoke.ApiRoute, smoke.SpaDeeplink}, rep.Pitfalls())
	require.True(t, slices.IsSorted(rep.Pitfalls()))
}
