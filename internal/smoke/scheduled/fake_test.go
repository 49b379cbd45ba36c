package scheduled_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/one-origin/staticsitewithapi/backend/apihandler"
	"github.com/one-origin/staticsitewithapi/internal/preview"
)

// allowedOrigin is the one origin the fake site's CORS policy allows.
const allowedOrigin = "https://app.example.com"

// indexHTML is the SPA's page; it loads no script, so the API base check
// reads only /config.json.
const indexHTML = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>fake SPA</title></head><body><div id=\"app\"></div></body></html>\n"

// s3AccessDenied is S3's answer, through Origin Access Control, for a key
// that does not exist.
const s3AccessDenied = `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>5BQ8N7Q4V1B2C3D4</RequestId></Error>`

// fakeSite is a small stand-in for a correctly deployed distribution, the
// one package smoke's tests replay in more detail: S3 with the SPA rewrite
// for paths outside /api, the bundled Go backend under /api behind
// CloudFront's CORS policy for allowedOrigin. A scenario's override sees
// every request first and returns true when it answered it.
type fakeSite struct {
	override func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool

	backend http.Handler // the API: the bundled handler behind the preview's API Gateway

	mu       sync.Mutex
	requests []*http.Request // headers of every request, for the token test
	health   int             // GET /api/health requests so far
}

// start serves the site on a loopback port for the test's lifetime.
func start(t *testing.T, override func(*fakeSite, http.ResponseWriter, *http.Request) bool) (*fakeSite, *httptest.Server) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte(indexHTML), 0o644); err != nil {
		t.Fatal(err)
	}
	s := &fakeSite{override: override, backend: preview.New(preview.Options{
		Dir: dir, Handler: apihandler.Handle, CorsAllowOrigins: []string{allowedOrigin},
	})}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

func (s *fakeSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r.Clone(r.Context()))
	if r.Method == http.MethodGet && r.URL.Path == "/api/health" {
		s.health++
	}
	s.mu.Unlock()
	if s.override != nil && s.override(s, w, r) {
		return
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.api(w, r)
		return
	}
	s.s3(w, r)
}

// healthCount returns how many GET /api/health requests the site got.
func (s *fakeSite) healthCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.health
}

// headers returns every header value of every request the site got.
func (s *fakeSite) headers() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []string
	for _, r := range s.requests {
		for name, values := range r.Header {
			for _, v := range values {
				all = append(all, name+": "+v)
			}
		}
	}
	return all
}

// s3 is the default behavior: extension-less paths outside /.well-known/
// are rewritten to /index.html; a missing key is S3's 403.
func (s *fakeSite) s3(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if !strings.HasPrefix(p, "/.well-known/") && !strings.Contains(p[strings.LastIndex(p, "/")+1:], ".") {
		p = "/index.html"
	}
	switch p {
	case "/index.html":
		replay(w, http.StatusOK, []byte(indexHTML), "Content-Type", "text/html", "Cache-Control", "no-cache", "Server", "AmazonS3")
	case "/config.json":
		replay(w, http.StatusOK, []byte(`{"environment":"prod","apiBase":"/api"}`),
			"Content-Type", "application/json", "Cache-Control", "no-cache", "Server", "AmazonS3")
	default:
		replay(w, http.StatusForbidden, []byte(s3AccessDenied), "Content-Type", "application/xml", "Server", "AmazonS3", "X-Cache", "Error from cloudfront")
	}
}

// api is the API behavior (CachingDisabled, CloudFront's CORS policy for
// allowedOrigin) in front of the bundled Go backend itself, served as API
// Gateway would by the local preview's API emulation: its health, echo,
// 404s and the MOCK preflights are the real ones, not a copy.
func (s *fakeSite) api(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	if h.Get("X-Cache") == "" {
		h.Set("X-Cache", "Miss from cloudfront")
	}
	h.Set("Via", "1.1 0a1b2c3d4e5f.cloudfront.net (CloudFront)")
	s.backend.ServeHTTP(w, r)
}

// replay writes a response: the headers given as name/value pairs, the
// status and the body.
func replay(w http.ResponseWriter, status int, body []byte, headers ...string) {
	for i := 0; i+1 < len(headers); i += 2 {
		w.Header().Set(headers[i], headers[i+1])
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	replay(w, status, b, "Content-Type", "application/json; charset=utf-8", "Cache-Control", "no-store")
}
