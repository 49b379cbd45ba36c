package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/constructs/sitechecks/engine"
	"github.com/one-origin/staticsitewithapi/internal/live"
	"github.com/one-origin/staticsitewithapi/internal/live/fakeaws"
)

func runCmd(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// runJSON runs the command with -json and decodes the report.
func runJSON(t *testing.T, args ...string) (int, Report) {
	t.Helper()
	code, out, errOut := runCmd(append([]string{"-json"}, args...)...)
	var rep Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep), "stdout:\n%s\nstderr:\n%s", out, errOut)
	return code, rep
}

// ruled keeps the IDs that sitechecks has a rule for, sorted: the
// expectations below list every pitfall a fixture has, and hold whether the
// rules for the Day-2 pitfalls have landed yet or not.
func ruled(want ...string) []string {
	var out []string
	for _, r := range engine.Rules() {
		if slices.Contains(want, string(r.ID)) {
			out = append(out, string(r.ID))
		}
	}
	slices.Sort(out)
	return out
}

// ids lists the pitfall IDs of a template's findings, sorted.
func ids(t TemplateReport) []string {
	var out []string
	for _, f := range t.Findings {
		out = append(out, f.Pitfall)
	}
	slices.Sort(out)
	return out
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

// The field note's setup, as the YAML template of a hand-made stack,
// reports every pitfall of the note that a template shows.
func TestFieldNote(t *testing.T) {
	code, rep := runJSON(t, filepath.Join("testdata", "fieldnote.yaml"))
	require.Equal(t, exitFailed, code)
	require.Len(t, rep.Templates, 1)
	tmpl := rep.Templates[0]
	require.Empty(t, tmpl.Error)
	want := ruled(
		"api-cached",     // CachingOptimized on /api/*
		"api-route",      // the execute-api origin has no origin path (stage)
		"cors-duplicate", // SimpleCORS without origin override, and OPTIONS answering Access-Control-Allow-Origin '*'
		"edge-methods",   // /api/* allows GET and HEAD only
		"edge-optimized", // the EDGE REST API behind the distribution
		"error-masked",   // 403/404 -> /index.html for the whole distribution
		// Day 2:
		"direct-access",    // ANY /{proxy+} needs no key, authorizer or IAM, and the API has no resource policy
		"errors-cached",    // no error caching TTL of 0: CloudFront keeps API errors 10 s
		"api-uncompressed", // no MinimumCompressionSize on the API, and the behavior does not compress
	)
	require.Subset(t, want, []string{"api-cached", "api-route", "cors-duplicate", "edge-methods", "edge-optimized", "error-masked"})
	require.Equal(t, want, ids(tmpl))

	levels := map[string]string{}
	for _, f := range tmpl.Findings {
		levels[f.Pitfall] = f.Level
		require.NotEmpty(t, f.Message, f.Pitfall)
		require.NotEmpty(t, f.Fix, f.Pitfall)
		require.NotContains(t, f.Message, "["+f.Pitfall+"]", "the ID has a field of its own")
		require.NotContains(t, f.Message, "Fix:", "the fix has a field of its own")
	}
	for id, level := range levels {
		if slices.Contains([]string{"api-route", "edge-methods", "error-masked"}, id) {
			require.Equal(t, "error", level, id)
		} else {
			require.Equal(t, "warning", level, id)
		}
	}
	require.Equal(t, 3, rep.Errors)
	require.Equal(t, len(want)-3, rep.Warnings)
	require.False(t, rep.OK)

	// The text output: one line per finding, and smoke's kind of summary.
	code, out, errOut := runCmd(filepath.Join("testdata", "fieldnote.yaml"))
	require.Equal(t, exitFailed, code)
	require.Empty(t, errOut)
	require.Contains(t, out, "sitecheck of testdata/fieldnote.yaml\n")
	require.Contains(t, out, `ERROR [edge-methods] Distribution: behavior "/api/*" sends the API to ${Api}.execute-api.${AWS::Region}.amazonaws.com but allows only GET, HEAD`)
	require.Contains(t, out, "WARN  [edge-optimized] Api: ")
	require.Contains(t, out, " | fix: allow all seven methods on the API behavior")
	require.True(t, strings.HasSuffix(out, fmt.Sprintf("\nFAILED: 3 errors, %d warnings in 1 template; pitfalls: %s (see docs/PITFALLS.md)\n",
		len(want)-3, strings.Join(rep.Pitfalls, ", "))), out)
	require.ElementsMatch(t, want, rep.Pitfalls)
}

// shippedTemplate is the golden snapshot of the shipped dev stack.
func shippedTemplate(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "test", "testdata", "StaticSite-dev.template.json"))
	require.NoError(t, err)
	var tmpl map[string]any
	require.NoError(t, json.Unmarshal(b, &tmpl))
	return tmpl
}

