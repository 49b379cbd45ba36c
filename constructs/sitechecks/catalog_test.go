package sitechecks_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/constructs/sitechecks"
	"github.com/one-origin/staticsitewithapi/pitfalls"
)

// TestRulesAreTheSynthPitfalls: every rule is a pitfall of the catalog, and
// the catalog marks with pitfalls.Synth exactly the pitfalls a rule checks.
func TestRulesAreTheSynthPitfalls(t *testing.T) {
	var ids []pitfalls.ID
	for _, r := range sitechecks.Rules() {
		require.True(t, r.ID.Known(), "rule %s is not in the pitfall catalog", r.ID)
		require.Contains(t, []sitechecks.Level{sitechecks.LevelError, sitechecks.LevelWarning}, r.Level, r.ID)
		require.NotEmpty(t, r.Checks, r.ID)
		ids = append(ids, r.ID)
	}
	require.ElementsMatch(t, pitfalls.FoundBy(pitfalls.Synth), ids)
}

// TestManagedPolicyIdsMatchCDK: the IDs of package pitfalls, which the
// checks recognize managed policies by, are the ones aws-cdk-lib renders.
func TestManagedPolicyIdsMatchCDK(t *testing.T) {
	cache := func(p awscloudfront.ICachePolicy) string { return *p.CachePolicyId() }
	request := func(p awscloudfront.IOriginRequestPolicy) string { return *p.OriginRequestPolicyId() }
	headers := func(p awscloudfront.IResponseHeadersPolicy) string { return *p.ResponseHeadersPolicyId() }
	cdk := map[string]func() string{
		"awscloudfront.CachePolicy_CACHING_DISABLED":  func() string { return cache(awscloudfront.CachePolicy_CACHING_DISABLED()) },
		"awscloudfront.CachePolicy_CACHING_OPTIMIZED": func() string { return cache(awscloudfront.CachePolicy_CACHING_OPTIMIZED()) },
		"awscloudfront.CachePolicy_CACHING_OPTIMIZED_FOR_UNCOMPRESSED_OBJECTS": func() string {
			return cache(awscloudfront.CachePolicy_CACHING_OPTIMIZED_FOR_UNCOMPRESSED_OBJECTS())
		},
		"awscloudfront.CachePolicy_AMPLIFY":                          func() string { return cache(awscloudfront.CachePolicy_AMPLIFY()) },
		"awscloudfront.CachePolicy_ELEMENTAL_MEDIA_PACKAGE":          func() string { return cache(awscloudfront.CachePolicy_ELEMENTAL_MEDIA_PACKAGE()) },
		"awscloudfront.CachePolicy_USE_ORIGIN_CACHE_CONTROL_HEADERS": func() string { return cache(awscloudfront.CachePolicy_USE_ORIGIN_CACHE_CONTROL_HEADERS()) },
		"awscloudfront.CachePolicy_USE_ORIGIN_CACHE_CONTROL_HEADERS_QUERY_STRINGS": func() string {
			return cache(awscloudfront.CachePolicy_USE_ORIGIN_CACHE_CONTROL_HEADERS_QUERY_STRINGS())
		},
		"awscloudfront.OriginRequestPolicy_ALL_VIEWER_EXCEPT_HOST_HEADER": func() string {
			return request(awscloudfront.OriginRequestPolicy_ALL_VIEWER_EXCEPT_HOST_HEADER())
		},
		"awscloudfront.OriginRequestPolicy_ALL_VIEWER": func() string { return request(awscloudfront.OriginRequestPolicy_ALL_VIEWER()) },
		"awscloudfront.OriginRequestPolicy_ALL_VIEWER_AND_CLOUDFRONT_2022": func() string {
			return request(awscloudfront.OriginRequestPolicy_ALL_VIEWER_AND_CLOUDFRONT_2022())
		},
		"awscloudfront.OriginRequestPolicy_HOST_HEADER_ONLY": func() string { return request(awscloudfront.OriginRequestPolicy_HOST_HEADER_ONLY()) },
		"awscloudfront.OriginRequestPolicy_USER_AGENT_REFERER_HEADERS": func() string {
			return request(awscloudfront.OriginRequestPolicy_USER_AGENT_REFERER_HEADERS())
		},
		"awscloudfront.OriginRequestPolicy_CORS_CUSTOM_ORIGIN":     func() string { return request(awscloudfront.OriginRequestPolicy_CORS_CUSTOM_ORIGIN()) },
		"awscloudfront.OriginRequestPolicy_CORS_S3_ORIGIN":         func() string { return request(awscloudfront.OriginRequestPolicy_CORS_S3_ORIGIN()) },
		"awscloudfront.OriginRequestPolicy_ELEMENTAL_MEDIA_TAILOR": func() string { return request(awscloudfront.OriginRequestPolicy_ELEMENTAL_MEDIA_TAILOR()) },
		"awscloudfront.ResponseHeadersPolicy_SECURITY_HEADERS":     func() string { return headers(awscloudfront.ResponseHeadersPolicy_SECURITY_HEADERS()) },
		"awscloudfront.ResponseHeadersPolicy_CORS_ALLOW_ALL_ORIGINS": func() string {
			return headers(awscloudfront.ResponseHeadersPolicy_CORS_ALLOW_ALL_ORIGINS())
		},
		"awscloudfront.ResponseHeadersPolicy_CORS_ALLOW_ALL_ORIGINS_WITH_PREFLIGHT": func() string {
			return headers(awscloudfront.ResponseHeadersPolicy_CORS_ALLOW_ALL_ORIGINS_WITH_PREFLIGHT())
		},
		"awscloudfront.ResponseHeadersPolicy_CORS_ALLOW_ALL_ORIGINS_AND_SECURITY_HEADERS": func() string {
			return headers(awscloudfront.ResponseHeadersPolicy_CORS_ALLOW_ALL_ORIGINS_AND_SECURITY_HEADERS())
		},
		"awscloudfront.ResponseHeadersPolicy_CORS_ALLOW_ALL_ORIGINS_WITH_PREFLIGHT_AND_SECURITY_HEADERS": func() string {
			return headers(awscloudfront.ResponseHeadersPolicy_CORS_ALLOW_ALL_ORIGINS_WITH_PREFLIGHT_AND_SECURITY_HEADERS())
		},
	}
	policies := pitfalls.ManagedPolicies()
	require.Len(t, policies, len(cdk))
	for _, p := range policies {
		id, ok := cdk[p.CDK]
		require.True(t, ok, "%s: no aws-cdk-go function %s", p.Name, p.CDK)
		require.Equal(t, id(), p.ID, "%s (%s)", p.Name, p.CDK)
	}
}

