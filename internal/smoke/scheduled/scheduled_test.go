package scheduled_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/internal/smoke"
	"github.com/one-origin/staticsitewithapi/internal/smoke/scheduled"
	"github.com/one-origin/staticsitewithapi/pitfalls"
)

// now is the fixed clock of the tests' metrics.
var now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// env is a fake environment.
type env map[string]string

func (e env) get(name string) string { return e[name] }

// run invokes the handler as Lambda would, with a deadline, and returns
// its error and what it logged.
func run(t *testing.T, e env) (string, error) {
	t.Helper()
	var out strings.Builder
	h := &scheduled.Handler{Getenv: e.get, Out: &out, Now: func() time.Time { return now }}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err := h.Handle(ctx)
	return out.String(), err
}

// The loopback sites: a healthy one, and broken ones that each show one
// pitfall. Every run logs the CLI's report and one metric line in which
// exactly the pitfall shown is 1.
func TestHandleEmitsOneMetricPerPitfall(t *testing.T) {
	tests := []struct {
		name     string
		origin   string
		override func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool
		// want is the one pitfall metric that must be 1; "" for none.
		want pitfalls.ID
		// failing are the checks that fail.
		failing []string
	}{
		{name: "healthy site"},
		{name: "healthy site, checked from an allowed origin", origin: allowedOrigin},
		{
			// No API behavior in front of the health route: the SPA's
			// rewrite answers for it with index.html.
			name: "index.html for /api/health",
			override: func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path != "/api/health" {
					return false
				}
				replay(w, http.StatusOK, []byte(indexHTML), "Content-Type", "text/html", "Cache-Control", "no-cache", "Server", "AmazonS3")
				return true
			},
			want:    pitfalls.ErrorMasked,
			failing: []string{smoke.CheckHealth},
		},
		{
			// A caching policy on the API behavior: the second health
			// request is answered from CloudFront's cache.
			name: "cached API responses",
			override: func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path != "/api/health" || s.healthCount() < 2 {
					return false
				}
				w.Header().Set("X-Cache", "Hit from cloudfront")
				w.Header().Set("Age", "12")
				s.api(w, r)
				return true
			},
			want:    pitfalls.ApiCached,
			failing: []string{smoke.CheckHealth},
		},
		{
			// API Gateway's own 404, which CloudFront's CORS policy for the
			// API's answers does not reach.
			name:   "no CORS headers on API errors",
			origin: allowedOrigin,
			override: func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				if !strings.Contains(r.URL.Path, smoke.UnknownRoutePrefix) {
					return false
				}
				r.Header.Del("Origin")
				s.api(w, r)
				return true
			},
			want:    pitfalls.CorsErrors,
			failing: []string{smoke.CheckErrorCors},
		},
		{
			name: "API behavior allows only GET and HEAD",
			override: func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
				if !strings.HasPrefix(r.URL.Path, "/api/") || r.Method == http.MethodGet || r.Method == http.MethodHead {
					return false
				}
				replay(w, http.StatusForbidden, []byte("<HTML><HEAD><TITLE>ERROR: The request could not be satisfied</TITLE></HEAD><BODY><H1>403 ERROR</H1>"+
					"<H2>The request could not be satisfied.</H2><HR noshade size=\"1px\">This distribution is not configured to allow the HTTP request method that was used for this request."),
					"Content-Type", "text/html", "Server", "CloudFront", "X-Cache", "Error from cloudfront")
				return true
			},
			want:    pitfalls.EdgeMethods,
			failing: []string{smoke.CheckEcho, smoke.CheckHeaders, smoke.CheckCompression},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, srv := start(t, tt.override)
			out, err := run(t, env{scheduled.EnvSiteURL: srv.URL, scheduled.EnvOrigin: tt.origin})
			require.NoError(t, err, "a failing check is data, not an error")

			report, doc := split(t, out)
			values := validateEMF(t, doc)
			require.Equal(t, hostOf(t, srv.URL), doc[scheduled.DimensionSite])
			require.Equal(t, float64(now.UnixMilli()), doc["_aws"].(map[string]any)["Timestamp"])

			for _, name := range scheduled.PitfallMetrics() {
				want := 0.0
				if name == string(tt.want) {
					want = 1
				}
				require.Contains(t, values, name, "every pitfall has a datapoint in every run")
				require.Equal(t, want, values[name], "metric %s; log:\n%s", name, out)
			}
			healthy := 0.0
			if tt.want == "" {
				healthy = 1
			}
			require.Equal(t, healthy, values[scheduled.MetricHealthy], "log:\n%s", out)
			require.Equal(t, float64(len(tt.failing)), values[scheduled.MetricChecksFailed], "log:\n%s", out)
			require.Len(t, values, len(scheduled.PitfallMetrics())+2, "no metric beyond the pitfalls, ChecksFailed and Healthy")

			// The log holds the CLI's report, failures with their pitfall.
			require.Equal(t, "smoke check of "+srv.URL, report[0])
			var failing []string
			for _, line := range report {
				if name, ok := strings.CutPrefix(line, "FAIL "); ok {
					failing = append(failing, strings.Fields(name)[0])
					require.Contains(t, line, "["+string(tt.want)+"]")
				}
			}
			require.Equal(t, tt.failing, failing, "log:\n%s", out)
			require.Equal(t, append([]string{}, tt.failing...), toStrings(doc["FailedChecks"]))
			if tt.want == "" {
				require.True(t, strings.HasPrefix(report[len(report)-1], "OK: all "), report[len(report)-1])
				require.Empty(t, toStrings(doc["Pitfalls"]))
			} else {
				summary := fmt.Sprintf("FAILED: %d of ", len(tt.failing))
				require.True(t, strings.HasPrefix(report[len(report)-1], summary), report[len(report)-1])
				require.Contains(t, report[len(report)-1], "; pitfalls: "+string(tt.want)+" (see docs/PITFALLS.md)")
				require.Equal(t, []string{string(tt.want)}, toStrings(doc["Pitfalls"]))
			}
		})
	}
}

