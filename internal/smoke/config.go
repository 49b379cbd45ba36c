package smoke

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/one-origin/staticsitewithapi/internal/routing"
)

const (
	// DefaultApiPrefix is the path under which CloudFront routes to the API,
	// the construct's default ApiPrefix.
	DefaultApiPrefix = routing.DefaultPrefix

	// DefaultTimeout bounds one request attempt, body included.
	DefaultTimeout = 10 * time.Second

	// DefaultRetries is how many times a request is repeated after a network
	// error or a 5xx answer.
	DefaultRetries = 2

	// MaxRetries is the largest accepted Config.Retries; it keeps a run
	// against a broken site short.
	MaxRetries = 5

	// DefaultBackoff is the wait before the first retry; it doubles for each
	// further retry.
	DefaultBackoff = 250 * time.Millisecond

	// DefaultDeadline bounds a whole Run, so a site that accepts connections
	// but never answers cannot keep a CI job waiting.
	DefaultDeadline = 2 * time.Minute

	// DeepLinkPath is the client-side route requested to check the SPA
	// fallback. It has no file extension, like any SPA route.
	DeepLinkPath = "/smoke-deep/link"

	// UnknownRoutePrefix starts the last segment of the API path used to
	// check that API errors are not masked; a random suffix follows it.
	UnknownRoutePrefix = "smoke-no-such-route-"
)

// Config says which site to check and how patiently. Zero fields take their
// defaults; Run never modifies the caller's Config.
type Config struct {
	// BaseURL is the site's base URL, for example
	// "https://d111111abcdef8.cloudfront.net" (the stack's SiteUrl output).
	// It must be http or https with a host and no query or fragment; a path
	// is kept as a prefix of every request path. Required.
	BaseURL string

	// ApiPrefix is the path under which CloudFront routes requests to the
	// API: the construct's ApiPrefix, under the same rule
	// (routing.ValidatePrefix), so "/v1" but not "/v1/" or "/".
	// Default: DefaultApiPrefix ("/api").
	ApiPrefix string

	// HealthPath is a GET route that answers 2xx JSON.
	// Default: ApiPrefix + "/health".
	HealthPath string

	// EchoPath is a POST route that answers 2xx JSON containing the JSON
	// body it was sent.
	// Default: ApiPrefix + "/echo".
	EchoPath string

	// MePath is a GET route behind the API's authorizer that answers 200
	// JSON {"claims":{...}} with the verified caller's claims, as the
	// bundled backend's does. It is asked without a token, and with Token
	// when that is set; only when /config.json has "auth".
	// Default: ApiPrefix + "/me".
	MePath string

	// Token is a signed-in user's ID token, sent as "Authorization: Bearer
	// <Token>" to MePath when /config.json has "auth". A leading "Bearer "
	// and surrounding white space are dropped. It is a credential: it
	// never appears in a Report, in a check's detail or in an error, even
	// when an answer quotes it.
	// Default: "" (the signed-in check is skipped).
	Token string

	// Origin, when set, adds the CORS preflight check and is sent as the
	// Origin header of the echo request. It must be scheme://host[:port].
	// Default: "" (no CORS check).
	Origin string

	// PreviousAssets are paths of files of the build before the last deploy,
	// such as "/assets/index-BxT4e1Ab.js", that must still be served: pages
	// opened before the deploy load their lazy chunks from them (pitfall
	// chunk-deleted). Each must be an absolute path.
	// Default: none (no previous-assets check).
	PreviousAssets []string

	// ApiExecuteUrl, when set, is the API stage's own URL, bypassing
	// CloudFront (the stack's ApiExecuteUrl output, such as
	// "https://abc123.execute-api.eu-west-1.amazonaws.com/dev/"). The
	// health route requested there without CloudFront's secret key must be
	// refused (pitfall direct-access). It is the one request Run sends to
	// another host than BaseURL.
	// Default: "" (the direct-access check is skipped).
	ApiExecuteUrl string

	// Timeout bounds one request attempt, reading the body included.
	// Default: DefaultTimeout (10 s).
	Timeout time.Duration

	// Retries is how many times a request is repeated after a network error
	// or a 5xx answer, at most MaxRetries. 4xx answers are never retried.
	// Default: DefaultRetries (2).
	Retries *int

	// Backoff is the wait before the first retry; it doubles for each
	// further retry.
	// Default: DefaultBackoff (250 ms).
	Backoff time.Duration

	// Deadline bounds the whole run; checks that could not finish in time
	// fail with a message that says so.
	// Default: DefaultDeadline (2 min).
	Deadline time.Duration
}

// resolved is a validated copy of a Config with its defaults applied.
type resolved struct {
	Config
	base    *url.URL
	retries int
}

