package smoke_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/internal/smoke"
)

// WriteText is the report both front ends print: one line per check, a
// failure with its pitfall ID and fix, and one summary line.
func TestWriteText(t *testing.T) {
	pass := smoke.Check{Name: smoke.CheckRoot, OK: true, Detail: "GET / -> 200 text/html"}
	skip := smoke.Check{Name: smoke.CheckDirectAccess, OK: true, Skipped: true, Detail: "not checked: no execute-api URL"}
	fail := smoke.Check{Name: smoke.CheckEcho, Pitfall: smoke.EdgeMethods, Detail: "POST /api/echo -> 403 text/html", Fix: smoke.EdgeMethods.Fix()}
	unknown := smoke.Check{Name: smoke.CheckHealth, Detail: "GET /api/health -> 502", Fix: "look at the backend's logs"}

	tests := []struct {
		name string
		rep  smoke.Report
		want []string
	}{
		{
			name: "all passed",
			rep:  smoke.Report{URL: "https://d1.cloudfront.net", OK: true, Checks: []smoke.Check{pass}},
			want: []string{"smoke check of https://d1.cloudfront.net", "PASS root                GET / -> 200 text/html", "OK: all 1 checks passed"},
		},
		{
			name: "passed with a skip",
			rep:  smoke.Report{URL: "https://d1.cloudfront.net", OK: true, Checks: []smoke.Check{pass, skip}},
			want: []string{"smoke check of https://d1.cloudfront.net", "PASS root                GET / -> 200 text/html",
				"SKIP api-direct-access   not checked: no execute-api URL", "OK: all 1 checks passed, 1 not checked"},
		},
		{
			name: "failed",
			rep:  smoke.Report{URL: "https://d1.cloudfront.net", Checks: []smoke.Check{pass, fail, unknown, skip}},
			want: []string{"smoke check of https://d1.cloudfront.net", "PASS root                GET / -> 200 text/html",
				"FAIL api-echo            [edge-methods] POST /api/echo -> 403 text/html | fix: " + smoke.EdgeMethods.Fix(),
				"FAIL api-health          [no known pitfall] GET /api/health -> 502 | fix: look at the backend's logs",
				"SKIP api-direct-access   not checked: no execute-api URL",
				"FAILED: 2 of 3 checks; pitfalls: edge-methods (see docs/PITFALLS.md)"},
		},
		{
			name: "not checked",
			rep:  smoke.Report{URL: "https://d1.cloudfront.net", Unreachable: true, Error: "cannot reach https://d1.cloudfront.net: refused", Checks: []smoke.Check{unknown}},
			want: []string{"smoke check of https://d1.cloudfront.net",
				"FAIL api-health          [no known pitfall] GET /api/health -> 502 | fix: look at the backend's logs",
				"NOT CHECKED: cannot reach https://d1.cloudfront.net: refused"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			smoke.WriteText(&out, tt.rep)
			require.Equal(t, strings.Join(tt.want, "\n")+"\n", out.String())
		})
	}
}
