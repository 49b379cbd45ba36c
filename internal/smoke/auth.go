package smoke

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/one-origin/staticsitewithapi/internal/routing"
	"github.com/one-origin/staticsitewithapi/internal/upload"
)

// backendNoCaller starts the bundled backend's own 401 for /me when no
// authorizer verified the caller: the request reached the backend
// unguarded. API Gateway's 401 says "Unauthorized" instead.
const backendNoCaller = "no verified caller"

// tokenPlaceholder stands for the token wherever a detail would show it.
const tokenPlaceholder = "<token>"

// checkAuth runs the checks of an API with an authorizer when config.json
// says there is one (its "auth" object), and otherwise reports one
// skipped check that says why none ran.
func (r *runner) checkAuth(ctx context.Context, config siteConfig) []Check {
	unused := ""
	if r.cfg.Token != "" {
		unused = "; the token given was not used"
	}
	if config.doc == nil {
		return []Check{skip(CheckAuthRequired, ConfigPath+" could not be read (see "+CheckConfigJSON+"), so whether the API has an authorizer is unknown; the auth checks did not run"+unused)}
	}
	auth, err := config.auth()
	if err != nil {
		return []Check{fail(CheckAuthRequired, "", err.Error(),
			"write \"auth\" as the object the construct writes with Auth (type, the user pool's fields, publicPaths), or leave it out when the API has no authorizer")}
	}
	if auth == nil {
		return []Check{skip(CheckAuthRequired, ConfigPath+" has no auth, so the API has no authorizer; the auth checks did not run"+unused)}
	}
	checks := r.checkAuthRequired(ctx)
	return append(checks,
		r.checkAuthPreflight(ctx),
		r.checkAuthErrorCors(),
		r.checkAuthPublic(ctx, auth),
		r.checkAuthSignedIn(ctx, auth),
	)
}

// auth returns config.json's "auth" object, nil when there is none.
func (c siteConfig) auth() (*upload.AuthConfig, error) {
	raw, ok := c.doc[upload.ConfigAuth]
	if !ok || raw == nil {
		return nil, nil
	}
	if _, isObject := raw.(map[string]any); !isObject {
		return nil, fmt.Errorf("%s has \"auth\": %v, not an object", ConfigPath, raw)
	}
	b, _ := json.Marshal(raw) // it came from JSON
	var a upload.AuthConfig
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, fmt.Errorf("%s has an \"auth\" object that does not read as the construct's: %v", ConfigPath, err)
	}
	return &a, nil
}

// publicFix is the remedy for the authorizer's 401 to a route that the
// checks ask without a token (flag names it), or "" for any other answer.
func (r *runner) publicFix(resp Response, flag string) string {
	if !r.authOn || resp.Status != http.StatusUnauthorized || !isJSON(resp) {
		return ""
	}
	return "the API's authorizer refused it without a token: list " + resp.Path + " in Auth.PublicPaths (auth.publicPaths in cdk.json), or point " + flag + " at a public route"
}

// authRouteFix is the remedy for MePath answering without a token.
func (r *runner) authRouteFix() string {
	return "keep " + r.cfg.MePath + " out of Auth.PublicPaths and let the authorizer guard the API's ANY methods (the construct does with Auth), or point -me at a GET route behind the authorizer"
}

