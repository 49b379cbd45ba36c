package smoke

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"mime"
	"net/http"
	"strings"

	"github.com/one-origin/staticsitewithapi/pitfalls"
)

// PitfallID is a pitfall's stable ID, such as "edge-methods"; the catalog
// in package pitfalls (and docs/PITFALLS.md) describes each one, and
// PitfallID.Fix gives its one-line remedy. The empty ID means no known
// pitfall.
type PitfallID = pitfalls.ID

// The pitfalls the checker can recognise from outside the distribution.
const (
	// EdgeMethods: the API behavior allows only GET/HEAD, so CloudFront
	// answers other methods with its own 403 page.
	EdgeMethods = pitfalls.EdgeMethods
	// S3Origin: an API request matched the default behavior and reached S3.
	S3Origin = pitfalls.S3Origin
	// ApiRoute: API Gateway has no resource and method for the forwarded path.
	ApiRoute = pitfalls.ApiRoute
	// HostHeader: the viewer's Host header reached execute-api, which
	// answers 403 Forbidden.
	HostHeader = pitfalls.HostHeader
	// ApiCached: CloudFront served an API response from its cache.
	ApiCached = pitfalls.ApiCached
	// PreflightAuth: a CORS preflight was refused by authorization or found
	// no OPTIONS method.
	PreflightAuth = pitfalls.PreflightAuth
	// CorsDuplicate: a response carried more than one
	// Access-Control-Allow-Origin value.
	CorsDuplicate = pitfalls.CorsDuplicate
	// ErrorMasked: an API path answered with the SPA's HTML.
	ErrorMasked = pitfalls.ErrorMasked
	// SpaDeeplink: a client-side route got S3's error instead of index.html.
	SpaDeeplink = pitfalls.SpaDeeplink
	// OriginTimeout: CloudFront gave up waiting for the origin (504).
	OriginTimeout = pitfalls.OriginTimeout
	// ErrorsCached: CloudFront served an API error from its cache.
	ErrorsCached = pitfalls.ErrorsCached
	// ChunkDeleted: a file of the previous build is gone right after a
	// deploy, so pages opened before it cannot load their lazy chunks.
	ChunkDeleted = pitfalls.ChunkDeleted
	// ApiUncompressed: a large API response came back uncompressed to a
	// client that accepts gzip.
	ApiUncompressed = pitfalls.ApiUncompressed
	// WellknownRewritten: a /.well-known/ path was answered with the SPA's
	// index.html.
	WellknownRewritten = pitfalls.WellknownRewritten

	// HeadersDropped: the backend did not get the viewer's Content-Type,
	// Authorization, custom headers or query string.
	HeadersDropped = pitfalls.HeadersDropped
	// CorsErrors: an API error lacked the Access-Control-Allow-Origin that
	// a successful answer to the same origin carried.
	CorsErrors = pitfalls.CorsErrors
	// EdgeOptimized: an API answer crossed two CloudFront distributions
	// (two "(CloudFront)" entries in Via).
	EdgeOptimized = pitfalls.EdgeOptimized
	// DirectAccess: the execute-api URL answered without CloudFront's key.
	DirectAccess = pitfalls.DirectAccess
	// StaleFrontend: index.html or config.json may be cached without
	// revalidation.
	StaleFrontend = pitfalls.StaleFrontend
	// ConfigPruned: /config.json is missing.
	ConfigPruned = pitfalls.ConfigPruned
	// AbsoluteBaseUrl: the frontend calls the API by an absolute URL.
	AbsoluteBaseUrl = pitfalls.AbsoluteBaseUrl
)

// Pitfalls lists every ID that Diagnose or Run can report, in catalog
// order. The catalog marks exactly these with pitfalls.Smoke.
func Pitfalls() []PitfallID {
	return []PitfallID{EdgeMethods, S3Origin, ApiRoute, HostHeader, HeadersDropped, ApiCached, PreflightAuth, CorsDuplicate, CorsErrors,
		ErrorMasked, SpaDeeplink, EdgeOptimized, OriginTimeout, DirectAccess, StaleFrontend, ConfigPruned, AbsoluteBaseUrl,
		ErrorsCached, ChunkDeleted, ApiUncompressed, WellknownRewritten}
}

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
		case (code == "AccessDenied" || code == "NoSuchKey") && r.Path == ConfigPath:
			// The construct always uploads it: another deployment pruned it.
			return ConfigPruned
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
