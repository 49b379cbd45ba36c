package preview_test

import (
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/backend/apihandler"
	"github.com/one-origin/staticsitewithapi/internal/preview"
)

const (
	clientID = preview.DefaultClientId
	devOrig  = "http://localhost:5173"
	verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk" // RFC 7636's example
)

func challenge(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// clock is a settable AuthOptions.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time                       { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration)                  { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }
func newClock() *clock                                { return &clock{t: time.Now()} }
func b64(b []byte) string                             { return base64.RawURLEncoding.EncodeToString(b) }
func jsonSegment(v any) string                        { b, _ := json.Marshal(v); return b64(b) }
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// authSite is a preview with the local issuer, over real HTTP so that
// origins, redirects and CORS are as a browser sees them.
type authSite struct {
	*httptest.Server
	client *http.Client
	clock  *clock
	calls  *[]events.APIGatewayProxyRequest // events that reached the handler
}

func newAuthSite(t *testing.T, opts preview.Options) *authSite {
	t.Helper()
	c := newClock()
	var mu sync.Mutex
	calls := &[]events.APIGatewayProxyRequest{}
	opts.Dir = siteDir(t)
	if opts.Auth == nil {
		opts.Auth = &preview.AuthOptions{}
	}
	opts.Auth.Now = c.now
	opts.Handler = func(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		mu.Lock()
		*calls = append(*calls, req)
		mu.Unlock()
		return apihandler.Handle(ctx, req)
	}
	srv := httptest.NewServer(preview.New(opts))
	t.Cleanup(srv.Close)
	return &authSite{Server: srv, client: &http.Client{CheckRedirect: noRedirect}, clock: c, calls: calls}
}

func (s *authSite) do(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := s.client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

func (s *authSite) get(t *testing.T, path string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL+path, nil)
	require.NoError(t, err)
	for k, vs := range header {
		req.Header[k] = vs
	}
	return s.do(t, req)
}

func (s *authSite) postForm(t *testing.T, path string, form url.Values, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, vs := range header {
		req.Header[k] = vs
	}
	return s.do(t, req)
}

// authorizeQuery is a valid authorize request back to the site's "/".
func (s *authSite) authorizeQuery() url.Values {
	return url.Values{
		"client_id": {clientID}, "redirect_uri": {s.URL + "/"}, "response_type": {"code"},
		"scope": {"openid email profile"}, "state": {"st-123"},
		"code_challenge": {challenge(verifier)}, "code_challenge_method": {"S256"},
	}
}

// signIn presses the sign-in page's button for q and returns the code.
func (s *authSite) signIn(t *testing.T, q url.Values) string {
	t.Helper()
	resp, page := s.get(t, preview.AuthPath+"/oauth2/authorize?"+q.Encode(), nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, page)
	resp, _ = s.postForm(t, preview.AuthPath+"/oauth2/authorize", q, nil)
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, q.Get("redirect_uri"), loc.Scheme+"://"+loc.Host+loc.Path, "back to redirect_uri")
	require.Equal(t, q.Get("state"), loc.Query().Get("state"), "state passed back")
	require.NotEmpty(t, loc.Query().Get("code"))
	return loc.Query().Get("code")
}

func (s *authSite) exchange(t *testing.T, code, verifier, redirectURI string) (*http.Response, map[string]any) {
	t.Helper()
	resp, body := s.postForm(t, preview.AuthPath+"/oauth2/token", url.Values{
		"grant_type": {"authorization_code"}, "client_id": {clientID}, "code": {code},
		"redirect_uri": {redirectURI}, "code_verifier": {verifier},
	}, nil)
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &out), body)
	return resp, out
}

// idToken signs in and returns a valid ID token.
func (s *authSite) idToken(t *testing.T) string {
	t.Helper()
	resp, tok := s.exchange(t, s.signIn(t, s.authorizeQuery()), verifier, s.URL+"/")
	require.Equal(t, http.StatusOK, resp.StatusCode, tok)
	return tok["id_token"].(string)
}

func bearer(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }

// requireUnauthorized checks API Gateway's 401 for a refused token.
func requireUnauthorized(t *testing.T, resp *http.Response, body string) {
	t.Helper()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode, body)
	assert.JSONEq(t, `{"message":"Unauthorized"}`, body)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
}

