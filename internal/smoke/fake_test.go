package smoke_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/backend/apihandler"
	"github.com/one-origin/staticsitewithapi/internal/preview"
	"github.com/one-origin/staticsitewithapi/internal/routing"
	"github.com/one-origin/staticsitewithapi/internal/upload"
)

// allowedOrigin is the one origin the fake site's CORS policy allows.
const allowedOrigin = "https://app.example.com"

// testdata returns a recorded body from testdata/.
func testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// replay writes a recorded response: the headers given as name/value
// pairs, the status, and body exactly as stored.
func replay(w http.ResponseWriter, status int, body []byte, headers ...string) {
	for i := 0; i+1 < len(headers); i += 2 {
		w.Header().Add(headers[i], headers[i+1])
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// fakeSite behaves like a correctly deployed distribution: S3 with the SPA
// rewrite function for non-API paths, the default Go backend under prefix,
// CloudFront's CORS policy for allowedOrigin. A scenario's override sees
// every request first and returns true when it answered it.
type fakeSite struct {
	t        testing.TB
	prefix   string
	index    []byte
	override func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool
	// auth, when set, puts an authorizer in front of the API and
	// config.json's "auth" on the site.
	auth *fakeAuth

	mu       sync.Mutex
	requests map[string]int // "METHOD /path" -> count

	apiMu      sync.Mutex
	apiHandler http.Handler // backend(), built for apiPrefix
	apiPrefix  string
}

func newFakeSite(t testing.TB, override func(*fakeSite, http.ResponseWriter, *http.Request) bool) *fakeSite {
	return &fakeSite{t: t, prefix: "/api", index: testdata(t, "index.html"), override: override, requests: map[string]int{}}
}

// start serves the site on a loopback port for the test's lifetime.
func (s *fakeSite) start() *httptest.Server {
	srv := httptest.NewServer(s)
	s.t.Cleanup(srv.Close)
	return srv
}

// count returns how many requests the site got for "METHOD /path".
func (s *fakeSite) count(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[key]
}

// countPrefix counts requests whose "METHOD /path" starts with prefix.
func (s *fakeSite) countPrefix(prefix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k, v := range s.requests {
		if strings.HasPrefix(k, prefix) {
			n += v
		}
	}
	return n
}

func (s *fakeSite) isApi(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, s.prefix+"/")
}

func (s *fakeSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests[r.Method+" "+r.URL.Path]++
	s.mu.Unlock()
	if s.override != nil && s.override(s, w, r) {
		return
	}
	if s.isApi(r) {
		s.api(w, r)
		return
	}
	s.s3(w, r)
}

// s3 is the default behavior: the viewer-request function rewrites
// extension-less paths to /index.html, and S3 with OAC answers 403
// AccessDenied for a missing key. Cached answers are normal here.
func (s *fakeSite) s3(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if !strings.HasPrefix(p, "/.well-known/") && !strings.Contains(p[strings.LastIndex(p, "/")+1:], ".") {
		p = "/index.html"
	}
	switch p {
	case "/index.html":
		// The construct's upload: the HTML and config.json revalidate.
		replay(w, http.StatusOK, s.index,
			"Content-Type", "text/html", "Cache-Control", "no-cache", "Server", "AmazonS3", "X-Cache", "Hit from cloudfront", "Age", "120")
	case "/config.json":
		config := map[string]any{"environment": "test", "apiBase": s.prefix, "siteUrl": "https://d111111abcdef8.cloudfront.net"}
		if s.auth != nil {
			config[upload.ConfigAuth] = s.auth.config()
		}
		b, err := json.Marshal(config)
		require.NoError(s.t, err)
		replay(w, http.StatusOK, b,
			"Content-Type", "application/json", "Cache-Control", "no-cache", "Server", "AmazonS3", "X-Cache", "RefreshHit from cloudfront")
	case scriptPath:
		// The bundle knows the site's URL but calls the API by its path.
		replay(w, http.StatusOK, []byte(`const site="https://d111111abcdef8.cloudfront.net";fetch("`+s.prefix+`/health")`),
			"Content-Type", "text/javascript", "Cache-Control", "public, max-age=31536000, immutable", "Server", "AmazonS3")
	default:
		replay(w, http.StatusForbidden, testdata(s.t, "s3-access-denied.xml"),
			"Content-Type", "application/xml", "Server", "AmazonS3", "X-Cache", "Error from cloudfront")
	}
}

// scriptPath is the module script that testdata/index.html loads.
const scriptPath = "/assets/index-3f9a1c.js"

// oneHop is the Via of an answer that crossed one distribution.
const oneHop = "1.1 0a1b2c3d4e5f.cloudfront.net (CloudFront)"

// api is the API behavior: CloudFront's CORS policy plus the default
// backend (apihandler) behind API Gateway's {proxy+}.
func (s *fakeSite) api(w http.ResponseWriter, r *http.Request) {
	if w.Header().Get("X-Cache") == "" {
		w.Header().Set("X-Cache", "Miss from cloudfront")
	}
	if w.Header().Get("Via") == "" {
		w.Header().Set("Via", oneHop)
	}
	if r.Header.Get("Origin") == allowedOrigin {
		w.Header().Set("Access-Control-Allow-Origin", allowedOrigin)
		w.Header().Set("Vary", "Origin")
	}
	if r.Method == http.MethodOptions {
		if r.Header.Get("Origin") == allowedOrigin {
			w.Header().Set("Access-Control-Allow-Methods", "GET,HEAD,OPTIONS,PUT,PATCH,POST,DELETE")
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type,Authorization,X-Requested-With")
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	// The authorizer answers before the backend, except on public paths;
	// claims stays nil there, as the backend's requestContext.authorizer.
	var claims map[string]any
	if s.auth != nil && !s.auth.isPublic(s.t, s.prefix, r.URL.Path) {
		var msg string
		if claims, msg = s.auth.verify(r.Header.Get("Authorization")); claims == nil {
			gatewayError(w, http.StatusUnauthorized, msg)
			return
		}
	}
	rel := strings.TrimPrefix(r.URL.Path, s.prefix)
	switch {
	case rel == "/me" && r.Method == http.MethodGet:
		// apihandler's /me: the claims the authorizer verified.
		if claims == nil {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "no verified caller: GET " + r.URL.Path +
				" reached the handler without an authorizer's claims; it must sit behind the API's authorizer, not on a public path"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"claims": claims})
	default:
		// Everything else is the bundled backend itself (health, echo,
		// 404s), served as API Gateway would by the preview's emulation.
		s.backend().ServeHTTP(w, r)
	}
}

// backend is apihandler under the site's prefix, behind the preview's API
// Gateway emulation: the real routes and answers, not a copy of them.
func (s *fakeSite) backend() http.Handler {
	s.apiMu.Lock()
	defer s.apiMu.Unlock()
	if s.apiHandler != nil && s.apiPrefix == s.prefix {
		return s.apiHandler
	}
	dir := s.t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), s.index, 0o644); err != nil {
		s.t.Fatal(err)
	}
	h := &apihandler.Handler{Prefix: s.prefix, Now: func() time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) }}
	s.apiHandler = preview.New(preview.Options{Dir: dir, ApiPrefix: s.prefix, Handler: h.Handle, CorsAllowOrigins: []string{allowedOrigin}})
	s.apiPrefix = s.prefix
	return s.apiHandler
}