// checkAuthRequired wants MePath, asked without a token, to get API
// Gateway's 401 (or an authorizer's 403) as JSON: not index.html in its
// place (pitfall error-masked), not the backend's answer. Asked again,
// neither answer may come from CloudFront's cache (CheckAuthUncached,
// pitfall errors-cached).
func (r *runner) checkAuthRequired(ctx context.Context) []Check {
	path := r.cfg.MePath
	hdr := http.Header{"Accept": {"application/json"}}
	if r.cfg.Origin != "" {
		// A browser's call from another origin, whose 401 must carry CORS
		// headers for the app to see it (CheckAuthErrorCors).
		hdr.Set("Origin", r.cfg.Origin)
	}
	resp, err := r.fetch(ctx, http.MethodGet, path, true, nil, hdr)
	if err != nil {
		return []Check{netFail(CheckAuthRequired, http.MethodGet, path, err)}
	}
	first := r.judgeAuthRequired(resp)
	if !first.OK {
		return []Check{first}
	}
	r.authError = &resp
	again, err := r.fetch(ctx, http.MethodGet, path, true, nil, hdr)
	if err != nil {
		return []Check{first, netFail(CheckAuthUncached, http.MethodGet, path, err)}
	}
	for i, a := range []Response{resp, again} {
		if servedFromCache(a.Header) {
			return []Check{first, fail(CheckAuthUncached, ErrorsCached, fmt.Sprintf("%s (request %d of 2)%s; a 401 or 403 came from CloudFront's cache, so a signed-in user can get another's refusal", describe(a), i+1, cacheNote(a)), "")}
		}
	}
	return []Check{first, pass(CheckAuthUncached, describeOK(again)+" asked again, not from cache")}
}

// judgeAuthRequired judges the answer to MePath without a token.
func (r *runner) judgeAuthRequired(resp Response) Check {
	id := Diagnose(resp)
	if id == ErrorsCached || id == ApiCached || id == CorsDuplicate {
		id = "" // CheckAuthUncached and CheckAuthErrorCors judge these
	}
	msg := gatewayMessage(resp.Body)
	switch {
	case isHTML(resp):
		if id == "" {
			id = ErrorMasked
		}
		return fail(CheckAuthRequired, id, describe(resp)+"; want API Gateway's 401 JSON without a token, not HTML", "")
	case id != "":
		return fail(CheckAuthRequired, id, describe(resp)+"; want API Gateway's 401 JSON without a token", "")
	case (resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden) && isJSON(resp):
		if strings.HasPrefix(msg, backendNoCaller) {
			return fail(CheckAuthRequired, "", describe(resp)+"; the backend answered, not the authorizer: the request reached it without a token", r.authRouteFix())
		}
		return pass(CheckAuthRequired, fmt.Sprintf("%s %q without a token", describeOK(resp), msg))
	case is2xx(resp.Status):
		return fail(CheckAuthRequired, "", describe(resp)+"; answered without a token, so the route needs no sign-in", r.authRouteFix())
	}
	return fail(CheckAuthRequired, "", describe(resp)+"; want 401 or 403 JSON without a token", r.authRouteFix())
}

// checkAuthPreflight wants a browser's preflight for MePath, which never
// carries a token, answered 2xx (pitfall preflight-auth). From cfg.Origin
// the answer must also let the browser send Authorization; without an
// origin the site's own stands in, and only the status is judged.
func (r *runner) checkAuthPreflight(ctx context.Context) Check {
	path := r.cfg.MePath
	origin := r.cfg.Origin
	if origin == "" {
		origin = r.cfg.base.Scheme + "://" + r.cfg.base.Host
	}
	hdr := http.Header{
		"Origin":                         {origin},
		"Access-Control-Request-Method":  {http.MethodGet},
		"Access-Control-Request-Headers": {"authorization"},
	}
	resp, err := r.fetch(ctx, http.MethodOptions, path, true, nil, hdr)
	if err != nil {
		return netFail(CheckAuthPreflight, http.MethodOptions, path, err)
	}
	if r.cfg.Origin != "" {
		r.authPreflight = &resp
	}
	if id := Diagnose(resp); id != "" {
		return fail(CheckAuthPreflight, id, describe(resp)+"; a preflight carries no token and must be answered without one", "")
	}
	if !is2xx(resp.Status) {
		return fail(CheckAuthPreflight, PreflightAuth, describe(resp)+"; a preflight carries no token and must be answered 2xx", "")
	}
	ok := fmt.Sprintf("OPTIONS %s -> %d without a token", path, resp.Status)
	if r.cfg.Origin == "" {
		return pass(CheckAuthPreflight, ok+" (from the site's own origin; give -origin to judge the CORS answer)")
	}
	if allow := resp.Header.Get("Access-Control-Allow-Origin"); allowOriginCount(resp.Header) != 1 || (allow != origin && allow != "*") {
		return pass(CheckAuthPreflight, ok+"; "+origin+" is not allowed (see "+CheckPreflight+")")
	}
	allowed := resp.Header.Values("Access-Control-Allow-Headers")
	if !allowsHeader(allowed, "authorization") {
		got := "no Access-Control-Allow-Headers"
		if len(allowed) > 0 {
			got = fmt.Sprintf("Access-Control-Allow-Headers %q does not name Authorization (\"*\" does not cover it)", strings.Join(allowed, ", "))
		}
		return fail(CheckAuthPreflight, "", fmt.Sprintf("%s with Origin: %s; %s, so the browser will not send the token", ok, origin, got),
			"add Authorization to Cors.AllowHeaders (the construct's default has it) and redeploy")
	}
	return pass(CheckAuthPreflight, ok+", Access-Control-Allow-Headers: "+strings.Join(allowed, ", "))
}

