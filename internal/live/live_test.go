package live

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/constructs/sitechecks/engine"
	"github.com/one-origin/staticsitewithapi/pitfalls"
)

// findings runs the template checks on what Template read.
func findings(t *testing.T, template []byte) []engine.Finding {
	t.Helper()
	fs, err := engine.CheckTemplate(template, engine.Config{})
	require.NoError(t, err)
	return fs
}

func ruleSet(fs []engine.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s:%s on %s", f.Rule, f.Level, f.LogicalId))
	}
	slices.Sort(out)
	return out
}

func dump(fs []engine.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.Message + "\n")
	}
	return b.String()
}

// The field note's console setup: an S3 origin and an execute-api origin
// without an origin path, /api/* allowing GET and HEAD only with
// CachingOptimized, AllViewerExceptHostHeader and SimpleCORS, 403/404 ->
// /index.html 200 for the whole distribution, and an EDGE API with ANY on /
// and /{proxy+} and an OPTIONS MOCK that sets Access-Control-Allow-Origin.
//
// The engine sees eight pitfalls there: the six of the field note, and
// two more that the same console defaults cause: direct-access (no method
// needs an API key, an authorizer or IAM, and the API has no resource
// policy or web ACL) and errors-cached (no error caching TTL of 0, so
// CloudFront keeps API errors 10 s). It does not report:
//   - host-header and headers-dropped: AllViewerExceptHostHeader forwards
//     everything but Host, which is right;
//   - origin-timeout: the console's 30 s read timeout is above 29 s;
//   - preflight-auth: no method has an authorizer or API key;
//   - s3-origin: the S3 behavior allows GET and HEAD only, and /api/* has
//     a wildcard;
//   - spa-deeplink: the error responses serve deep links, which
//     error-masked reports instead (it is the worse of the two);
//   - cors-errors: SimpleCORS adds CORS to API Gateway's own errors too;
//   - api-uncompressed: the behavior compresses (and, wrongly, caches);
//   - secret-exposed: CloudFront adds no secret header to the API origin;
//   - wellknown-rewritten: there is no viewer-request function to judge;
//   - the deployment rules (config-pruned, stale-frontend, chunk-deleted,
//     destroy-blocked, secret-rotation, account-singleton): they read
//     resources of a CDK app (BucketDeployments, rotation schedules) that
//     a deployed distribution does not show;
//   - the route mismatch (/api/x reaching the API as /api/x, not under a
//     stage): api-route stops at the missing stage, which is the first
//     thing to fix, and ANY /{proxy+} would cover /api/x once the stage is
//     there.
func TestFieldNote(t *testing.T) {
	fake := newFake(t, "fieldnote")
	opts := optionsFor(fake)
	opts.DistributionID = "E2FIELDNOTE0QZ"
	tmpl, err := Template(context.Background(), opts)
	require.NoError(t, err, fake.RequestLog())

	fs := findings(t, tmpl)
	t.Logf("findings:\n%s", dump(fs))
	require.Equal(t, []string{
		"api-cached:warning on DistributionE2FIELDNOTE0QZ",
		"api-route:error on DistributionE2FIELDNOTE0QZ",
		"cors-duplicate:warning on DistributionE2FIELDNOTE0QZ",
		"direct-access:warning on RestApixp91hjk4qh",
		"edge-methods:error on DistributionE2FIELDNOTE0QZ",
		"edge-optimized:warning on RestApixp91hjk4qh",
		"error-masked:error on DistributionE2FIELDNOTE0QZ",
		"errors-cached:warning on DistributionE2FIELDNOTE0QZ",
	}, ruleSet(fs), "findings:\n%s\ntemplate:\n%s", dump(fs), tmpl)

	// Messages name the deployed resources readably.
	for _, f := range fs {
		switch f.LogicalId {
		case "DistributionE2FIELDNOTE0QZ":
			require.Contains(t, f.Message, "] CloudFront/E2FIELDNOTE0QZ: ")
		case "RestApixp91hjk4qh":
			require.Contains(t, f.Message, "] ApiGateway/cry-api (xp91hjk4qh): ")
		}
		if f.Rule == pitfalls.CorsDuplicate {
			require.Contains(t, f.Message, "OPTIONS /{proxy+}")
			require.Contains(t, f.Message, "SimpleCORS")
		}
		if f.Rule == pitfalls.EdgeMethods {
			require.Contains(t, f.Message, `behavior "/api/*" sends the API to ${ApiGateway/cry-api (xp91hjk4qh)}.execute-api.ap-southeast-2.amazonaws.com`)
		}
	}

	// The API was read in the region its domain names, not AWS_REGION.
	require.Equal(t, []string{"ap-southeast-2"}, fake.SigningRegions("apigateway"))
	require.Equal(t, []string{"us-east-1"}, fake.SigningRegions("cloudfront"))

	// Managed policies stay IDs: nothing to fetch, and no function.
	seen := fake.Seen()
	for _, a := range []string{actGetCachePolicy, actGetOriginRequestPolicy, actGetResponseHeadersPolicy, actGetFunction, actListDistributions} {
		require.False(t, seen[a], "%s was called:\n%s", a, fake.RequestLog())
	}

	// Same configuration, same bytes.
	again, err := Template(context.Background(), opts)
	require.NoError(t, err)
	require.Equal(t, string(tmpl), string(again))

	// Only API Gateway's defaults: no gateway response in the template.
	var doc struct {
		Resources map[string]struct{ Type string }
	}
	require.NoError(t, json.Unmarshal(tmpl, &doc))
	types := map[string]int{}
	for _, r := range doc.Resources {
		types[r.Type]++
	}
	require.Equal(t, map[string]int{
		"AWS::CloudFront::Distribution": 1,
		"AWS::ApiGateway::RestApi":      1,
		"AWS::ApiGateway::Resource":     1,
		"AWS::ApiGateway::Method":       3,
		"AWS::ApiGateway::Stage":        1,
	}, types)
}

