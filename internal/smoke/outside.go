package smoke

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// ConfigPath is the runtime configuration the construct writes next to the
// frontend; its "apiBase" is the API's base path.
const ConfigPath = "/config.json"

// maxScripts bounds how many of index.html's own scripts are searched for
// an absolute API URL.
const maxScripts = 4

// siteConfig is what checkConfigJSON read, for the checks that judge it.
type siteConfig struct {
	resp Response       // the answer for /config.json, Status 0 if none
	doc  map[string]any // its JSON object, nil unless 200 JSON
}

// checkConfigJSON wants /config.json to be there: 200 JSON. A missing one
// is S3's error (pitfall config-pruned), or index.html where an error page
// masks the 403.
func (r *runner) checkConfigJSON(ctx context.Context) (siteConfig, Check) {
	resp, err := r.fetch(ctx, http.MethodGet, ConfigPath, false, nil, http.Header{"Accept": {"application/json"}})
	if err != nil {
		return siteConfig{}, netFail(CheckConfigJSON, http.MethodGet, ConfigPath, err)
	}
	cfg := siteConfig{resp: resp}
	code := s3ErrorCode(resp.Body)
	switch {
	case resp.Status == http.StatusOK && isJSON(resp):
		var doc map[string]any
		if json.Unmarshal(resp.Body, &doc) != nil {
			return cfg, fail(CheckConfigJSON, "", describe(resp)+"; want a JSON object", "write config.json as a JSON object such as {\"apiBase\":\"/api\"}")
		}
		cfg.doc = doc
		return cfg, pass(CheckConfigJSON, describeOK(resp))
	case code == "AccessDenied" || code == "NoSuchKey" || resp.Status == http.StatusNotFound:
		return cfg, fail(CheckConfigJSON, ConfigPruned, describe(resp)+"; the frontend's runtime configuration is missing", "")
	case is2xx(resp.Status) && isHTML(resp):
		return cfg, fail(CheckConfigJSON, ConfigPruned, describe(resp)+"; HTML instead of config.json: the file is missing and an error page answered for it", "")
	}
	if id := Diagnose(resp); id != "" {
		return cfg, fail(CheckConfigJSON, id, describe(resp), "")
	}
	return cfg, fail(CheckConfigJSON, "", describe(resp)+"; want 200 JSON", "upload config.json (the construct writes it at deploy) with Content-Type application/json")
}

// checkRevalidate wants index.html and config.json to be revalidated on
// every request, so that a deploy reaches users at once; content-hashed
// assets may be cached for good, so they are not judged.
func (r *runner) checkRevalidate(ctx context.Context, config siteConfig) Check {
	resp, err := r.fetch(ctx, http.MethodGet, "/index.html", false, nil, http.Header{"Accept": {"text/html"}})
	if err != nil {
		return netFail(CheckRevalidate, http.MethodGet, "/index.html", err)
	}
	var judged, stale []string
	for _, f := range []Response{resp, config.resp} {
		if f.Status != http.StatusOK {
			continue // the root and config-json checks judge a missing file
		}
		cc := f.Header.Values("Cache-Control")
		note := f.Path + " Cache-Control: " + strings.Join(cc, ", ")
		if len(cc) == 0 {
			note = f.Path + " has no Cache-Control"
		}
		judged = append(judged, note)
		if !revalidates(cc) {
			stale = append(stale, note)
		}
	}
	switch {
	case len(stale) > 0:
		return fail(CheckRevalidate, StaleFrontend, strings.Join(stale, "; ")+"; want no-cache or max-age=0, or browsers and CloudFront keep the old app after a deploy", "")
	case len(judged) == 0:
		return skip(CheckRevalidate, "neither /index.html nor "+ConfigPath+" answered 200")
	}
	return pass(CheckRevalidate, strings.Join(judged, "; "))
}

// revalidates reports whether Cache-Control makes every cache ask the
// origin again: no-cache or no-store, or max-age=0 with no longer
// s-maxage.
func revalidates(lines []string) bool {
	maxAge, sMaxAge := -1, -1
	for _, line := range lines {
		for _, d := range strings.Split(line, ",") {
			name, value, _ := strings.Cut(strings.TrimSpace(d), "=")
			n, err := strconv.Atoi(strings.Trim(strings.TrimSpace(value), `"`))
			if err != nil {
				n = -1
			}
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "no-cache", "no-store":
				return true
			case "max-age":
				maxAge = n
			case "s-maxage":
				sMaxAge = n
			}
		}
	}
	return maxAge == 0 && sMaxAge <= 0
}

