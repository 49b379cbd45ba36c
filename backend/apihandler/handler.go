// Package apihandler implements the default REST API served behind the
// project's CloudFront distribution.
//
// The CDK app puts a single-page application and an API Gateway (v1, REST)
// API behind one CloudFront domain. Requests whose path starts with /api are
// routed to API Gateway, which has a {proxy+} resource at its root and uses
// the Lambda proxy integration, so this handler receives the full viewer path
// (for example /api/health) in APIGatewayProxyRequest.Path.
//
// Routes (relative to Handler.Prefix, "/api" by default):
//
//	GET|HEAD /health  200 {"status":"ok","time":"<RFC 3339, UTC>"}
//	POST     /echo    200 {"echo":<request JSON>,"method":"POST","path":"...","viewerIp":"...",
//	                       "received":{"headers":[<names>],"query":{...}}}
//	GET      /me      200 {"claims":{...}}: the caller the API's authorizer verified
//	                  401 {"message":"..."} when no authorizer verified a caller
//
// /me is meant to sit behind the API's authorizer (it is not a public
// path). With a Cognito user pool authorizer, API Gateway passes the ID
// token's verified claims in requestContext.authorizer.claims (each value a
// string); with a Lambda authorizer, requestContext.authorizer holds its
// principalId and context. /me returns those, and only those: never
// requestContext.identity, which holds the origin-verify key.
//
// Every response, including errors, is JSON with the headers
// "Content-Type: application/json; charset=utf-8" and "Cache-Control: no-store".
// Client mistakes are reported as 4xx JSON responses, never as a Go error:
// API Gateway turns a Lambda error into a 502 Bad Gateway.
//
// The handler deliberately sets no Access-Control-* (CORS) headers. CloudFront
// owns CORS in this project through a response headers policy; if both layers
// set CORS headers, browsers receive a duplicated Access-Control-Allow-Origin
// header and reject the response.
//
// The event API Gateway sends holds the origin-verify API key that
// CloudFront adds (in headers["x-api-key"] and requestContext.identity.apiKey).
// The handler never logs or returns header values or the request context,
// so the key goes no further (pitfall secret-exposed); the echo returns
// header names only, without x-api-key. Keep it that way when adding
// routes. With Handler.Log set it writes one JSON line per request with the
// viewer's IP address (ViewerIP), which API Gateway's own access log cannot
// show behind CloudFront (pitfall client-ip).
package apihandler

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

const (
	// DefaultPrefix is the path prefix under which the API is served when
	// Handler.Prefix is empty. It matches the CloudFront behaviour path.
	DefaultPrefix = "/api"

	// DefaultMaxBodyBytes is the largest request body, after base64
	// decoding, accepted when Handler.MaxBodyBytes is zero (1 MiB).
	DefaultMaxBodyBytes = 1 << 20

	// ContentTypeJSON is the Content-Type of every response.
	ContentTypeJSON = "application/json; charset=utf-8"
)

// Handler serves the API. The zero value is ready to use and behaves like
// Default: every zero field falls back to its documented default.
type Handler struct {
	// Prefix is the path prefix of every route, e.g. "/api". A trailing
	// slash is ignored. Empty means DefaultPrefix; use "/" to serve the
	// routes at the root.
	Prefix string

	// Now returns the current time. Nil means time.Now. Tests inject a
	// fixed clock here.
	Now func() time.Time

	// MaxBodyBytes limits the decoded request body size. Zero or a negative
	// value means DefaultMaxBodyBytes.
	MaxBodyBytes int

	// Log, when set, receives one JSON line per request: requestId (API
	// Gateway's, as in its access log), cloudFrontId (the X-Amz-Cf-Id
	// header, CloudFront's x-edge-request-id), viewerIp, method, path and
	// status. Headers, query strings and bodies are never logged. Nil logs
	// nothing.
	Log io.Writer
}