// -site finds the distribution by an alternate domain name, on the second
// page of ListDistributions, and reads the same template as by ID.
func TestSiteByAlias(t *testing.T) {
	fake := newFake(t, "fieldnote")
	byID := optionsFor(fake)
	byID.DistributionID = "E2FIELDNOTE0QZ"
	want, err := Template(context.Background(), byID)
	require.NoError(t, err)

	for _, site := range []string{"https://cry.example.com/orders/42?x=1", "cry.example.com", "HTTPS://CRY.EXAMPLE.COM.", "d1f2e7n0t3q9zx.cloudfront.net"} {
		opts := optionsFor(fake)
		opts.SiteURL = site
		got, err := Template(context.Background(), opts)
		require.NoError(t, err, site)
		require.Equal(t, string(want), string(got), site)
	}
	require.True(t, fake.Seen()[actListDistributions])

	// A wildcard alternate domain name matches one label below it.
	opts := optionsFor(fake)
	opts.SiteURL = "https://v2.docs.example.com"
	id, err := newReaderForTest(t, opts).findDistribution(context.Background(), opts.SiteURL)
	require.NoError(t, err)
	require.Equal(t, "E1OTHERSITE9KM", id)

	opts.SiteURL = "https://www.example.org"
	_, err = Template(context.Background(), opts)
	require.ErrorContains(t, err, "no distribution of this account has the domain or alternate domain name www.example.org (2 distributions read")
}

// CloudFront refuses an identity without cloudfront:GetDistributionConfig
// with a 403 AccessDenied; the error names the permission and the doc.
func TestAccessDenied(t *testing.T) {
	fake := newFake(t, "denied")
	opts := optionsFor(fake)
	opts.DistributionID = "E2FIELDNOTE0QZ"
	_, err := Template(context.Background(), opts)
	require.Error(t, err)
	require.Contains(t, err.Error(), "cloudfront:GetDistributionConfig is not allowed for this identity; add it (docs/live-check.md has the whole read-only policy)")
	require.Contains(t, err.Error(), "User: arn:aws:iam::123456789012:user/reader is not authorized")

	// API Gateway's AccessDeniedException names apigateway:GET and the ARN.
	fake = newFake(t, "denied-apigateway", "fieldnote")
	opts = optionsFor(fake)
	opts.DistributionID = "E2FIELDNOTE0QZ"
	_, err = Template(context.Background(), opts)
	require.ErrorContains(t, err, "apigateway:GET on arn:aws:apigateway:ap-southeast-2::/restapis/xp91hjk4qh is not allowed for this identity; add it (docs/live-check.md")
}

