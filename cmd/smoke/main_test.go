package main

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// recorded reads a body replayed by the smoke package's tests.
func recorded(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "internal", "smoke", "testdata", name))
	require.NoError(t, err)
	return b
}

// newSite serves a minimal healthy site on loopback; brokenPost, when set,
// answers every POST instead (a recorded failure).
func newSite(t *testing.T, brokenPost http.HandlerFunc) *httptest.Server {
	srv := httptest.NewServer(siteHandler(t, brokenPost))
	t.Cleanup(srv.Close)
	return srv
}

// siteHandler is newSite's handler.
func siteHandler(t *testing.T, brokenPost http.HandlerFunc) http.HandlerFunc {
	index := recorded(t, "index.html")
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && brokenPost != nil {
			brokenPost(w, r)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/.well-known/") {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write(recorded(t, "s3-access-denied.xml"))
			return
		}
		if r.URL.Path == "/config.json" {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Cache-Control", "no-cache")
			_, _ = io.WriteString(w, `{"apiBase":"/api"}`)
			return
		}
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Cache-Control", "no-cache")
			_, _ = w.Write(index)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/api/health":
			_, _ = io.WriteString(w, `{"status":"ok"}`)
		case r.URL.Path == "/api/echo" && r.Method == http.MethodPost && r.Header.Get("Content-Type") != "application/json":
			// The bundled backend refuses a body declared as anything else.
			w.WriteHeader(http.StatusUnsupportedMediaType)
			_, _ = io.WriteString(w, `{"error":"Content-Type must be application/json"}`)
		case r.URL.Path == "/api/echo" && r.Method == http.MethodPost:
			b, _ := io.ReadAll(r.Body)
			out := []byte(`{"echo":` + string(b) + `,"method":"POST","path":"/api/echo"}`)
			if len(out) >= 1024 && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				var zipped bytes.Buffer
				zw := gzip.NewWriter(&zipped)
				_, _ = zw.Write(out)
				_ = zw.Close()
				out = zipped.Bytes()
				w.Header().Set("Content-Encoding", "gzip")
			}
			_, _ = w.Write(out)
		case r.Method == http.MethodOptions:
			w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type,Authorization")
			w.WriteHeader(http.StatusNoContent)
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"error":"not found"}`)
		}
	}
}

// newAuthSite is newSite with an authorizer that accepts only token in
// front of /api/me, the one API route that is not public, and config.json
// saying so. brokenMe, when set, answers GET /api/me instead (a recorded
// failure).
func newAuthSite(t *testing.T, token string, brokenMe http.HandlerFunc) *httptest.Server {
	site := siteHandler(t, nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/config.json":
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Cache-Control", "no-cache")
			_, _ = io.WriteString(w, `{"apiBase":"/api","auth":{"type":"cognito","issuer":"https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123","publicPaths":["/api/health","/api/echo"]}}`)
		case r.URL.Path == "/api/me" && r.Method == http.MethodGet && brokenMe != nil:
			brokenMe(w, r)
		case r.URL.Path == "/api/me" && r.Method == http.MethodGet && r.Header.Get("Authorization") != "Bearer "+token:
			unauthorized(w, "Unauthorized")
		case r.URL.Path == "/api/me" && r.Method == http.MethodGet:
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"claims":{"sub":"7d5e3c1a-0000-4000-8000-000000000001","email":"test-user@example.com"}}`)
		default:
			site(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// unauthorized is API Gateway's gateway response for a missing or
// refused token.
func unauthorized(w http.ResponseWriter, message string) {
	b, _ := json.Marshal(map[string]string{"message": message})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("x-amzn-ErrorType", "UnauthorizedException")
	w.WriteHeader(http.StatusUnauthorized)
	_, _ = w.Write(b)
}

// testToken is an ID token of the site's user pool (its signature is
// made up: the fake authorizer compares whole tokens), valid for an hour.
func testToken(t *testing.T) string {
	t.Helper()
	claims, err := json.Marshal(map[string]any{"iss": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123", "token_use": "id",
		"exp": time.Now().Add(time.Hour).Unix(), "sub": "7d5e3c1a-0000-4000-8000-000000000001"})
	require.NoError(t, err)
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","kid":"fake-key"}`)) + "." + enc(claims) + "." + enc([]byte("signature of the fake user pool, not checked"))
}

// edgeMethods replays CloudFront's 403 for a method the behavior refuses.
func edgeMethods(t *testing.T) http.HandlerFunc {
	page := recorded(t, "cloudfront-403-method.txt")
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Server", "CloudFront")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write(page)
	}
}

func gatewayTimeout(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusGatewayTimeout)
}