// allowsHeader reports whether Access-Control-Allow-Headers names name;
// "*" does not cover Authorization, so it is not counted.
func allowsHeader(lines []string, name string) bool {
	for _, line := range lines {
		for _, v := range strings.Split(line, ",") {
			if strings.EqualFold(strings.TrimSpace(v), name) {
				return true
			}
		}
	}
	return false
}

// checkAuthErrorCors wants the 401 for MePath, asked from cfg.Origin, to
// carry Access-Control-Allow-Origin when the origin is allowed: otherwise
// the app sees a CORS error instead of "sign in again" (pitfall
// cors-errors).
func (r *runner) checkAuthErrorCors() Check {
	switch {
	case r.cfg.Origin == "":
		return skip(CheckAuthErrorCors, "no origin given (-origin): the site's own pages call the API same-origin and need no CORS headers")
	case r.authError == nil:
		return skip(CheckAuthErrorCors, r.cfg.MePath+" gave no 401 or 403 to judge (see "+CheckAuthRequired+")")
	}
	e := *r.authError
	allow := e.Header.Get("Access-Control-Allow-Origin")
	switch n := allowOriginCount(e.Header); {
	case n > 1:
		return fail(CheckAuthErrorCors, CorsDuplicate, fmt.Sprintf("%s %s -> %d with Origin: %s; %d Access-Control-Allow-Origin values", e.Method, e.Path, e.Status, r.cfg.Origin, n), "")
	case n == 1 && (allow == r.cfg.Origin || allow == "*"):
		return pass(CheckAuthErrorCors, fmt.Sprintf("%s %s -> %d with Origin: %s, Access-Control-Allow-Origin: %s", e.Method, e.Path, e.Status, r.cfg.Origin, allow))
	}
	// The origin is allowed when a successful answer to it says so.
	var allowed *Response
	for _, a := range []*Response{r.echo, r.authPreflight} {
		if a != nil && is2xx(a.Status) && allowOriginCount(a.Header) == 1 {
			allowed = a
			break
		}
	}
	if allowed == nil {
		return skip(CheckAuthErrorCors, fmt.Sprintf("%s is not allowed on a successful answer either (see %s)", r.cfg.Origin, CheckPreflight))
	}
	return fail(CheckAuthErrorCors, CorsErrors, fmt.Sprintf("%s %s -> %d with Origin: %s has no Access-Control-Allow-Origin, while %s %s -> %d had %q: the app sees a CORS error instead of the 401",
		e.Method, e.Path, e.Status, r.cfg.Origin, allowed.Method, allowed.Path, allowed.Status, allowed.Header.Get("Access-Control-Allow-Origin")), "")
}

