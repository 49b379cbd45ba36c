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

	"github.com/one-origin/staticsitewithapi/constructs/sitechecks"
)

// findings runs the template checks on what Template read.
func findings(t *testing.T, template []byte) []sitechecks.Finding {
	t.Helper()
	fs, err := sitechecks.CheckTemplate(template, nil)
	require.NoError(t, err)
	return fs
}

func ruleSet(fs []sitechecks.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s:%s on %s", f.Rule, f.Level, f.LogicalId))
	}
	slices.Sort(out)
	return out
}

func dump(fs []sitechecks.Finding) string {
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
	testCredentials(t)
	fake := newFakeAWS(t, "fieldnote")
	opts := fake.options()
	opts.DistributionID = "E2FIELDNOTE0QZ"
	tmpl, err := Template(context.Background(), opts)
	require.NoError(t, err, fake.requestLog())

	fs := findings(t, tmpl)
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
			require.Contains(t, f.Message, "] distribution E2FIELDNOTE0QZ: ")
		case "RestApixp91hjk4qh":
			require.Contains(t, f.Message, "] rest api xp91hjk4qh (cry-api): ")
		}
		if f.Rule == sitechecks.CorsDuplicate {
			require.Contains(t, f.Message, "OPTIONS /{proxy+}")
			require.Contains(t, f.Message, "SimpleCORS")
		}
		if f.Rule == sitechecks.EdgeMethods {
			require.Contains(t, f.Message, `behavior "/api/*" sends the API to ${rest api xp91hjk4qh (cry-api)}.execute-api.ap-southeast-2.amazonaws.com`)
		}
	}

	// The API was read in the region its domain names, not AWS_REGION.
	require.Equal(t, []string{"ap-southeast-2"}, fake.signingRegions("apigateway"))
	require.Equal(t, []string{"us-east-1"}, fake.signingRegions("cloudfront"))

	// Managed policies stay IDs: nothing to fetch, and no function.
	seen := fake.seen()
	for _, a := range []string{actGetCachePolicy, actGetOriginRequestPolicy, actGetResponseHeadersPolicy, actGetFunction, actListDistributions} {
		require.False(t, seen[a], "%s was called:\n%s", a, fake.requestLog())
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
	testCredentials(t)
	fake := newFakeAWS(t, "fieldnote")
	byID := fake.options()
	byID.DistributionID = "E2FIELDNOTE0QZ"
	want, err := Template(context.Background(), byID)
	require.NoError(t, err)

	for _, site := range []string{"https://cry.example.com/orders/42?x=1", "cry.example.com", "HTTPS://CRY.EXAMPLE.COM.", "d1f2e7n0t3q9zx.cloudfront.net"} {
		opts := fake.options()
		opts.SiteURL = site
		got, err := Template(context.Background(), opts)
		require.NoError(t, err, site)
		require.Equal(t, string(want), string(got), site)
	}
	require.True(t, fake.seen()[actListDistributions])

	// A wildcard alternate domain name matches one label below it.
	opts := fake.options()
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
	testCredentials(t)
	fake := newFakeAWS(t, "denied")
	opts := fake.options()
	opts.DistributionID = "E2FIELDNOTE0QZ"
	_, err := Template(context.Background(), opts)
	require.Error(t, err)
	require.Contains(t, err.Error(), "cloudfront:GetDistributionConfig is not allowed for this identity; add it (docs/live-check.md has the whole read-only policy)")
	require.Contains(t, err.Error(), "User: arn:aws:iam::123456789012:user/reader is not authorized")

	// API Gateway's AccessDeniedException names apigateway:GET and the ARN.
	fake = newFakeAWS(t, "denied-apigateway", "fieldnote")
	opts = fake.options()
	opts.DistributionID = "E2FIELDNOTE0QZ"
	_, err = Template(context.Background(), opts)
	require.ErrorContains(t, err, "apigateway:GET on arn:aws:apigateway:ap-southeast-2::/restapis/xp91hjk4qh is not allowed for this identity; add it (docs/live-check.md")
}

func TestUnknownDistribution(t *testing.T) {
	testCredentials(t)
	fake := newFakeAWS(t, "unknown")
	opts := fake.options()
	opts.DistributionID = "E0NOSUCHDIST00"
	_, err := Template(context.Background(), opts)
	require.ErrorContains(t, err, "distribution E0NOSUCHDIST00 does not exist in the account of these credentials")
}

// A server that does not answer ends each call at Options.Timeout.
func TestTimeout(t *testing.T) {
	testCredentials(t)
	fake := newFakeAWS(t, "fieldnote")
	fake.delay = time.Minute
	opts := fake.options()
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