// Default is the Handler used by the package-level Handle function.
var Default = &Handler{Prefix: DefaultPrefix, Now: time.Now, MaxBodyBytes: DefaultMaxBodyBytes}

// Handle serves req with Default. It has the signature expected by
// lambda.Start for an API Gateway REST (v1) proxy integration.
func Handle(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return Default.Handle(ctx, req)
}

// route is one API endpoint. handle is called only for methods in allow.
type route struct {
	allow  []string
	handle func(h *Handler, req events.APIGatewayProxyRequest) events.APIGatewayProxyResponse
}

// routes maps a path relative to the prefix to its endpoint.
var routes = map[string]route{
	"/health": {
		allow:  []string{http.MethodGet, http.MethodHead},
		handle: (*Handler).health,
	},
	"/echo": {
		allow:  []string{http.MethodPost},
		handle: (*Handler).echo,
	},
	"/me": {
		allow:  []string{http.MethodGet},
		handle: (*Handler).me,
	},
}

// Handle routes req to the matching endpoint. The returned error is always
// nil: every outcome, including client errors, is a JSON response.
func (h *Handler) Handle(_ context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	resp := h.serve(req)
	if h.Log != nil {
		line, _ := json.Marshal(requestLog{
			RequestID:    req.RequestContext.RequestID,
			CloudFrontID: header(req, "X-Amz-Cf-Id"),
			ViewerIP:     ViewerIP(req),
			Method:       req.HTTPMethod,
			Path:         req.Path,
			Status:       resp.StatusCode,
		})
		_, _ = h.Log.Write(append(line, '\n'))
	}
	return resp, nil
}

// requestLog is the one line logged per request. Add nothing from headers
// or the request context wholesale: they carry the origin-verify key.
type requestLog struct {
	RequestID    string `json:"requestId"`
	CloudFrontID string `json:"cloudFrontId,omitempty"`
	ViewerIP     string `json:"viewerIp,omitempty"`
	Method       string `json:"method"`
	Path         string `json:"path"`
	Status       int    `json:"status"`
}

// ViewerIP returns the address of the client that called the site, or ""
// when the request carries none. Behind CloudFront, API Gateway's
// requestContext.identity.sourceIp is a CloudFront edge server, not the
// client. CloudFront appends the viewer's address to X-Forwarded-For
// (entries before it come from the client and can be forged), and API
// Gateway appends the edge's address after it; so the viewer is the last
// entry once a trailing entry equal to sourceIp is dropped.
func ViewerIP(req events.APIGatewayProxyRequest) string {
	var hops []string
	for _, line := range headerValues(req, "X-Forwarded-For") {
		for _, h := range strings.Split(line, ",") {
			if h = strings.TrimSpace(h); h != "" {
				hops = append(hops, h)
			}
		}
	}
	if n := len(hops); n > 1 && hops[n-1] == req.RequestContext.Identity.SourceIP {
		hops = hops[:n-1]
	}
	if len(hops) == 0 || net.ParseIP(hops[len(hops)-1]) == nil {
		return ""
	}
	return hops[len(hops)-1]
}

func (h *Handler) serve(req events.APIGatewayProxyRequest) events.APIGatewayProxyResponse {
	rel, ok := h.relativePath(req.Path)
	if !ok {
		return notFound(req.Path)
	}
	rt, ok := routes[rel]
	if !ok {
		return notFound(req.Path)
	}

	allow := strings.Join(rt.allow, ", ") + ", " + http.MethodOptions
	switch {
	case slices.Contains(rt.allow, req.HTTPMethod):
		return rt.handle(h, req)
	case req.HTTPMethod == http.MethodOptions:
		// Answer OPTIONS (including CORS preflights forwarded by
		// CloudFront, which adds the CORS headers itself) with the
		// allowed methods instead of a 405 that would fail a preflight.
		resp := respond(http.StatusNoContent, nil)
		resp.Headers["Allow"] = allow
		return resp
	default:
		resp := errorResponse(http.StatusMethodNotAllowed, "method not allowed")
		resp.Headers["Allow"] = allow
		return resp
	}
}