// The log's text report is exactly what cmd/smoke prints for the same run.
func TestHandleLogsTheCLIReport(t *testing.T) {
	_, srv := start(t, nil)
	out, err := run(t, env{scheduled.EnvSiteURL: srv.URL})
	require.NoError(t, err)
	report, _ := split(t, out)

	rep := smoke.Run(context.Background(), smoke.Config{BaseURL: srv.URL}, nil)
	var want strings.Builder
	smoke.WriteText(&want, rep)
	// The probes' random values differ from run to run; the lines do not.
	require.Equal(t, shape(strings.Split(strings.TrimSuffix(want.String(), "\n"), "\n")), shape(report))
}

// shape drops each line's detail after the check name, which quotes the
// run's random probe values.
func shape(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		f := strings.Fields(l)
		out[i] = strings.Join(f[:min(2, len(f))], " ")
	}
	return out
}

// A site that cannot be reached is reported like any failure: not healthy,
// and no error that Lambda would retry.
func TestHandleUnreachableSiteIsData(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	site := "http://" + l.Addr().String()
	require.NoError(t, l.Close())

	out, err := run(t, env{scheduled.EnvSiteURL: site})
	require.NoError(t, err)
	report, doc := split(t, out)
	values := validateEMF(t, doc)
	require.Equal(t, 0.0, values[scheduled.MetricHealthy])
	require.Equal(t, 1.0, values[scheduled.MetricChecksFailed])
	for _, name := range scheduled.PitfallMetrics() {
		require.Equal(t, 0.0, values[name], name)
	}
	require.True(t, strings.HasPrefix(report[len(report)-1], "NOT CHECKED: cannot reach "), report[len(report)-1])
}

// Misconfiguration is the one error: it names the variable, and nothing
// is published, so an alarm that treats missing data as breaching fires.
func TestHandleMisconfigured(t *testing.T) {
	tests := []struct {
		name string
		env  env
		want string
	}{
		{name: "no SITE_URL", env: env{}, want: "SITE_URL is not set"},
		{name: "blank SITE_URL", env: env{scheduled.EnvSiteURL: "  "}, want: "SITE_URL is not set"},
		{name: "SITE_URL without a scheme", env: env{scheduled.EnvSiteURL: "d111111abcdef8.cloudfront.net"}, want: "is not an http(s) URL"},
		{name: "bad origin", env: env{scheduled.EnvSiteURL: "https://d111111abcdef8.cloudfront.net", scheduled.EnvOrigin: "https://app.example.com/"}, want: "SMOKE_ORIGIN"},
		{name: "bad API prefix", env: env{scheduled.EnvSiteURL: "https://d111111abcdef8.cloudfront.net", scheduled.EnvApiPrefix: "api/"}, want: "API prefix"},
		{name: "host not ASCII", env: env{scheduled.EnvSiteURL: "https://bücher.example"}, want: "xn--"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := run(t, tt.env)
			require.ErrorContains(t, err, tt.want)
			require.Empty(t, out)
		})
	}
}