// addPropertyOverride writes value at path into the resource's Properties
// the way CfnResource.AddPropertyOverride does: dots separate keys, and a
// number indexes a list.
func addPropertyOverride(t *testing.T, tmpl map[string]any, logicalID, path string, value any) {
	t.Helper()
	res := tmpl["Resources"].(map[string]any)[logicalID].(map[string]any)
	var node any = res["Properties"]
	parts := strings.Split(path, ".")
	for i, p := range parts {
		last := i == len(parts)-1
		switch n := node.(type) {
		case map[string]any:
			if last {
				n[p] = value
				return
			}
			node = n[p]
		case []any:
			idx, err := strconv.Atoi(p)
			require.NoError(t, err, path)
			if last {
				n[idx] = value
				return
			}
			node = n[idx]
		default:
			t.Fatalf("override %s: nothing at %s", path, strings.Join(parts[:i+1], "."))
		}
	}
}

func TestShippedTemplateIsClean(t *testing.T) {
	path := filepath.Join("..", "..", "test", "testdata", "StaticSite-dev.template.json")
	code, out, errOut := runCmd("-strict", path)
	require.Equal(t, exitOK, code, out+errOut)
	require.Contains(t, out, "no findings\n")
	require.True(t, strings.HasSuffix(out, "OK: no findings in 1 template\n"), out)
}

// What the aspect cannot see (it runs before overrides) the template check
// sees: an escape hatch that puts CachingOptimized back on the API behavior.
func TestPropertyOverrideReintroducingPitfallIsReported(t *testing.T) {
	const dist = "SiteDistribution390DED28"
	tmpl := shippedTemplate(t)
	// cfnDistribution.AddPropertyOverride(
	//     "DistributionConfig.CacheBehaviors.0.CachePolicyId", CachingOptimized)
	addPropertyOverride(t, tmpl, dist, "DistributionConfig.CacheBehaviors.0.CachePolicyId", "658327ea-f89d-4fab-a63d-7e88639e58f6")
	b, err := json.MarshalIndent(tmpl, "", " ")
	require.NoError(t, err)
	path := writeFile(t, "StaticSite-dev.template.json", string(b))

	code, rep := runJSON(t, path)
	require.Equal(t, exitOK, code, "api-cached is a warning")
	require.True(t, rep.OK)
	require.Len(t, rep.Templates, 1)
	// With the authorizer of the shipped dev stack, a caching policy also
	// keeps Authorization from the API: every signed-in call would be 401.
	require.Equal(t, []string{"api-cached", "headers-dropped"}, ids(rep.Templates[0]))
	f := rep.Templates[0].Findings[0]
	require.Contains(t, rep.Templates[0].Findings[1].Message, "Authorization")
	require.Equal(t, dist, f.LogicalID)
	require.Equal(t, "warning", f.Level)
	require.Contains(t, f.Message, "CachingOptimized")

	code, rep = runJSON(t, "-strict", path)
	require.Equal(t, exitFailed, code, "-strict fails on warnings")
	require.False(t, rep.OK)
	require.True(t, rep.Strict)

	code, out, _ := runCmd(path, "-strict")
	require.Equal(t, exitFailed, code)
	require.Contains(t, out, "WARN  [api-cached] "+dist+": ")
	require.True(t, strings.HasSuffix(out, "FAILED (-strict): 0 errors, 2 warnings in 1 template; pitfalls: api-cached, headers-dropped (see docs/PITFALLS.md)\n"), out)
}