// Validate reports every problem with c, joined, or nil when Run can use it.
func (c Config) Validate() error {
	_, err := c.resolve()
	return err
}

// resolve validates a copy of c and applies the defaults to it.
func (c Config) resolve() (*resolved, error) {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }

	r := &resolved{Config: c, retries: DefaultRetries}
	if c.BaseURL == "" {
		add("the site URL is missing: give the SiteUrl output, for example https://d111111abcdef8.cloudfront.net")
	} else if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		add("site URL %q is not an http(s) URL with a host; write it like https://d111111abcdef8.cloudfront.net", c.BaseURL)
	} else if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		add("site URL %q must not have a query, fragment or user info; use %q", c.BaseURL, u.Scheme+"://"+u.Host+u.Path)
	} else {
		u.Path = strings.TrimRight(u.Path, "/")
		u.RawPath = ""
		r.base = u
	}

	if r.ApiPrefix == "" {
		r.ApiPrefix = DefaultApiPrefix
	}
	if err := routing.ValidatePrefix(r.ApiPrefix); err != nil {
		add("API prefix %q is invalid: %w", r.ApiPrefix, err)
	}
	if r.HealthPath == "" {
		r.HealthPath = r.ApiPrefix + "/health"
	}
	if r.EchoPath == "" {
		r.EchoPath = r.ApiPrefix + "/echo"
	}
	if r.MePath == "" {
		r.MePath = r.ApiPrefix + "/me"
	}
	for _, p := range []struct{ name, value string }{{"health", r.HealthPath}, {"echo", r.EchoPath}, {"me", r.MePath}} {
		if !strings.HasPrefix(p.value, "/") || strings.ContainsAny(p.value, "?# ") {
			add("%s path %q is invalid: it must be an absolute path such as %s/%s", p.name, p.value, DefaultApiPrefix, p.name)
		}
	}

	for _, p := range c.PreviousAssets {
		if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "?# ") {
			add("previous asset %q is invalid: give the file's path on the site, such as /assets/index-BxT4e1Ab.js", p)
		}
	}
	if c.Origin != "" {
		u, err := url.Parse(c.Origin)
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			add("origin %q is not an origin; write scheme://host[:port], for example http://localhost:5173", c.Origin)
		case u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil:
			add("origin %q must be only scheme://host[:port], with no path or trailing slash; use %q", c.Origin, u.Scheme+"://"+u.Host)
		}
	}

	r.Token = bearerToken(c.Token)
	if strings.IndexFunc(r.Token, func(c rune) bool { return c <= ' ' || c > '~' || c == '"' || c == '\'' }) >= 0 {
		// Never quote the token: it is a credential.
		add("the token has spaces, quotes or control characters inside; give the ID token alone: three base64url parts joined by dots")
	}

	if c.ApiExecuteUrl != "" {
		u, err := url.Parse(c.ApiExecuteUrl)
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			add("API execute URL %q is not an http(s) URL; give the ApiExecuteUrl output, such as https://abc123.execute-api.eu-west-1.amazonaws.com/dev/", c.ApiExecuteUrl)
		case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
			add("API execute URL %q must not have a query, fragment or user info", c.ApiExecuteUrl)
		}
	}

	if r.Timeout == 0 {
		r.Timeout = DefaultTimeout
	} else if r.Timeout < 0 {
		add("timeout %s must be positive", c.Timeout)
	}
	if c.Retries != nil {
		r.retries = *c.Retries
		if r.retries < 0 || r.retries > MaxRetries {
			add("retries %d is out of range: use 0 to %d", r.retries, MaxRetries)
		}
	}
	if r.Backoff == 0 {
		r.Backoff = DefaultBackoff
	} else if r.Backoff < 0 {
		add("backoff %s must be positive", c.Backoff)
	}
	if r.Deadline == 0 {
		r.Deadline = DefaultDeadline
	} else if r.Deadline < 0 {
		add("deadline %s must be positive", c.Deadline)
	}
	return r, errors.Join(errs...)
}

// bearerToken returns token without surrounding white space and without
// a leading "Bearer ", as pasted from a request's Authorization header.
func bearerToken(token string) string {
	t := strings.TrimSpace(token)
	if len(t) > len("Bearer ") && strings.EqualFold(t[:len("Bearer ")], "Bearer ") {
		t = strings.TrimSpace(t[len("Bearer "):])
	}
	return t
}

// url returns the absolute URL of path on the site; path may end in a
// query ("/api/echo?x=1").
func (r *resolved) url(path string) string {
	u := *r.base
	p, q, _ := strings.Cut(path, "?")
	u.Path = r.base.Path + p
	u.RawQuery = q
	return u.String()
}
