package preview

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"strings"

	"github.com/one-origin/staticsitewithapi/internal/upload"
)

// configPath is generated, never read from the folder: the deployment also
// writes its own, replacing any config.json in the build.
const configPath = "/" + upload.ConfigKey

// serveStatic answers like the distribution's default (S3) behavior, for
// the object at objectPath (the request path after routing.Rewrite).
func (s *server) serveStatic(w http.ResponseWriter, r *http.Request, objectPath string) {
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
	if objectPath == configPath {
		s.serveConfig(w, r)
		return
	}

	// An S3 key is the path without its leading "/"; os.Root keeps the
	// lookup inside the folder.
	name := strings.TrimPrefix(path.Clean(objectPath), "/")
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

	// The folder's hashed-file rule is read on every request, so a rebuild
	// with a new bundler manifest is served as it would be uploaded.
	hashed, err := upload.HashedFiles(s.dir)
	if err != nil {
		http.Error(w, fmt.Sprintf("preview: site folder %q: %v", s.dir, err), http.StatusInternalServerError)
		return
	}
	o := upload.Decide(name, hashed)
	h := w.Header()
	h.Set("Content-Type", o.ServedContentType(name))
	h.Set("Cache-Control", o.CacheControl)
	h.Set("X-Content-Type-Options", "nosniff")
	if s.csp != "" {
		h.Set("Content-Security-Policy", s.csp)
	}
	http.ServeContent(w, r, name, info.ModTime(), f)
}

// serveConfig writes the runtime configuration the deployment would, but
// for siteUrl, which is the preview's own. apiBase is relative on purpose
// (pitfall absolute-base-url).
func (s *server) serveConfig(w http.ResponseWriter, r *http.Request) {
	siteURL := s.origin(r)
	config := upload.Config(s.runtime, s.prefix, siteURL)
	if s.auth != nil {
		config[upload.ConfigAuth] = s.auth.config(siteURL)
	}
	b, err := json.MarshalIndent(config, "", "  ")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	o := upload.Decide(upload.ConfigKey, nil)
	h := w.Header()
	h.Set("Content-Type", o.ContentType)
	h.Set("Cache-Control", o.CacheControl)
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
