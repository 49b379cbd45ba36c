// Package spa holds the single-page-application routing rule that the
// CloudFront viewer-request function (constructs/staticsite/spa_rewrite.js)
// applies on the S3 behavior, written in Go so local tools such as the
// preview server (internal/preview) route exactly like the distribution.
//
// Both implementations are run over test/testdata/spa-rewrite-cases.json:
// this package's test in Go, test/spa_function_test.go in Node. Add a row
// there when the rule changes, never to only one side.
package spa

import "strings"

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

// Rewrite returns the object path to fetch for the request path uri (the
// path only, without the query string). A path whose last segment contains
// no "." is a client-side route and becomes IndexPath, except under
// WellKnownPrefix; anything else (an asset, a dotfile) is returned
// unchanged, so a missing file stays missing instead of silently turning
// into the page (pitfall error-masked).
func Rewrite(uri string) string {
	if strings.HasPrefix(uri, WellKnownPrefix) {
		return uri
	}
	last := uri[strings.LastIndexByte(uri, '/')+1:]
	if !strings.Contains(last, ".") {
		return IndexPath
	}
	return uri
}