func TestCloudAssembly(t *testing.T) {
	dir := filepath.Join("testdata", "assembly")
	code, rep := runJSON(t, dir)
	require.Equal(t, exitFailed, code)
	type got struct{ Source, Stack, IDs string }
	var all []got
	for _, tmpl := range rep.Templates {
		require.Empty(t, tmpl.Error)
		all = append(all, got{tmpl.Source, tmpl.Stack, strings.Join(ids(tmpl), ",")})
	}
	require.Equal(t, []got{
		{filepath.Join(dir, "Backend.template.json"), "Backend", ""},
		{filepath.Join(dir, "Web.template.json"), "Web", strings.Join(ruled("edge-methods", "spa-deeplink", "errors-cached"), ",")},
		{filepath.Join(dir, "assembly-Prod", "ProdSite0A1B2C3D.template.json"), "Prod/Site", strings.Join(ruled("api-cached", "spa-deeplink", "errors-cached"), ",")},
	}, all, "every stack, nested stage assemblies included, in manifest order")
	require.ElementsMatch(t, ruled("edge-methods", "spa-deeplink", "api-cached", "errors-cached"), rep.Pitfalls)
	require.Equal(t, 1, rep.Errors)
	web := rep.Templates[1].Findings[0]
	require.Equal(t, "Distribution830FAC52", web.LogicalID)
	require.Equal(t, "Web/Distribution/Resource", web.Path)

	// The text groups the lines by stack and names the construct path.
	code, out, _ := runCmd(dir)
	require.Equal(t, exitFailed, code)
	require.Contains(t, out, "sitecheck of "+filepath.Join(dir, "Web.template.json")+" (stack Web)\nERROR [edge-methods] Distribution830FAC52 (Web/Distribution): ")
	require.Contains(t, out, "(stack Backend)\nno findings\n")
	require.True(t, strings.HasSuffix(out, fmt.Sprintf("\nFAILED: 1 error, %d warnings in 3 templates; pitfalls: %s (see docs/PITFALLS.md)\n",
		rep.Warnings, strings.Join(rep.Pitfalls, ", "))), out)

	// manifest.json names the assembly too; the stage's own assembly has
	// warnings only.
	code, rep = runJSON(t, filepath.Join(dir, "manifest.json"))
	require.Equal(t, exitFailed, code)
	require.Len(t, rep.Templates, 3)
	code, _, _ = runCmd(filepath.Join(dir, "assembly-Prod"))
	require.Equal(t, exitOK, code, "warnings only")
	code, _, _ = runCmd("-strict", filepath.Join(dir, "assembly-Prod"))
	require.Equal(t, exitFailed, code)
}

// Several paths may be given; one that cannot be read does not stop the
// others from being checked, but the run exits 2.
func TestSeveralPathsAndAnUnreadableOne(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.json")
	args := []string{filepath.Join("testdata", "fieldnote.yaml"), missing, filepath.Join("testdata", "assembly", "Backend.template.json")}
	code, out, errOut := runCmd(args...)
	require.Equal(t, exitUsage, code)
	require.Contains(t, out, "ERROR [edge-methods] Distribution: ")
	require.Contains(t, out, "sitecheck of "+missing+"\nNOT CHECKED: no such file or directory\n")
	require.Contains(t, out, "sitecheck of "+args[2]+"\nno findings\n")
	_, rep := runJSON(t, args...)
	require.True(t, strings.HasSuffix(out, fmt.Sprintf("\nNOT CHECKED: 1 of 3 templates could not be read; 3 errors, %d warnings in the others; pitfalls: %s (see docs/PITFALLS.md)\n",
		rep.Warnings, strings.Join(rep.Pitfalls, ", "))), out)
	require.Equal(t, "sitecheck: "+missing+": no such file or directory\n", errOut)
}

