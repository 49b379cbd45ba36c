// Package preview serves a site folder and the API on one local origin,
// split the way the CloudFront distribution splits them, so a frontend can
// be tried (and tested in a browser) without deploying:
//
//   - requests under ApiPrefix + "/" (the API behavior's path pattern) go to
//     a Lambda handler, through an adapter that builds the event API
//     Gateway's REST proxy integration would send;
//   - /config.json is generated, as the deployment writes it;
//   - everything else is served from the folder after routing.Rewrite, the rule
//     of the CloudFront viewer-request function; a missing file is a 403
//     AccessDenied, as S3 with Origin Access Control answers.
//
// It is a development server: no TLS, no caching, no compression.
//
//	h := preview.New(preview.Options{Dir: "web"})
//	http.ListenAndServe("127.0.0.1:8080", h)
package preview

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/one-origin/staticsitewithapi/backend/apihandler"
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

	// ApiPrefix is the path under which requests go to Handler, like the
	// construct's ApiPrefix: the API gets ApiPrefix + "/..." and a bare
	// ApiPrefix is a static path, as with CloudFront's ApiPrefix + "/*"
	// behavior. A trailing slash is ignored.
	// Default: "/api".
	ApiPrefix string

	// Env is the "environment" written to /config.json.
	// Default: "local".
	Env string

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
}

// server is the http.Handler returned by New.
type server struct {
	root    *os.Root
	prefix  string
	env     string
	siteURL string
	stage   string
	csp     string
	handler HandlerFunc
}

// New returns the preview server for opts. It panics if Dir cannot be
// opened or ApiPrefix is not a path, since both are programming or flag
// errors that a caller should check first (cmd/preview does).
func New(opts Options) http.Handler {
	s := &server{
		prefix:  "/" + strings.Trim(or(opts.ApiPrefix, apihandler.DefaultPrefix), "/"),
		env:     or(opts.Env, "local"),
		siteURL: strings.TrimRight(opts.SiteURL, "/"),
		stage:   or(opts.Stage, "local"),
		csp:     opts.ContentSecurityPolicy,
		handler: opts.Handler,
	}
	if s.handler == nil {
		s.handler = apihandler.Handle
	}
	if s.prefix == "/" || strings.ContainsAny(s.prefix, "*?#") {
		panic(fmt.Sprintf("preview: ApiPrefix %q is invalid: use a path such as \"/api\"", opts.ApiPrefix))
	}
	dir := or(opts.Dir, "web")
	root, err := os.OpenRoot(dir)
	if err != nil {
		panic(fmt.Sprintf("preview: site folder %q: %v", dir, err))
	}
	s.root = root
	return s
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, s.prefix+"/") {
		s.serveAPI(w, r)
		return
	}
	s.serveStatic(w, r)
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