// The run never signs in: a token in the environment (cmd/smoke's
// SMOKE_TOKEN) is neither sent nor logged.
func TestHandleNeverSendsAToken(t *testing.T) {
	const token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzY2hlZHVsZWQifQ.c2lnbmF0dXJl"
	site, srv := start(t, nil)
	t.Setenv("SMOKE_TOKEN", token)
	out, err := run(t, env{scheduled.EnvSiteURL: srv.URL, "SMOKE_TOKEN": token})
	require.NoError(t, err)
	require.NotContains(t, out, token)
	for _, h := range site.headers() {
		require.NotContains(t, h, token)
	}
}

// The API paths are read from the environment as cmd/smoke's flags.
func TestHandleCustomPaths(t *testing.T) {
	site, srv := start(t, func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
		// The same API under /v1, with /v1/status as its health route.
		p, ok := strings.CutPrefix(r.URL.Path, "/v1/")
		if !ok {
			return false
		}
		if p == "status" {
			p = "health"
		}
		r.URL.Path = "/api/" + p
		s.api(w, r)
		return true
	})
	out, err := run(t, env{scheduled.EnvSiteURL: srv.URL, scheduled.EnvApiPrefix: "/v1", scheduled.EnvHealthPath: "/v1/status"})
	require.NoError(t, err)
	_, doc := split(t, out)
	require.Equal(t, 1.0, validateEMF(t, doc)[scheduled.MetricHealthy], out)
	require.Contains(t, out, "GET /v1/status -> 200")
	require.Zero(t, site.healthCount(), "nothing asked for /api/health")
}

// The checks stop early enough for the report and the metrics to be
// written before Lambda ends the invocation.
func TestHandleFinishesBeforeTheInvocationsDeadline(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a deadline")
	}
	_, srv := start(t, func(s *fakeSite, w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			return false
		}
		<-r.Context().Done() // an origin that never answers
		return true
	})
	var out strings.Builder
	h := &scheduled.Handler{Getenv: env{scheduled.EnvSiteURL: srv.URL}.get, Out: &out}
	ctx, cancel := context.WithTimeout(context.Background(), scheduled.MinTimeout+time.Second)
	defer cancel()
	require.NoError(t, h.Handle(ctx))
	require.NoError(t, ctx.Err(), "Handle returned after the invocation's deadline")
	_, doc := split(t, out.String())
	require.Equal(t, 0.0, validateEMF(t, doc)[scheduled.MetricHealthy])
}

// A timeout too short to run anything is a misconfiguration.
func TestHandleTimeoutTooShort(t *testing.T) {
	var out strings.Builder
	h := &scheduled.Handler{Getenv: env{scheduled.EnvSiteURL: "https://d111111abcdef8.cloudfront.net"}.get, Out: &out}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	require.ErrorContains(t, h.Handle(ctx), "timeout of at least")
	require.Empty(t, out.String())
}

// The metrics are the pitfalls package smoke can report, which the
// catalog marks as the smoke layer's, and they fit one EMF directive.
func TestPitfallMetrics(t *testing.T) {
	var ids []string
	for _, id := range smoke.Pitfalls() {
		ids = append(ids, string(id))
	}
	names := scheduled.PitfallMetrics()
	require.ElementsMatch(t, ids, names)
	require.LessOrEqual(t, len(names)+2, 100, "an EMF directive holds at most 100 metrics")
	for _, n := range names {
		require.NotContains(t, []string{scheduled.DimensionSite, scheduled.MetricChecksFailed, scheduled.MetricHealthy, "Pitfalls", "FailedChecks", "_aws"}, n)
	}
}

