package engine

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestHeadersDroppedAuthorizer: what an authorizer reads must get past the
// API behavior.
func TestHeadersDroppedAuthorizer(t *testing.T) {
	cognito := authorizedApi(t, "COGNITO_USER_POOLS") + "," + cognitoAuthorizer
	custom := func(typ, source string) string {
		return authorizedApi(t, "CUSTOM") + "," + lambdaAuthorizer(typ, source)
	}
	orp := func(headers, queries string) string {
		return `"Orp": {"Type": "AWS::CloudFront::OriginRequestPolicy", "Properties": {"OriginRequestPolicyConfig": {"Name": "x",
			"HeadersConfig": ` + headers + `, "QueryStringsConfig": ` + queries + `, "CookiesConfig": {"CookieBehavior": "none"}}}}`
	}
	cachePolicy := func(ttl, headers string) string {
		return `"Cp": {"Type": "AWS::CloudFront::CachePolicy", "Properties": {"CachePolicyConfig": {"Name": "x", "MinTTL": 0, "DefaultTTL": ` + ttl + `, "MaxTTL": ` + ttl + `,
			"ParametersInCacheKeyAndForwardedToOrigin": {"EnableAcceptEncodingGzip": false, "HeadersConfig": ` + headers + `,
			"QueryStringsConfig": {"QueryStringBehavior": "none"}, "CookiesConfig": {"CookieBehavior": "none"}}}}}`
	}
	const (
		noHeaders  = `{"HeaderBehavior": "none"}`
		allQueries = `{"QueryStringBehavior": "all"}`
		cpRef      = `{"Ref": "Cp"}`
		orpRef     = `{"Fn::GetAtt": ["Orp", "Id"]}`
	)
	legacy := `"AllowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"], "MinTTL": 0, "DefaultTTL": 0, "MaxTTL": 0,
		"ForwardedValues": {"QueryString": true, "Headers": ["Authorization", "Accept"]}`
	cases := []struct {
		name, resources string
		want            []string
		says            []string // phrases of the authorizer's finding, and of its fix after "Fix:"
	}{
		{"Cognito, CachingOptimized with AllViewerExceptHostHeader", cognito + "," + distribution(apiBehavior(quoted(cachingOptimized), quoted(allViewerExceptHost)), ""),
			[]string{"api-cached:warning@Dist", "headers-dropped:warning@Dist"},
			[]string{`behavior "/api/*" does not forward the header Authorization that authorizer Stack/Auth (COGNITO_USER_POOLS) of API Stack/Api reads`,
				"origin request policy AllViewerExceptHostHeader forwards all viewer headers", "cache policy CachingOptimized caches without it", "answered 401",
				"Fix: forward it: cache policy CachingDisabled", "origin request policy AllViewerExceptHostHeader", "Authorization in the cache policy's cache key"}},
		{"Cognito, CachingDisabled without an origin request policy", cognito + "," + distribution(apiBehavior(quoted(cachingDisabled), ""), ""),
			[]string{"headers-dropped:warning@Dist", "headers-dropped:warning@Dist"},
			[]string{"the header Authorization", "through an all-viewer origin request policy, and it has no origin request policy and cache policy CachingDisabled"}},
		{"Cognito, a custom origin request policy with all viewer headers but Host", cognito + "," + distribution(apiBehavior(quoted(cachingDisabled), orpRef), "") + "," +
			orp(`{"HeaderBehavior": "allExcept", "Headers": ["Host"]}`, allQueries), nil, nil},
		{"Cognito, a custom cache policy with TTL 0 and AllViewerExceptHostHeader", cognito + "," + distribution(apiBehavior(cpRef, quoted(allViewerExceptHost)), "") + "," + cachePolicy("0", noHeaders), nil, nil},
		{"Cognito, a caching custom cache policy with AllViewerExceptHostHeader", cognito + "," + distribution(apiBehavior(cpRef, quoted(allViewerExceptHost)), "") + "," + cachePolicy("60", noHeaders),
			[]string{"api-cached:warning@Dist", "headers-dropped:warning@Dist"}, []string{"cache policy Stack/Cp caches without it"}},
		{"Cognito, Authorization in the cache key", cognito + "," + distribution(apiBehavior(cpRef, quoted(allViewerExceptHost)), "") + "," + cachePolicy("60", `{"HeaderBehavior": "whitelist", "Headers": ["Authorization"]}`),
			[]string{"api-cached:warning@Dist"}, nil},
		{"Cognito, legacy ForwardedValues with Authorization", cognito + "," + distribution(legacy, ""), nil, nil},
		{"Cognito, legacy ForwardedValues without Authorization", cognito + "," + distribution(strings.Replace(legacy, `"Authorization", `, "", 1), ""),
			[]string{"headers-dropped:warning@Dist"}, []string{"its legacy ForwardedValues do not list it"}},
		{"Cognito, an origin request policy this template does not define", cognito + "," + distribution(apiBehavior(quoted(cachingOptimized), quoted("00000000-0000-0000-0000-000000000000")), ""),
			[]string{"api-cached:warning@Dist"}, nil},
		{"TOKEN on a header the origin request policy leaves out", custom("TOKEN", "method.request.header.X-Session") + "," + distribution(apiBehavior(quoted(cachingDisabled), orpRef), "") + "," +
			orp(`{"HeaderBehavior": "whitelist", "Headers": ["Content-Type"]}`, allQueries),
			[]string{"headers-dropped:warning@Dist"},
			[]string{"the header X-Session that authorizer Stack/Auth (TOKEN)", "(IdentitySource method.request.header.X-Session)", "it has origin request policy Stack/Orp and cache policy CachingDisabled",
				"Fix: forward it: origin request policy AllViewerExceptHostHeader", "a custom one that lists X-Session"}},
		{"TOKEN on a header the origin request policy lists", custom("TOKEN", "method.request.header.X-Session") + "," + distribution(apiBehavior(quoted(cachingDisabled), orpRef), "") + "," +
			orp(`{"HeaderBehavior": "whitelist", "Headers": ["x-session"]}`, allQueries), nil, nil},
		{"REQUEST on a query string the policy does not forward", custom("REQUEST", "method.request.header.X-Session, method.request.querystring.tenant, context.stage, stageVariables.v") + "," +
			distribution(apiBehavior(quoted(cachingDisabled), orpRef), "") + "," + orp(`{"HeaderBehavior": "whitelist", "Headers": ["X-Session"]}`, `{"QueryStringBehavior": "allExcept", "QueryStrings": ["tenant"]}`),
			[]string{"headers-dropped:warning@Dist"},
			[]string{"the query string tenant", "Fix: forward the query string", "QueryStringsConfig includes tenant"}},
		{"REQUEST on a header that CloudFront adds to the origin", custom("REQUEST", "method.request.header.X-Origin-Verify") + "," +
			strings.Replace(distribution(apiBehavior(quoted(cachingDisabled), orpRef), ""), `"OriginPath": "/prod",`, `"OriginPath": "/prod", "OriginCustomHeaders": [{"HeaderName": "x-origin-verify", "HeaderValue": "v"}],`, 1) + "," +
			orp(`{"HeaderBehavior": "whitelist", "Headers": ["Content-Type"]}`, allQueries),
			nil, nil},
		{"TOKEN on a header, an origin request policy this template does not define", custom("TOKEN", "method.request.header.X-Session") + "," +
			distribution(apiBehavior(quoted(cachingDisabled), quoted("00000000-0000-0000-0000-000000000000")), ""), nil, nil},
		{"an AuthorizerId on a method without authorization", withApi(t, anyWithKey, `"HttpMethod": "ANY", "AuthorizationType": "NONE", "AuthorizerId": {"Ref": "Auth"}, "ApiKeyRequired": true,`) + "," +
			cognitoAuthorizer + "," + distribution(apiBehavior(quoted(cachingOptimized), quoted(allViewerExceptHost)), ""),
			[]string{"api-cached:warning@Dist"}, nil},
		{"REQUEST on a CloudFront header that AllViewerExceptHostHeader leaves out", custom("REQUEST", "method.request.header.CloudFront-Viewer-Country") + "," +
			distribution(apiBehavior(quoted(cachingDisabled), quoted(allViewerExceptHost)), ""),
			[]string{"headers-dropped:warning@Dist"}, []string{"the header CloudFront-Viewer-Country"}},
		{"an authorizer no method uses", rawApi + "," + cognitoAuthorizer + "," + distribution(apiBehavior(quoted(cachingOptimized), quoted(allViewerExceptHost)), ""),
			[]string{"api-cached:warning@Dist"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			api := c.resources
			if !strings.Contains(api, `"Api": {`) {
				t.Fatal("the case has no API")
			}
			require.Equal(t, c.want, analyzeTemplate(t, config{}, "{"+api+"}"))
			if len(c.says) == 0 {
				return
			}
			var texts []string
			for _, f := range analyzeFindings(t, config{}, "{"+api+"}") {
				if f.rule == "headers-dropped" {
					texts = append(texts, f.text+" Fix: "+f.fix)
				}
			}
			found := false
			for _, text := range texts {
				matches := true
				for _, phrase := range c.says {
					matches = matches && strings.Contains(text, phrase)
				}
				found = found || matches
			}
			require.True(t, found, "no headers-dropped finding says all of %q:\n%s", c.says, strings.Join(texts, "\n"))
		})
	}
}
