package preview

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"math/big"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/one-origin/staticsitewithapi/internal/routing"
	"github.com/one-origin/staticsitewithapi/internal/upload"
)

// AuthPath is where the local issuer lives on the preview's own origin:
// its issuer ("iss") is the origin + AuthPath, and its endpoints are laid
// out like a Cognito domain's under it:
//
//	AuthPath/oauth2/authorize                 the sign-in page (stands in for the hosted UI)
//	AuthPath/oauth2/token                     authorization code + PKCE → tokens
//	AuthPath/logout                           back to logout_uri
//	AuthPath/.well-known/jwks.json            the signing key
//	AuthPath/.well-known/openid-configuration discovery
const AuthPath = "/.preview-auth"

// Defaults of AuthOptions.
const (
	// DefaultClientId is the local app client's ID.
	DefaultClientId = "preview-client"
	// DefaultTokenLifetime is how long tokens are valid: the construct's
	// app client's ID and access token validity.
	DefaultTokenLifetime = time.Hour
	// codeLifetime is how long an authorization code can be exchanged,
	// as at Cognito.
	codeLifetime = 5 * time.Minute
)

// Scopes is what the local app client allows and what config.json asks
// for: the construct's app client's scopes.
var Scopes = upload.AuthScopes

// LocalUserPoolId is config.json's auth.userPoolId in the preview: there
// is no user pool, but the key is there as in a deploy's config.json.
const LocalUserPoolId = "local_preview"

// DefaultTestUser is the user who signs in when AuthOptions.User is zero.
var DefaultTestUser = TestUser{
	Sub:      "7d5e3c1a-0000-4000-8000-000000000001",
	Username: "test-user",
	Email:    "test.user@example.com",
}

// TestUser is the one user the local issuer signs in, without a password.
type TestUser struct {
	// Sub is the ID token's "sub", the user's stable ID.
	Sub string
	// Username is "cognito:username" in the ID token.
	Username string
	// Email is "email" in the ID token.
	Email string
}

// AuthOptions turn on the local issuer and an authorizer in front of the
// API like the construct's Cognito one. The issuer stands in for Cognito's
// hosted UI, so that the SPA can sign in with no AWS; it is not Cognito:
// there are no passwords, no sign-up, no refresh tokens, and the key is
// new on every start.
type AuthOptions struct {
	// PublicPaths answer without a token (routing.ParsePublicPath under
	// ApiPrefix: "/api/health", "/api/public/*"), like the construct's
	// Auth.PublicPaths.
	// Default: none; every API path but OPTIONS needs a token.
	PublicPaths []string

	// ClientId is the app client's ID, written to config.json.
	// Default: DefaultClientId.
	ClientId string

	// User signs in at the authorize page.
	// Default: DefaultTestUser.
	User TestUser

	// TokenLifetime is how long the tokens are valid.
	// Default: DefaultTokenLifetime.
	TokenLifetime time.Duration

	// Now is the issuer's and the authorizer's clock (tests move it).
	// Default: time.Now.
	Now func() time.Time
}

// validate reports what New would refuse in o.
func (o *AuthOptions) validate(prefix string) []error {
	var errs []error
	for _, p := range o.PublicPaths {
		if _, err := routing.ParsePublicPath(prefix, p); err != nil {
			errs = append(errs, fmt.Errorf("Auth.PublicPaths: %q: %w", p, err))
		}
	}
	if prefix == AuthPath || strings.HasPrefix(prefix, AuthPath+"/") {
		errs = append(errs, fmt.Errorf("ApiPrefix %q is the local issuer's path; choose another", prefix))
	}
	if o.TokenLifetime < 0 {
		errs = append(errs, errors.New("Auth.TokenLifetime must not be negative"))
	}
	return errs
}

// issuer is the local issuer and the authorizer that trusts it.
type issuer struct {
	key      *rsa.PrivateKey
	kid      string
	clientID string
	user     TestUser
	lifetime time.Duration
	now      func() time.Time
	public   []routing.PublicPath
	publicIn []string // as written, for config.json
	origins  []string // CorsAllowOrigins: other origins that may sign in

	mu    sync.Mutex
	codes map[string]grant
}

// grant is an authorization code not yet exchanged.
type grant struct {
	clientID, redirectURI, challenge string
	scopes                           []string
	authTime, expires                time.Time
}