func TestUnreadableTemplatesExitTwo(t *testing.T) {
	noManifest := t.TempDir()
	tests := []struct {
		name, path, stderr string
	}{
		{"missing file", filepath.Join(t.TempDir(), "template.json"), "template.json: no such file or directory"},
		{"invalid JSON", writeFile(t, "t.json", "{\n  \"Resources\": {\"A\": }\n}"), "invalid JSON at line 2: invalid character '}'"},
		{"invalid YAML", writeFile(t, "t.yaml", "Resources:\n  A: [unclosed\n"), "invalid YAML: yaml: line 1: did not find expected ',' or ']'"},
		{"unknown YAML tag", writeFile(t, "t.yml", "Resources:\n  A:\n    Type: !Reff X\n"), "invalid YAML: line 3: unknown tag !Reff"},
		{"empty YAML", writeFile(t, "t.yaml", ""), "invalid YAML: the file is empty"},
		{"directory without manifest.json", noManifest, noManifest + ": a directory without manifest.json is not a cloud assembly"},
		{"JSON that is no template", writeFile(t, "cdk-outputs.json", `{"StaticSite-dev": {"SiteUrl": "https://d1.cloudfront.net"}}`), "not a CloudFormation template: it has no Resources"},
		{"Resources not an object", writeFile(t, "t.json", `{"Resources": {"A": 1}}`), "not a CloudFormation template: Resources must map each logical ID to an object with a Type"},
		{"manifest not JSON", writeFile(t, "manifest.json", `nope`), "manifest.json: not a cloud assembly manifest"},
		{"assembly without stacks", writeFile(t, "manifest.json", `{"version": "48.0.0", "artifacts": {"Tree": {"type": "cdk:tree"}}}`), "the cloud assembly has no stacks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCmd(tt.path)
			require.Equal(t, exitUsage, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			require.Contains(t, errOut, tt.stderr)
			require.True(t, strings.HasPrefix(errOut, "sitecheck: "), errOut)
			require.True(t, strings.HasSuffix(out, "\nNOT CHECKED: the template could not be read\n"), out)

			code, out, errOut = runCmd("-json", tt.path)
			require.Equal(t, exitUsage, code)
			var rep Report
			require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
			require.False(t, rep.OK)
			require.Len(t, rep.Templates, 1)
			require.NotEmpty(t, rep.Templates[0].Error)
			require.Contains(t, errOut, rep.Templates[0].Error, "the report carries the error printed")
		})
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	tmpl := filepath.Join("testdata", "fieldnote.yaml")
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"nothing to check", nil, "nothing to check"},
		{"-distribution and -site", []string{"-distribution", "E2ABC", "-site", "https://d1.cloudfront.net"}, "either -distribution or -site"},
		{"-region without live mode", []string{"-region", "eu-west-1", tmpl}, "-region needs -distribution or -site"},
		{"unknown flag", []string{"-verbose", tmpl}, "flag provided but not defined: -verbose"},
		{"bad duration", []string{"-integration-timeout", "29", tmpl}, "invalid value"},
		{"negative timeout", []string{"-integration-timeout", "-1s", tmpl}, "-integration-timeout must be positive"},
		{"bad API domain", []string{"-api-domain", "https://api.example.com/", tmpl}, `-api-domain: "https://api.example.com/" is not a host name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCmd(tt.args...)
			require.Equal(t, exitUsage, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			require.Contains(t, errOut, tt.stderr)
			require.Empty(t, out, "nothing is checked after a usage error")
		})
	}
}

func TestHelpExitsZero(t *testing.T) {
	code, _, errOut := runCmd("-h")
	require.Equal(t, exitOK, code)
	require.Contains(t, errOut, "Usage: go run ./cmd/sitecheck")
	for _, f := range []string{"-api-domain", "-integration-timeout", "-strict", "-json", "-distribution", "-site", "-region"} {
		require.Contains(t, errOut, f)
	}
}

// The JSON field names are documented in docs/sitecheck.md; renaming one
// breaks CI scripts that read them.
func TestJSONFieldNames(t *testing.T) {
	_, out, _ := runCmd("-json", filepath.Join("testdata", "assembly", "Web.template.json"), filepath.Join(t.TempDir(), "nope.yaml"))
	var rep map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	keys := func(m map[string]any) []string {
		var k []string
		for key := range m {
			k = append(k, key)
		}
		slices.Sort(k)
		return k
	}
	require.Equal(t, []string{"errors", "ok", "pitfalls", "strict", "templates", "warnings"}, keys(rep))
	templates := rep["templates"].([]any)
	require.Equal(t, []string{"findings", "source"}, keys(templates[0].(map[string]any)))
	require.Equal(t, []string{"error", "findings", "source"}, keys(templates[1].(map[string]any)))
	finding := templates[0].(map[string]any)["findings"].([]any)[0].(map[string]any)
	require.Equal(t, []string{"fix", "level", "logicalId", "message", "path", "pitfall"}, keys(finding))
	require.Equal(t, "edge-methods", finding["pitfall"])
	require.Equal(t, "error", finding["level"])
	// Unread templates have an empty list of findings, not null.
	require.Equal(t, []any{}, templates[1].(map[string]any)["findings"])
}

// An API Gateway custom domain is an API origin only when -api-domain says
// so.
func TestApiDomainFlag(t *testing.T) {
	path := writeFile(t, "custom-domain.yaml", `
Resources:
  Distribution:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        Origins:
          - Id: site
            DomainName: www-origin.example.com
            CustomOriginConfig: {OriginProtocolPolicy: https-only}
          - Id: api
            DomainName: api.example.com
            CustomOriginConfig: {OriginProtocolPolicy: https-only}
        DefaultCacheBehavior:
          TargetOriginId: site
          ViewerProtocolPolicy: redirect-to-https
          CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6
        CacheBehaviors:
          - PathPattern: /api/*
            TargetOriginId: api
            ViewerProtocolPolicy: redirect-to-https
            CachePolicyId: 4135ea2d-6df8-44a3-9df3-4b5a84be39ad
            OriginRequestPolicyId: b689b0a8-53d0-40ab-baf2-68738e2966ac
`)
	code, rep := runJSON(t, path)
	require.Equal(t, exitOK, code)
	require.Empty(t, rep.Templates[0].Findings, "api.example.com is not known to serve an API")

	code, rep = runJSON(t, "-api-domain", "www.example.com", "-api-domain", "api.example.com", path)
	require.Equal(t, exitFailed, code)
	require.Equal(t, ruled("edge-methods", "errors-cached"), ids(rep.Templates[0]))
}

// -integration-timeout raises the integration timeout the origin's read
// timeout is compared with.
func TestIntegrationTimeoutFlag(t *testing.T) {
	web := filepath.Join("testdata", "assembly", "Web.template.json") // origin read timeout 30 s
	_, rep := runJSON(t, web)
	require.NotContains(t, ids(rep.Templates[0]), "origin-timeout")

	_, rep = runJSON(t, "-integration-timeout", "45s", web)
	require.Contains(t, ids(rep.Templates[0]), "origin-timeout")
}

// fakeLive replaces the live reader for one test.
func fakeLive(t *testing.T, f func(context.Context, live.Options) ([]byte, error)) {
	t.Helper()
	saved := readLive
	readLive = f
	t.Cleanup(func() { readLive = saved })
}

func TestLiveModeChecksTheDeployedTemplate(t *testing.T) {
	yamlTemplate, err := os.ReadFile(filepath.Join("testdata", "fieldnote.yaml"))
	require.NoError(t, err)
	deployed, err := yamlToJSON(yamlTemplate)
	require.NoError(t, err)
	var asked []live.Options
	fakeLive(t, func(_ context.Context, o live.Options) ([]byte, error) {
		asked = append(asked, o)
		return deployed, nil
	})

	code, out, errOut := runCmd("-distribution", "E2ABCDEF123456", "-region", "eu-west-1")
	require.Equal(t, exitFailed, code, errOut)
	require.Contains(t, out, "sitecheck of distribution E2ABCDEF123456\n")
	require.Contains(t, out, "ERROR [error-masked] Distribution: ")

	code, rep := runJSON(t, "-site", "https://www.example.com")
	require.Equal(t, exitFailed, code)
	require.Equal(t, "site https://www.example.com", rep.Templates[0].Source)
	require.Contains(t, ids(rep.Templates[0]), "error-masked")

	require.Equal(t, []live.Options{
		{DistributionID: "E2ABCDEF123456", Region: "eu-west-1"},
		{SiteURL: "https://www.example.com"},
	}, asked)
}

func TestLiveModeErrorExitsTwo(t *testing.T) {
	fakeLive(t, func(context.Context, live.Options) ([]byte, error) {
		return nil, errors.New("cloudfront:GetDistributionConfig: access denied; the policy needs cloudfront:GetDistributionConfig")
	})
	code, out, errOut := runCmd("-distribution", "E2ABCDEF123456")
	require.Equal(t, exitUsage, code)
	require.Equal(t, "sitecheck: distribution E2ABCDEF123456: reading the deployed setup: cloudfront:GetDistributionConfig: access denied; the policy needs cloudfront:GetDistributionConfig\n", errOut)
	require.Contains(t, out, "NOT CHECKED: reading the deployed setup: ")
}

// The real reader, as committed: whether the stub or the implementation,
// with no AWS to reach it fails, and the failure is exit 2 with a message.
func TestLiveModeWithTheRealReader(t *testing.T) {
	// Keep the SDK (once live is implemented) away from AWS and from the
	// machine's credentials: a closed local port, fake keys, no IMDS.
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "example")
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_CONFIG_FILE", os.DevNull)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
	code, out, errOut := runCmd("-distribution", "E2ABCDEF123456")
	require.Equal(t, exitUsage, code, out)
	require.True(t, strings.HasPrefix(errOut, "sitecheck: distribution E2ABCDEF123456: reading the deployed setup: "), errOut)
}

// Every flag that -h lists has a row in docs/sitecheck.md.
func TestFlagsDocumented(t *testing.T) {
	_, _, help := runCmd("-h")
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "sitecheck.md"))
	require.NoError(t, err)
	var flags []string
	for _, line := range strings.Split(help, "\n") {
		if f, ok := strings.CutPrefix(line, "  -"); ok {
			flags = append(flags, strings.Fields(f)[0])
		}
	}
	require.Len(t, flags, 7)
	for _, f := range flags {
		require.True(t, strings.Contains(string(doc), "| `-"+f), "document the flag -%s in docs/sitecheck.md", f)
	}
}

// TestMain makes sure no test can reach AWS (live mode's tests use local
// fakes).
func TestMain(m *testing.M) {
	fakeaws.NoInternet()
	os.Exit(m.Run())
}

// TestLiveModeOnTheFieldNote runs what a console user runs,
// `sitecheck -distribution <id>`, against the recorded console setup of
// internal/live's tests. The AWS SDK finds the fakes through its standard
// service-endpoint variables; the command names every pitfall of that
// setup and exits 1.
func TestLiveModeOnTheFieldNote(t *testing.T) {
	fakeaws.Credentials(t)
	fake := fakeaws.Start(t, filepath.Join("..", "..", "internal", "live", "testdata"), "fieldnote")
	t.Setenv("AWS_ENDPOINT_URL_CLOUDFRONT", fake.CloudFront.URL)
	t.Setenv("AWS_ENDPOINT_URL_API_GATEWAY", fake.APIGateway.URL)

	code, rep := runJSON(t, "-distribution", "E2FIELDNOTE0QZ")
	require.Equal(t, exitFailed, code, "requests:\n%s", fake.RequestLog())
	got := slices.Clone(rep.Pitfalls)
	slices.Sort(got)
	require.Equal(t, []string{"api-cached", "api-route", "cors-duplicate", "direct-access", "edge-methods", "edge-optimized", "error-masked", "errors-cached"}, got)
}
