package smoke

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"syscall"
	"time"
)

// The names of the checks, in the order Run performs them.
const (
	CheckRoot           = "root"
	CheckDeepLink       = "deep-link"
	CheckWellKnown      = "well-known"
	CheckHealth         = "api-health"
	CheckEcho           = "api-echo"
	CheckCompression    = "api-compression"
	CheckUnknownRoute   = "api-unknown-route"
	CheckErrorsUncached = "api-errors-uncached"
	CheckPreviousAssets = "previous-assets"
	CheckPreflight      = "cors-preflight"

	// The checks of what a browser depends on beyond the answers above
	// (outside.go).
	CheckRevalidate   = "frontend-revalidate"
	CheckConfigJSON   = "config-json"
	CheckApiBase      = "api-base-relative"
	CheckSingleHop    = "api-single-hop"
	CheckHeaders      = "api-headers"
	CheckErrorCors    = "api-error-cors"
	CheckDirectAccess = "api-direct-access"

	// The checks of an API with an authorizer (auth.go), run only when
	// /config.json has "auth"; without it, CheckAuthRequired is reported
	// as skipped and the others are left out.
	CheckAuthRequired  = "auth-required"
	CheckAuthUncached  = "auth-errors-uncached"
	CheckAuthPreflight = "auth-preflight"
	CheckAuthErrorCors = "auth-error-cors"
	CheckAuthPublic    = "auth-public-path"
	CheckAuthSignedIn  = "auth-signed-in"
)

// maxBody caps how much of a response body is read; the checks need only
// the start of an error page and small JSON documents.
const maxBody = 1 << 20

const userAgent = "staticsitewithapi-smoke/1"

// Check is the outcome of one check.
type Check struct {
	// Name is one of the Check* constants.
	Name string `json:"name"`
	// OK is true when the site behaved as expected.
	OK bool `json:"ok"`
	// Pitfall names the cause of a failure; "" when the check passed or the
	// failure matches no known pitfall.
	Pitfall PitfallID `json:"pitfall"`
	// Detail says what was requested and what came back.
	Detail string `json:"detail"`
	// Fix is a one-line remedy; "" when the check passed.
	Fix string `json:"fix"`
	// Skipped is true when the check could not be judged (nothing to
	// compare with, or an input such as the execute-api URL was not given);
	// Detail says why. A skipped check has OK true: it never fails a run.
	Skipped bool `json:"skipped,omitempty"`
}

// Report is the outcome of Run.
type Report struct {
	// URL is the site's base URL as given in Config.BaseURL.
	URL string `json:"url"`
	// OK is true when every check passed and Error is empty.
	OK bool `json:"ok"`
	// Unreachable is true when the first request could not connect at all
	// (connection refused, DNS failure): the site was not checked.
	Unreachable bool `json:"unreachable,omitempty"`
	// Error is set when the site could not be checked: an invalid Config or
	// an unreachable host.
	Error string `json:"error,omitempty"`
	// Checks holds one entry per check performed, in order.
	Checks []Check `json:"checks"`
}

// Pitfalls returns the distinct pitfall IDs of the failed checks, sorted.
func (r Report) Pitfalls() []PitfallID {
	var ids []PitfallID
	for _, c := range r.Checks {
		if !c.OK && c.Pitfall != "" && !slices.Contains(ids, c.Pitfall) {
			ids = append(ids, c.Pitfall)
		}
	}
	slices.Sort(ids)
	return ids
}

