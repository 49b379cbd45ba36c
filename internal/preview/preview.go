// Package preview serves a site folder and the API on one local origin,
// split the way the CloudFront distribution splits them, so a frontend can
// be tried (and tested in a browser) without deploying:
//
//   - requests go where routing.Route sends them, the distribution's
//     routing table: under ApiPrefix + "/" (the API behavior's path
//     pattern) to a Lambda handler, through an adapter that builds the
//     event API Gateway's REST proxy integration would send; everything
//     else to the folder, after routing.Rewrite, the rule of the
//     CloudFront viewer-request function; a missing file is a 403
//     AccessDenied, as S3 with Origin Access Control answers;
//   - each file is served with the Content-Type and Cache-Control the
//     deployment uploads it with (upload.Decide: explicit types as set,
//     the others as the upload's AWS CLI guesses them from Python 3.13's
//     mimetypes table);
//   - /config.json is generated with the body the deployment writes
//     (upload.Config), from Env and RuntimeConfig; only siteUrl differs:
//     it is the preview's own origin;
//   - API responses get the CORS headers of the distribution's response
//     headers policy for CorsAllowOrigins, gateway errors included;
//   - with Auth, a local issuer under AuthPath stands in for Cognito's
//     hosted UI (it is not Cognito) and every API request but OPTIONS and
//     Auth.PublicPaths needs its ID token, checked as the construct's
//     Cognito authorizer checks it; the verified claims reach the handler
//     in requestContext.authorizer.claims, and config.json gets "auth".
//
// It is a development server: no TLS, no caching.
//
//	h := preview.New(preview.Options{Dir: "web"})
//	http.ListenAndServe("127.0.0.1:8080", h)
package preview

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/one-origin/staticsitewithapi/backend/apihandler"
	"github.com/one-origin/staticsitewithapi/internal/routing"
	"github.com/one-origin/staticsitewithapi/internal/upload"
)

// HandlerFunc is a Lambda handler for API Gateway REST (v1) proxy events,
// such as apihandler.Handle.
type HandlerFunc func(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error)

// Options configure the preview server. The zero value serves ./web with
// apihandler.Handle under /api.
type Options struct {
	// Dir is the site folder, e.g. "web" or "frontend/dist".
	// Default: "web".
	Dir string

	// ApiPrefix is the path under which requests go to Handler, the
	// construct's ApiPrefix under the construct's rule
	// (routing.ValidatePrefix): the API gets ApiPrefix + "/..." and a bare
	// ApiPrefix is a static path, as with CloudFront's ApiPrefix + "/*"
	// behavior.
	// Default: routing.DefaultPrefix ("/api").
	ApiPrefix string

	// Env is the "environment" written to /config.json, as the app
	// (stacks) writes the environment's name.
	// Default: "local".
	Env string

	// RuntimeConfig adds keys to /config.json, like the construct's
	// Frontend.RuntimeConfig; they win over "environment", as the app's
	// frontendConfig does (cmd/preview reads it from cdk.json). apiBase and
	// siteUrl cannot be overridden.
	// Default: no extra keys.
	RuntimeConfig map[string]any

	// SiteURL is the "siteUrl" written to /config.json.
	// Default: the request's own origin, e.g. "http://127.0.0.1:8080".
	SiteURL string

	// Stage is the API Gateway stage put into the event's RequestContext.
	// Default: "local".
	Stage string

	// ContentSecurityPolicy, if set, is sent with every static response, so
	// a page can be checked against a policy before one is deployed.
	// Default: none (the distribution sets none either).
	ContentSecurityPolicy string

	// Handler serves the API.
	// Default: apihandler.Handle.
	Handler HandlerFunc

	// CorsAllowOrigins are the other origins allowed to call the API from
	// a browser (a dev server such as "http://localhost:5173"), like the
	// construct's Cors.AllowOrigins: their API responses, errors included,
	// carry Access-Control-Allow-Origin, and their preflights the
	// construct's default methods, headers and max-age. With Auth they may
	// also sign in (their "/" is a callback URL).
	// Default: none; the site's own calls are same-origin.
	CorsAllowOrigins []string

	// Auth turns on the local issuer and the authorizer in front of the
	// API (AuthOptions).
	// Default: nil, no authorizer.
	Auth *AuthOptions
}

