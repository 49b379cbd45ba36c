package smoke_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/internal/smoke"
)

// refusedByAuthorizer reports whether the fake site's authorizer answers r
// itself: a method other than OPTIONS on a path that is not public,
// without the valid token.
func refusedByAuthorizer(s *fakeSite, r *http.Request) bool {
	return s.auth != nil && r.Method != http.MethodOptions && !s.auth.isPublic(s.t, s.prefix, r.URL.Path) &&
		r.Header.Get("Authorization") != "Bearer "+s.auth.token
}

// errorPages is a distribution-wide custom error response: the API's
// 401, 403 and 404 become index.html with status 200.
func errorPages(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
	rec := httptest.NewRecorder()
	s.api(rec, r)
	switch rec.Code {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound:
		replay(w, http.StatusOK, s.index, "Content-Type", "text/html", "X-Cache", "Error from cloudfront")
	default:
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}
	return true
}

// TestRunAuthScenarios replays a site whose config.json has "auth": a
// healthy one, and the ways an authorizer in front of the API breaks a
// browser's calls, each with the pitfall the checker must name.
func TestRunAuthScenarios(t *testing.T) {
	valid := func(a *fakeAuth) string { return a.token }
	tests := []struct {
		name     string
		origin   string
		token    func(a *fakeAuth) string // Config.Token; nil for none
		auth     func(a *fakeAuth)        // changes to the healthy authorizer
		override override
		failing  []string
		ids      []smoke.PitfallID
		// details holds a text that each named check's detail must contain.
		details map[string]string
		// fixes holds a text that each named check's fix must contain.
		fixes map[string]string
	}{
		{
			name: "healthy site with auth, no token, no origin",
			details: map[string]string{
				smoke.CheckAuthRequired:  `GET /api/me -> 401 application/json; charset=utf-8 "Unauthorized" without a token`,
				smoke.CheckAuthPreflight: "OPTIONS /api/me -> 204 without a token",
				smoke.CheckAuthPublic:    "GET /api/health -> 200",
				smoke.CheckAuthSignedIn:  "no token given (-token or SMOKE_TOKEN)",
				smoke.CheckAuthErrorCors: "no origin given",
			},
		},
		{
			name:   "healthy site with auth, a token and an allowed origin",
			origin: allowedOrigin,
			token:  valid,
			details: map[string]string{
				smoke.CheckAuthErrorCors: "-> 401 with Origin: " + allowedOrigin + ", Access-Control-Allow-Origin: " + allowedOrigin,
				smoke.CheckAuthPreflight: "Access-Control-Allow-Headers: Content-Type,Authorization,X-Requested-With",
				smoke.CheckAuthSignedIn:  "GET /api/me with Authorization: Bearer <token> -> 200 application/json; charset=utf-8, claims: aud, cognito:username, email, exp, iss, sub, token_use",
			},
		},
		{
			name:   "preflight-auth: the authorizer guards OPTIONS of {proxy+} too",
			origin: allowedOrigin,
			token:  valid,
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				if r.Method != http.MethodOptions || s.auth.isPublic(s.t, s.prefix, r.URL.Path) {
					return false
				}
				gatewayError(w, http.StatusUnauthorized, "Unauthorized")
				return true
			}),
			failing: []string{smoke.CheckAuthPreflight},
			ids:     []smoke.PitfallID{smoke.PreflightAuth},
			details: map[string]string{smoke.CheckAuthPreflight: "OPTIONS /api/me -> 401"},
		},
		{
			name: "preflight-auth: judged without an origin too",
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				if r.Method != http.MethodOptions || s.auth.isPublic(s.t, s.prefix, r.URL.Path) {
					return false
				}
				gatewayError(w, http.StatusUnauthorized, "Unauthorized")
				return true
			}),
			failing: []string{smoke.CheckAuthPreflight},
			ids:     []smoke.PitfallID{smoke.PreflightAuth},
		},
		{
			name:   "the preflight does not allow Authorization (Cors.AllowHeaders without it)",
			origin: allowedOrigin,
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				if r.Method != http.MethodOptions {
					return false
				}
				w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
				w.Header().Set("Access-Control-Allow-Headers", "Content-Type,*")
				w.WriteHeader(http.StatusNoContent)
				return true
			}),
			failing: []string{smoke.CheckAuthPreflight},
			details: map[string]string{smoke.CheckAuthPreflight: `Access-Control-Allow-Headers "Content-Type,*" does not name Authorization`},
		},
		{
			name:   "cors-errors: the authorizer's 401 carries no CORS headers",
			origin: allowedOrigin,
			token:  valid,
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				if !refusedByAuthorizer(s, r) {
					return false
				}
				// API Gateway's own answer, which no CORS policy reaches.
				r.Header.Del("Origin")
				s.api(w, r)
				return true
			}),
			// The unknown route's 401 is the authorizer's too.
			failing: []string{smoke.CheckErrorCors, smoke.CheckAuthErrorCors},
			ids:     []smoke.PitfallID{smoke.CorsErrors},
			details: map[string]string{smoke.CheckAuthErrorCors: "GET /api/me -> 401 with Origin: " + allowedOrigin + " has no Access-Control-Allow-Origin"},
		},
		{
			name:     "error-masked: custom error responses turn the 401 into index.html",
			origin:   allowedOrigin,
			token:    valid,
			override: onApi(errorPages),
			failing:  []string{smoke.CheckUnknownRoute, smoke.CheckAuthRequired},
			ids:      []smoke.PitfallID{smoke.ErrorMasked},
			details: map[string]string{
				smoke.CheckAuthRequired:  "GET /api/me -> 200 text/html",
				smoke.CheckAuthErrorCors: "gave no 401 or 403 to judge",
			},
		},
		{
			name:  "headers-dropped: Authorization does not reach API Gateway",
			token: valid,
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				r.Header.Del("Authorization")
				s.api(w, r)
				return true
			}),
			failing: []string{smoke.CheckHeaders, smoke.CheckAuthSignedIn},
			ids:     []smoke.PitfallID{smoke.HeadersDropped},
			details: map[string]string{
				smoke.CheckAuthSignedIn: `GET /api/me with Authorization: Bearer <token> -> 401 application/json; charset=utf-8: {"message":"Unauthorized"}; the gateway says "Unauthorized" to a token of this site's issuer that expires at`,
			},
		},
		{
			name: "errors-cached: the authorizer's 401 comes from CloudFront's cache",
			override: onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				if !refusedByAuthorizer(s, r) || s.count(r.Method+" "+r.URL.Path) < 2 {
					return false
				}
				w.Header().Set("X-Cache", "Hit from cloudfront")
				w.Header().Set("Age", "3")
				s.api(w, r)
				return true
			}),
			failing: []string{smoke.CheckErrorsUncached, smoke.CheckAuthUncached},
			ids:     []smoke.PitfallID{smoke.ErrorsCached},
			details: map[string]string{smoke.CheckAuthUncached: "GET /api/me -> 401 application/json; charset=utf-8: {\"message\":\"Unauthorized\"} (request 2 of 2) [X-Cache: Hit from cloudfront, Age: 3]"},
		},
		{
			name: "api-route: a public path of config.json needs a token",
			auth: func(a *fakeAuth) {
				a.configPublic = []string{"/api/public/*", "/api/status", "/api/health", "/api/echo"}
				a.public = []string{"/api/public/*", "/api/health", "/api/echo"}
			},
			failing: []string{smoke.CheckAuthPublic},
			ids:     []smoke.PitfallID{smoke.ApiRoute},
			details: map[string]string{smoke.CheckAuthPublic: "GET /api/status -> 401"},
		},
		{
			name: "the health and echo routes are not public paths",
			auth: func(a *fakeAuth) {
				a.configPublic = []string{"/api/public/*"}
			},
			// api-headers and api-compression post to the echo route too.
			failing: []string{smoke.CheckHealth, smoke.CheckEcho, smoke.CheckHeaders, smoke.CheckCompression},
			details: map[string]string{
				smoke.CheckHealth: "GET /api/health -> 401 application/json; charset=utf-8: {\"message\":\"Unauthorized\"}; want 2xx JSON without a token",
			},
			fixes: map[string]string{
				smoke.CheckHealth: "the API's authorizer refused it without a token: list /api/health in Auth.PublicPaths (auth.publicPaths in cdk.json), or point -health at a public route",
				smoke.CheckEcho:   "list /api/echo in Auth.PublicPaths",
			},
		},
		{
			name: "config.json lists only a subtree as public",
			auth: func(a *fakeAuth) {
				a.configPublic = []string{"/api/public/*"}
				a.public = []string{"/api/public/*", "/api/health", "/api/echo"}
			},
			details: map[string]string{smoke.CheckAuthPublic: `publicPaths ["/api/public/*"] name no exact path`},
		},
		{
			name:  "/api/me is public by mistake: the backend answers without claims",
			token: valid,
			auth: func(a *fakeAuth) {
				a.public = []string{"/api/health", "/api/echo", "/api/me"}
			},
			failing: []string{smoke.CheckAuthRequired, smoke.CheckAuthSignedIn},
			details: map[string]string{
				smoke.CheckAuthRequired: "the backend answered, not the authorizer",
				smoke.CheckAuthSignedIn: "the route is not behind the authorizer",
			},
		},
		{
			name:    "an expired token is not a dropped header",
			token:   func(a *fakeAuth) string { return idToken(fakeIssuer, "id", time.Now().Add(-40*time.Minute)) },
			failing: []string{smoke.CheckAuthSignedIn},
			details: map[string]string{smoke.CheckAuthSignedIn: `the gateway says "The incoming token has expired": the token expired at`},
		},
		{
			name: "a token of another user pool",
			token: func(a *fakeAuth) string {
				return idToken("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other", "id", time.Now().Add(time.Hour))
			},
			failing: []string{smoke.CheckAuthSignedIn},
			details: map[string]string{smoke.CheckAuthSignedIn: "the token was issued by https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other, but /config.json's auth.issuer is " + fakeIssuer},
		},
		{
			name:    "an access token where the ID token is needed",
			token:   func(a *fakeAuth) string { return idToken(fakeIssuer, "access", time.Now().Add(time.Hour)) },
			failing: []string{smoke.CheckAuthSignedIn},
			details: map[string]string{smoke.CheckAuthSignedIn: "the token is an access token"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := newFakeSite(t, tt.override)
			site.auth = newFakeAuth()
			if tt.auth != nil {
				tt.auth(site.auth)
			}
			srv := site.start()
			cfg := fastConfig(srv.URL)
			cfg.Origin = tt.origin
			if tt.token != nil {
				cfg.Token = tt.token(site.auth)
			}

			rep := smoke.Run(context.Background(), cfg, srv.Client())

			var failing, names []string
			for _, c := range rep.Checks {
				names = append(names, c.Name)
				if !c.OK {
					failing = append(failing, c.Name)
					require.NotEmpty(t, c.Fix, "failed check %s has no fix", c.Name)
				} else {
					require.Empty(t, c.Pitfall, "passing check %s names a pitfall", c.Name)
				}
				require.NotEmpty(t, c.Detail, c.Name)
			}
			require.Equal(t, tt.failing, failing, "failing checks; report: %+v", rep)
			require.Equal(t, tt.ids, rep.Pitfalls(), "pitfalls; report: %+v", rep)
			for name, want := range tt.details {
				require.Contains(t, findCheck(t, rep, name).Detail, want, name)
			}
			for name, want := range tt.fixes {
				require.Contains(t, findCheck(t, rep, name).Fix, want, name)
			}
			require.Equal(t, tt.token == nil, findCheck(t, rep, smoke.CheckAuthSignedIn).Skipped)
			if cfg.Token != "" {
				b, err := json.Marshal(rep)
				require.NoError(t, err)
				require.NotContains(t, string(b), cfg.Token, "the report quotes the token")
			}

			// The auth checks follow the others, before the execute-api URL.
			i := slices.Index(names, smoke.CheckAuthRequired)
			require.Positive(t, i, names)
			want := []string{smoke.CheckAuthRequired}
			if !slices.Contains(tt.failing, smoke.CheckAuthRequired) {
				want = append(want, smoke.CheckAuthUncached) // asks the same path again
			}
			want = append(want, smoke.CheckAuthPreflight, smoke.CheckAuthErrorCors, smoke.CheckAuthPublic, smoke.CheckAuthSignedIn, smoke.CheckDirectAccess)
			require.Equal(t, want, names[i:])
		})
	}
}