// Run checks the site described by cfg and reports every check. It sends
// requests only to cfg.BaseURL, and one to cfg.ApiExecuteUrl when that is
// set, through client (nil means a plain http.Client), and returns within cfg.Deadline or when ctx ends, whichever
// comes first. Run does not modify cfg.
func Run(ctx context.Context, cfg Config, client *http.Client) Report {
	rep := Report{URL: cfg.BaseURL, Checks: []Check{}}
	c, err := cfg.resolve()
	if err != nil {
		rep.Error = "invalid configuration: " + err.Error()
		return rep
	}
	if client == nil {
		client = &http.Client{}
	}
	ctx, cancel := context.WithTimeout(ctx, c.Deadline)
	defer cancel()
	r := &runner{cfg: c, client: client}

	root, rootBody, err := r.checkRoot(ctx)
	rep.Checks = append(rep.Checks, root)
	if err != nil && cannotConnect(err) {
		rep.Unreachable = true
		rep.Error = "cannot reach " + cfg.BaseURL + ": " + err.Error()
		return rep
	}
	rep.Checks = append(rep.Checks,
		r.checkDeepLink(ctx, rootBody),
		r.checkWellKnown(ctx),
	)
	config, configCheck := r.checkConfigJSON(ctx)
	if a, err := config.auth(); err == nil && a != nil {
		r.authOn = true
	}
	rep.Checks = append(rep.Checks,
		r.checkRevalidate(ctx, config),
		configCheck,
		r.checkApiBase(ctx, config, rootBody),
		r.checkHealth(ctx),
		r.checkSingleHop(),
		r.checkEcho(ctx),
		r.checkHeaders(ctx),
		r.checkCompression(ctx),
	)
	rep.Checks = append(rep.Checks, r.checkUnknownRoute(ctx)...)
	rep.Checks = append(rep.Checks, r.checkErrorCors())
	if len(c.PreviousAssets) > 0 {
		rep.Checks = append(rep.Checks, r.checkPreviousAssets(ctx))
	}
	if c.Origin != "" {
		rep.Checks = append(rep.Checks, r.checkPreflight(ctx))
	}
	rep.Checks = append(rep.Checks, r.checkAuth(ctx, config)...)
	rep.Checks = append(rep.Checks, r.checkDirectAccess(ctx))
	rep.OK = true
	for i, ch := range rep.Checks {
		rep.OK = rep.OK && ch.OK
		// An answer may quote the token (a backend that echoes it, say).
		rep.Checks[i].Detail = redact(ch.Detail, c.Token)
		rep.Checks[i].Fix = redact(ch.Fix, c.Token)
	}
	return rep
}

type runner struct {
	cfg    *resolved
	client *http.Client

	// What later checks judge from earlier answers: the last answer of the
	// health route, the echo's answer to a request with cfg.Origin, and the
	// unknown route's error to one; with auth, the 401 or 403 for MePath
	// without a token and the preflight for it, both from cfg.Origin.
	health, echo, apiError   *Response
	authError, authPreflight *Response

	// authOn is true when /config.json has "auth": the API has an
	// authorizer, so the health and echo routes must be public paths.
	authOn bool
}

// fetch sends one request for path on the site, repeating it after a
// network error or a 5xx answer up to cfg.retries times with doubling
// backoff. err is set only when no answer arrived. path may end in a query.
func (r *runner) fetch(ctx context.Context, method, path string, api bool, body []byte, hdr http.Header) (Response, error) {
	return r.fetchURL(ctx, method, r.cfg.url(path), path, api, body, hdr)
}

// fetchURL is fetch for an absolute URL; path is what the Response says
// was requested.
func (r *runner) fetchURL(ctx context.Context, method, target, path string, api bool, body []byte, hdr http.Header) (Response, error) {
	for attempt := 0; ; attempt++ {
		resp, err := r.once(ctx, method, target, body, hdr)
		resp.Method, resp.Path, resp.Api = method, path, api
		retry := ctx.Err() == nil &&
			((err != nil && !isDNSError(err)) || (err == nil && resp.Status >= 500))
		if !retry || attempt >= r.cfg.retries {
			return resp, err
		}
		t := time.NewTimer(r.cfg.Backoff << attempt)
		select {
		case <-ctx.Done():
			t.Stop()
			return resp, err
		case <-t.C:
		}
	}
}