func TestSignInRoundTrip(t *testing.T) {
	s := newAuthSite(t, preview.Options{Auth: &preview.AuthOptions{PublicPaths: []string{"/api/health"}}})
	base := s.URL + preview.AuthPath

	// config.json tells the SPA where to sign in, as the deployment would.
	_, body := s.get(t, "/config.json", nil)
	var config struct {
		Auth map[string]any `json:"auth"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &config))
	assert.Equal(t, map[string]any{
		"type": "cognito", "issuer": base, "userPoolId": preview.LocalUserPoolId, "clientId": clientID, "domain": base,
		"authorizeUrl": base + "/oauth2/authorize", "tokenUrl": base + "/oauth2/token", "logoutUrl": base + "/logout",
		"redirectUri": s.URL + "/", "scopes": []any{"openid", "email", "profile"}, "publicPaths": []any{"/api/health"},
	}, config.Auth)

	// The sign-in page says what it is, and what it is not.
	resp, page := s.get(t, preview.AuthPath+"/oauth2/authorize?"+s.authorizeQuery().Encode(), nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, page, "Sign in as test.user@example.com")
	assert.Contains(t, page, "not Cognito")
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "default-src 'none'")

	code := s.signIn(t, s.authorizeQuery())
	resp, tok := s.exchange(t, code, verifier, s.URL+"/")
	require.Equal(t, http.StatusOK, resp.StatusCode, tok)
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	assert.Equal(t, "Bearer", tok["token_type"])
	assert.EqualValues(t, 3600, tok["expires_in"])
	id := tok["id_token"].(string)

	// The ID token is an RS256 JWT that the published key verifies.
	parts := strings.Split(id, ".")
	require.Len(t, parts, 3)
	var header, claims map[string]any
	decodeSegment(t, parts[0], &header)
	decodeSegment(t, parts[1], &claims)
	assert.Equal(t, "RS256", header["alg"])
	_, jwks := s.get(t, preview.AuthPath+"/.well-known/jwks.json", nil)
	key := publicKey(t, jwks, header["kid"].(string))
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	require.NoError(t, err)
	require.NoError(t, rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig), "jwks.json publishes the signing key")
	assert.Equal(t, base, claims["iss"])
	assert.Equal(t, clientID, claims["aud"])
	assert.Equal(t, "id", claims["token_use"])
	assert.Equal(t, preview.DefaultTestUser.Sub, claims["sub"])
	assert.Equal(t, preview.DefaultTestUser.Email, claims["email"])
	assert.InDelta(t, float64(s.clock.now().Add(time.Hour).Unix()), claims["exp"], 1)
	assert.InDelta(t, float64(s.clock.now().Unix()), claims["iat"], 1)

	// The token reaches the real handler as Cognito's claims.
	resp, body = s.get(t, "/api/me", bearer(id))
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	var me struct {
		Claims map[string]string `json:"claims"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &me))
	assert.Equal(t, preview.DefaultTestUser.Email, me.Claims["email"])
	assert.Equal(t, preview.DefaultTestUser.Sub, me.Claims["sub"])
	assert.Equal(t, "true", me.Claims["email_verified"], "claims are strings, as API Gateway passes them")
	assert.Regexp(t, `^[A-Z][a-z]{2} [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d UTC \d{4}$`, me.Claims["exp"], "API Gateway's date format")
	last := (*s.calls)[len(*s.calls)-1]
	assert.Equal(t, preview.DefaultTestUser.Sub, last.RequestContext.Authorizer["claims"].(map[string]any)["sub"])

	// A code is good once.
	resp, out := s.exchange(t, code, verifier, s.URL+"/")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, "invalid_grant", out["error"])

	// The access token is not for the API: API Gateway's Cognito
	// authorizer without scopes takes the ID token.
	resp, body = s.get(t, "/api/me", bearer(tok["access_token"].(string)))
	requireUnauthorized(t, resp, body)

	// Sign-out goes back to the site.
	resp, _ = s.get(t, preview.AuthPath+"/logout?"+url.Values{"client_id": {clientID}, "logout_uri": {s.URL + "/"}}.Encode(), nil)
	assert.Equal(t, http.StatusFound, resp.StatusCode)
	assert.Equal(t, s.URL+"/", resp.Header.Get("Location"))
	resp, _ = s.get(t, preview.AuthPath+"/logout?"+url.Values{"client_id": {clientID}, "logout_uri": {"https://evil.example/"}}.Encode(), nil)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Empty(t, resp.Header.Get("Location"))
}