// scriptSrc finds the src of the page's script elements.
var scriptSrc = regexp.MustCompile(`(?i)<script\b[^>]*\bsrc\s*=\s*["']([^"']+)["']`)

// absoluteApi returns a pattern for an absolute URL of the API: any
// execute-api URL, or the API prefix on a cloudfront.net domain or on the
// site's own origin.
func (r *runner) absoluteApi() *regexp.Regexp {
	end := `(?:[/"'` + "`" + `?#\s]|$)`
	prefix := regexp.QuoteMeta(r.cfg.ApiPrefix)
	own := regexp.QuoteMeta(r.cfg.base.Host + r.cfg.base.Path)
	return regexp.MustCompile(`(?i)(?:https?:)?//(?:[a-z0-9-]+\.execute-api\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?` +
		`|[a-z0-9.-]+\.cloudfront\.net` + prefix + end +
		`|` + own + prefix + end + `)`)
}

// checkApiBase wants the frontend to call the API by a path on the same
// site: config.json's apiBase relative, and no absolute API URL in
// index.html or the scripts it loads (pitfall absolute-base-url).
func (r *runner) checkApiBase(ctx context.Context, config siteConfig, rootBody []byte) Check {
	var seen []string
	if config.doc != nil {
		switch base := config.doc["apiBase"].(type) {
		case string:
			if !strings.HasPrefix(base, "/") || strings.HasPrefix(base, "//") {
				return fail(CheckApiBase, AbsoluteBaseUrl, fmt.Sprintf("%s has \"apiBase\": %q; want a path on the same site such as %q", ConfigPath, base, r.cfg.ApiPrefix), "")
			}
			seen = append(seen, fmt.Sprintf("%s apiBase %q", ConfigPath, base))
		case nil:
			seen = append(seen, ConfigPath+" has no apiBase")
		default:
			return fail(CheckApiBase, "", fmt.Sprintf("%s has \"apiBase\": %v, not a string", ConfigPath, base), "write apiBase as the API's path on the site, such as \"/api\"")
		}
	}
	if rootBody == nil {
		if len(seen) == 0 {
			return skip(CheckApiBase, "neither "+ConfigPath+" nor index.html could be read")
		}
		return pass(CheckApiBase, strings.Join(seen, "; ")+"; index.html not read")
	}
	abs := r.absoluteApi()
	if m := abs.Find(rootBody); m != nil {
		return fail(CheckApiBase, AbsoluteBaseUrl, fmt.Sprintf("GET / contains the absolute API URL %q", strings.TrimRight(string(m), "/\"'`?# \t\n")), "")
	}
	scripts := 0
	for _, m := range scriptSrc.FindAllSubmatch(rootBody, -1) {
		path, ok := r.sitePath(string(m[1]))
		if !ok || scripts == maxScripts {
			continue
		}
		scripts++
		resp, err := r.fetch(ctx, http.MethodGet, path, false, nil, http.Header{"Accept": {"*/*"}})
		if err != nil || resp.Status != http.StatusOK {
			continue // not this check's business: the page fails to load it either way
		}
		if u := abs.Find(resp.Body); u != nil {
			return fail(CheckApiBase, AbsoluteBaseUrl, fmt.Sprintf("GET %s (loaded by index.html) contains the absolute API URL %q", path, strings.TrimRight(string(u), "/\"'`?# \t\n")), "")
		}
	}
	seen = append(seen, fmt.Sprintf("no absolute API URL in index.html or the %d script(s) it loads", scripts))
	return pass(CheckApiBase, strings.Join(seen, "; "))
}

// sitePath turns a script's src into a path on the site; ok is false for
// a script from another host.
func (r *runner) sitePath(src string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(src))
	if err != nil || u.Host != "" || u.Scheme != "" || u.Path == "" {
		return "", false
	}
	p := u.Path
	if !strings.HasPrefix(p, "/") {
		p = "/" + strings.TrimPrefix(p, "./")
	}
	if base := r.cfg.base.Path; base != "" {
		p = strings.TrimPrefix(p, base)
	}
	return p, true
}

