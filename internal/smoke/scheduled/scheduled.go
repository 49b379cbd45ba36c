// Package scheduled runs the smoke checks of package smoke on a schedule,
// from a Lambda function in the site's own stack, and turns every run into
// CloudWatch metrics that an alarm can watch: one per pitfall ID, so that
// whoever is paged reads a pitfall ID (docs/PITFALLS.md has the fix), not
// a stack trace.
//
// It is the engine of backend/smokelambda, the function's main package,
// which passes the environment and standard output:
//
//	h := &scheduled.Handler{Getenv: os.Getenv, Out: os.Stdout}
//	lambda.Start(h.Handle)
//
// Every run logs the same text report as cmd/smoke (smoke.WriteText) and
// then one line in CloudWatch's embedded metric format, which CloudWatch
// Logs turns into metrics in Namespace, with the dimension DimensionSite:
// for every ID of PitfallMetrics, 1 when a failing check named it, else 0;
// MetricChecksFailed; and MetricHealthy. The function needs no permission
// beyond writing its own log group: no PutMetricData call, no SDK.
//
// The run never signs in: the configuration has no token, and the
// environment variable SMOKE_TOKEN that cmd/smoke reads is ignored.
//
// The package lives under internal/smoke because it is a second front end
// of that package, beside cmd/smoke: it runs smoke.Run and prints
// smoke.WriteText, and re-implements no check.
package scheduled

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/one-origin/staticsitewithapi/internal/smoke"
)

// The environment variables the function reads. Only EnvSiteURL is
// required; the others default as cmd/smoke's flags of the same meaning
// do.
const (
	// EnvSiteURL is the site's URL, such as
	// "https://d111111abcdef8.cloudfront.net" (the stack's SiteUrl
	// output). Required.
	EnvSiteURL = "SITE_URL"
	// EnvOrigin is an origin, such as "https://app.example.com", from
	// which the CORS preflight and CORS on API errors are checked (-origin).
	// Default: none (those checks are skipped).
	EnvOrigin = "SMOKE_ORIGIN"
	// EnvApiPrefix is the construct's API prefix (-api-prefix).
	// Default: smoke.DefaultApiPrefix ("/api").
	EnvApiPrefix = "SMOKE_API_PREFIX"
	// EnvHealthPath is a GET route answering 2xx JSON (-health).
	// Default: the API prefix + "/health".
	EnvHealthPath = "SMOKE_HEALTH_PATH"
	// EnvEchoPath is a POST route echoing its JSON body (-echo).
	// Default: the API prefix + "/echo".
	EnvEchoPath = "SMOKE_ECHO_PATH"
	// EnvMePath is a GET route behind the authorizer, asked without a
	// token when /config.json has "auth" (-me).
	// Default: the API prefix + "/me".
	EnvMePath = "SMOKE_ME_PATH"
	// EnvApiExecuteUrl is the API stage's own URL (the stack's
	// ApiExecuteUrl output), which must refuse a request without
	// CloudFront's key (-api-execute-url).
	// Default: none (the direct-access check is skipped).
	EnvApiExecuteUrl = "SMOKE_API_EXECUTE_URL"
)

// reserve is the part of the invocation's time kept back from the checks,
// so that the report and the metrics are written before Lambda ends the
// invocation: a run cut off by Lambda's timeout logs nothing at all.
const reserve = 3 * time.Second

// MinTimeout is the shortest function timeout Handle accepts: it leaves
// the checks a second. Give the function smoke.DefaultDeadline plus a few
// seconds instead, so that a site that never answers is reported as such.
const MinTimeout = reserve + time.Second

// Config is what a scheduled run checks. It is cmd/smoke's flags that make
// sense without a person: no token, no previous assets, and the default
// timeouts and retries.
type Config struct {
	// SiteURL is the site's base URL. Required.
	SiteURL string
	// Origin, ApiPrefix, HealthPath, EchoPath, MePath and ApiExecuteUrl
	// are the smoke.Config fields of the same names.
	// Default: as in smoke.Config.
	Origin, ApiPrefix, HealthPath, EchoPath, MePath, ApiExecuteUrl string
}

// ConfigFromEnv reads a Config from the environment variables Env*,
// through getenv (os.Getenv in the function), and validates it. The error
// names the variable to set.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	get := func(name string) string { return strings.TrimSpace(getenv(name)) }
	c := Config{
		SiteURL:       get(EnvSiteURL),
		Origin:        get(EnvOrigin),
		ApiPrefix:     get(EnvApiPrefix),
		HealthPath:    get(EnvHealthPath),
		EchoPath:      get(EnvEchoPath),
		MePath:        get(EnvMePath),
		ApiExecuteUrl: get(EnvApiExecuteUrl),
	}
	return c, c.Validate()
}