func TestUnknownDistribution(t *testing.T) {
	fake := newFake(t, "unknown")
	opts := optionsFor(fake)
	opts.DistributionID = "E0NOSUCHDIST00"
	_, err := Template(context.Background(), opts)
	require.ErrorContains(t, err, "distribution E0NOSUCHDIST00 does not exist in the account of these credentials")
}

// A server that does not answer ends each call at Options.Timeout.
func TestTimeout(t *testing.T) {
	fake := newFake(t, "fieldnote")
	fake.Delay = time.Minute
	opts := optionsFor(fake)
	opts.DistributionID = "E2FIELDNOTE0QZ"
	opts.Timeout = 300 * time.Millisecond
	start := time.Now()
	_, err := Template(context.Background(), opts)
	require.ErrorContains(t, err, "live: GetDistributionConfig E2FIELDNOTE0QZ: no answer within 300ms")
	require.Less(t, time.Since(start), 10*time.Second)
}

func TestOptionsErrors(t *testing.T) {
	_, err := Template(context.Background(), Options{})
	require.ErrorContains(t, err, "name the distribution")
	_, err = Template(context.Background(), Options{DistributionID: "E1", Timeout: -time.Second})
	require.ErrorContains(t, err, "negative")
}

func newReaderForTest(t *testing.T, opts Options) *reader {
	t.Helper()
	if opts.Timeout == 0 {
		opts.Timeout = DefaultTimeout
	}
	cfg, err := loadConfig(context.Background(), opts)
	require.NoError(t, err)
	return newReader(cfg, opts)
}

