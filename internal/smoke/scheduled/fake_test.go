package scheduled_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
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

	mu       sync.Mutex
	requests []*http.Request // headers of every request, for the token test
	health   int             // GET /api/health requests so far
}

// start serves the site on a loopback port for the test's lifetime.
func start(t *testing.T, override func(*fakeSite, http.ResponseWriter, *http.Request) bool) (*fakeSite, *httptest.Server) {
	s := &fakeSite{override: override}
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

// api is the API behavior (CachingDisabled, CloudFront's CORS policy) in
// front of the bundled backend's health, echo and 404.
func (s *fakeSite) api(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	if h.Get("X-Cache") == "" {
		h.Set("X-Cache", "Miss from cloudfront")
	}
	h.Set("Via", "1.1 0a1b2c3d4e5f.cloudfront.net (CloudFront)")
	if r.Header.Get("Origin") == allowedOrigin {
		h.Set("Access-Control-Allow-Origin", allowedOrigin)
		h.Set("Vary", "Origin")
	}
	if r.Method == http.MethodOptions {
		if r.Header.Get("Origin") == allowedOrigin {
			h.Set("Access-Control-Allow-Methods", "GET,HEAD,OPTIONS,PUT,PATCH,POST,DELETE")
			h.Set("Access-Control-Allow-Headers", "Content-Type,Authorization")
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	switch {
	case r.URL.Path == "/api/health" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	case r.URL.Path == "/api/echo" && r.Method == http.MethodPost:
		// The bundled backend refuses a body declared as anything but JSON.
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
			writeJSON(w, http.StatusUnsupportedMediaType, map[string]string{"error": "Content-Type must be application/json"})
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil || !json.Valid(body) {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid JSON body"})
			return
		}
		// It names the headers and the query it got, never header values.
		var names []string
		for k := range r.Header {
			names = append(names, strings.ToLower(k))
		}
		slices.Sort(names)
		query := map[string]string{}
		for k := range r.URL.Query() {
			query[k] = r.URL.Query().Get(k)
		}
		b, _ := json.Marshal(map[string]any{"echo": json.RawMessage(body), "received": map[string]any{"headers": names, "query": query}})
		if len(b) >= 1024 && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			var zipped bytes.Buffer
			zw := gzip.NewWriter(&zipped)
			_, _ = zw.Write(b)
			_ = zw.Close()
			b = zipped.Bytes()
			h.Set("Content-Encoding", "gzip")
		}
		replay(w, http.StatusOK, b, "Content-Type", "application/json; charset=utf-8", "Cache-Control", "no-store")
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found", "path": r.URL.Path})
	}
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
