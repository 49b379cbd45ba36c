package engine

// Managed CloudFront policies, recognized by the IDs that CDK's
// CachePolicy_*, OriginRequestPolicy_* and ResponseHeadersPolicy_*
// functions render; the IDs and names are those of package pitfalls.

import (
	"slices"

	"github.com/one-origin/staticsitewithapi/pitfalls"
)

// managedCachePolicies maps every managed cache policy to its name. All but
// CachingDisabled cache responses.
var managedCachePolicies = policyNames(pitfalls.CachePolicy)

type requestPolicy struct {
	name        string
	forwardHost bool // the viewer's Host reaches the origin (host-header)
	drops       bool // no query string and at most a few fixed headers (headers-dropped)
	// What it forwards, as a custom policy's HeadersConfig and
	// QueryStringsConfig would say it (headers-dropped for an authorizer's
	// identity sources); headerBehavior allViewerAndCloudFront stands for
	// every viewer and CloudFront header.
	headers keyConfig
}

// keyConfig is what a policy forwards: its HeaderBehavior and Headers, its
// QueryStringBehavior and QueryStrings.
type keyConfig struct {
	headerBehavior string
	headers        []string
	queryBehavior  string
	queries        []string
}

// managedOriginRequestPolicies says what each managed origin request
// policy forwards; the names come from package pitfalls.
var managedOriginRequestPolicies = func() map[string]requestPolicy {
	preflight := []string{"Origin", "Access-Control-Request-Headers", "Access-Control-Request-Method"}
	m := map[string]requestPolicy{
		pitfalls.AllViewerExceptHostHeader:     {headers: keyConfig{"allExcept", []string{"Host"}, "all", nil}},
		pitfalls.AllViewer:                     {forwardHost: true, headers: keyConfig{"allViewer", nil, "all", nil}},
		pitfalls.AllViewerAndCloudFrontHeaders: {forwardHost: true, headers: keyConfig{"allViewerAndCloudFront", nil, "all", nil}},
		pitfalls.HostHeaderOnly:                {forwardHost: true, drops: true, headers: keyConfig{"whitelist", []string{"Host"}, "none", nil}},
		pitfalls.UserAgentRefererHeaders:       {drops: true, headers: keyConfig{"whitelist", []string{"User-Agent", "Referer"}, "none", nil}},
		pitfalls.CorsCustomOrigin:              {drops: true, headers: keyConfig{"whitelist", []string{"Origin"}, "none", nil}},
		pitfalls.CorsS3Origin:                  {drops: true, headers: keyConfig{"whitelist", preflight, "none", nil}},
		pitfalls.ElementalMediaTailorPersonalizedManifests: {headers: keyConfig{"whitelist",
			append(slices.Clone(preflight), "User-Agent", "X-Forwarded-For"), "all", nil}},
	}
	for id, p := range m {
		name, ok := pitfalls.PolicyName(pitfalls.OriginRequestPolicy, id)
		if !ok {
			panic("sitechecks: no managed origin request policy " + id)
		}
		p.name = name
		m[id] = p
	}
	return m
}()

// managedCacheKeys are the headers and query strings in each managed cache
// policy's cache key, which CloudFront forwards to the origin whatever the
// origin request policy says. The others key on nothing.
var managedCacheKeys = map[string]keyConfig{
	pitfalls.Amplify:                                  {"whitelist", []string{"Authorization", "CloudFront-Viewer-Country", "Host"}, "all", nil},
	pitfalls.ElementalMediaPackage:                    {"whitelist", []string{"Origin"}, "whitelist", []string{"aws.manifestfilter", "start", "end", "m"}},
	pitfalls.UseOriginCacheControlHeaders:             {"whitelist", originControlHeaders, "none", nil},
	pitfalls.UseOriginCacheControlHeadersQueryStrings: {"whitelist", originControlHeaders, "all", nil},
}

var originControlHeaders = []string{"Host", "Origin", "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"}

// managedCorsPolicies are the managed response headers policies that add
// CORS headers. None of them overrides the origin's own CORS headers.
var managedCorsPolicies = func() map[string]string {
	names := policyNames(pitfalls.ResponseHeadersPolicy)
	m := map[string]string{}
	for _, id := range []string{pitfalls.SimpleCors, pitfalls.CorsWithPreflight, pitfalls.CorsAndSecurityHeadersPolicy, pitfalls.CorsWithPreflightAndSecurityHeadersPolicy} {
		m[id] = names[id]
	}
	return m
}()

// policyNames maps the ID of each managed policy of the kind to its name.
func policyNames(kind pitfalls.PolicyKind) map[string]string {
	m := map[string]string{}
	for _, p := range pitfalls.ManagedPolicies() {
		if p.Kind == kind {
			m[p.ID] = p.Name
		}
	}
	return m
}