// A distribution shaped like the construct's: all seven methods,
// CachingDisabled, AllViewerExceptHostHeader, the stage as origin path, a
// REGIONAL API with an API key, OPTIONS MOCKs without auth, a
// viewer-request function that leaves /.well-known/ alone, and error
// caching off for API errors. The checks find nothing.
func TestHealthy(t *testing.T) {
	fake := newFake(t, "healthy")
	opts := optionsFor(fake)
	opts.DistributionID = "E3HEALTHYSPA01"
	opts.Region = "eu-west-1" // the API's domain names us-east-1, which wins
	tmpl, err := Template(context.Background(), opts)
	require.NoError(t, err, fake.RequestLog())
	fs := findings(t, tmpl)
	require.Empty(t, fs, "findings:\n%s\ntemplate:\n%s", dump(fs), tmpl)
	require.Equal(t, []string{"us-east-1"}, fake.SigningRegions("apigateway"))

	// Everything the construct's setup needs was read, and nothing else.
	seen := fake.Seen()
	for _, a := range []string{actGetDistributionConfig, actGetResponseHeadersPolicy, actDescribeFunction, actGetFunction, actApiGatewayGet} {
		require.True(t, seen[a], "%s was not called:\n%s", a, fake.RequestLog())
	}
	require.False(t, seen[actListDistributions])

	// CloudFront's secret origin header keeps its name, not its value.
	require.NotContains(t, string(tmpl), "Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC1rZXk")
	require.Contains(t, string(tmpl), `"HeaderName": "x-api-key"`)

	var doc struct {
		Resources map[string]struct {
			Type       string
			Properties map[string]any
			Metadata   map[string]any
		}
	}
	require.NoError(t, json.Unmarshal(tmpl, &doc))
	res := doc.Resources
	// The custom response headers policy is a resource the behavior refers to.
	rhp := res["ResponseHeadersPolicy4f1e9c2a7b3d4e8fa5c60d9b8e7f6a51"]
	require.Equal(t, "AWS::CloudFront::ResponseHeadersPolicy", rhp.Type)
	require.Equal(t, "CloudFront/ShopSite-ApiHeaders-5C2B8E1F", rhp.Metadata["aws:cdk:path"])
	dc := res["DistributionE3HEALTHYSPA01"].Properties["DistributionConfig"].(map[string]any)
	api := dc["CacheBehaviors"].([]any)[0].(map[string]any)
	require.Equal(t, map[string]any{"Ref": "ResponseHeadersPolicy4f1e9c2a7b3d4e8fa5c60d9b8e7f6a51"}, api["ResponseHeadersPolicyId"])
	require.Equal(t, "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", api["CachePolicyId"])
	// The function carries its LIVE code, and the association refers to it.
	fn := res["FunctionSiteSpaRewritec8a1f0"]
	require.Equal(t, "AWS::CloudFront::Function", fn.Type)
	require.Contains(t, fn.Properties["FunctionCode"], "/.well-known/")
	require.Equal(t, map[string]any{"Runtime": "cloudfront-js-2.0", "Comment": "Serves /index.html for extension-less paths (SPA deep links)"}, fn.Properties["FunctionConfig"])
	def := dc["DefaultCacheBehavior"].(map[string]any)
	require.Equal(t, []any{map[string]any{"EventType": "viewer-request",
		"FunctionARN": map[string]any{"Fn::GetAtt": []any{"FunctionSiteSpaRewritec8a1f0", "FunctionARN"}}}}, def["FunctionAssociations"])
	// Resources rebuild the paths; the root is the API's RootResourceId.
	require.Equal(t, map[string]any{"Fn::GetAtt": []any{"RestApia1b2c3d4e5", "RootResourceId"}}, res["RestApia1b2c3d4e5Methodx4c9vt2m1aANY"].Properties["ResourceId"])
	require.Equal(t, map[string]any{"Ref": "RestApia1b2c3d4e5Resourcep7q2ze"}, res["RestApia1b2c3d4e5Methodp7q2zeOPTIONS"].Properties["ResourceId"])
	// Only the customized gateway response is a resource.
	var gw []string
	for id, r := range res {
		if r.Type == "AWS::ApiGateway::GatewayResponse" {
			gw = append(gw, id)
		}
	}
	require.Equal(t, []string{"RestApia1b2c3d4e5GatewayResponseDEFAULT5XX"}, gw)
	// The stage's web ACL becomes an association that refers to the stage.
	require.Equal(t, "AWS::WAFv2::WebACLAssociation", res["RestApia1b2c3d4e5StageprodWebACLAssociation"].Type)
	// Error responses that only set a TTL keep no page and no code.
	require.Equal(t, map[string]any{"ErrorCode": float64(400), "ErrorCachingMinTTL": float64(0)}, dc["CustomErrorResponses"].([]any)[0])
}

// Custom policies are judged by what they configure: the same distribution
// with a custom origin request policy that forwards every viewer header
// (Host included) and a custom cache policy with a TTL.
func TestCustomPolicies(t *testing.T) {
	fake := newFake(t, "custompolicies", "healthy")
	opts := optionsFor(fake)
	opts.DistributionID = "E3HEALTHYSPA01"
	tmpl, err := Template(context.Background(), opts)
	require.NoError(t, err, fake.RequestLog())
	fs := findings(t, tmpl)
	require.Equal(t, []string{
		"api-cached:warning on DistributionE3HEALTHYSPA01",
		"host-header:error on DistributionE3HEALTHYSPA01",
	}, ruleSet(fs), "findings:\n%s", dump(fs))
	msgs := dump(fs)
	require.Contains(t, msgs, "origin request policy CloudFront/ShopSite-ForwardAll forwards all viewer headers")
	require.Contains(t, msgs, "cache policy CloudFront/ShopSite-ApiShortCache with DefaultTTL 60 s")
	seen := fake.Seen()
	require.True(t, seen[actGetCachePolicy])
	require.True(t, seen[actGetOriginRequestPolicy])
}