func TestTokenRefusesBadVerifier(t *testing.T) {
	s := newAuthSite(t, preview.Options{})
	code := s.signIn(t, s.authorizeQuery())
	resp, out := s.exchange(t, code, strings.Repeat("x", 43), s.URL+"/")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, "invalid_grant", out["error"])
	assert.NotContains(t, out, "id_token")
	// The refused code is spent: the right verifier no longer helps.
	resp, out = s.exchange(t, code, verifier, s.URL+"/")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, "invalid_grant", out["error"])

	// The plain method's answer (verifier == challenge) is refused too.
	code = s.signIn(t, s.authorizeQuery())
	resp, out = s.exchange(t, code, challenge(verifier), s.URL+"/")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, "invalid_grant", out["error"])

	// redirect_uri must be the authorize request's.
	code = s.signIn(t, s.authorizeQuery())
	resp, out = s.exchange(t, code, verifier, s.URL+"/other")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, "invalid_grant", out["error"])

	// An expired code (5 minutes) is refused.
	code = s.signIn(t, s.authorizeQuery())
	s.clock.add(5 * time.Minute)
	resp, out = s.exchange(t, code, verifier, s.URL+"/")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, "invalid_grant", out["error"])
}

func TestAuthorizeRefusesBadRequests(t *testing.T) {
	s := newAuthSite(t, preview.Options{CorsAllowOrigins: []string{devOrig}})
	for name, tc := range map[string]struct{ key, value, want string }{
		"unknown client":         {"client_id", "other", "client_id"},
		"redirect elsewhere":     {"redirect_uri", "https://evil.example/", "redirect_uri"},
		"redirect other path":    {"redirect_uri", s.URL + "/callback", "redirect_uri"},
		"redirect other port":    {"redirect_uri", "http://localhost:5174/", "redirect_uri"},
		"implicit flow":          {"response_type", "token", "response_type"},
		"plain PKCE":             {"code_challenge_method", "plain", "S256"},
		"no PKCE":                {"code_challenge_method", "", "S256"},
		"no challenge":           {"code_challenge", "", "code_challenge"},
		"challenge not a digest": {"code_challenge", verifier + "x", "code_challenge"},
		"scope not allowed":      {"scope", "openid aws.cognito.signin.user.admin", "scope"},
	} {
		t.Run(name, func(t *testing.T) {
			q := s.authorizeQuery()
			q.Set(tc.key, tc.value)
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				var resp *http.Response
				var page string
				if method == http.MethodGet {
					resp, page = s.get(t, preview.AuthPath+"/oauth2/authorize?"+q.Encode(), nil)
				} else {
					resp, page = s.postForm(t, preview.AuthPath+"/oauth2/authorize", q, nil)
				}
				assert.Equal(t, http.StatusBadRequest, resp.StatusCode, method)
				assert.Empty(t, resp.Header.Get("Location"), "%s: never sent back to an unchecked redirect_uri", method)
				assert.Contains(t, page, tc.want, method)
			}
		})
	}

	// An allowed CORS origin (a dev server) may sign in to its own "/".
	q := s.authorizeQuery()
	q.Set("redirect_uri", devOrig+"/")
	resp, page := s.get(t, preview.AuthPath+"/oauth2/authorize?"+q.Encode(), nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode, page)
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "form-action 'self' "+devOrig)
	// And exchanges the code with fetch from there.
	code := s.signIn(t, q)
	resp, body := s.postForm(t, preview.AuthPath+"/oauth2/token", url.Values{
		"grant_type": {"authorization_code"}, "client_id": {clientID}, "code": {code},
		"redirect_uri": {devOrig + "/"}, "code_verifier": {verifier},
	}, http.Header{"Origin": {devOrig}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, devOrig, resp.Header.Get("Access-Control-Allow-Origin"))
	// Another origin cannot read the token endpoint's answer.
	resp, _ = s.postForm(t, preview.AuthPath+"/oauth2/token", url.Values{}, http.Header{"Origin": {"https://evil.example"}})
	assert.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"))
}

// forge returns a token with claims signed by key under header.
func forge(t *testing.T, header, claims map[string]any, key *rsa.PrivateKey) string {
	t.Helper()
	input := jsonSegment(header) + "." + jsonSegment(claims)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	require.NoError(t, err)
	return input + "." + b64(sig)
}