func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}

func runCmd(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeOutputs(t *testing.T, content string) string {
	p := filepath.Join(t.TempDir(), "cdk-outputs.json")
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

func TestHealthySiteExitsZero(t *testing.T) {
	srv := newSite(t, nil)
	code, out, errOut := runCmd(srv.URL)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	require.Contains(t, out, "PASS root")
	require.Contains(t, out, "PASS api-echo")
	require.Contains(t, out, "PASS api-compression")
	require.Contains(t, out, "OK: all 13 checks passed, 3 not checked")
	require.Contains(t, out, "SKIP auth-required       not checked: /config.json has no auth, so the API has no authorizer; the auth checks did not run")
	require.Contains(t, out, "SKIP api-direct-access   not checked: no execute-api URL")
	require.NotContains(t, out, "FAIL")
}

func TestFailureLineNamesPitfallAndFix(t *testing.T) {
	srv := newSite(t, edgeMethods(t))
	code, out, _ := runCmd("-retries", "0", srv.URL)
	require.Equal(t, 1, code, out)
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "FAIL ") {
			lines = append(lines, l)
		}
	}
	require.Len(t, lines, 3, "only the three POST checks fail:\n%s", out)
	line := lines[0]
	require.Contains(t, line, "api-echo")
	require.Contains(t, lines[1], "api-headers")
	require.Contains(t, lines[2], "api-compression")
	require.Contains(t, lines[2], "[edge-methods]")
	require.Contains(t, line, "[edge-methods]")
	require.Contains(t, line, "| fix: allow all seven methods on the API behavior")
	require.Contains(t, out, "pitfalls: edge-methods")
}

// TestPreviousAsset: -previous-asset adds the chunk-deleted check.
func TestPreviousAsset(t *testing.T) {
	srv := newSite(t, nil)
	code, out, _ := runCmd("-previous-asset", "/.well-known/old-chunk.js", "-previous-asset", "/assets/index-BxT4e1Ab.js", srv.URL)
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "FAIL previous-assets     [chunk-deleted] GET /.well-known/old-chunk.js -> 403")

	code, out, errOut := runCmd("-previous-asset", "assets/x.js", srv.URL)
	require.Equal(t, 2, code, out)
	require.Contains(t, errOut, `previous asset "assets/x.js" is invalid`)
}

func TestOriginTimeoutExitsOne(t *testing.T) {
	srv := newSite(t, gatewayTimeout)
	code, out, _ := runCmd("-retries", "0", srv.URL)
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "[origin-timeout]")
}

func TestJSONReport(t *testing.T) {
	type check struct {
		Name    string  `json:"name"`
		OK      *bool   `json:"ok"`
		Pitfall *string `json:"pitfall"`
		Detail  string  `json:"detail"`
		Fix     *string `json:"fix"`
	}
	type report struct {
		URL    string  `json:"url"`
		OK     bool    `json:"ok"`
		Checks []check `json:"checks"`
	}

	t.Run("failing", func(t *testing.T) {
		srv := newSite(t, edgeMethods(t))
		// Flags after the URL work too.
		code, out, _ := runCmd(srv.URL, "-json", "-retries", "0", "-origin", "http://localhost:5173")
		require.Equal(t, 1, code, out)
		var rep report
		require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
		require.Equal(t, srv.URL, rep.URL)
		require.False(t, rep.OK)
		require.Len(t, rep.Checks, 17)
		for _, c := range rep.Checks {
			require.NotNil(t, c.OK, "every check has ok")
			require.NotNil(t, c.Pitfall, "every check has pitfall")
			require.NotNil(t, c.Fix, "every check has fix")
			require.NotEmpty(t, c.Detail)
			if c.Name == "api-echo" || c.Name == "api-headers" || c.Name == "api-compression" {
				require.False(t, *c.OK)
				require.Equal(t, "edge-methods", *c.Pitfall)
				require.NotEmpty(t, *c.Fix)
			} else {
				require.True(t, *c.OK, c.Name)
				require.Empty(t, *c.Pitfall)
			}
		}
	})
	t.Run("passing", func(t *testing.T) {
		srv := newSite(t, nil)
		code, out, _ := runCmd("-json", srv.URL)
		require.Equal(t, 0, code, out)
		var rep report
		require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
		require.True(t, rep.OK)
		require.Len(t, rep.Checks, 16)
	})
}