// Without "auth" in config.json no auth request is sent, and the report
// says why, even with a token.
func TestRunAuthSkippedWithoutAuthInConfig(t *testing.T) {
	site := newFakeSite(t, nil)
	srv := site.start()
	cfg := fastConfig(srv.URL)
	cfg.Token = newFakeAuth().token

	rep := smoke.Run(context.Background(), cfg, srv.Client())

	require.True(t, rep.OK, "%+v", rep)
	c := findCheck(t, rep, smoke.CheckAuthRequired)
	require.True(t, c.Skipped)
	require.Equal(t, "not checked: /config.json has no auth, so the API has no authorizer; the auth checks did not run; the token given was not used", c.Detail)
	for _, c := range rep.Checks {
		require.False(t, strings.HasPrefix(c.Name, "auth-") && c.Name != smoke.CheckAuthRequired, "%s ran without auth", c.Name)
	}
	require.Zero(t, site.countPrefix("GET /api/me"))
	require.Zero(t, site.countPrefix("OPTIONS /api/me"))
}

// An answer that quotes the token (a backend or proxy that echoes the
// Authorization header) must not bring it into the report.
func TestRunNeverReportsTheToken(t *testing.T) {
	token := newFakeAuth().token
	site := newFakeSite(t, onApi(func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/me") || r.Header.Get("Authorization") == "" {
			return false
		}
		gatewayError(w, http.StatusUnauthorized, "Unauthorized: "+r.Header.Get("Authorization"))
		return true
	}))
	site.auth = newFakeAuth()
	srv := site.start()
	cfg := fastConfig(srv.URL)
	// Pasted from a request's headers, with the line's end.
	cfg.Token = "Bearer " + token + "\n"

	rep := smoke.Run(context.Background(), cfg, srv.Client())

	c := findCheck(t, rep, smoke.CheckAuthSignedIn)
	require.False(t, c.OK)
	require.Contains(t, c.Detail, `"Unauthorized: Bearer <token>"`)
	b, err := json.Marshal(rep)
	require.NoError(t, err)
	for _, part := range append(strings.Split(token, "."), token) {
		require.NotContains(t, string(b), part)
	}
}

func TestConfigValidateToken(t *testing.T) {
	secret := "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl"
	for _, bad := range []string{secret[:10] + " " + secret[10:], `"` + secret + `"`, secret + "\x00"} {
		err := smoke.Config{BaseURL: "https://d111111abcdef8.cloudfront.net", Token: bad}.Validate()
		require.ErrorContains(t, err, "the token has spaces, quotes or control characters inside")
		require.NotContains(t, err.Error(), secret[:10], "the error quotes the token")
	}
	require.NoError(t, smoke.Config{BaseURL: "https://d111111abcdef8.cloudfront.net", Token: " Bearer " + secret + "\r\n"}.Validate())
	require.ErrorContains(t, smoke.Config{BaseURL: "https://d111111abcdef8.cloudfront.net", MePath: "api/me"}.Validate(), `me path "api/me" is invalid`)
}
