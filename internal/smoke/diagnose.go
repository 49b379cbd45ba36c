package smoke

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"mime"
	"net/http"
	"strings"
)

// PitfallID is a pitfall's stable ID from PITFALLS.md, such as
// "edge-methods". The empty ID means no known pitfall.
type PitfallID string

// The pitfalls the checker can recognise from outside the distribution.
const (
	// EdgeMethods: the API behavior allows only GET/HEAD, so CloudFront
	// answers other methods with its own 403 page.
	EdgeMethods PitfallID = "edge-methods"
	// S3Origin: an API request matched the default behavior and reached S3.
	S3Origin PitfallID = "s3-origin"
	// ApiRoute: API Gateway has no resource and method for the forwarded path.
	ApiRoute PitfallID = "api-route"
	// HostHeader: the viewer's Host header reached execute-api, which
	// answers 403 Forbidden.
	HostHeader PitfallID = "host-header"
	// ApiCached: CloudFront served an API response from its cache.
	ApiCached PitfallID = "api-cached"
	// PreflightAuth: a CORS preflight was refused by authorization or found
	// no OPTIONS method.
	PreflightAuth PitfallID = "preflight-auth"
	// CorsDuplicate: a response carried more than one
	// Access-Control-Allow-Origin value.
	CorsDuplicate PitfallID = "cors-duplicate"
	// ErrorMasked: an API path answered with the SPA's HTML.
	ErrorMasked PitfallID = "error-masked"
	// SpaDeeplink: a client-side route got S3's error instead of index.html.
	SpaDeeplink PitfallID = "spa-deeplink"
	// OriginTimeout: CloudFront gave up waiting for the origin (504).
	OriginTimeout PitfallID = "origin-timeout"
	// ErrorsCached: CloudFront served an API error from its cache.
	ErrorsCached PitfallID = "errors-cached"
	// ChunkDeleted: a file of the previous build is gone right after a
	// deploy, so pages opened before it cannot load their lazy chunks.
	ChunkDeleted PitfallID = "chunk-deleted"
	// ApiUncompressed: a large API response came back uncompressed to a
	// client that accepts gzip.
	ApiUncompressed PitfallID = "api-uncompressed"
	// WellknownRewritten: a /.well-known/ path was answered with the SPA's
	// index.html.
	WellknownRewritten PitfallID = "wellknown-rewritten"
)

// fixes holds one line per pitfall: what to change so it goes away.
var fixes = map[PitfallID]string{
	EdgeMethods:        "allow all seven methods on the API behavior (AllowedMethods_ALLOW_ALL); CDK's default behavior allows only GET and HEAD",
	S3Origin:           "route the API prefix to the API origin with a behavior whose path pattern is <prefix>/* (it does not match the bare prefix), and make the frontend call only paths under that prefix",
	ApiRoute:           "use the stage as the API origin path and give the API an ANY {proxy+} resource covering the prefix (CloudFront forwards /api/x as /<stage>/api/x)",
	HostHeader:         "forward every viewer header except Host (origin request policy AllViewerExceptHostHeader); if Host is already not forwarded, API Gateway is refusing CloudFront's secret origin header: its value no longer matches an API key (secret-rotation: rotate by raising originSecretGeneration and deploying, never with put-secret-value)",
	ApiCached:          "use the CachingDisabled cache policy (4135ea2d-6df8-44a3-9df3-4b5a84be39ad) on the API behavior",
	PreflightAuth:      "define OPTIONS on every API resource, including {proxy+}, as a MOCK method with no authorizer and no API key",
	CorsDuplicate:      "let one layer own CORS: remove Access-Control-* headers from the backend and API Gateway, or drop the CloudFront response headers policy",
	ErrorMasked:        "remove distribution-wide custom error responses (403/404 -> /index.html) and do the SPA fallback with a viewer-request function on the S3 behavior only; if there are none, the request reached S3 (s3-origin)",
	SpaDeeplink:        "attach a viewer-request CloudFront Function to the S3 behavior that rewrites extension-less paths to /index.html",
	OriginTimeout:      "set the API origin's read timeout to at least the 29 s integration timeout (30 s by default), or make the backend answer faster",
	ErrorsCached:       "set the Error Caching Minimum TTL to 0, with no response page, for 400, 403, 404, 405, 414 and 500-504 (CloudFront caches them 10 s by default)",
	ChunkDeleted:       "do not prune the previous build's hashed files on deploy: keep them for a few days (the construct tags them superseded and a lifecycle rule deletes them later)",
	ApiUncompressed:    "set the REST API's minimum compression size (MinCompressionSize): CloudFront does not compress a behavior that does not cache",
	WellknownRewritten: "leave /.well-known/ paths alone in the SPA rewrite: they are files (apple-app-site-association has no extension)",
}

// Pitfalls lists every ID that Diagnose or Run can report, in the order of
// PITFALLS.md.
func Pitfalls() []PitfallID {
	return []PitfallID{EdgeMethods, S3Origin, ApiRoute, HostHeader, ApiCached, PreflightAuth, CorsDuplicate, ErrorMasked, SpaDeeplink, OriginTimeout,
		ErrorsCached, ChunkDeleted, ApiUncompressed, WellknownRewritten}
}