// newExecuteApi serves the API stage's own URL on loopback: it refuses
// requests without the key, or answers them when open is true.
func newExecuteApi(t *testing.T, open bool) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if !open || r.URL.Path != "/dev/api/health" {
			w.Header().Set("x-amzn-ErrorType", "ForbiddenException")
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, `{"message":"Forbidden"}`)
			return
		}
		_, _ = io.WriteString(w, `{"status":"ok"}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestOutputsFile(t *testing.T) {
	srv := newSite(t, nil)
	other := newSite(t, edgeMethods(t))
	exec := newExecuteApi(t, false)
	one := writeOutputs(t, `{"StaticSite-dev": {"SiteUrl": "`+srv.URL+`", "DistributionId": "E1", "BucketName": "b", "ApiExecuteUrl": "`+exec.URL+`/dev/"}}`)
	two := writeOutputs(t, `{"StaticSite-dev": {"SiteUrl": "`+srv.URL+`"}, "StaticSite-prod": {"SiteUrl": "`+other.URL+`"}}`)

	code, out, errOut := runCmd("-outputs", one)
	require.Equal(t, 0, code, out+errOut)
	require.Contains(t, out, "smoke check of "+srv.URL)
	// The stack's ApiExecuteUrl output is checked too.
	require.Contains(t, out, "PASS api-direct-access   GET "+exec.URL+"/dev/api/health -> 403")

	code, out, _ = runCmd("-outputs", two, "-stack", "StaticSite-dev")
	require.Equal(t, 0, code, out)

	code, out, _ = runCmd("-outputs", two, "-stack", "StaticSite-prod", "-retries", "0")
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "smoke check of "+other.URL)

	code, _, errOut = runCmd("-outputs", two)
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "choose one with -stack: StaticSite-dev, StaticSite-prod")
}

// TestApiExecuteUrl: the execute-api URL must refuse a request without
// CloudFront's key; -api-execute-url overrides the outputs file.
func TestApiExecuteUrl(t *testing.T) {
	srv := newSite(t, nil)
	closed, open := newExecuteApi(t, false), newExecuteApi(t, true)

	code, out, _ := runCmd("-api-execute-url", open.URL+"/dev/", srv.URL)
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "FAIL api-direct-access   [direct-access] GET "+open.URL+"/dev/api/health -> 200")
	require.Contains(t, out, "pitfalls: direct-access (see docs/PITFALLS.md)")

	outputs := writeOutputs(t, `{"S": {"SiteUrl": "`+srv.URL+`", "ApiExecuteUrl": "`+open.URL+`/dev/"}}`)
	code, out, _ = runCmd("-outputs", outputs, "-api-execute-url", closed.URL+"/dev")
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "OK: all 14 checks passed, 2 not checked")
}

func TestUsageErrorsExitTwo(t *testing.T) {
	srv := newSite(t, nil)
	good := writeOutputs(t, `{"S": {"SiteUrl": "`+srv.URL+`"}}`)
	bad := writeOutputs(t, `not json`)
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no URL", nil, "missing URL"},
		{"two URLs", []string{srv.URL, srv.URL}, "expected one URL, got 2"},
		{"URL and -outputs", []string{"-outputs", good, srv.URL}, "either URL or -outputs"},
		{"-stack without -outputs", []string{"-stack", "S", srv.URL}, "-stack needs -outputs"},
		{"unknown flag", []string{"-verbose", srv.URL}, "flag provided but not defined: -verbose"},
		{"bad duration", []string{"-timeout", "soon", srv.URL}, "invalid value"},
		{"zero timeout", []string{"-timeout", "0", srv.URL}, "-timeout must be positive"},
		{"zero deadline", []string{"-deadline", "0s", srv.URL}, "-deadline must be positive"},
		{"too many retries", []string{"-retries", "9", srv.URL}, "retries 9 is out of range: use 0 to 5"},
		{"not a URL", []string{"d111111abcdef8.cloudfront.net"}, "not an http(s) URL"},
		{"origin with a path", []string{"-origin", "http://localhost:5173/", srv.URL}, "with no path"},
		{"bad prefix", []string{"-api-prefix", "/", srv.URL}, "API prefix"},
		{"bad execute-api URL", []string{"-api-execute-url", "abc123.execute-api.eu-west-1.amazonaws.com", srv.URL}, "API execute URL"},
		{"ApiExecuteUrl not a string", []string{"-outputs", writeOutputs(t, `{"S": {"SiteUrl": "`+srv.URL+`", "ApiExecuteUrl": 7}}`)}, "ApiExecuteUrl output is 7"},
		{"missing outputs file", []string{"-outputs", filepath.Join(t.TempDir(), "nope.json")}, "no such file"},
		{"outputs not JSON", []string{"-outputs", bad}, "not a cdk outputs file"},
		{"unknown stack", []string{"-outputs", good, "-stack", "T"}, `stack "T" is not in the outputs file; stacks in the file: S`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCmd(tt.args...)
			require.Equal(t, 2, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			require.Contains(t, errOut, tt.stderr)
			require.Empty(t, out, "nothing is checked after a usage error")
		})
	}
}

func TestHelpExitsZero(t *testing.T) {
	code, _, errOut := runCmd("-h")
	require.Equal(t, 0, code)
	require.Contains(t, errOut, "Usage: go run ./cmd/smoke")
	require.Contains(t, errOut, "-outputs")
}

func TestUnreachableHostExitsTwo(t *testing.T) {
	base := closedPort(t)
	code, out, errOut := runCmd("-retries", "0", base)
	require.Equal(t, 2, code, out)
	require.Contains(t, errOut, "cannot reach "+base)
	require.Contains(t, errOut, "connection refused")

	code, out, _ = runCmd("-json", "-retries", "1", base)
	require.Equal(t, 2, code)
	var rep struct {
		Unreachable bool   `json:"unreachable"`
		Error       string `json:"error"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	require.True(t, rep.Unreachable)
	require.Contains(t, rep.Error, "connection refused")
}