func TestAuthorizerRefusesTokens(t *testing.T) {
	s := newAuthSite(t, preview.Options{CorsAllowOrigins: []string{devOrig}})
	id := s.idToken(t)
	parts := strings.Split(id, ".")
	var header, claims map[string]any
	decodeSegment(t, parts[0], &header)
	decodeSegment(t, parts[1], &claims)
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	with := func(k string, v any) map[string]any {
		c := map[string]any{}
		for ck, cv := range claims {
			c[ck] = cv
		}
		c[k] = v
		return c
	}
	mac := hmac.New(sha256.New, []byte(`{"kty":"RSA"}`))
	hsInput := jsonSegment(map[string]any{"alg": "HS256", "kid": header["kid"]}) + "." + parts[1]
	mac.Write([]byte(hsInput))

	// Sanity: the token works, so each refusal below is the change's.
	resp, body := s.get(t, "/api/me", bearer(id))
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	reached := len(*s.calls)

	for name, h := range map[string]http.Header{
		"no token":            nil,
		"empty bearer":        {"Authorization": {"Bearer "}},
		"not a JWT":           bearer("hello"),
		"forged (other key)":  bearer(forge(t, header, claims, other)),
		"alg none":            bearer(jsonSegment(map[string]any{"alg": "none", "kid": header["kid"]}) + "." + parts[1] + "."),
		"alg none with sig":   bearer(jsonSegment(map[string]any{"alg": "none", "kid": header["kid"]}) + "." + parts[1] + "." + parts[2]),
		"HS256 confusion":     bearer(hsInput + "." + b64(mac.Sum(nil))),
		"payload changed":     bearer(parts[0] + "." + jsonSegment(with("email", "admin@example.com")) + "." + parts[2]),
		"signature truncated": bearer(id[:len(id)-4]),
	} {
		t.Run(name, func(t *testing.T) {
			resp, body := s.get(t, "/api/me", h)
			requireUnauthorized(t, resp, body)
		})
	}
	assert.Len(t, *s.calls, reached, "a refused request never reaches the handler")

	// A token from another host of the same preview has another issuer.
	u, _ := url.Parse(s.URL)
	req, err := http.NewRequest(http.MethodGet, "http://localhost:"+u.Port()+"/api/me", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+id)
	resp, body = s.do(t, req)
	requireUnauthorized(t, resp, body)

	// Expiry: valid until exp, refused from then on.
	s.clock.add(time.Hour - time.Second)
	resp, body = s.get(t, "/api/me", bearer(id))
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	s.clock.add(time.Second)
	resp, body = s.get(t, "/api/me", bearer(id))
	requireUnauthorized(t, resp, body)
	assert.Contains(t, resp.Header.Get("X-Preview-Auth-Error"), "expired")
}