// Fix is a one-line remedy for the pitfall, or "" for an unknown ID.
func (id PitfallID) Fix() string { return fixes[id] }

// Response is what the checker saw for one request: the inputs of Diagnose.
type Response struct {
	// Method is the request method, such as "POST".
	Method string
	// Path is the request path relative to the site, such as "/api/echo".
	Path string
	// Api is true when the request was meant for the API (health, echo,
	// unknown route, preflight), whatever its path.
	Api bool
	// Status is the HTTP status code.
	Status int
	// Header holds the response headers.
	Header http.Header
	// Body is the response body, possibly truncated.
	Body []byte
}

// Diagnose names the pitfall whose signature the response carries, or ""
// when it matches none. It is a pure function of r: it knows nothing of what
// the request was expected to return, so a healthy 200 yields "". The most
// specific signature wins: a 504 is origin-timeout and CloudFront's own
// method page is edge-methods before any header is looked at.
func Diagnose(r Response) PitfallID {
	if r.Status == http.StatusGatewayTimeout {
		return OriginTimeout
	}
	if bytes.Contains(r.Body, []byte("This distribution is not configured to allow the HTTP request method")) {
		return EdgeMethods
	}
	if code := s3ErrorCode(r.Body); code != "" {
		switch {
		case r.Api:
			return S3Origin
		case (code == "AccessDenied" || code == "NoSuchKey") && strings.Trim(r.Path, "/") != "":
			return SpaDeeplink
		}
		return ""
	}
	if r.Api {
		msg := gatewayMessage(r.Body)
		preflight := r.Method == http.MethodOptions
		switch {
		case msg == "Missing Authentication Token" ||
			strings.HasPrefix(r.Header.Get("X-Amzn-ErrorType"), "MissingAuthenticationTokenException"):
			if preflight {
				return PreflightAuth
			}
			return ApiRoute
		case preflight && (r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden):
			return PreflightAuth
		case msg == "Forbidden" && r.Status == http.StatusForbidden:
			return HostHeader
		case isHTML(r) && !bytes.Contains(r.Body, []byte("The request could not be satisfied")):
			// HTML other than CloudFront's own error page (a 502 for a
			// broken origin, say) is the SPA answering for the API.
			return ErrorMasked
		}
	}
	if allowOriginCount(r.Header) > 1 {
		return CorsDuplicate
	}
	if r.Api && servedFromCache(r.Header) {
		if r.Status >= 400 {
			return ErrorsCached
		}
		return ApiCached
	}
	return ""
}

// s3ErrorCode returns the Code of an S3 XML error document, or "".
func s3ErrorCode(body []byte) string {
	b := bytes.TrimSpace(body)
	if !bytes.HasPrefix(b, []byte("<?xml")) && !bytes.HasPrefix(b, []byte("<Error>")) {
		return ""
	}
	var doc struct {
		XMLName xml.Name
		Code    string `xml:"Code"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil || doc.XMLName.Local != "Error" {
		return ""
	}
	return strings.TrimSpace(doc.Code)
}

// gatewayMessage returns the "message" of API Gateway's JSON error body,
// such as "Missing Authentication Token", or "".
func gatewayMessage(body []byte) string {
	var doc struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return ""
	}
	return doc.Message
}

// mediaType returns the lower-case media type of the Content-Type header.
func mediaType(h http.Header) string {
	mt, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		return ""
	}
	return mt
}

// isHTML reports whether the response is an HTML page, by Content-Type or,
// when that is missing or generic, by its first bytes.
func isHTML(r Response) bool {
	if mediaType(r.Header) == "text/html" {
		return true
	}
	start := bytes.ToLower(bytes.TrimSpace(r.Body))
	return bytes.HasPrefix(start, []byte("<!doctype html")) || bytes.HasPrefix(start, []byte("<html"))
}

// isJSON reports whether the response declares a JSON media type and its
// body is valid JSON.
func isJSON(r Response) bool {
	mt := mediaType(r.Header)
	return (mt == "application/json" || strings.HasSuffix(mt, "+json")) && json.Valid(r.Body)
}

// allowOriginCount counts Access-Control-Allow-Origin values, whether sent
// as repeated header lines or joined with commas in one line: browsers
// reject both forms.
func allowOriginCount(h http.Header) int {
	n := 0
	for _, line := range h.Values("Access-Control-Allow-Origin") {
		for _, v := range strings.Split(line, ",") {
			if strings.TrimSpace(v) != "" {
				n++
			}
		}
	}
	return n
}

// servedFromCache reports CloudFront's signs of a cached answer: an X-Cache
// of "Hit from cloudfront" (or RefreshHit) or an Age header.
func servedFromCache(h http.Header) bool {
	xc := strings.ToLower(strings.TrimSpace(h.Get("X-Cache")))
	return strings.HasPrefix(xc, "hit") || strings.HasPrefix(xc, "refreshhit") || h.Get("Age") != ""
}