// checkSingleHop wants an API answer to have crossed one CloudFront
// distribution: an EDGE-optimized API adds a second "(CloudFront)" entry
// to Via (pitfall edge-optimized).
func (r *runner) checkSingleHop() Check {
	if r.health == nil {
		return skip(CheckSingleHop, "the health route gave no answer")
	}
	hops := cloudFrontHops(r.health.Header)
	via := strings.Join(r.health.Header.Values("Via"), ", ")
	if hops > 1 {
		return fail(CheckSingleHop, EdgeOptimized, fmt.Sprintf("%s %s -> %d, Via: %s: %d CloudFront hops", r.health.Method, r.health.Path, r.health.Status, via, hops), "")
	}
	if via == "" {
		via = "(none)"
	}
	return pass(CheckSingleHop, fmt.Sprintf("%s %s -> %d, Via: %s", r.health.Method, r.health.Path, r.health.Status, via))
}

// cloudFrontHops counts the Via entries that CloudFront added.
func cloudFrontHops(h http.Header) int {
	n := 0
	for _, line := range h.Values("Via") {
		for _, v := range strings.Split(line, ",") {
			if strings.Contains(strings.ToLower(v), "(cloudfront)") {
				n++
			}
		}
	}
	return n
}

// The probe values of CheckHeaders, each findable in an echo that shows
// what it received.
const (
	probeHeader = "X-Smoke-Probe"
	probeQuery  = "smoke"
)

// checkHeaders wants the viewer's headers and query string to reach the
// backend (pitfall headers-dropped). It posts a JSON body to the echo
// route declared as text/plain, with Authorization, a custom header and a
// query string. The bundled backend refuses a declared non-JSON body with
// 415: that answer shows Content-Type arrived. An echo that reports the
// headers and query it got must show all three probe values.
func (r *runner) checkHeaders(ctx context.Context) Check {
	tok := randomToken()
	auth, custom, query := "smoke-auth-"+tok, "smoke-header-"+tok, "smoke-query-"+tok
	path := r.cfg.EchoPath + "?" + probeQuery + "=" + query
	hdr := http.Header{
		"Accept":        {"application/json"},
		"Content-Type":  {"text/plain"},
		"Authorization": {"Bearer " + auth},
		probeHeader:     {custom},
	}
	body := []byte(`{"smoke":"` + tok + `"}`)
	resp, err := r.fetch(ctx, http.MethodPost, path, true, body, hdr)
	if err != nil {
		return netFail(CheckHeaders, http.MethodPost, path, err)
	}
	if id := Diagnose(resp); id != "" {
		return fail(CheckHeaders, id, describe(resp), "")
	}
	if resp.Status == http.StatusUnsupportedMediaType {
		// Content-Type arrived. An echo that names what it received (the
		// bundled backend's does) shows the rest, asked for as JSON.
		hdr.Set("Content-Type", "application/json")
		resp, err = r.fetch(ctx, http.MethodPost, path, true, body, hdr)
		if err != nil {
			return netFail(CheckHeaders, http.MethodPost, path, err)
		}
		if id := Diagnose(resp); id != "" {
			return fail(CheckHeaders, id, describe(resp), "")
		}
		var echo struct {
			Received *struct {
				Headers []string          `json:"headers"`
				Query   map[string]string `json:"query"`
			} `json:"received"`
		}
		if !is2xx(resp.Status) || json.Unmarshal(resp.Body, &echo) != nil || echo.Received == nil {
			return pass(CheckHeaders, "Content-Type text/plain arrived and was refused with 415; the echo does not name the headers it received, so Authorization, custom headers and the query string are not judged")
		}
		var missing []string
		for _, h := range []string{"authorization", strings.ToLower(probeHeader)} {
			if !slices.Contains(echo.Received.Headers, h) {
				missing = append(missing, h)
			}
		}
		if echo.Received.Query[probeQuery] != query {
			missing = append(missing, "the query string")
		}
		if len(missing) > 0 {
			return fail(CheckHeaders, HeadersDropped, fmt.Sprintf("%s; the backend received headers %v and query %v, without %s", describe(resp), echo.Received.Headers, echo.Received.Query, strings.Join(missing, ", ")), "")
		}
		return pass(CheckHeaders, describeOK(resp)+": Content-Type, Authorization, "+probeHeader+" and the query string reached the backend (its echo names them)")
	}
	if !is2xx(resp.Status) || !isJSON(resp) {
		return fail(CheckHeaders, "", describe(resp)+"; want 415 for a body declared text/plain, or a 2xx JSON echo", echoFix)
	}
	if !bytes.Contains(resp.Body, []byte(tok)) {
		return skip(CheckHeaders, describeOK(resp)+": the echo route does not echo the body sent (see "+CheckEcho+")")
	}
	var got, missing []string
	for _, p := range []struct{ name, value string }{{"Authorization", auth}, {probeHeader, custom}, {"the query string", query}} {
		if bytes.Contains(resp.Body, []byte(p.value)) {
			got = append(got, p.name)
		} else {
			missing = append(missing, p.name)
		}
	}
	switch {
	case len(missing) == 0:
		return pass(CheckHeaders, describeOK(resp)+": the echo shows Authorization, "+probeHeader+" and the query string arrived")
	case len(got) > 0:
		return fail(CheckHeaders, HeadersDropped, fmt.Sprintf("%s; the echo shows %s but not %s", describe(resp), strings.Join(got, " and "), strings.Join(missing, " or ")), "")
	}
	return fail(CheckHeaders, HeadersDropped, describe(resp)+"; a body declared text/plain was accepted, so the backend got no Content-Type (the bundled backend answers 415 when it gets one; an echo route that ignores Content-Type cannot be judged)", "")
}