// gatewayError is API Gateway's gateway response for a refused request
// (UNAUTHORIZED, ACCESS_DENIED), with the construct's Cache-Control.
func gatewayError(w http.ResponseWriter, status int, message string) {
	w.Header().Set("x-amzn-ErrorType", "UnauthorizedException")
	writeJSON(w, status, map[string]string{"message": message})
}

// The fake user pool: its issuer, and the claims of its user.
const fakeIssuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123"

// fakeAuth is a Cognito user pool authorizer on the API's ANY methods
// (never OPTIONS), and the "auth" object of config.json that describes it.
type fakeAuth struct {
	// configPublic is config.json's publicPaths.
	configPublic []string
	// public are the paths the API really leaves open; nil means
	// configPublic.
	public []string
	// token is the one ID token the authorizer accepts.
	token string
}

// newFakeAuth is a healthy authorizer: the app's public paths (as in
// cdk.json) and a valid ID token of the pool's test user.
func newFakeAuth() *fakeAuth {
	return &fakeAuth{
		configPublic: []string{"/api/public/*", "/api/health", "/api/echo"},
		token:        idToken(fakeIssuer, "id", time.Now().Add(time.Hour)),
	}
}

// idToken makes a JWT with the claims a Cognito ID token has. Its
// signature is made up: the fake authorizer compares whole tokens.
func idToken(issuer, use string, exp time.Time) string {
	part := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return part(map[string]any{"alg": "RS256", "kid": "fake-key"}) + "." +
		part(map[string]any{"iss": issuer, "token_use": use, "exp": exp.Unix(), "sub": "7d5e3c1a-0000-4000-8000-000000000001",
			"email": "test-user@example.com", "cognito:username": "test-user", "aud": "fakeclient123"}) +
		"." + base64.RawURLEncoding.EncodeToString([]byte("signature of the fake user pool, not checked"))
}

// config is config.json's "auth" object for the authorizer.
func (a *fakeAuth) config() upload.AuthConfig {
	return upload.AuthConfig{Type: upload.AuthCognito, Issuer: fakeIssuer, UserPoolId: "eu-west-1_AbCdEf123", ClientId: "fakeclient123",
		PublicPaths: a.configPublic}
}

func (a *fakeAuth) isPublic(t testing.TB, prefix, path string) bool {
	paths := a.public
	if paths == nil {
		paths = a.configPublic
	}
	var parsed []routing.PublicPath
	for _, p := range paths {
		pp, err := routing.ParsePublicPath(prefix, p)
		require.NoError(t, err)
		parsed = append(parsed, pp)
	}
	return routing.IsPublic(parsed, path)
}

// verify returns the claims of a valid "Bearer <token>", or nil and the
// message of API Gateway's 401.
func (a *fakeAuth) verify(authorization string) (map[string]any, string) {
	token, ok := strings.CutPrefix(authorization, "Bearer ")
	parts := strings.Split(token, ".")
	if !ok || len(parts) != 3 {
		return nil, "Unauthorized"
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	var claims map[string]any
	if err != nil || json.Unmarshal(payload, &claims) != nil {
		return nil, "Unauthorized"
	}
	if exp, _ := claims["exp"].(float64); time.Unix(int64(exp), 0).Before(time.Now()) {
		return nil, "The incoming token has expired"
	}
	if token != a.token {
		return nil, "Unauthorized"
	}
	// Cognito passes every claim as a string.
	for k, v := range claims {
		claims[k] = fmt.Sprint(v)
	}
	return claims, ""
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// closedPort returns a loopback URL on which nothing listens.
func closedPort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}
