// Package e2e drives the sample SPA in a real headless Chromium against the
// local preview server, which splits static files and the API like the
// CloudFront distribution does.
//
// Chromium comes from Debian: apt-get update && apt-get install -y chromium
// (or set CHROME_PATH). Without it the test skips locally and fails in CI.
package e2e

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/internal/preview"
)

const (
	// strictCSP is the policy the sample must run under: no inline code or
	// styles, nothing from another origin.
	strictCSP = "default-src 'self'; connect-src 'self'"
	env       = "e2e"
	timeout   = 60 * time.Second
)

// chromePath returns the browser to run, skipping (or, in CI, failing) when
// there is none.
func chromePath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("CHROME_PATH")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(p); err != nil {
		msg := "Chromium not found at " + p + " (" + err.Error() + "); install it with " +
			"`apt-get update && apt-get install -y chromium` or set CHROME_PATH"
		if os.Getenv("CI") != "" {
			t.Fatal(msg + ": CI must install it")
		}
		t.Skip(msg)
	}
	return p
}

// TestBrowserDeepLink opens /items/42 directly, as a shared link would,
// and checks that the SPA rendered the route and that both API calls went
// through the same origin (pitfalls spa-deeplink, absolute-base-url,
// edge-methods, error-masked as seen from a browser).
func TestBrowserDeepLink(t *testing.T) {
	chrome := chromePath(t)
	start := time.Now()

	webDir, err := filepath.Abs(filepath.Join("..", "..", "web"))
	require.NoError(t, err)
	srv := httptest.NewServer(preview.New(preview.Options{
		Dir:                   webDir,
		Env:                   env,
		ContentSecurityPolicy: strictCSP,
	}))
	t.Cleanup(srv.Close) // after the browser has stopped

	bctx, console := startBrowser(t, chrome)

	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate(srv.URL+"/items/42")))
	status := waitStatus(t, bctx)
	require.Equal(t, "ready", status, "#status")

	text := func(id string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.TextContent(chromedp.ID(id)))
		require.NoError(t, err, "#%s", id)
		return strings.TrimSpace(s)
	}
	require.Equal(t, "item 42", text("route"))
	require.Equal(t, env, text("env"))
	require.Equal(t, "/api", text("api-base"))
	require.Equal(t, "ok", text("health"))
	require.Equal(t, "hello from the SPA", text("echo"))

	if png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100)); err != nil {
		t.Logf("screenshot: %v", err)
	} else {
		dir := os.Getenv("E2E_SCREENSHOT_DIR")
		if dir == "" {
			dir = t.TempDir()
		}
		p := filepath.Join(dir, "items-42.png")
		require.NoError(t, os.WriteFile(p, png, 0o644))
		t.Logf("screenshot: %s", p)
	}

	// Client-side navigation: a link changes the route with pushState, so
	// the document (and this marker) survives; Back returns to the item.
	require.NoError(t, chromedp.Do(bctx,
		chromedp.Evaluate[chromedp.Void](`window.__samePage = true`),
		chromedp.Click(chromedp.CSS(`nav a[href="/about"]`)),
	))
	waitRoute(t, bctx, "about")
	same, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`window.__samePage === true && location.pathname === '/about'`))
	require.NoError(t, err)
	require.True(t, same, "the About link must use pushState, not load a new page")
	require.NoError(t, chromedp.Do(bctx, chromedp.Evaluate[chromedp.Void](`history.back()`)))
	waitRoute(t, bctx, "item 42")

	// Any other path is the app's not-found view, not an S3 error.
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate(srv.URL+"/no/such/page")))
	waitRoute(t, bctx, "not found")

	require.Empty(t, console.problems(), "exceptions or CSP violations in the page")
	t.Logf("e2e took %s", time.Since(start).Round(time.Millisecond))
}

// startBrowser starts a headless Chromium for the test and returns its
// context and the page's console. The browser stops, and the console is
// logged, when the test ends.
func startBrowser(t *testing.T, chrome string) (context.Context, *consoleLog) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		// Chromium otherwise keeps calling home (updates, sync, field
		// trials) on a network that has none.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1100, 800),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))

	// Start the browser, then follow the page's console until the end.
	require.NoError(t, chromedp.Do(bctx), "starting %s", chrome)
	console := watchConsole(bctx)
	t.Cleanup(func() {
		cancelBrowser()
		for _, m := range console.wait() {
			t.Log("console:", m)
		}
		cancelAlloc()
		cancel()
	})
	return bctx, console
}

// waitStatus waits until #status leaves "loading" and returns it. It polls
// with Runtime.evaluate from Go: chromedp.Poll builds its predicate with
// new Function, which the page's CSP (rightly) refuses.
func waitStatus(t *testing.T, ctx context.Context) string {
	t.Helper()
	return poll(t, ctx, `(document.getElementById('status')?.textContent ?? '').trim()`,
		func(s string) bool { return s != "" && s != "loading" })
}

func waitRoute(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	got := poll(t, ctx, `(document.getElementById('route')?.textContent ?? '').trim()`,
		func(s string) bool { return s == want })
	require.Equal(t, want, got, "#route")
}

// poll evaluates expr until done accepts its value or ctx ends.
func poll(t *testing.T, ctx context.Context, expr string, done func(string) bool) string {
	t.Helper()
	var last string
	for {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err == nil {
			last = v
			if done(v) {
				return v
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v (last value %q)", expr, ctx.Err(), last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// consoleLog collects the page's console in the background.
type consoleLog struct {
	mu       sync.Mutex
	messages []chromedp.ConsoleMessage
	done     chan struct{}
}

func watchConsole(ctx context.Context) *consoleLog {
	c := &consoleLog{done: make(chan struct{})}
	messages := chromedp.Console(ctx)
	go func() {
		defer close(c.done)
		for m, err := range messages {
			if err != nil {
				return
			}
			c.mu.Lock()
			c.messages = append(c.messages, m)
			c.mu.Unlock()
		}
	}()
	return c
}

// wait returns every message once the context has ended.
func (c *consoleLog) wait() []chromedp.ConsoleMessage {
	<-c.done
	return c.messages
}

// problems are uncaught exceptions and Content-Security-Policy reports.
func (c *consoleLog) problems() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, m := range c.messages {
		if m.IsException() || strings.Contains(m.Text, "Content Security Policy") {
			out = append(out, m.String())
		}
	}
	return out
}
