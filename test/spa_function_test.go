package test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/internal/routing/routingtest"
)

// harness runs the deployed function code as CloudFront would: handler()
// gets a viewer-request event and returns the request to forward.
const harness = `
const fs = require('fs');
const code = fs.readFileSync(process.argv[2], 'utf8');
const handler = new Function(code + '\nreturn handler;')();
const cases = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const out = cases.map(c => {
  const request = {method: 'GET', uri: c.uri, querystring: c.querystring || {}, headers: {host: {value: 'd111111abcdef8.cloudfront.net'}}, cookies: {}};
  const r = handler({version: '1.0', context: {eventType: 'viewer-request'}, viewer: {ip: '192.0.2.1'}, request});
  return {uri: r.uri, querystring: r.querystring};
});
process.stdout.write(JSON.stringify(out));
`

// TestSpaRewriteFunction runs the CloudFront Function from the synthesized
// template in Node over the S3 rows of the routing table (pitfall
// spa-deeplink), the rows internal/routing and the preview are tested with.
func TestSpaRewriteFunction(t *testing.T) {
	node, err := exec.LookPath("node")
	require.NoError(t, err, "node is needed to run the CloudFront Function")

	fn, err := only(lambdaSite(t).template, "AWS::CloudFront::Function")
	require.NoError(t, err)
	code, ok := fn["FunctionCode"].(string)
	require.True(t, ok, "FunctionCode is not a literal string: %v", fn["FunctionCode"])

	// The function runs on the S3 behavior only: API rows never reach it.
	all, err := routingtest.Load()
	require.NoError(t, err)
	var cases []routingtest.Case
	for _, c := range all {
		if c.S3() {
			cases = append(cases, c)
		}
	}
	require.NotEmpty(t, cases)
	raw, err := json.Marshal(cases)
	require.NoError(t, err)

	dir := t.TempDir()
	codePath, harnessPath, casesPath := filepath.Join(dir, "function.js"), filepath.Join(dir, "harness.js"), filepath.Join(dir, "cases.json")
	require.NoError(t, os.WriteFile(casesPath, raw, 0o644))
	require.NoError(t, os.WriteFile(codePath, []byte(code), 0o644))
	require.NoError(t, os.WriteFile(harnessPath, []byte(harness), 0o644))
	out, err := exec.Command(node, harnessPath, codePath, casesPath).Output()
	require.NoError(t, err, "node: %s", exitStderr(err))

	var got []struct {
		URI         string         `json:"uri"`
		QueryString map[string]any `json:"querystring"`
	}
	require.NoError(t, json.Unmarshal(out, &got))
	require.Len(t, got, len(cases))
	for i, c := range cases {
		require.Equal(t, c.Want, got[i].URI, "%s (%s)", c.URI, c.Why)
		want := c.QueryString
		if want == nil {
			want = map[string]any{}
		}
		require.Equal(t, want, got[i].QueryString, "%s: query string must pass through", c.URI)
	}
}

func exitStderr(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}
