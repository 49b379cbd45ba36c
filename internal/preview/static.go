package preview

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"strings"

	"github.com/one-origin/staticsitewithapi/internal/routing"
)

// contentTypes are set explicitly rather than taken from the OS mime table,
// which differs between machines (a module script served as text/plain or
// application/octet-stream does not run). They match what the deployment
// uploads with.
var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".json":        "application/json",
	".map":         "application/json",
	".webmanifest": "application/manifest+json",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".jpeg":        "image/jpeg",
	".gif":         "image/gif",
	".webp":        "image/webp",
	".avif":        "image/avif",
	".ico":         "image/x-icon",
	".wasm":        "application/wasm",
	".woff2":       "font/woff2",
	".woff":        "font/woff",
	".ttf":         "font/ttf",
	".otf":         "font/otf",
	".txt":         "text/plain; charset=utf-8",
	".xml":         "application/xml",
	".pdf":         "application/pdf",
}

// defaultContentType is what S3 stores for an object uploaded without one.
const defaultContentType = "binary/octet-stream"

// ContentType returns the Content-Type the preview serves a file name with
// (a path relative to the folder).
func ContentType(name string) string {
	if ct, ok := routing.FileContentTypes["/"+name]; ok {
		return ct
	}
	if ct, ok := contentTypes[strings.ToLower(path.Ext(name))]; ok {
		return ct
	}
	return defaultContentType
}

// configPath is generated, never read from the folder: the deployment also
// writes its own, replacing any config.json in the build.
const configPath = "/config.json"

// serveStatic answers like the distribution's default (S3) behavior.
func (s *server) serveStatic(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		// The S3 behavior allows GET and HEAD only; CloudFront rejects
		// anything else itself (a POST here is the s3-origin pitfall:
		// the frontend called a path outside the API prefix).
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Allow", "GET, HEAD")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, "<h1>403 ERROR</h1><h2>The request could not be satisfied.</h2>"+
			"This distribution is not configured to allow the HTTP request method that was used for this request. "+
			"The distribution supports only cachable requests. (preview: %s %s is outside %s/)\n",
			r.Method, r.URL.Path, s.prefix)
		return
	}
	if r.URL.Path == configPath {
		s.serveConfig(w, r)
		return
	}

	name := strings.TrimPrefix(path.Clean(routing.Rewrite(r.URL.Path)), "/")
	f, err := s.root.Open(name)
	if err != nil {
		accessDenied(w)
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		// S3 has no directories: a key such as "assets" does not exist.
		accessDenied(w)
		return
	}

	h := w.Header()
	h.Set("Content-Type", ContentType(name))
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	if s.csp != "" {
		h.Set("Content-Security-Policy", s.csp)
	}
	http.ServeContent(w, r, name, info.ModTime(), f)
}

// serveConfig writes the runtime configuration the deployment would.
// apiBase is relative on purpose (pitfall absolute-base-url).
func (s *server) serveConfig(w http.ResponseWriter, r *http.Request) {
	siteURL := s.siteURL
	if siteURL == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		siteURL = scheme + "://" + r.Host
	}
	b, err := json.MarshalIndent(struct {
		ApiBase     string `json:"apiBase"`
		Environment string `json:"environment"`
		SiteURL     string `json:"siteUrl"`
	}{s.prefix, s.env, siteURL}, "", "  ")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentTypes[".json"])
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(append(b, '\n'))
}

// accessDenied answers a missing object the way S3 does when CloudFront
// reaches it through Origin Access Control without s3:ListBucket: 403, not
// 404 (pitfall spa-deeplink for extension-less paths, which routing.Rewrite
// already sends to index.html).
func accessDenied(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusForbidden)
	fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"+
		"<Error><Code>AccessDenied</Code><Message>Access Denied</Message>"+
		"<RequestId>%s</RequestId><HostId>preview</HostId></Error>", newRequestID())
}