// server is the http.Handler returned by New.
type server struct {
	dir     string
	root    *os.Root
	prefix  string
	runtime map[string]any // Env and RuntimeConfig, as config.json's other keys
	siteURL string
	stage   string
	csp     string
	handler HandlerFunc
	origins []string // CorsAllowOrigins
	auth    *issuer  // nil without Options.Auth
}

// Validate reports what New would panic with, or nil: an ApiPrefix the
// construct would refuse, a Dir that is not a folder, a bundler manifest
// in it that the upload could not read, a RuntimeConfig that sets
// apiBase or siteUrl (or auth, with Auth), CorsAllowOrigins that are not
// origins, or Auth.PublicPaths outside the API prefix.
func (o Options) Validate() error {
	var errs []error
	if p := or(o.ApiPrefix, routing.DefaultPrefix); routing.ValidatePrefix(p) != nil {
		errs = append(errs, fmt.Errorf("ApiPrefix %q is invalid: %w", p, routing.ValidatePrefix(p)))
	}
	dir := or(o.Dir, "web")
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		errs = append(errs, fmt.Errorf("site folder %q is not a folder (build the frontend first, or run from the repository root)", dir))
	} else if _, err := upload.HashedFiles(dir); err != nil {
		errs = append(errs, fmt.Errorf("site folder %q: %w", dir, err))
	}
	reserved := []string{upload.ConfigApiBase, upload.ConfigSiteURL}
	if o.Auth != nil {
		reserved = append(reserved, upload.ConfigAuth)
		errs = append(errs, o.Auth.validate(or(o.ApiPrefix, routing.DefaultPrefix))...)
	}
	for _, k := range reserved {
		if _, ok := o.RuntimeConfig[k]; ok {
			errs = append(errs, fmt.Errorf("RuntimeConfig must not set %q: the preview writes it, as the construct does", k))
		}
	}
	errs = append(errs, validateOrigins(o.CorsAllowOrigins)...)
	return errors.Join(errs...)
}

// New returns the preview server for opts. It panics with Validate's error,
// since those are programming or flag errors that a caller should check
// first (cmd/preview does).
func New(opts Options) http.Handler {
	if err := opts.Validate(); err != nil {
		panic("preview: " + err.Error())
	}
	s := &server{
		dir:     or(opts.Dir, "web"),
		prefix:  or(opts.ApiPrefix, routing.DefaultPrefix),
		runtime: map[string]any{"environment": or(opts.Env, "local")},
		siteURL: strings.TrimRight(opts.SiteURL, "/"),
		stage:   or(opts.Stage, "local"),
		csp:     opts.ContentSecurityPolicy,
		handler: opts.Handler,
		origins: slices.Clone(opts.CorsAllowOrigins),
	}
	if opts.Auth != nil {
		s.auth = newIssuer(*opts.Auth, s.prefix, s.origins)
	}
	maps.Copy(s.runtime, opts.RuntimeConfig)
	if s.handler == nil {
		s.handler = apihandler.Handle
	}
	root, err := os.OpenRoot(s.dir)
	if err != nil {
		panic(fmt.Sprintf("preview: site folder %q: %v", s.dir, err))
	}
	s.root = root
	return s
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.auth != nil && (r.URL.Path == AuthPath || strings.HasPrefix(r.URL.Path, AuthPath+"/")) {
		s.auth.serve(w, r, s.origin(r))
		return
	}
	target, objectPath := routing.Route(r.URL.Path, s.prefix)
	if target == routing.API {
		w = withCors(w, r, s.origins)
		if r.Method == http.MethodOptions {
			// The deployed API answers OPTIONS on every resource with its
			// MOCK 204, before any authorizer and without the backend
			// (pitfall preflight-auth); the CORS answer is CloudFront's.
			w.WriteHeader(http.StatusNoContent)
			return
		}
		s.serveAPI(w, r)
		return
	}
	s.serveStatic(w, r, objectPath)
}

// origin is the site's own URL: SiteURL, else the request's origin.
func (s *server) origin(r *http.Request) string {
	if s.siteURL != "" {
		return s.siteURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