// newIssuer generates the signing key; opts has been validated.
func newIssuer(opts AuthOptions, prefix string, origins []string) *issuer {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("preview: generating the local issuer's key: " + err.Error())
	}
	sum := sha256.Sum256(key.PublicKey.N.Bytes())
	a := &issuer{
		key:      key,
		kid:      b64(sum[:8]),
		clientID: or(opts.ClientId, DefaultClientId),
		user:     opts.User,
		lifetime: opts.TokenLifetime,
		now:      opts.Now,
		publicIn: slices.Clone(opts.PublicPaths),
		origins:  origins,
		codes:    map[string]grant{},
	}
	if a.user == (TestUser{}) {
		a.user = DefaultTestUser
	}
	if a.lifetime == 0 {
		a.lifetime = DefaultTokenLifetime
	}
	if a.now == nil {
		a.now = time.Now
	}
	for _, p := range opts.PublicPaths {
		pp, _ := routing.ParsePublicPath(prefix, p)
		a.public = append(a.public, pp)
	}
	return a
}

// config is config.json's "auth" for a site at origin site.
func (a *issuer) config(site string) map[string]any {
	base := site + AuthPath
	return upload.AuthConfig{
		Type:         upload.AuthCognito,
		Issuer:       base,
		UserPoolId:   LocalUserPoolId,
		ClientId:     a.clientID,
		Domain:       base,
		AuthorizeUrl: base + "/oauth2/authorize",
		TokenUrl:     base + "/oauth2/token",
		LogoutUrl:    base + "/logout",
		RedirectUri:  site + "/",
		Scopes:       Scopes,
		PublicPaths:  a.publicIn,
	}.Map()
}

// callbackURLs are the redirect and logout URIs the app client accepts:
// "/" on the site's origin and on each allowed CORS origin, as the
// construct registers them on its app client.
func (a *issuer) callbackURLs(site string) []string {
	urls := []string{site + "/"}
	for _, o := range a.origins {
		if o != "*" {
			urls = append(urls, o+"/")
		}
	}
	return urls
}