// TestAddToIsIdempotent: adding the checks to a stack again, from the same
// Checks or another, adds no second marker and no second finding (a second
// marker would not even be allowed: construct IDs are unique).
func TestAddToIsIdempotent(t *testing.T) {
	// Template validation is beside the point here, and costs seconds.
	app := awscdk.NewApp(&awscdk.AppProps{BuiltinCloudFormationValidation: jsii.Bool(false)})
	shop := awscdk.NewStack(app, jsii.String("Shop"), nil)
	newSite(shop)
	other := awscdk.NewStack(app, jsii.String("Other"), nil)
	newSite(other)

	checks := sitechecks.New(nil)
	checks.AddTo(shop)
	checks.AddTo(shop, shop, other)
	sitechecks.New(nil).AddTo(shop)

	for _, st := range []awscdk.Stack{shop, other} {
		markers := 0
		for _, c := range *st.Node().Children() {
			if *c.Node().Id() == sitechecks.MarkerId {
				markers++
			}
		}
		require.Equal(t, 1, markers, *st.StackName())

		ann := assertions.Annotations_FromStack(st)
		rule := func(id pitfalls.ID) *string { return jsii.String(`^\[` + string(id) + `\] `) }
		errs := ann.FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(rule(sitechecks.EdgeMethods)))
		require.Len(t, *errs, 1, "edge-methods in %s", *st.StackName())
		warns := ann.FindWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(rule(sitechecks.ApiCached)))
		require.Len(t, *warns, 1, "api-cached in %s", *st.StackName())

		// The fix these rules print is the catalog's.
		require.True(t, strings.HasSuffix(fmt.Sprint((*errs)[0].Entry.Data), " Fix: "+pitfalls.EdgeMethods.Fix()+"."), (*errs)[0].Entry.Data)
		require.Contains(t, fmt.Sprint((*warns)[0].Entry.Data), " Fix: "+pitfalls.ApiCached.Fix()+".")
	}
}