// Validate reports every problem with c, joined, or nil when a run can use
// it.
func (c Config) Validate() error {
	if c.SiteURL == "" {
		return fmt.Errorf("%s is not set: give the site's URL, the stack's SiteUrl output, such as https://d111111abcdef8.cloudfront.net", EnvSiteURL)
	}
	var errs []error
	if err := c.smoke().Validate(); err != nil {
		errs = append(errs, fmt.Errorf("%s, %s, %s, %s, %s, %s or %s: %w",
			EnvSiteURL, EnvOrigin, EnvApiPrefix, EnvHealthPath, EnvEchoPath, EnvMePath, EnvApiExecuteUrl, err))
	} else if host := siteHost(c.SiteURL); !isASCII(host) {
		// A dimension value must be ASCII.
		errs = append(errs, fmt.Errorf("%s %q has a host that is not ASCII; write the domain in its xn-- form", EnvSiteURL, c.SiteURL))
	}
	return errors.Join(errs...)
}

// smoke is the smoke.Config of a scheduled run. Token stays empty: the
// run checks what anyone sees without signing in, and a token in a
// function's environment would be a credential that expires within the
// hour anyway.
func (c Config) smoke() smoke.Config {
	return smoke.Config{
		BaseURL:       c.SiteURL,
		Origin:        c.Origin,
		ApiPrefix:     c.ApiPrefix,
		HealthPath:    c.HealthPath,
		EchoPath:      c.EchoPath,
		MePath:        c.MePath,
		ApiExecuteUrl: c.ApiExecuteUrl,
	}
}

// Handler is the scheduled function's handler. The zero value reads the
// process's environment and logs to standard output.
type Handler struct {
	// Getenv reads the configuration (ConfigFromEnv) at every invocation.
	// Default: os.Getenv.
	Getenv func(string) string
	// Out receives the text report and the metric line. In Lambda it must
	// be standard output (or standard error): the runtime sends those to
	// the function's log group, where the metric line becomes metrics.
	// Default: os.Stdout.
	Out io.Writer
	// Client sends the checks' requests.
	// Default: a plain http.Client; smoke.Run bounds every request.
	Client *http.Client
	// Now stamps the metrics.
	// Default: time.Now.
	Now func() time.Time
}

// Handle runs the checks once, within the invocation's deadline (from
// ctx), logs the report and the metrics, and returns nil. The scheduled
// event is not read: every invocation checks the same site. Its signature
// is one lambda.Start accepts.
//
// Handle returns an error only when the function is misconfigured (see
// ConfigFromEnv) or its timeout is shorter than MinTimeout, never because
// a check failed. A failing check is data: it is in the metrics, where
// the alarm finds it under its pitfall ID. As an error it would do harm:
// Lambda retries a failed asynchronous invocation (EventBridge invokes
// asynchronously) twice, sending three times the requests to a site that
// is already broken, and the page would be the function's error rate,
// which names no pitfall.
func (h *Handler) Handle(ctx context.Context) error {
	out := h.Out
	if out == nil {
		out = os.Stdout
	}
	getenv := h.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	cfg, err := ConfigFromEnv(getenv)
	if err != nil {
		return fmt.Errorf("smoke checks not run: %w", err)
	}
	run := cfg.smoke()
	run.Deadline = smoke.DefaultDeadline
	if deadline, ok := ctx.Deadline(); ok {
		left := time.Until(deadline) - reserve
		if left < MinTimeout-reserve {
			return fmt.Errorf("smoke checks not run: the invocation has %s left, too little to run the checks and keep %s to write the report; give the function a timeout of at least %s, better %s",
				time.Until(deadline).Round(time.Millisecond), reserve, MinTimeout, smoke.DefaultDeadline+reserve)
		}
		run.Deadline = min(run.Deadline, left)
	}

	rep := smoke.Run(ctx, run, h.Client)
	if rep.Error != "" && !rep.Unreachable {
		// Validate accepted what Run refused: a bug, not the site's state.
		return fmt.Errorf("smoke checks not run: %s", rep.Error)
	}
	// An unreachable site is data too: its first check failed.
	smoke.WriteText(out, rep)

	now := time.Now
	if h.Now != nil {
		now = h.Now
	}
	line, err := emf(rep, siteHost(cfg.SiteURL), now())
	if err != nil {
		return fmt.Errorf("smoke metrics not written: %w", err)
	}
	if _, err := out.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("smoke metrics not written: %w", err)
	}
	return nil
}

// siteHost is the value of the Site dimension: the site URL's host (and
// port, when it has one), such as "d111111abcdef8.cloudfront.net".
func siteHost(siteURL string) string {
	u, err := url.Parse(siteURL)
	if err != nil {
		return ""
	}
	return u.Host
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] > '~' {
			return false
		}
	}
	return true
}