// checkErrorCors wants an API error, asked for from cfg.Origin, to carry
// Access-Control-Allow-Origin when a successful answer does: otherwise the
// browser reports a CORS error instead of the API's error (pitfall
// cors-errors).
func (r *runner) checkErrorCors() Check {
	switch {
	case r.cfg.Origin == "":
		return skip(CheckErrorCors, "no origin given (-origin): the site's own pages call the API same-origin and need no CORS headers")
	case r.apiError == nil:
		return skip(CheckErrorCors, "the unknown API route gave no 4xx answer to judge")
	}
	e := *r.apiError
	allow := e.Header.Get("Access-Control-Allow-Origin")
	switch n := allowOriginCount(e.Header); {
	case n > 1:
		return fail(CheckErrorCors, CorsDuplicate, fmt.Sprintf("%s -> %d with Origin: %s; %d Access-Control-Allow-Origin values", e.Path, e.Status, r.cfg.Origin, n), "")
	case n == 1 && (allow == r.cfg.Origin || allow == "*"):
		return pass(CheckErrorCors, fmt.Sprintf("%s %s -> %d with Origin: %s, Access-Control-Allow-Origin: %s", e.Method, e.Path, e.Status, r.cfg.Origin, allow))
	}
	if r.echo == nil || allowOriginCount(r.echo.Header) != 1 {
		return skip(CheckErrorCors, fmt.Sprintf("%s is not allowed on a successful answer either (see %s)", r.cfg.Origin, CheckPreflight))
	}
	return fail(CheckErrorCors, CorsErrors, fmt.Sprintf("%s %s -> %d with Origin: %s has no Access-Control-Allow-Origin, while %s %s -> %d had %q",
		e.Method, e.Path, e.Status, r.cfg.Origin, r.echo.Method, r.echo.Path, r.echo.Status, r.echo.Header.Get("Access-Control-Allow-Origin")), "")
}

// checkDirectAccess wants the API's own execute-api URL to refuse the
// health route without CloudFront's secret key (pitfall direct-access).
func (r *runner) checkDirectAccess(ctx context.Context) Check {
	if r.cfg.ApiExecuteUrl == "" {
		return skip(CheckDirectAccess, "no execute-api URL: give -outputs with the stack's ApiExecuteUrl output, or -api-execute-url")
	}
	target := strings.TrimRight(r.cfg.ApiExecuteUrl, "/") + r.cfg.HealthPath
	resp, err := r.fetchURL(ctx, http.MethodGet, target, target, true, nil, http.Header{"Accept": {"application/json"}})
	if err != nil {
		return netFail(CheckDirectAccess, http.MethodGet, target, err)
	}
	msg := gatewayMessage(resp.Body)
	switch {
	case msg == "Missing Authentication Token" || strings.HasPrefix(resp.Header.Get("X-Amzn-ErrorType"), "MissingAuthenticationTokenException"):
		return fail(CheckDirectAccess, "", describe(resp)+"; API Gateway has no such route there, so access without CloudFront was not judged",
			"give the API stage's URL (the ApiExecuteUrl output, ending in /<stage>/) and a health path the API serves")
	case resp.Status == http.StatusForbidden || resp.Status == http.StatusUnauthorized:
		return pass(CheckDirectAccess, describeOK(resp)+fmt.Sprintf(" %q: refused without CloudFront's key", msg))
	case resp.Status >= 500:
		return fail(CheckDirectAccess, "", describe(resp)+"; want 403 without CloudFront's key", networkFix)
	}
	return fail(CheckDirectAccess, DirectAccess, describe(resp)+"; the API answered a request that skipped CloudFront, so no key is required", "")
}
