package preview

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/one-origin/staticsitewithapi/internal/routing"
)

// The construct's CORS defaults (staticsite.CorsOptions, from package
// routing), which the distribution's API response headers policy answers
// preflights with, as header values.
var (
	corsAllowMethods = strings.Join(routing.AllMethods, ", ")
	corsAllowHeaders = strings.Join(routing.DefaultCorsAllowHeaders, ", ")
	corsMaxAge       = strconv.Itoa(int(routing.DefaultCorsMaxAge.Seconds()))
)

// validateOrigins checks CorsAllowOrigins as the construct checks
// Cors.AllowOrigins: "*" alone, or origins (routing.ValidateOrigin).
func validateOrigins(origins []string) []error {
	var errs []error
	for _, o := range origins {
		if o == "*" {
			if len(origins) > 1 {
				errs = append(errs, errors.New(`CorsAllowOrigins: "*" already allows every origin; make it the only entry or list origins without it`))
			}
			continue
		}
		if err := routing.ValidateOrigin(o); err != nil {
			errs = append(errs, fmt.Errorf("CorsAllowOrigins: %w", err))
		}
	}
	return errs
}

// allowOrigin returns the Access-Control-Allow-Origin value for a request
// from origin, or "" when origin may not read the answer.
func allowOrigin(allowed []string, origin string) string {
	switch {
	case origin == "":
		return ""
	case slices.Contains(allowed, "*"):
		return "*"
	case slices.Contains(allowed, origin):
		return origin
	}
	return ""
}

// corsWriter adds the headers of the distribution's API response headers
// policy to whatever answers an API request, the handler or the gateway
// (401s included: pitfall cors-errors), just before the status is written.
type corsWriter struct {
	http.ResponseWriter
	set  map[string]string
	done bool
}

// withCors wraps w for an API request r under the allowed origins: an
// allowed Origin gets Access-Control-Allow-Origin, and a preflight from it
// the allowed methods, headers and max-age; the backend's own CORS headers
// are dropped either way (pitfall cors-duplicate).
func withCors(w http.ResponseWriter, r *http.Request, allowed []string) http.ResponseWriter {
	set := map[string]string{}
	if o := allowOrigin(allowed, r.Header.Get("Origin")); o != "" {
		set["Access-Control-Allow-Origin"] = o
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			set["Access-Control-Allow-Methods"] = corsAllowMethods
			set["Access-Control-Allow-Headers"] = corsAllowHeaders
			set["Access-Control-Max-Age"] = corsMaxAge
		}
	}
	return &corsWriter{ResponseWriter: w, set: set}
}

func (c *corsWriter) WriteHeader(status int) {
	if !c.done {
		c.done = true
		h := c.Header()
		for _, k := range routing.CorsResponseHeaders {
			h.Del(k)
		}
		for k, v := range c.set {
			h.Set(k, v)
		}
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *corsWriter) Write(b []byte) (int, error) {
	if !c.done {
		c.WriteHeader(http.StatusOK)
	}
	return c.ResponseWriter.Write(b)
}
