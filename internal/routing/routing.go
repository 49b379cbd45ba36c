// Package routing holds how the distribution splits one origin between the
// API and the site, written once in Go for every tool that must agree with
// it: the construct (constructs/staticsite) validates its ApiPrefix and
// builds its behaviors from it, the preview server (internal/preview)
// routes local requests by it, and the smoke checker (internal/smoke)
// chooses its paths by it.
//
//   - ValidatePrefix is the rule for an API prefix.
//   - Route is the routing table: a path under prefix + "/" goes to the API
//     (the behavior's path pattern is prefix + "/*"), everything else to the
//     S3 behavior, where Rewrite, the rule of the viewer-request function
//     constructs/staticsite/spa_rewrite.js, turns client-side routes into
//     IndexPath.
//   - AllMethods, IntegrationTimeout and DefaultPrefix are the API side's
//     fixed values.
//
// The table is test/testdata/routing-cases.json, run by this package's
// tests, by the Node run of the CloudFront Function (test/spa_function_test.go,
// S3 rows) and by the preview's tests. Add a row there when a rule changes,
// never to only one side.
package routing

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// DefaultPrefix is the API prefix when none is given.
const DefaultPrefix = "/api"

// IntegrationTimeoutSeconds is API Gateway's default REST integration
// timeout, in seconds. CloudFront must wait at least this long for the API
// origin, or slow requests end in a CloudFront 504 (pitfall origin-timeout).
const IntegrationTimeoutSeconds = 29

// IntegrationTimeout is IntegrationTimeoutSeconds as a time.Duration.
const IntegrationTimeout = IntegrationTimeoutSeconds * time.Second