// TestToken: with auth in config.json, the token comes from -token, or
// from SMOKE_TOKEN when -token is not given at all.
func TestToken(t *testing.T) {
	token := testToken(t)
	srv := newAuthSite(t, token, nil)
	const skipped = "SKIP auth-signed-in      not checked: no token given (-token or SMOKE_TOKEN)"
	const signedIn = "PASS auth-signed-in      GET /api/me with Authorization: Bearer <token> -> 200 application/json, claims: email, sub"
	tests := []struct {
		name string
		env  string // SMOKE_TOKEN
		args []string
		want string
	}{
		{"neither", "", nil, skipped},
		{"SMOKE_TOKEN", token, nil, signedIn},
		{"-token", "", []string{"-token", token}, signedIn},
		{"-token wins over SMOKE_TOKEN", "not-the-token", []string{"-token", token}, signedIn},
		{"-token given empty turns SMOKE_TOKEN off", token, []string{"-token="}, skipped},
		{"pasted with Bearer and a line end", "Bearer " + token + "\n", nil, signedIn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("SMOKE_TOKEN", tt.env)
			code, out, errOut := runCmd(append(tt.args, srv.URL)...)
			require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			require.Contains(t, out, tt.want)
			require.Contains(t, out, `PASS auth-required       GET /api/me -> 401 application/json "Unauthorized" without a token`)
			require.NotContains(t, out+errOut, token)
		})
	}
}

// TestTokenNeverPrinted: not in a failure, not in the JSON report, not in
// a usage error, even when an answer quotes it.
func TestTokenNeverPrinted(t *testing.T) {
	token := testToken(t)
	leaky := newAuthSite(t, token, func(w http.ResponseWriter, r *http.Request) {
		// A proxy in front of the API that ate the header and says what it got.
		unauthorized(w, "Unauthorized; got "+r.Header.Get("Authorization")+" and dropped it")
	})
	secrets := append(strings.Split(token, "."), token)
	notPrinted := func(t *testing.T, output string) {
		t.Helper()
		for _, s := range secrets {
			require.NotContains(t, output, s)
		}
	}

	t.Setenv("SMOKE_TOKEN", token)
	code, out, errOut := runCmd("-retries", "0", leaky.URL)
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "FAIL auth-signed-in      [headers-dropped] GET /api/me with Authorization: Bearer <token> -> 401 application/json: "+
		`{"message":"Unauthorized; got Bearer <token> and dropped it"}; the gateway says "Unauthorized; got Bearer <token> and dropped it"`)
	notPrinted(t, out+errOut)

	code, out, errOut = runCmd("-json", "-retries", "0", leaky.URL)
	require.Equal(t, 1, code, out)
	require.Contains(t, out, `"pitfall": "headers-dropped"`)
	notPrinted(t, out+errOut)

	// A token that cannot be sent is a usage error that does not quote it.
	code, out, errOut = runCmd("-token", token[:20]+" "+token[20:], leaky.URL)
	require.Equal(t, 2, code, out)
	require.Contains(t, errOut, "the token has spaces, quotes or control characters inside")
	notPrinted(t, out+errOut)
	require.NotContains(t, errOut, token[:20])
}

// TestMePath: -me names the route behind the authorizer.
func TestMePath(t *testing.T) {
	srv := newAuthSite(t, testToken(t), nil)
	t.Setenv("SMOKE_TOKEN", "")
	code, out, _ := runCmd("-me", "/api/who", srv.URL)
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "FAIL auth-required       [no known pitfall] GET /api/who -> 404 application/json")
}