// checkAuthPublic wants the first exact path of config.json's publicPaths
// to answer without a token. A 401 or 403 there means API Gateway has no
// method without the authorizer for it, so the request fell into the
// guarded {proxy+} (pitfall api-route).
func (r *runner) checkAuthPublic(ctx context.Context, auth *upload.AuthConfig) Check {
	path := ""
	for _, p := range auth.PublicPaths {
		if pp, err := routing.ParsePublicPath(r.cfg.ApiPrefix, p); err == nil && !pp.Subtree {
			path = pp.String()
			break
		}
	}
	switch {
	case len(auth.PublicPaths) == 0:
		return skip(CheckAuthPublic, ConfigPath+"'s auth has no publicPaths: every API path needs a token")
	case path == "":
		return skip(CheckAuthPublic, fmt.Sprintf("%s's publicPaths %q name no exact path under %s to request", ConfigPath, auth.PublicPaths, r.cfg.ApiPrefix))
	}
	resp, err := r.fetch(ctx, http.MethodGet, path, true, nil, http.Header{"Accept": {"application/json"}})
	if err != nil {
		return netFail(CheckAuthPublic, http.MethodGet, path, err)
	}
	id := Diagnose(resp)
	switch {
	case id != "" && id != ErrorsCached:
		return fail(CheckAuthPublic, id, describe(resp)+"; "+ConfigPath+" lists it in publicPaths", "")
	case resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden:
		return fail(CheckAuthPublic, ApiRoute, describe(resp)+"; "+ConfigPath+" lists it in publicPaths, but it needs a token: the API has no method without the authorizer for it, so the request fell into the guarded {proxy+}",
			"give each public path its own API resource whose ANY method has no authorizer (Auth.PublicPaths does) and redeploy, or take it out of publicPaths")
	}
	return pass(CheckAuthPublic, describeOK(resp)+" without a token: public, as "+ConfigPath+" says")
}

// checkAuthSignedIn wants MePath, asked with cfg.Token, to answer 200 JSON
// with the caller's claims. A 401 to a token that has not expired and was
// issued by the site's user pool means Authorization did not reach API
// Gateway (pitfall headers-dropped); the detail quotes the gateway's
// message so an expired token is told from a dropped header. The token is
// never quoted: the detail says <token>.
func (r *runner) checkAuthSignedIn(ctx context.Context, auth *upload.AuthConfig) Check {
	if r.cfg.Token == "" {
		return skip(CheckAuthSignedIn, "no token given (-token or SMOKE_TOKEN): "+r.cfg.MePath+" was not asked as a signed-in user")
	}
	path := r.cfg.MePath
	hdr := http.Header{"Accept": {"application/json"}, "Authorization": {"Bearer " + r.cfg.Token}}
	resp, err := r.fetch(ctx, http.MethodGet, path, true, nil, hdr)
	if err != nil {
		return netFail(CheckAuthSignedIn, http.MethodGet, path+" with Authorization: Bearer "+tokenPlaceholder, err)
	}
	signed := func(d string) string {
		return strings.Replace(d, resp.Path+" ->", resp.Path+" with Authorization: Bearer "+tokenPlaceholder+" ->", 1)
	}
	detail := signed(describe(resp))
	if id := Diagnose(resp); id != "" && id != CorsDuplicate {
		return fail(CheckAuthSignedIn, id, detail, "")
	}
	msg := gatewayMessage(resp.Body)
	tok, jwt := readToken(r.cfg.Token)
	switch resp.Status {
	case http.StatusOK:
		var doc struct {
			Claims map[string]json.RawMessage `json:"claims"`
		}
		if !isJSON(resp) || json.Unmarshal(resp.Body, &doc) != nil || doc.Claims == nil {
			return fail(CheckAuthSignedIn, "", detail+`; want 200 JSON {"claims":{...}} with the caller's claims`,
				"point -me at a GET route behind the authorizer that answers the verified caller's claims (the bundled backend's "+DefaultApiPrefix+"/me does)")
		}
		names := slices.Sorted(maps.Keys(doc.Claims))
		return pass(CheckAuthSignedIn, fmt.Sprintf("%s, claims: %s", signed(describeOK(resp)), strings.Join(names, ", ")))
	case http.StatusUnauthorized:
		quoted := fmt.Sprintf("the gateway says %q", msg)
		switch {
		case strings.HasPrefix(msg, backendNoCaller):
			return fail(CheckAuthSignedIn, "", detail+"; the backend answered without the authorizer's claims: the route is not behind the authorizer", r.authRouteFix())
		case strings.Contains(strings.ToLower(msg), "expired") || (jwt && tok.expired(time.Now())):
			why := "the token expired"
			if jwt {
				why = "the token " + tok.expiry(time.Now())
			}
			return fail(CheckAuthSignedIn, "", fmt.Sprintf("%s; %s: %s", detail, quoted, why),
				"get a fresh ID token (they last an hour): sign in again and copy it, then run again")
		case jwt && auth.Issuer != "" && tok.Issuer != "" && tok.Issuer != auth.Issuer:
			return fail(CheckAuthSignedIn, "", fmt.Sprintf("%s; %s: the token was issued by %s, but %s's auth.issuer is %s", detail, quoted, tok.Issuer, ConfigPath, auth.Issuer),
				"use an ID token of this site's user pool (sign in on this site)")
		case jwt && auth.Type == upload.AuthCognito && tok.Use == "access":
			return fail(CheckAuthSignedIn, "", fmt.Sprintf("%s; %s: the token is an access token, and a Cognito user pool authorizer takes the ID token", detail, quoted),
				"give the ID token (IdToken), not the access token")
		case jwt:
			return fail(CheckAuthSignedIn, HeadersDropped, fmt.Sprintf("%s; %s to a token of this site's issuer that %s: Authorization did not reach API Gateway (see %s)", detail, quoted, tok.expiry(time.Now()), CheckHeaders), "")
		}
		return fail(CheckAuthSignedIn, HeadersDropped, fmt.Sprintf("%s; %s: Authorization did not reach API Gateway (see %s), or the authorizer refused the token (not a JWT, so its expiry is unknown)", detail, quoted, CheckHeaders), "")
	case http.StatusForbidden:
		return fail(CheckAuthSignedIn, "", fmt.Sprintf("%s; the gateway says %q: the authorizer refused this user", detail, msg),
			"give a token of a user the authorizer allows, or check what the authorizer denies")
	}
	return fail(CheckAuthSignedIn, "", detail+`; want 200 JSON {"claims":{...}}`,
		"point -me at a GET route behind the authorizer that answers the verified caller's claims (the bundled backend's "+DefaultApiPrefix+"/me does)")
}

