package preview

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/one-origin/staticsitewithapi/internal/routing"
)

const (
	// maxBodyBytes is Lambda's limit for a synchronous invocation payload;
	// API Gateway itself would take up to 10 MB and then fail the call.
	maxBodyBytes = 6 << 20

	// integrationTimeout is the REST API integration timeout (pitfall
	// origin-timeout): a slower handler gets API Gateway's 504.
	integrationTimeout = routing.IntegrationTimeout
)

// serveAPI runs one request through the Lambda handler, as API Gateway's
// proxy integration would.
func (s *server) serveAPI(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			gatewayError(w, http.StatusRequestEntityTooLarge, "Request Entity Too Large")
			return
		}
		gatewayError(w, http.StatusBadRequest, "Bad Request")
		return
	}

	ev := s.event(r, body, time.Now())
	w.Header().Set("X-Amzn-Requestid", ev.RequestContext.RequestID)
	if s.auth != nil {
		// The authorizer runs before the integration: a refused request
		// never reaches the handler.
		claims, refused := s.auth.authorizer(r, s.origin(r))
		if refused != "" {
			unauthorized(w, refused)
			return
		}
		if claims != nil {
			ev.RequestContext.Authorizer = map[string]any{"claims": claims}
		}
	}

	ctx, cancel := context.WithTimeout(r.Context(), integrationTimeout)
	defer cancel()
	resp, err := s.handler(ctx, ev)
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		gatewayError(w, http.StatusGatewayTimeout, "Endpoint request timed out")
	case err != nil:
		// A Lambda error becomes API Gateway's 502; the client never
		// sees the message.
		gatewayError(w, http.StatusBadGateway, "Internal server error")
	default:
		writeResponse(w, resp, r.Header.Get("Accept-Encoding"))
	}
}

// event builds the APIGatewayProxyRequest that a REST API with a root
// {proxy+} resource (ANY, Lambda proxy integration) sends for r. CloudFront
// forwards /api/x to /<stage>/api/x and API Gateway strips the stage, so
// Path is the viewer's full path.
//
// One deviation: API Gateway base64-encodes a body only when its
// Content-Type is in the API's binaryMediaTypes; here any body that is not
// text (by Content-Type, or not valid UTF-8) is sent base64-encoded, which
// is what a handler must cope with once binary types are configured.
func (s *server) event(r *http.Request, body []byte, now time.Time) events.APIGatewayProxyRequest {
	headers, multiHeaders := map[string]string{}, map[string][]string{}
	add := func(k string, vs ...string) {
		if len(vs) == 0 {
			return
		}
		multiHeaders[k] = append(multiHeaders[k], vs...)
		// API Gateway keeps the last value in the single-value map.
		headers[k] = multiHeaders[k][len(multiHeaders[k])-1]
	}
	for k, vs := range r.Header {
		add(k, vs...)
	}
	// net/http moves Host out of the header map; API Gateway has it.
	add("Host", r.Host)
	clientIP := r.RemoteAddr
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		clientIP = host
	}
	proto, port := "http", "80"
	if r.TLS != nil {
		proto, port = "https", "443"
	}
	if _, p, err := net.SplitHostPort(r.Host); err == nil {
		port = p
	}
	add("X-Forwarded-For", clientIP)
	add("X-Forwarded-Proto", proto)
	add("X-Forwarded-Port", port)

	var query map[string]string
	var multiQuery map[string][]string
	if r.URL.RawQuery != "" {
		// ParseQuery keeps what it could parse when some pair is malformed.
		values, _ := url.ParseQuery(r.URL.RawQuery)
		if len(values) > 0 {
			query, multiQuery = map[string]string{}, map[string][]string(values)
			for k, vs := range values {
				query[k] = vs[len(vs)-1]
			}
		}
	}

	ev := events.APIGatewayProxyRequest{
		Resource:                        "/{proxy+}",
		Path:                            r.URL.Path,
		HTTPMethod:                      r.Method,
		Headers:                         headers,
		MultiValueHeaders:               multiHeaders,
		QueryStringParameters:           query,
		MultiValueQueryStringParameters: multiQuery,
		PathParameters:                  map[string]string{"proxy": strings.TrimPrefix(r.URL.Path, "/")},
		RequestContext: events.APIGatewayProxyRequestContext{
			ResourcePath:     "/{proxy+}",
			Path:             "/" + s.stage + r.URL.Path,
			HTTPMethod:       r.Method,
			Stage:            s.stage,
			RequestID:        newRequestID(),
			APIID:            "preview",
			DomainName:       r.Host,
			Protocol:         r.Proto,
			RequestTime:      now.UTC().Format("02/Jan/2006:15:04:05 -0700"),
			RequestTimeEpoch: now.UnixMilli(),
			Identity: events.APIGatewayRequestIdentity{
				SourceIP:  clientIP,
				UserAgent: r.UserAgent(),
			},
		},
	}
	if len(body) > 0 {
		if isText(r.Header.Get("Content-Type")) && utf8.Valid(body) {
			ev.Body = string(body)
		} else {
			ev.Body = base64.StdEncoding.EncodeToString(body)
			ev.IsBase64Encoded = true
		}
	}
	return ev
}

// isText reports whether a body of Content-Type ct can travel as a string.
// A missing Content-Type counts as text, as API Gateway treats it.
func isText(ct string) bool {
	if ct == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"),
		strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"):
		return true
	}
	switch mt {
	case "application/json", "application/xml", "application/javascript",
		"application/x-www-form-urlencoded", "application/graphql":
		return true
	}
	return false
}

// minCompressionBytes is the construct's default MinCompressionSize: API
// Gateway compresses responses from this size for clients that accept it.
const minCompressionBytes = 1024

// writeResponse writes a proxy integration response. As API Gateway does,
// values from MultiValueHeaders win over Headers for the same name, a
// response API Gateway could not map (no valid status, bad base64) is a 502,
// and a response of minCompressionBytes or more that is not encoded yet is
// gzipped for a client that accepts gzip (pitfall api-uncompressed).
func writeResponse(w http.ResponseWriter, resp events.APIGatewayProxyResponse, acceptEncoding string) {
	if resp.StatusCode < 100 || resp.StatusCode > 599 {
		gatewayError(w, http.StatusBadGateway, "Internal server error")
		return
	}
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		decoded, err := base64.StdEncoding.DecodeString(resp.Body)
		if err != nil {
			gatewayError(w, http.StatusBadGateway, "Internal server error")
			return
		}
		body = decoded
	}
	h := w.Header()
	for k, vs := range resp.MultiValueHeaders {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	for k, v := range resp.Headers {
		if _, done := resp.MultiValueHeaders[k]; !done {
			h.Set(k, v)
		}
	}
	if len(body) >= minCompressionBytes && h.Get("Content-Encoding") == "" && acceptsGzip(acceptEncoding) {
		var zipped bytes.Buffer
		zw := gzip.NewWriter(&zipped)
		_, _ = zw.Write(body)
		_ = zw.Close()
		body = zipped.Bytes()
		h.Set("Content-Encoding", "gzip")
		h.Del("Content-Length")
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(body)
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			return strings.ReplaceAll(strings.TrimSpace(params), " ", "") != "q=0"
		}
	}
	return false
}

// gatewayError writes an error the way API Gateway itself words it.
func gatewayError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, "{\"message\":%q}\n", msg)
}

// newRequestID returns a random UUID, the form of API Gateway's request IDs.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand panics instead)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