func TestAuthorizerLetsOptionsAndPublicPathsThrough(t *testing.T) {
	s := newAuthSite(t, preview.Options{
		CorsAllowOrigins: []string{devOrig},
		Auth:             &preview.AuthOptions{PublicPaths: []string{"/api/health", "/api/public/*"}},
	})

	// A cross-origin preflight to a protected route carries no token and
	// gets its 204 with the CORS answer (pitfall preflight-auth).
	req, err := http.NewRequest(http.MethodOptions, s.URL+"/api/me", nil)
	require.NoError(t, err)
	req.Header.Set("Origin", devOrig)
	req.Header.Set("Access-Control-Request-Method", "GET")
	req.Header.Set("Access-Control-Request-Headers", "authorization")
	resp, _ := s.do(t, req)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Equal(t, devOrig, resp.Header.Get("Access-Control-Allow-Origin"))
	assert.Contains(t, resp.Header.Get("Access-Control-Allow-Headers"), "Authorization")
	assert.Contains(t, resp.Header.Get("Access-Control-Allow-Methods"), "GET")
	assert.Equal(t, "600", resp.Header.Get("Access-Control-Max-Age"))

	// As API Gateway's MOCK, the preview answers a preflight on any API
	// path itself, one the handler does not know included, and never
	// calls the handler for it.
	n := len(*s.calls)
	req, err = http.NewRequest(http.MethodOptions, s.URL+"/api/not/a/route", nil)
	require.NoError(t, err)
	req.Header.Set("Origin", devOrig)
	req.Header.Set("Access-Control-Request-Method", "DELETE")
	resp, _ = s.do(t, req)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Equal(t, devOrig, resp.Header.Get("Access-Control-Allow-Origin"))
	require.Len(t, *s.calls, n, "a preflight never reaches the handler")

	// Public paths reach the handler without a token, and without claims.
	resp, body := s.get(t, "/api/health", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	require.Len(t, *s.calls, n+1, "the public path reached the handler")
	assert.Nil(t, (*s.calls)[n].RequestContext.Authorizer)
	resp, _ = s.get(t, "/api/public/anything", nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "reached the handler, which has no such route")
	// /api/public itself is not in the subtree, and /api/health/x is not /api/health.
	for _, p := range []string{"/api/public", "/api/health/x", "/api/echo"} {
		resp, body := s.get(t, p, nil)
		requireUnauthorized(t, resp, body)
	}
}

func TestUnauthorizedCarriesCors(t *testing.T) {
	s := newAuthSite(t, preview.Options{CorsAllowOrigins: []string{devOrig}})
	resp, body := s.get(t, "/api/me", http.Header{"Origin": {devOrig}})
	requireUnauthorized(t, resp, body)
	assert.Equal(t, devOrig, resp.Header.Get("Access-Control-Allow-Origin"), "pitfall cors-errors: the browser must be able to read the 401")

	resp, body = s.get(t, "/api/me", http.Header{"Origin": {"https://evil.example"}})
	requireUnauthorized(t, resp, body)
	assert.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"))
}

// TestCors: without auth, API responses get the response headers policy's
// CORS headers for an allowed origin and never the backend's own.
func TestCors(t *testing.T) {
	backend := func(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		return events.APIGatewayProxyResponse{StatusCode: http.StatusOK, Body: "{}", Headers: map[string]string{
			"Access-Control-Allow-Origin": "*", "Content-Type": "application/json",
		}}, nil
	}
	h := preview.New(preview.Options{Dir: siteDir(t), Handler: backend, CorsAllowOrigins: []string{devOrig}})
	req := httptest.NewRequest(http.MethodGet, "/api/x", nil)
	req.Header.Set("Origin", devOrig)
	resp, _ := do(t, h, req)
	assert.Equal(t, []string{devOrig}, resp.Header.Values("Access-Control-Allow-Origin"), "pitfall cors-duplicate")
	assert.Empty(t, resp.Header.Get("Access-Control-Allow-Methods"), "not a preflight")

	req = httptest.NewRequest(http.MethodGet, "/api/x", nil)
	req.Header.Set("Origin", "https://evil.example")
	resp, _ = do(t, h, req)
	assert.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"), "the backend's * is dropped")

	// Static responses are the S3 behavior's: no CORS.
	req = httptest.NewRequest(http.MethodGet, "/index.html", nil)
	req.Header.Set("Origin", devOrig)
	resp, _ = do(t, h, req)
	assert.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"))

	h = preview.New(preview.Options{Dir: siteDir(t), Handler: backend, CorsAllowOrigins: []string{"*"}})
	req = httptest.NewRequest(http.MethodGet, "/api/x", nil)
	req.Header.Set("Origin", "https://any.example")
	resp, _ = do(t, h, req)
	assert.Equal(t, "*", resp.Header.Get("Access-Control-Allow-Origin"))
}

func TestAuthOptionsValidate(t *testing.T) {
	err := preview.Options{
		Dir:              siteDir(t),
		ApiPrefix:        "/v1",
		RuntimeConfig:    map[string]any{"auth": map[string]any{}},
		CorsAllowOrigins: []string{"http://localhost:5173/", "localhost"},
		Auth:             &preview.AuthOptions{PublicPaths: []string{"/api/health", "/v1/public/*"}},
	}.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), `Auth.PublicPaths: "/api/health": it is not under the API prefix "/v1"`)
	assert.NotContains(t, err.Error(), `"/v1/public/*": `, "a path under the prefix is fine")
	assert.Contains(t, err.Error(), `RuntimeConfig must not set "auth"`)
	assert.Contains(t, err.Error(), `"http://localhost:5173/" must be only scheme://host[:port]`)
	assert.Contains(t, err.Error(), `"localhost" is not an origin`)

	// Without Auth, a frontendConfig "auth" is the app's own key.
	assert.NoError(t, preview.Options{Dir: siteDir(t), RuntimeConfig: map[string]any{"auth": true}}.Validate())
}

func decodeSegment(t *testing.T, s string, v any) {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, v))
}

// publicKey finds kid in a JWKS document.
func publicKey(t *testing.T, jwks, kid string) *rsa.PublicKey {
	t.Helper()
	var set struct {
		Keys []struct{ Kid, Kty, Alg, N, E string }
	}
	require.NoError(t, json.Unmarshal([]byte(jwks), &set))
	for _, k := range set.Keys {
		if k.Kid == kid {
			require.Equal(t, "RSA", k.Kty)
			require.Equal(t, "RS256", k.Alg)
			n, err := base64.RawURLEncoding.DecodeString(k.N)
			require.NoError(t, err)
			e, err := base64.RawURLEncoding.DecodeString(k.E)
			require.NoError(t, err)
			return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		}
	}
	t.Fatalf("kid %s not in %s", kid, jwks)
	return nil
}