// AllMethods are the seven methods the API behavior allows, in the order
// CloudFront's ALLOW_ALL lists them; anything less makes CloudFront answer
// 403 for the missing ones (pitfall edge-methods). Do not modify it; copy
// it (slices.Clone) to change a list.
var AllMethods = []string{"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}

// IndexPath is the object served for every client-side route.
const IndexPath = "/index.html"

// WellKnownPrefix starts the paths that are always files (RFC 8615):
// /.well-known/apple-app-site-association has no extension, and must not
// become the page (pitfall wellknown-rewritten).
const WellKnownPrefix = "/.well-known/"

// FileContentTypes are the Content-Types of files that have no extension to
// tell it by, which the upload and the preview set explicitly. iOS reads
// apple-app-site-association as JSON, from /.well-known/ without redirects.
var FileContentTypes = map[string]string{
	WellKnownPrefix + "apple-app-site-association": "application/json",
}

// prefixPattern: one or more "/segment", each of unreserved URL characters.
var prefixPattern = regexp.MustCompile(`^(/[A-Za-z0-9._~-]+)+$`)

// ValidatePrefix reports why p cannot be an API prefix, or nil. A prefix
// starts with "/", does not end with "/", has no "*" (the behavior's path
// pattern is p + "/*"), uses letters, digits and . _ ~ - in its segments,
// and is not under /.well-known, whose files the site serves. "/" alone is
// not a prefix: the API would take every path from the site.
//
// The error does not name the setting; wrap it, as in
// fmt.Errorf("ApiPrefix %q is invalid: %w", p, err).
func ValidatePrefix(p string) error {
	switch {
	case p == "":
		return errors.New(`it is empty; use a path such as "/api"`)
	case p == "/":
		return errors.New(`"/" would send every path to the API and none to the site; use a path such as "/api"`)
	case !prefixPattern.MatchString(p):
		return errors.New(`it must start with "/", must not end with "/" or contain "*" (the construct appends "/*"), and may use letters, digits and . _ ~ - only; for example "/api"`)
	case p+"/" == WellKnownPrefix || strings.HasPrefix(p+"/", WellKnownPrefix):
		return errors.New(`it is under /.well-known/, whose paths are the site's files (pitfall wellknown-rewritten); use a path such as "/api"`)
	}
	return nil
}

// Target is where the distribution sends a request.
type Target int

const (
	// API is the API behavior: the path is under prefix + "/".
	API Target = iota + 1
	// Page is the S3 behavior with the path rewritten to IndexPath: a
	// client-side route of the SPA.
	Page
	// File is the S3 behavior with the path looked up as it is: an asset,
	// a dotfile, index.html itself, anything under /.well-known/.
	File
)

// String returns the name the routing table uses: "api", "page", "file".
func (t Target) String() string {
	switch t {
	case API:
		return "api"
	case Page:
		return "page"
	case File:
		return "file"
	}
	return "unknown"
}

// Route returns where the distribution sends a request for path (the path
// only, without the query string) when the API prefix is prefix, and the
// path the target sees: path itself for API and File, IndexPath for Page.
// CloudFront path patterns are case-sensitive and "*" matches any
// characters, "/" included; the bare prefix ("/api") does not match
// prefix + "/*" and goes to the site, where it is a client-side route.
func Route(path, prefix string) (Target, string) {
	if strings.HasPrefix(path, prefix+"/") {
		return API, path
	}
	if isRoute(path) {
		return Page, IndexPath
	}
	return File, path
}

// Rewrite returns the object path to fetch for the request path uri (the
// path only, without the query string). A path whose last segment contains
// no "." is a client-side route and becomes IndexPath, except under
// WellKnownPrefix; anything else (an asset, a dotfile) is returned
// unchanged, so a missing file stays missing instead of silently turning
// into the page (pitfall error-masked).
func Rewrite(uri string) string {
	if isRoute(uri) {
		return IndexPath
	}
	return uri
}

// isRoute reports whether the S3 behavior's function rewrites uri.
func isRoute(uri string) bool {
	if strings.HasPrefix(uri, WellKnownPrefix) {
		return false
	}
	last := uri[strings.LastIndexByte(uri, '/')+1:]
	return !strings.Contains(last, ".")
}

// PublicPath is a path of the API that answers without a signed-in user
// when the API has an authorizer: either exact ("/api/health": that path
// only) or a subtree ("/api/public/*": every path under /api/public/, but
// not /api/public itself, as a CloudFront path pattern would read it).
// Every public path is under the API prefix.
type PublicPath struct {
	// Segments are the path's segments after the leading "/", without the
	// trailing "*" of a subtree ("api", "public").
	Segments []string
	// Subtree is true for a pattern ending in "/*".
	Subtree bool
}

// segmentPattern: one path segment of a public path, as in a prefix.
var segmentPattern = regexp.MustCompile(`^[A-Za-z0-9._~-]+$`)

// ParsePublicPath validates p as a public path under the API prefix
// prefix and returns it parsed. The error does not name the setting; wrap
// it, as ValidatePrefix's.
func ParsePublicPath(prefix, p string) (PublicPath, error) {
	var pp PublicPath
	path := p
	if rest, ok := strings.CutSuffix(p, "/*"); ok {
		pp.Subtree, path = true, rest
	}
	switch {
	case !strings.HasPrefix(path, prefix+"/"):
		return pp, fmt.Errorf(`it is not under the API prefix %q: only API paths need a public exception; for example %q or %q`, prefix, prefix+"/health", prefix+"/public/*")
	case strings.Contains(path, "*"):
		return pp, errors.New(`"*" may only end a path, after "/" (a subtree such as "/api/public/*")`)
	}
	pp.Segments = strings.Split(strings.TrimPrefix(path, "/"), "/")
	for _, s := range pp.Segments {
		if !segmentPattern.MatchString(s) || s == "." || s == ".." {
			return pp, errors.New(`its segments may use letters, digits and . _ ~ - only, with no empty segment, no trailing "/" and no path parameters; for example "/api/health"`)
		}
	}
	return pp, nil
}

// String returns the pattern as it was written.
func (pp PublicPath) String() string {
	s := "/" + strings.Join(pp.Segments, "/")
	if pp.Subtree {
		s += "/*"
	}
	return s
}

// Matches reports whether a request for path (without the query string)
// is public under pp. Like CloudFront path patterns and API Gateway
// resources, the comparison is case-sensitive.
func (pp PublicPath) Matches(path string) bool {
	base := pp.String()
	if pp.Subtree {
		base = strings.TrimSuffix(base, "*")
		return strings.HasPrefix(path, base) && len(path) > len(base)
	}
	return path == base
}

// IsPublic reports whether any of the public paths matches path.
func IsPublic(public []PublicPath, path string) bool {
	for _, pp := range public {
		if pp.Matches(path) {
			return true
		}
	}
	return false
}

// The API behavior's CORS answer (CloudFront's response headers policy)
// when Cors leaves these unset; the local preview answers the same.
var (
	// DefaultCorsAllowHeaders answer Access-Control-Request-Headers.
	DefaultCorsAllowHeaders = []string{"Content-Type", "Authorization", "X-Requested-With"}
	// CorsResponseHeaders are the CORS headers the policy owns: it
	// overrides the backend's where CORS is configured, and removes them
	// where it is not.
	CorsResponseHeaders = []string{
		"Access-Control-Allow-Origin",
		"Access-Control-Allow-Credentials",
		"Access-Control-Allow-Methods",
		"Access-Control-Allow-Headers",
		"Access-Control-Expose-Headers",
		"Access-Control-Max-Age",
	}
)

// DefaultCorsMaxAge is how long browsers may keep a preflight's answer.
const DefaultCorsMaxAge = 10 * time.Minute

// originHost is the host of an allowed CORS origin: a DNS name or an
// IPv4 address, optionally a wildcard subdomain ("*.example.com").
var originHost = regexp.MustCompile(`^(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$`)

// ValidateOrigin reports why o cannot be one of the origins allowed to
// call the API from a browser, or nil: an origin is exactly
// scheme://host[:port], http or https, as browsers send it in the Origin
// header ("*", which allows any origin, is the caller's to handle). The
// error does not name the setting; wrap it, as ValidatePrefix's.
func ValidateOrigin(o string) error {
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || !originHost.MatchString(u.Hostname()) {
		return fmt.Errorf(`%q is not an origin; write scheme://host[:port], for example "https://app.example.com" or "http://localhost:5173"`, o)
	}
	if u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil || o != u.Scheme+"://"+u.Host {
		return fmt.Errorf("%q must be only scheme://host[:port], with no path, query or trailing slash; use %q", o, u.Scheme+"://"+u.Host)
	}
	return nil
}