// relativePath strips the configured prefix and any trailing slashes from
// p. It reports false when p is not under the prefix.
func (h *Handler) relativePath(p string) (string, bool) {
	prefix := h.Prefix
	if prefix == "" {
		prefix = DefaultPrefix
	}
	prefix = strings.TrimRight(prefix, "/")
	if prefix != "" && !strings.HasPrefix(prefix, "/") {
		prefix = "/" + prefix
	}

	p = strings.TrimRight(p, "/")
	rest, ok := strings.CutPrefix(p, prefix)
	if !ok || (rest != "" && !strings.HasPrefix(rest, "/")) {
		// Not under the prefix, or a false match such as /apihealth.
		return "", false
	}
	return rest, true
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func (h *Handler) maxBodyBytes() int {
	if h.MaxBodyBytes > 0 {
		return h.MaxBodyBytes
	}
	return DefaultMaxBodyBytes
}

// health reports liveness and the server time. HEAD gets the same status
// and headers without a body.
func (h *Handler) health(req events.APIGatewayProxyRequest) events.APIGatewayProxyResponse {
	resp := respond(http.StatusOK, struct {
		Status string `json:"status"`
		Time   string `json:"time"`
	}{
		Status: "ok",
		Time:   h.now().UTC().Format(time.RFC3339),
	})
	if req.HTTPMethod == http.MethodHead {
		resp.Body = ""
	}
	return resp
}

// echo returns the request's JSON body along with its method and path.
func (h *Handler) echo(req events.APIGatewayProxyRequest) events.APIGatewayProxyResponse {
	if ct := header(req, "Content-Type"); ct != "" && !isJSONMediaType(ct) {
		return errorResponse(http.StatusUnsupportedMediaType, "Content-Type must be application/json")
	}

	limit := h.maxBodyBytes()
	body := []byte(req.Body)
	if req.IsBase64Encoded {
		// Reject oversized bodies before allocating the decoded copy.
		if len(req.Body) > base64.StdEncoding.EncodedLen(limit) {
			return tooLarge(limit)
		}
		decoded, err := base64.StdEncoding.DecodeString(req.Body)
		if err != nil {
			return errorResponse(http.StatusBadRequest, "request body is not valid base64")
		}
		body = decoded
	}
	if len(body) > limit {
		return tooLarge(limit)
	}

	if len(strings.TrimSpace(string(body))) == 0 {
		return errorResponse(http.StatusBadRequest, "request body must be a JSON document")
	}
	// Decoding into a RawMessage validates the whole document (rejecting
	// trailing data) while keeping numbers and key order exactly as sent.
	var doc json.RawMessage
	if err := json.Unmarshal(body, &doc); err != nil {
		return errorResponse(http.StatusBadRequest, "invalid JSON body: "+err.Error())
	}

	return respond(http.StatusOK, struct {
		Echo     json.RawMessage `json:"echo"`
		Method   string          `json:"method"`
		Path     string          `json:"path"`
		ViewerIP string          `json:"viewerIp,omitempty"`
		Received *received       `json:"received,omitempty"`
	}{
		Echo:     doc,
		Method:   req.HTTPMethod,
		Path:     req.Path,
		ViewerIP: ViewerIP(req),
		Received: receivedOf(req),
	})
}

// me returns the caller that the API's authorizer verified. The claims of
// a Cognito authorizer are under "claims"; a Lambda authorizer's entries
// (principalId and the context it returned) are the authorizer map itself,
// without integrationLatency, which API Gateway adds and which says nothing
// about the caller. A Lambda authorizer may name a context key "claims":
// only a map there is Cognito's.
func (h *Handler) me(req events.APIGatewayProxyRequest) events.APIGatewayProxyResponse {
	auth := req.RequestContext.Authorizer
	claims, ok := auth["claims"].(map[string]any)
	if !ok {
		claims = make(map[string]any, len(auth))
		for k, v := range auth {
			if k != "integrationLatency" && v != nil {
				claims[k] = v
			}
		}
	}
	if len(claims) == 0 {
		// Not a 200 with empty claims: a caller that reached this route
		// unverified means the route is public or the authorizer is
		// missing, and the client must not take it for a signed-in user.
		return respond(http.StatusUnauthorized, struct {
			Message string `json:"message"`
		}{Message: "no verified caller: " + req.HTTPMethod + " " + req.Path +
			" reached the handler without an authorizer's claims; it must sit behind the API's authorizer, not on a public path"})
	}
	return respond(http.StatusOK, struct {
		Claims map[string]any `json:"claims"`
	}{Claims: claims})
}

// received says what reached the backend besides the body: the names of
// the request headers (never their values) and the query string, so that
// a check from outside can see that CloudFront forwards them (pitfall
// headers-dropped). CloudFront's origin-verify key header is left out.
type received struct {
	Headers []string          `json:"headers,omitempty"`
	Query   map[string]string `json:"query,omitempty"`
}

// originKeyHeader is the header that carries CloudFront's origin-verify
// API key; the echo does not name it.
const originKeyHeader = "x-api-key"

func receivedOf(req events.APIGatewayProxyRequest) *received {
	names := map[string]bool{}
	for k := range req.Headers {
		names[strings.ToLower(k)] = true
	}
	for k := range req.MultiValueHeaders {
		names[strings.ToLower(k)] = true
	}
	delete(names, originKeyHeader)
	r := &received{Query: req.QueryStringParameters}
	for k := range names {
		r.Headers = append(r.Headers, k)
	}
	slices.Sort(r.Headers)
	if len(r.Headers) == 0 && len(r.Query) == 0 {
		return nil
	}
	return r
}

// isJSONMediaType reports whether ct is application/json or a structured
// "+json" type, with any parameters (such as charset).
func isJSONMediaType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" ||
		(strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// header returns the first value of the named request header, matching the
// name case-insensitively (clients and CloudFront may send any case).
func header(req events.APIGatewayProxyRequest, name string) string {
	if vs := headerValues(req, name); len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// headerValues returns every value of the named request header: API
// Gateway repeats them in MultiValueHeaders, and Headers holds the last.
func headerValues(req events.APIGatewayProxyRequest, name string) []string {
	for k, vs := range req.MultiValueHeaders {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs
		}
	}
	for k, v := range req.Headers {
		if strings.EqualFold(k, name) {
			return []string{v}
		}
	}
	return nil
}

func notFound(path string) events.APIGatewayProxyResponse {
	return respond(http.StatusNotFound, struct {
		Error string `json:"error"`
		Path  string `json:"path"`
	}{Error: "not found", Path: path})
}

func tooLarge(limit int) events.APIGatewayProxyResponse {
	return errorResponse(http.StatusRequestEntityTooLarge,
		"request body exceeds "+strconv.Itoa(limit)+" bytes")
}

func errorResponse(status int, msg string) events.APIGatewayProxyResponse {
	return respond(status, struct {
		Error string `json:"error"`
	}{Error: msg})
}

// internalErrorBody is used if a response body cannot be encoded, which
// should not happen with the fixed response types above.
const internalErrorBody = `{"error":"internal server error"}`

// respond builds a response with the common headers. A nil v yields an
// empty body.
func respond(status int, v any) events.APIGatewayProxyResponse {
	resp := events.APIGatewayProxyResponse{
		StatusCode: status,
		Headers: map[string]string{
			"Content-Type":           ContentTypeJSON,
			"Cache-Control":          "no-store",
			"X-Content-Type-Options": "nosniff",
		},
	}
	if v == nil {
		return resp
	}
	b, err := json.Marshal(v)
	if err != nil {
		resp.StatusCode = http.StatusInternalServerError
		resp.Body = internalErrorBody
		return resp
	}
	resp.Body = string(b)
	return resp
}
