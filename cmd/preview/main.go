// Command preview serves a site folder and the real API handler on one
// local origin, split like the CloudFront distribution: requests under
// -api-prefix go to apihandler.Handle through an API Gateway proxy-event
// adapter, /config.json is generated, and every other path is served from
// -dir with the SPA rewrite rule of the viewer-request function.
//
//	go run ./cmd/preview                      # http://127.0.0.1:8080, ./web
//	go run ./cmd/preview -dir frontend/dist -env dev
//
// It is for local development only: it listens on loopback by default and
// has no TLS.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/one-origin/staticsitewithapi/internal/preview"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "preview:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("preview", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	dir := fs.String("dir", "web", "site folder to serve, e.g. frontend/dist")
	prefix := fs.String("api-prefix", "/api", "path prefix served by the API (like the construct's ApiPrefix)")
	env := fs.String("env", "local", `"environment" written to /config.json`)
	csp := fs.String("csp", "", `Content-Security-Policy for static responses, e.g. "default-src 'self'" (default none)`)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if info, err := os.Stat(*dir); err != nil || !info.IsDir() {
		return fmt.Errorf("-dir %q is not a folder (build the frontend first, or run from the repository root)", *dir)
	}
	if p := strings.Trim(*prefix, "/"); p == "" || strings.ContainsAny(p, "*?#") {
		return fmt.Errorf("-api-prefix %q is invalid: use a path such as /api", *prefix)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	siteURL := "http://" + displayHost(ln.Addr())
	h := preview.New(preview.Options{
		Dir:                   *dir,
		ApiPrefix:             *prefix,
		Env:                   *env,
		SiteURL:               siteURL,
		ContentSecurityPolicy: *csp,
	})
	srv := &http.Server{Handler: logRequests(h), ReadHeaderTimeout: 10 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()

	log.Printf("serving %s at %s (API under %s/, environment %q); Ctrl-C stops", *dir, siteURL, "/"+strings.Trim(*prefix, "/"), *env)
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// displayHost turns a wildcard listen address into one a browser can open.
func displayHost(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// logRequests writes one line per request.
func logRequests(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		log.Printf("%d %s %s (%s)", sw.status, r.Method, r.URL.RequestURI(), time.Since(start).Round(time.Microsecond))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}