// tokenClaims are the claims of a JWT that tell why an authorizer refused
// it. They are read, never verified, and only to word a failure.
type tokenClaims struct {
	Issuer  string  `json:"iss"`
	Use     string  `json:"token_use"`
	Expires float64 `json:"exp"`
}

// readToken reads the claims of a JWT; ok is false when token is not one.
func readToken(token string) (c tokenClaims, ok bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return c, false
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil || json.Unmarshal(b, &c) != nil {
		return tokenClaims{}, false
	}
	return c, true
}

func (c tokenClaims) expired(now time.Time) bool {
	return c.Expires > 0 && !now.Before(time.Unix(int64(c.Expires), 0))
}

// expiry says when the token expires or expired, or that it cannot tell.
func (c tokenClaims) expiry(now time.Time) string {
	if c.Expires <= 0 {
		return "has no readable expiry (exp)"
	}
	at := time.Unix(int64(c.Expires), 0).UTC()
	if d := at.Sub(now).Round(time.Second); d > 0 {
		return fmt.Sprintf("expires at %s, in %s", at.Format(time.RFC3339), d)
	}
	return fmt.Sprintf("expired at %s, %s ago", at.Format(time.RFC3339), now.Sub(at).Round(time.Second))
}

// redact replaces token, and each long part of a JWT, in s with
// tokenPlaceholder: a check's detail may quote an answer that quotes it.
func redact(s, token string) string {
	if token == "" {
		return s
	}
	s = strings.ReplaceAll(s, token, tokenPlaceholder)
	for _, part := range strings.Split(token, ".") {
		if len(part) >= 16 {
			s = strings.ReplaceAll(s, part, tokenPlaceholder)
		}
	}
	return s
}