// once sends a single request to target and reads its body within
// cfg.Timeout.
func (r *runner) once(ctx context.Context, method, target string, body []byte, hdr http.Header) (Response, error) {
	actx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(actx, method, target, rd)
	if err != nil {
		return Response{}, err
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	req.Header.Set("User-Agent", userAgent)
	resp, err := r.client.Do(req)
	if err != nil {
		return Response{}, r.explain(ctx, actx, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return Response{}, r.explain(ctx, actx, err)
	}
	if t := r.cfg.Token; t != "" {
		// An answer that quotes the token (a proxy or backend that echoes
		// Authorization) must not bring it into a check's detail, where a
		// cut quote would escape redaction of the report.
		b = []byte(redact(string(b), t))
		for k, vs := range resp.Header {
			for i := range vs {
				vs[i] = redact(vs[i], t)
			}
			resp.Header[k] = vs
		}
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// explain replaces context errors with what they mean for the user.
func (r *runner) explain(ctx, attempt context.Context, err error) error {
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("overall deadline of %s exceeded", r.cfg.Deadline)
	case ctx.Err() != nil:
		return fmt.Errorf("interrupted: %w", ctx.Err())
	case errors.Is(attempt.Err(), context.DeadlineExceeded):
		return fmt.Errorf("no answer within the %s timeout", r.cfg.Timeout)
	}
	return err
}

// cannotConnect reports whether err means no connection could be made:
// DNS failure, connection refused, or no route to the host.
func cannotConnect(err error) bool {
	return isDNSError(err) ||
		errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EHOSTUNREACH) ||
		errors.Is(err, syscall.ENETUNREACH)
}

func isDNSError(err error) bool {
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// networkFix is the remedy for a request that got no answer at all.
const networkFix = "check the URL and that the stack is deployed; if the origin is slow, raise the timeout above 30 s to see CloudFront's answer (a 504 is origin-timeout)"

func pass(name, detail string) Check { return Check{Name: name, OK: true, Detail: detail} }

// skip builds a check that could not be judged; detail says why.
func skip(name, detail string) Check {
	return Check{Name: name, OK: true, Skipped: true, Detail: "not checked: " + detail}
}

// fail builds a failed check; fix defaults to the pitfall's fix.
func fail(name string, id PitfallID, detail, fix string) Check {
	if fix == "" {
		fix = id.Fix()
	}
	return Check{Name: name, Pitfall: id, Detail: detail, Fix: fix}
}

func netFail(name, method, path string, err error) Check {
	return fail(name, "", fmt.Sprintf("%s %s: %v", method, path, err), networkFix)
}

// describe summarises a response for a check's detail.
func describe(r Response) string {
	s := fmt.Sprintf("%s %s -> %d", r.Method, r.Path, r.Status)
	if ct := r.Header.Get("Content-Type"); ct != "" {
		s += " " + ct
	}
	if snip := snippet(r.Body, 120); snip != "" {
		s += ": " + snip
	}
	return s
}

// snippet returns the start of b on one line, at most n runes.
func snippet(b []byte, n int) string {
	s := strings.Join(strings.Fields(strings.ToValidUTF8(string(b), "?")), " ")
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "..."
	}
	return s
}

func is2xx(status int) bool { return status >= 200 && status < 300 }

func randomToken() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}

// checkRoot wants 200 text/html at "/". It returns the body for the deep
// link comparison (nil unless the check passed) and the network error, if
// any, so Run can tell an unreachable host.
func (r *runner) checkRoot(ctx context.Context) (Check, []byte, error) {
	hdr := http.Header{"Accept": {"text/html"}}
	resp, err := r.fetch(ctx, http.MethodGet, "/", false, nil, hdr)
	if err != nil {
		return netFail(CheckRoot, http.MethodGet, "/", err), nil, err
	}
	if resp.Status == http.StatusOK && isHTML(resp) {
		return pass(CheckRoot, describeOK(resp)), resp.Body, nil
	}
	if id := Diagnose(resp); id != "" {
		return fail(CheckRoot, id, describe(resp), ""), nil, nil
	}
	return fail(CheckRoot, "", describe(resp)+"; want 200 text/html",
		"upload the built frontend (index.html) to the bucket and make index.html the distribution's default root object"), nil, nil
}

// checkDeepLink wants a client-side route to serve the root's HTML.
func (r *runner) checkDeepLink(ctx context.Context, rootBody []byte) Check {
	hdr := http.Header{"Accept": {"text/html"}}
	resp, err := r.fetch(ctx, http.MethodGet, DeepLinkPath, false, nil, hdr)
	if err != nil {
		return netFail(CheckDeepLink, http.MethodGet, DeepLinkPath, err)
	}
	if resp.Status == http.StatusOK && isHTML(resp) {
		if rootBody == nil || bytes.Equal(resp.Body, rootBody) {
			return pass(CheckDeepLink, describeOK(resp))
		}
		return fail(CheckDeepLink, SpaDeeplink, describe(resp)+"; the HTML differs from the root's index.html", "")
	}
	id := Diagnose(resp)
	if id == "" || id == ErrorMasked {
		id = SpaDeeplink
	}
	return fail(CheckDeepLink, id, describe(resp)+"; want the root's index.html", "")
}

// checkHealth wants two uncached 2xx JSON answers from the health route:
// a caching API behavior shows itself on the second request at the latest.
func (r *runner) checkHealth(ctx context.Context) Check {
	path := r.cfg.HealthPath
	hdr := http.Header{"Accept": {"application/json"}}
	var last Response
	for i := 1; i <= 2; i++ {
		resp, err := r.fetch(ctx, http.MethodGet, path, true, nil, hdr)
		if err != nil {
			return netFail(CheckHealth, http.MethodGet, path, err)
		}
		r.health = &resp
		if id := Diagnose(resp); id != "" {
			return fail(CheckHealth, id, fmt.Sprintf("%s (request %d of 2)%s", describe(resp), i, cacheNote(resp)), "")
		}
		if fix := r.publicFix(resp, "-health"); fix != "" {
			return fail(CheckHealth, "", describe(resp)+"; want 2xx JSON without a token", fix)
		}
		if !is2xx(resp.Status) || !isJSON(resp) {
			return fail(CheckHealth, "", describe(resp)+"; want 2xx JSON",
				"make the health path a GET route of the API that answers 2xx JSON (the default backend's "+DefaultApiPrefix+"/health does), or point the health path at one")
		}
		last = resp
	}
	return pass(CheckHealth, describeOK(last)+" twice, not from cache"+cacheNote(last))
}

// cacheNote quotes the response's cache headers, if any.
func cacheNote(r Response) string {
	var parts []string
	if v := r.Header.Get("X-Cache"); v != "" {
		parts = append(parts, "X-Cache: "+v)
	}
	if v := r.Header.Get("Age"); v != "" {
		parts = append(parts, "Age: "+v)
	}
	if len(parts) == 0 {
		return ""
	}
	return " [" + strings.Join(parts, ", ") + "]"
}

// checkEcho wants a POST with a JSON body to reach the API and come back.
func (r *runner) checkEcho(ctx context.Context) Check {
	path := r.cfg.EchoPath
	token := "smoke-" + randomToken()
	body := []byte(`{"smoke":"` + token + `"}`)
	hdr := http.Header{"Accept": {"application/json"}, "Content-Type": {"application/json"}}
	if r.cfg.Origin != "" {
		hdr.Set("Origin", r.cfg.Origin)
	}
	resp, err := r.fetch(ctx, http.MethodPost, path, true, body, hdr)
	if err != nil {
		return netFail(CheckEcho, http.MethodPost, path, err)
	}
	if r.cfg.Origin != "" {
		r.echo = &resp
	}
	if id := Diagnose(resp); id != "" {
		return fail(CheckEcho, id, describe(resp), "")
	}
	if fix := r.publicFix(resp, "-echo"); fix != "" {
		return fail(CheckEcho, "", describe(resp)+"; want 2xx JSON without a token", fix)
	}
	if !is2xx(resp.Status) || !isJSON(resp) {
		return fail(CheckEcho, "", describe(resp)+"; want 2xx JSON", echoFix)
	}
	if !bytes.Contains(resp.Body, []byte(token)) {
		return fail(CheckEcho, "", fmt.Sprintf("%s; the answer does not contain the value sent (%s)", describe(resp), token), echoFix)
	}
	return pass(CheckEcho, describeOK(resp)+", echoed the body sent")
}

const echoFix = "make the echo path a POST route that answers 2xx JSON containing the JSON body it was sent (the default backend's " + DefaultApiPrefix + "/echo does), or point the echo path at one"

// checkUnknownRoute wants an unknown API path to get the API's own 4xx
// JSON error, not the SPA's index.html; then, asked again, not from
// CloudFront's cache (CheckErrorsUncached).
func (r *runner) checkUnknownRoute(ctx context.Context) []Check {
	path := r.cfg.ApiPrefix + "/" + UnknownRoutePrefix + randomToken()
	hdr := http.Header{"Accept": {"application/json"}}
	if r.cfg.Origin != "" {
		// A browser sends Origin with a cross-origin call, and its error
		// must carry CORS headers too (CheckErrorCors).
		hdr.Set("Origin", r.cfg.Origin)
	}
	resp, err := r.fetch(ctx, http.MethodGet, path, true, nil, hdr)
	if err != nil {
		return []Check{netFail(CheckUnknownRoute, http.MethodGet, path, err)}
	}
	if resp.Status >= 400 && resp.Status < 500 {
		r.apiError = &resp
	}
	// Any 4xx JSON is the API's own answer, including API Gateway's
	// "Missing Authentication Token" for an API without {proxy+}.
	if resp.Status < 400 || resp.Status >= 500 || !isJSON(resp) {
		if id := Diagnose(resp); id != "" {
			return []Check{fail(CheckUnknownRoute, id, describe(resp)+"; want the API's 4xx JSON error", "")}
		}
		return []Check{fail(CheckUnknownRoute, "", describe(resp)+"; want the API's 4xx JSON error",
			"make the API answer unknown paths under the prefix with a 4xx JSON error")}
	}
	first := pass(CheckUnknownRoute, describeOK(resp))
	again, err := r.fetch(ctx, http.MethodGet, path, true, nil, hdr)
	if err != nil {
		return []Check{first, netFail(CheckErrorsUncached, http.MethodGet, path, err)}
	}
	if servedFromCache(again.Header) {
		return []Check{first, fail(CheckErrorsUncached, ErrorsCached, describe(again)+" (asked again)"+cacheNote(again)+"; an API error came from CloudFront's cache", "")}
	}
	return []Check{first, pass(CheckErrorsUncached, describeOK(again)+" asked again, not from cache")}
}

// checkWellKnown wants a path under /.well-known/ to be looked up as a
// file: a missing one is S3's error, never the SPA's index.html.
func (r *runner) checkWellKnown(ctx context.Context) Check {
	path := "/.well-known/smoke-" + randomToken()
	resp, err := r.fetch(ctx, http.MethodGet, path, false, nil, http.Header{"Accept": {"*/*"}})
	if err != nil {
		return netFail(CheckWellKnown, http.MethodGet, path, err)
	}
	if isHTML(resp) && is2xx(resp.Status) {
		return fail(CheckWellKnown, WellknownRewritten, describe(resp)+"; a missing /.well-known/ file must not be the page", "")
	}
	if s3ErrorCode(resp.Body) != "" || resp.Status == http.StatusNotFound || resp.Status == http.StatusForbidden {
		return pass(CheckWellKnown, describeOK(resp)+": looked up as a file")
	}
	return fail(CheckWellKnown, "", describe(resp)+"; want S3's 403 or 404 for a missing file", "serve /.well-known/ from the bucket as files")
}

// compressionPad makes the echo body large enough for API Gateway's
// compression threshold (the construct's default is 1 KiB).
var compressionPad = strings.Repeat("smoke compression check ", 400)

// checkCompression wants a large JSON answer gzip- or deflate-encoded for a
// client that accepts it. The request sets Accept-Encoding itself, so the
// transport leaves the encoding as it came.
func (r *runner) checkCompression(ctx context.Context) Check {
	path := r.cfg.EchoPath
	body := []byte(`{"pad":"` + compressionPad + `"}`)
	hdr := http.Header{"Accept": {"application/json"}, "Content-Type": {"application/json"}, "Accept-Encoding": {"gzip"}}
	resp, err := r.fetch(ctx, http.MethodPost, path, true, body, hdr)
	if err != nil {
		return netFail(CheckCompression, http.MethodPost, path, err)
	}
	enc := strings.ToLower(resp.Header.Get("Content-Encoding"))
	switch {
	case enc == "" && is2xx(resp.Status) && len(resp.Body) < len(compressionPad):
		// The route did not echo the body (CheckEcho says so): nothing large
		// enough came back to judge.
		return pass(CheckCompression, fmt.Sprintf("%s %s -> %d, %d bytes: too small to judge compression", resp.Method, resp.Path, resp.Status, len(resp.Body)))
	case enc == "gzip" || enc == "deflate":
		return pass(CheckCompression, fmt.Sprintf("%s %s -> %d, Content-Encoding: %s (%d bytes for %d sent)", resp.Method, resp.Path, resp.Status, enc, len(resp.Body), len(body)))
	case !is2xx(resp.Status):
		if id := Diagnose(resp); id != "" {
			return fail(CheckCompression, id, describe(resp), "")
		}
		return fail(CheckCompression, "", describe(resp)+"; want 2xx", echoFix)
	}
	return fail(CheckCompression, ApiUncompressed, fmt.Sprintf("%s %s -> %d, %d bytes, no Content-Encoding for Accept-Encoding: gzip", resp.Method, resp.Path, resp.Status, len(resp.Body)), "")
}

// checkPreviousAssets wants every file of the previous build that
// cfg.PreviousAssets names to be still served after a deploy.
func (r *runner) checkPreviousAssets(ctx context.Context) Check {
	for _, path := range r.cfg.PreviousAssets {
		resp, err := r.fetch(ctx, http.MethodGet, path, false, nil, http.Header{"Accept": {"*/*"}})
		if err != nil {
			return netFail(CheckPreviousAssets, http.MethodGet, path, err)
		}
		if resp.Status == http.StatusOK && !isHTML(resp) {
			continue
		}
		if code := s3ErrorCode(resp.Body); code == "AccessDenied" || code == "NoSuchKey" {
			return fail(CheckPreviousAssets, ChunkDeleted, describe(resp)+"; the previous build's file is gone, so pages opened before the deploy fail to load it", "")
		}
		if id := Diagnose(resp); id != "" {
			return fail(CheckPreviousAssets, id, describe(resp), "")
		}
		return fail(CheckPreviousAssets, "", describe(resp)+"; want 200 with the file", "check the path: give files of the build before the last deploy, e.g. /assets/index-<hash>.js")
	}
	return pass(CheckPreviousAssets, fmt.Sprintf("%d file(s) of the previous build still served", len(r.cfg.PreviousAssets)))
}

// checkPreflight wants a CORS preflight from cfg.Origin to be answered 2xx
// with exactly one Access-Control-Allow-Origin that allows it.
func (r *runner) checkPreflight(ctx context.Context) Check {
	path := r.cfg.EchoPath
	hdr := http.Header{
		"Origin":                         {r.cfg.Origin},
		"Access-Control-Request-Method":  {http.MethodPost},
		"Access-Control-Request-Headers": {"content-type"},
	}
	resp, err := r.fetch(ctx, http.MethodOptions, path, true, nil, hdr)
	if err != nil {
		return netFail(CheckPreflight, http.MethodOptions, path, err)
	}
	if id := Diagnose(resp); id != "" {
		return fail(CheckPreflight, id, describe(resp), "")
	}
	if !is2xx(resp.Status) {
		return fail(CheckPreflight, PreflightAuth, describe(resp)+"; a preflight must be answered 2xx", "")
	}
	allowFix := "allow the origin: add it to Cors.AllowOrigins (corsAllowOrigins of the environment in cdk.json) and redeploy"
	got := resp.Header.Get("Access-Control-Allow-Origin")
	switch {
	case allowOriginCount(resp.Header) == 0:
		return fail(CheckPreflight, "", describe(resp)+"; no Access-Control-Allow-Origin for "+r.cfg.Origin, allowFix)
	case got != r.cfg.Origin && got != "*":
		return fail(CheckPreflight, "", fmt.Sprintf("%s; Access-Control-Allow-Origin is %q, not %q", describe(resp), got, r.cfg.Origin), allowFix)
	}
	return pass(CheckPreflight, fmt.Sprintf("OPTIONS %s -> %d, Access-Control-Allow-Origin: %s", path, resp.Status, got))
}

// describeOK summarises a passing response without its body.
func describeOK(r Response) string {
	s := fmt.Sprintf("%s %s -> %d", r.Method, r.Path, r.Status)
	if ct := r.Header.Get("Content-Type"); ct != "" {
		s += " " + ct
	}
	return s
}