// split separates the log into the text report's lines and the one EMF
// document, which must be the last line.
func split(t *testing.T, out string) ([]string, map[string]any) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.GreaterOrEqual(t, len(lines), 2, "log:\n%s", out)
	var doc map[string]any
	last := lines[len(lines)-1]
	// CloudWatch reads a log event as EMF only when the whole message is
	// one JSON object.
	require.True(t, strings.HasPrefix(last, "{") && strings.HasSuffix(last, "}"), "last line is not a JSON object: %s", last)
	require.NoError(t, json.Unmarshal([]byte(last), &doc), last)
	for _, l := range lines[:len(lines)-1] {
		require.False(t, strings.HasPrefix(l, "{"), "a second JSON line: %s", l)
	}
	return lines[:len(lines)-1], doc
}

// units are CloudWatch's standard units, the values EMF accepts for Unit.
var units = []string{"Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
	"Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second", "Kilobytes/Second",
	"Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second",
	"Gigabits/Second", "Terabits/Second", "Count/Second", "None"}

// validateEMF checks doc against the shape of the AWS page "Specification:
// Embedded metric format" and returns the metrics of Namespace by name.
func validateEMF(t *testing.T, doc map[string]any) map[string]float64 {
	t.Helper()
	onlyKeys := func(what string, m map[string]any, allowed ...string) {
		for k := range m {
			require.Contains(t, allowed, k, "%s has a member the specification does not define", what)
		}
	}
	aws, ok := doc["_aws"].(map[string]any)
	require.True(t, ok, "root member _aws must be an object: %v", doc["_aws"])
	ts, ok := aws["Timestamp"].(float64)
	require.True(t, ok, "_aws.Timestamp must be a number: %v", aws["Timestamp"])
	require.Equal(t, float64(int64(ts)), ts, "_aws.Timestamp is whole milliseconds")
	require.Greater(t, ts, float64(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()), "_aws.Timestamp is in milliseconds since the epoch")
	directives, ok := aws["CloudWatchMetrics"].([]any)
	require.True(t, ok, "_aws.CloudWatchMetrics must be an array")
	require.Len(t, directives, 1)

	values := map[string]float64{}
	for _, d := range directives {
		dir, ok := d.(map[string]any)
		require.True(t, ok, "a MetricDirective is an object")
		onlyKeys("MetricDirective", dir, "Namespace", "Dimensions", "Metrics")
		require.Equal(t, scheduled.Namespace, dir["Namespace"])

		sets, ok := dir["Dimensions"].([]any)
		require.True(t, ok, "Dimensions must be an array of dimension sets")
		require.Len(t, sets, 1)
		for _, s := range sets {
			set, ok := s.([]any)
			require.True(t, ok, "a DimensionSet is an array")
			require.LessOrEqual(t, len(set), 30)
			require.Equal(t, []any{scheduled.DimensionSite}, set, "one dimension: the site")
			for _, name := range set {
				v, ok := doc[name.(string)].(string)
				require.True(t, ok, "dimension %v must have a string value at the root", name)
				require.NotEmpty(t, strings.TrimSpace(v))
				require.LessOrEqual(t, len(v), 1024)
			}
		}

		metrics, ok := dir["Metrics"].([]any)
		require.True(t, ok, "Metrics must be an array")
		require.LessOrEqual(t, len(metrics), 100)
		for _, m := range metrics {
			def, ok := m.(map[string]any)
			require.True(t, ok, "a MetricDefinition is an object")
			onlyKeys("MetricDefinition", def, "Name", "Unit", "StorageResolution")
			name, ok := def["Name"].(string)
			require.True(t, ok && name != "", "MetricDefinition.Name must be a string")
			require.Contains(t, units, def["Unit"], "metric %s", name)
			v, ok := doc[name].(float64)
			require.True(t, ok, "metric %s must have a number at the root, got %v", name, doc[name])
			require.NotContains(t, values, name, "metric %s defined twice", name)
			values[name] = v
		}
	}
	return values
}

func hostOf(t *testing.T, raw string) string {
	u, err := url.Parse(raw)
	require.NoError(t, err)
	return u.Host
}

func toStrings(v any) []string {
	out := []string{}
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}
