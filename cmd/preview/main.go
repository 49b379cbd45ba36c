// Command preview serves a site folder and the real API handler on one
// local origin, split like the CloudFront distribution (internal/preview):
// requests under -api-prefix go to apihandler.Handle through an API
// Gateway proxy-event adapter, and every other path is served from -dir
// with the SPA rewrite rule of the viewer-request function, each file with
// the Content-Type and Cache-Control the deployment uploads it with.
// /config.json is generated with the body the deployment writes: with
// -env naming an environment of cdk.json, its "environment" and
// frontendConfig, as the app builds it (only siteUrl is the preview's
// own), and -dir defaults to that environment's webDir. The environment's
// corsAllowOrigins get CORS headers on API responses, as from CloudFront.
//
// An environment whose "auth" has "cognito" gets a local issuer in the
// preview (internal/preview.AuthOptions): a sign-in page that stands in
// for Cognito's hosted UI (it is not Cognito; one test user, no password),
// and an authorizer that asks for its ID token on every API request but
// OPTIONS and auth.publicPaths. -auth=false turns both off. An environment
// with a Lambda authorizer needs -auth=false: the preview cannot run it.
//
//	go run ./cmd/preview                      # http://127.0.0.1:8080, ./web
//	go run ./cmd/preview -dir frontend/dist -env dev
//	go run ./cmd/preview -env dev -auth=false # no sign-in, no authorizer
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
	"path/filepath"
	"syscall"
	"time"

	"github.com/one-origin/staticsitewithapi/internal/preview"
	"github.com/one-origin/staticsitewithapi/internal/routing"
)

// localEnv is the -env that names no environment of cdk.json.
const localEnv = "local"

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "preview:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	opts, addr, err := parse(args)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	opts.SiteURL = "http://" + displayHost(ln.Addr())
	h := preview.New(opts)
	srv := &http.Server{Handler: logRequests(h), ReadHeaderTimeout: 10 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()

	log.Printf("serving %s at %s (API under %s/, environment %q); Ctrl-C stops", opts.Dir, opts.SiteURL, opts.ApiPrefix, opts.Env)
	if opts.Auth != nil {
		log.Printf("sign-in: local issuer at %s%s (stands in for Cognito's hosted UI; signs in %s); public API paths: %q; -auth=false turns it off",
			opts.SiteURL, preview.AuthPath, preview.DefaultTestUser.Email, opts.Auth.PublicPaths)
	}
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// parse reads the flags into the preview's options, checked, and the
// address to listen on.
func parse(args []string) (preview.Options, string, error) {
	fs := flag.NewFlagSet("preview", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	dir := fs.String("dir", "web", "site folder to serve, e.g. frontend/dist (default: the -env environment's webDir, else web)")
	prefix := fs.String("api-prefix", routing.DefaultPrefix, "path prefix served by the API (the construct's ApiPrefix, under its rule)")
	env := fs.String("env", localEnv, `environment: "environment" in /config.json; an environment of -cdk-json also adds its frontendConfig and sets the default -dir`)
	cdkJSON := fs.String("cdk-json", "cdk.json", "the app's cdk.json, read for -env")
	csp := fs.String("csp", "", `Content-Security-Policy for static responses, e.g. "default-src 'self'" (default none)`)
	auth := fs.Bool("auth", true, "with an -env whose auth has cognito: sign in at a local issuer that stands in for Cognito's hosted UI, and require its ID token on the API but for OPTIONS and auth.publicPaths; false turns both off")
	if err := fs.Parse(args); err != nil {
		return preview.Options{}, "", err
	}
	if fs.NArg() > 0 {
		return preview.Options{}, "", fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if err := routing.ValidatePrefix(*prefix); err != nil {
		return preview.Options{}, "", fmt.Errorf("-api-prefix %q is invalid: %w", *prefix, err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	var runtime map[string]any
	var origins []string
	var authOpts *preview.AuthOptions
	if *env != localEnv {
		e, err := preview.LoadEnvironment(*cdkJSON, *env)
		if err != nil {
			return preview.Options{}, "", fmt.Errorf("-env %q: %w (use -env %s for none)", *env, err, localEnv)
		}
		runtime = e.FrontendConfig
		origins = e.CorsAllowOrigins
		if e.Auth != nil && *auth {
			if !e.Auth.Cognito {
				return preview.Options{}, "", fmt.Errorf("-env %q: its auth is not a Cognito authorizer, and the preview cannot run a Lambda authorizer; use -auth=false to preview the API without one", *env)
			}
			authOpts = e.AuthOptions()
		}
		// The folder the environment uploads, relative to the app's root,
		// where cdk.json is; web/ when it names none, as in the app. An
		// environment that uploads nothing ("") keeps the default.
		if !set["dir"] && (e.WebDir == nil || *e.WebDir != "") {
			d := "web"
			if e.WebDir != nil {
				d = *e.WebDir
			}
			if !filepath.IsAbs(d) {
				d = filepath.Join(filepath.Dir(*cdkJSON), d)
			}
			*dir = d
		}
	}
	opts := preview.Options{
		Dir:                   *dir,
		ApiPrefix:             *prefix,
		Env:                   *env,
		RuntimeConfig:         runtime,
		ContentSecurityPolicy: *csp,
		CorsAllowOrigins:      origins,
		Auth:                  authOpts,
	}
	if err := opts.Validate(); err != nil {
		return preview.Options{}, "", err
	}
	return opts, *addr, nil
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
