package engine

// Managed CloudFront policies, recognized by the IDs that CDK's
// CachePolicy_*, OriginRequestPolicy_* and ResponseHeadersPolicy_*
// functions render; the IDs and names are those of package pitfalls.

import "github.com/one-origin/staticsitewithapi/pitfalls"

// managedCachePolicies maps every managed cache policy to its name. All but
// CachingDisabled cache responses.
var managedCachePolicies = policyNames(pitfalls.CachePolicy)

type requestPolicy struct {
	name        string
	forwardHost bool // the viewer's Host reaches the origin (host-header)
	drops       bool // no query string and at most a few fixed headers (headers-dropped)
}

// managedOriginRequestPolicies says what each managed origin request
// policy forwards; the names come from package pitfalls.
var managedOriginRequestPolicies = func() map[string]requestPolicy {
	m := map[string]requestPolicy{
		pitfalls.AllViewerExceptHostHeader:                 {},
		pitfalls.AllViewer:                                 {forwardHost: true},
		pitfalls.AllViewerAndCloudFrontHeaders:             {forwardHost: true},
		pitfalls.HostHeaderOnly:                            {forwardHost: true, drops: true},
		pitfalls.UserAgentRefererHeaders:                   {drops: true},
		pitfalls.CorsCustomOrigin:                          {drops: true},
		pitfalls.CorsS3Origin:                              {drops: true},
		pitfalls.ElementalMediaTailorPersonalizedManifests: {},
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