// serve answers a request under AuthPath for the site at origin site.
func (a *issuer) serve(w http.ResponseWriter, r *http.Request, site string) {
	switch strings.TrimPrefix(r.URL.Path, AuthPath) {
	case "/oauth2/authorize":
		a.authorize(w, r, site)
	case "/oauth2/token":
		a.token(w, r, site)
	case "/logout":
		a.logout(w, r, site)
	case "/.well-known/jwks.json":
		a.jwks(w)
	case "/.well-known/openid-configuration":
		base := site + AuthPath
		writeJSON(w, http.StatusOK, map[string]any{
			"issuer":                                base,
			"authorization_endpoint":                base + "/oauth2/authorize",
			"token_endpoint":                        base + "/oauth2/token",
			"end_session_endpoint":                  base + "/logout",
			"jwks_uri":                              base + "/.well-known/jwks.json",
			"response_types_supported":              []string{"code"},
			"grant_types_supported":                 []string{"authorization_code"},
			"code_challenge_methods_supported":      []string{"S256"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
			"subject_types_supported":               []string{"public"},
			"scopes_supported":                      Scopes,
		})
	default:
		http.NotFound(w, r)
	}
}

// authRequest is a validated authorize request.
type authRequest struct {
	ClientID, RedirectURI, State, Challenge string
	Scopes                                  []string
}

// parseAuthorize validates the parameters of an authorize request as the
// construct's app client would: its client, a callback URL it registers,
// the code flow and PKCE with S256.
func (a *issuer) parseAuthorize(q url.Values, site string) (authRequest, error) {
	ar := authRequest{
		ClientID:    q.Get("client_id"),
		RedirectURI: q.Get("redirect_uri"),
		State:       q.Get("state"),
		Challenge:   q.Get("code_challenge"),
	}
	if ar.ClientID != a.clientID {
		return ar, fmt.Errorf("client_id %q is not the app client: use %q, config.json's auth.clientId", ar.ClientID, a.clientID)
	}
	if urls := a.callbackURLs(site); !slices.Contains(urls, ar.RedirectURI) {
		return ar, fmt.Errorf("redirect_uri %q is not a callback URL of the app client: use one of %s (\"/\" on the site's origin or on an allowed CORS origin)", ar.RedirectURI, strings.Join(urls, ", "))
	}
	if rt := q.Get("response_type"); rt != "code" {
		return ar, fmt.Errorf("response_type %q is not allowed: use \"code\", the authorization code flow (the implicit flow is off)", rt)
	}
	if m := q.Get("code_challenge_method"); m != "S256" {
		return ar, fmt.Errorf("code_challenge_method %q is not allowed: use PKCE with \"S256\"", m)
	}
	if c, err := base64.RawURLEncoding.DecodeString(ar.Challenge); err != nil || len(c) != sha256.Size {
		return ar, errors.New("code_challenge must be the base64url SHA-256 of the code verifier, without padding (43 characters)")
	}
	for _, s := range strings.Fields(q.Get("scope")) {
		if !slices.Contains(Scopes, s) {
			return ar, fmt.Errorf("scope %q is not allowed for the app client: it allows %s", s, strings.Join(Scopes, " "))
		}
		ar.Scopes = append(ar.Scopes, s)
	}
	if len(ar.Scopes) == 0 {
		ar.Scopes = Scopes
	}
	return ar, nil
}

var signInPage = template.Must(template.New("sign-in").Parse(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign in · local preview</title></head>
<body>
<h1>Sign in to the local preview</h1>
<p>This page stands in for Cognito's hosted UI in the local preview; it is not Cognito. It signs in one test user, without a password.</p>
<form method="post" action="{{.Action}}">
{{range $k, $v := .Fields}}<input type="hidden" name="{{$k}}" value="{{$v}}">
{{end}}<button type="submit" id="sign-in-as">Sign in as {{.User}}</button>
</form>
<p><a id="cancel" href="{{.Cancel}}">Cancel</a></p>
</body>
</html>
`))

// authorize shows the sign-in page (GET) and, when its button is pressed
// (POST), sends the browser back to redirect_uri with a code and state.
func (a *issuer) authorize(w http.ResponseWriter, r *http.Request, site string) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if err := r.ParseForm(); err != nil {
		authError(w, err)
		return
	}
	ar, err := a.parseAuthorize(r.Form, site)
	if err != nil {
		// Never redirect to a redirect_uri that failed validation.
		authError(w, err)
		return
	}
	back, _ := url.Parse(ar.RedirectURI)
	if r.Method == http.MethodGet {
		cancel := url.Values{"error": {"access_denied"}}
		if ar.State != "" {
			cancel.Set("state", ar.State)
		}
		fields := map[string]string{
			"client_id": ar.ClientID, "redirect_uri": ar.RedirectURI, "response_type": "code",
			"code_challenge": ar.Challenge, "code_challenge_method": "S256", "scope": strings.Join(ar.Scopes, " "),
		}
		if ar.State != "" {
			fields["state"] = ar.State
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		// form-action covers the redirect after the POST too.
		h.Set("Content-Security-Policy", "default-src 'none'; form-action 'self' "+back.Scheme+"://"+back.Host+"; frame-ancestors 'none'")
		_ = signInPage.Execute(w, map[string]any{
			"Action": AuthPath + "/oauth2/authorize",
			"Fields": fields,
			"User":   a.user.Email,
			"Cancel": ar.RedirectURI + "?" + cancel.Encode(),
		})
		return
	}

	code := randomString(32)
	now := a.now()
	a.mu.Lock()
	for c, g := range a.codes {
		if !now.Before(g.expires) {
			delete(a.codes, c)
		}
	}
	a.codes[code] = grant{
		clientID: ar.ClientID, redirectURI: ar.RedirectURI, challenge: ar.Challenge,
		scopes: ar.Scopes, authTime: now, expires: now.Add(codeLifetime),
	}
	a.mu.Unlock()
	q := url.Values{"code": {code}}
	if ar.State != "" {
		q.Set("state", ar.State)
	}
	back.RawQuery = q.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// verifierPattern is RFC 7636's code_verifier.
var verifierPattern = regexp.MustCompile(`^[A-Za-z0-9._~-]{43,128}$`)

// token exchanges an authorization code, with the PKCE verifier, for an ID
// and an access token. The SPA calls it with fetch, from the site or from
// an allowed CORS origin (a dev server).
func (a *issuer) token(w http.ResponseWriter, r *http.Request, site string) {
	if o := r.Header.Get("Origin"); o != "" && (o == site || allowOrigin(a.origins, o) != "") {
		w.Header().Set("Access-Control-Allow-Origin", o)
		w.Header().Add("Vary", "Origin")
	}
	switch r.Method {
	case http.MethodPost:
	case http.MethodOptions:
		w.Header().Set("Access-Control-Allow-Methods", "POST")
		w.Header().Set("Access-Control-Allow-Headers", "Content-Type, Authorization")
		w.WriteHeader(http.StatusNoContent)
		return
	default:
		w.Header().Set("Allow", "POST, OPTIONS")
		tokenError(w, http.StatusMethodNotAllowed, "invalid_request", "use POST")
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		tokenError(w, http.StatusBadRequest, "invalid_request", "Content-Type must be application/x-www-form-urlencoded")
		return
	}
	if err := r.ParseForm(); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	f := r.PostForm
	if gt := f.Get("grant_type"); gt != "authorization_code" {
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be authorization_code")
		return
	}
	if f.Get("client_id") != a.clientID {
		tokenError(w, http.StatusBadRequest, "invalid_client", "client_id is not the app client")
		return
	}
	// A code is used once, whatever the outcome.
	a.mu.Lock()
	g, ok := a.codes[f.Get("code")]
	delete(a.codes, f.Get("code"))
	a.mu.Unlock()
	now := a.now()
	switch {
	case !ok || !now.Before(g.expires):
		tokenError(w, http.StatusBadRequest, "invalid_grant", "unknown, used or expired code")
		return
	case g.clientID != f.Get("client_id") || g.redirectURI != f.Get("redirect_uri"):
		tokenError(w, http.StatusBadRequest, "invalid_grant", "client_id or redirect_uri differ from the authorize request's")
		return
	}
	v := f.Get("code_verifier")
	sum := sha256.Sum256([]byte(v))
	if !verifierPattern.MatchString(v) || subtle.ConstantTimeCompare([]byte(b64(sum[:])), []byte(g.challenge)) != 1 {
		tokenError(w, http.StatusBadRequest, "invalid_grant", "code_verifier does not match the code_challenge (PKCE S256)")
		return
	}

	iss := site + AuthPath
	exp := now.Add(a.lifetime)
	id := a.sign(map[string]any{
		"iss": iss, "aud": a.clientID, "sub": a.user.Sub, "email": a.user.Email, "email_verified": true,
		"cognito:username": a.user.Username, "token_use": "id",
		"auth_time": g.authTime.Unix(), "iat": now.Unix(), "exp": exp.Unix(), "jti": randomString(16),
	})
	access := a.sign(map[string]any{
		"iss": iss, "client_id": a.clientID, "sub": a.user.Sub, "username": a.user.Username,
		"token_use": "access", "scope": strings.Join(g.scopes, " "),
		"auth_time": g.authTime.Unix(), "iat": now.Unix(), "exp": exp.Unix(), "jti": randomString(16),
	})
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, map[string]any{
		"id_token": id, "access_token": access, "token_type": "Bearer", "expires_in": int(a.lifetime.Seconds()),
	})
}

// logout sends the browser to logout_uri, as Cognito's /logout does once
// it has cleared its own session (the preview keeps none).
func (a *issuer) logout(w http.ResponseWriter, r *http.Request, site string) {
	q := r.URL.Query()
	switch u := q.Get("logout_uri"); {
	case q.Get("client_id") != a.clientID:
		authError(w, fmt.Errorf("client_id %q is not the app client: use %q", q.Get("client_id"), a.clientID))
	case !slices.Contains(a.callbackURLs(site), u):
		authError(w, fmt.Errorf("logout_uri %q is not a sign-out URL of the app client: use one of %s", u, strings.Join(a.callbackURLs(site), ", ")))
	default:
		http.Redirect(w, r, u, http.StatusFound)
	}
}

func (a *issuer) jwks(w http.ResponseWriter) {
	pub := a.key.PublicKey
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "alg": "RS256", "use": "sig", "kid": a.kid,
		"n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes()),
	}}})
}

// sign returns claims as an RS256 JWT signed with the issuer's key.
func (a *issuer) sign(claims map[string]any) string {
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": a.kid})
	payload, _ := json.Marshal(claims)
	input := b64(header) + "." + b64(payload)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, a.key, crypto.SHA256, sum[:])
	if err != nil {
		panic("preview: signing a token: " + err.Error())
	}
	return input + "." + b64(sig)
}

// authorizer checks a protected API request as the construct's Cognito
// authorizer does and returns the claims it hands to the backend, or why
// it refused. OPTIONS and public paths are never checked.
func (a *issuer) authorizer(r *http.Request, site string) (claims map[string]any, refused string) {
	if r.Method == http.MethodOptions || routing.IsPublic(a.public, r.URL.Path) {
		return nil, ""
	}
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	if h == "" {
		return nil, "no Authorization header"
	}
	// Cognito's authorizer takes the token with or without "Bearer ".
	if scheme, tok, ok := strings.Cut(h, " "); ok && strings.EqualFold(scheme, "Bearer") {
		h = strings.TrimSpace(tok)
	}
	c, err := a.verify(h, site+AuthPath)
	if err != nil {
		return nil, err.Error()
	}
	return c, ""
}

// verify checks an ID token: RS256 only, signed by the issuer's key, from
// issuer iss, for the app client, an ID token, not expired. It returns the
// claims as API Gateway's Cognito authorizer passes them: every value a
// string, exp, iat and auth_time as dates like "Mon Jan 02 15:04:05 UTC
// 2006".
func (a *issuer) verify(token, iss string) (map[string]any, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("not a JWT")
	}
	var header struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if err := decodeSegment(parts[0], &header); err != nil {
		return nil, fmt.Errorf("JWT header: %w", err)
	}
	if header.Alg != "RS256" {
		return nil, fmt.Errorf("alg %q is not RS256", header.Alg)
	}
	if header.Kid != a.kid {
		return nil, fmt.Errorf("kid %q is not the issuer's key (the preview makes a new key on every start: sign in again)", header.Kid)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, errors.New("JWT signature is not base64url")
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(&a.key.PublicKey, crypto.SHA256, sum[:], sig) != nil {
		return nil, errors.New("bad signature")
	}
	var claims map[string]any
	if err := decodeSegment(parts[1], &claims); err != nil {
		return nil, fmt.Errorf("JWT payload: %w", err)
	}
	switch {
	case claims["iss"] != iss:
		return nil, fmt.Errorf("iss %v is not %s", claims["iss"], iss)
	case claims["aud"] != a.clientID:
		return nil, fmt.Errorf("aud %v is not the app client %s", claims["aud"], a.clientID)
	case claims["token_use"] != "id":
		return nil, fmt.Errorf("token_use %v is not id: send the ID token", claims["token_use"])
	}
	n, isNum := claims["exp"].(json.Number)
	exp, err := n.Int64()
	if !isNum || err != nil {
		return nil, errors.New("exp is not a number")
	}
	if !a.now().Before(time.Unix(exp, 0)) {
		return nil, errors.New("token expired")
	}

	out := make(map[string]any, len(claims))
	for k, v := range claims {
		switch v := v.(type) {
		case string:
			out[k] = v
		case json.Number:
			if n, err := v.Int64(); err == nil && (k == "exp" || k == "iat" || k == "auth_time") {
				out[k] = time.Unix(n, 0).UTC().Format("Mon Jan 02 15:04:05 MST 2006")
			} else {
				out[k] = v.String()
			}
		case bool:
			out[k] = strconv.FormatBool(v)
		default:
			b, _ := json.Marshal(v)
			out[k] = string(b)
		}
	}
	return out, nil
}

// decodeSegment decodes one base64url JSON part of a JWT, keeping numbers
// as json.Number.
func decodeSegment(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return errors.New("not base64url")
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

// unauthorized writes API Gateway's answer to a request its Cognito
// authorizer refused, as the construct configures the gateway response.
// X-Preview-Auth-Error is the preview's own: it says why.
func unauthorized(w http.ResponseWriter, why string) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Amzn-Errortype", "UnauthorizedException")
	h.Set("X-Preview-Auth-Error", why)
	gatewayError(w, http.StatusUnauthorized, "Unauthorized")
}

// authError is the issuer's answer to a request it cannot send back to
// the app: a page that says what to change.
func authError(w http.ResponseWriter, err error) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	fmt.Fprintf(w, "<!doctype html><title>Sign-in error · local preview</title><h1>Sign-in error</h1><p id=\"error\">%s</p>\n",
		template.HTMLEscapeString(err.Error()))
}

// tokenError is an OAuth 2.0 error answer of the token endpoint.
func tokenError(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// randomString returns n random bytes, base64url encoded.
func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand panics instead)
	return b64(b)
}
