package engine

import (
	"fmt"
	"strings"

	"github.com/one-origin/staticsitewithapi/pitfalls"
)

// The rules on the authorizers of a REST API that a distribution serves:
// whether the headers and query strings an authorizer reads get past
// CloudFront (headers-dropped), and which gateway responses carry its
// refusals (cors-errors, in apichecks.go).

// identitySource is one request value that an authorizer reads.
type identitySource struct {
	expr  string // as written: method.request.header.Authorization
	name  string // Authorization
	query bool   // a query string parameter; otherwise a header
}

// defaultIdentitySource is what TOKEN and COGNITO_USER_POOLS authorizers
// read when IdentitySource is not set.
const defaultIdentitySource = "method.request.header.Authorization"

// identitySources are the headers and query strings of an authorizer's
// IdentitySource. Stage variables and context variables do not come from
// the request, and a computed part says nothing, so both are left out.
func identitySources(auth *resource) []identitySource {
	v := auth.props["identitysource"]
	if v == nil {
		typ, _ := asString(auth.props["type"])
		if !strings.EqualFold(typ, "TOKEN") && !strings.EqualFold(typ, "COGNITO_USER_POOLS") {
			return nil // a REQUEST authorizer without one reads no particular value
		}
		v = defaultIdentitySource
	}
	var out []identitySource
	for _, part := range evalString(v).split(",") {
		expr, ok := part.literal()
		if !ok {
			continue
		}
		expr = strings.TrimSpace(expr)
		lower := strings.ToLower(expr)
		for _, p := range []struct {
			prefix string
			query  bool
		}{
			{"method.request.header.", false},
			{"method.request.multivalueheader.", false},
			{"method.request.querystring.", true},
			{"method.request.multivaluequerystring.", true},
		} {
			if strings.HasPrefix(lower, p.prefix) && len(expr) > len(p.prefix) {
				out = append(out, identitySource{expr: expr, name: expr[len(p.prefix):], query: p.query})
			}
		}
	}
	return out
}

// authorizers are the AWS::ApiGateway::Authorizer resources that the API's
// methods use (AuthorizerId with AuthorizationType CUSTOM or
// COGNITO_USER_POOLS), in template order.
func (m *model) authorizers(a *restApi) []*resource {
	var out []*resource
	seen := map[string]bool{}
	for _, meth := range a.methods {
		typ, _ := asString(meth.props["authorizationtype"])
		if !strings.EqualFold(typ, "CUSTOM") && !strings.EqualFold(typ, "COGNITO_USER_POOLS") {
			continue
		}
		if r := m.resourceOf(meth.props["authorizerid"], typeAuthorizer); r != nil && !seen[r.id] {
			seen[r.id] = true
			out = append(out, r)
		}
	}
	return out
}

// checkAuthorizerSources: every header and query string that an authorizer
// of the API reads must get through the behavior, or API Gateway answers
// 401 to every call the authorizer guards. The authorizer's result cache
// (AuthorizerResultTtlInSeconds) does not change this, nor the fix: a value
// that never arrives is never a cache key either, so the messages leave
// it out.
func (m *model) checkAuthorizerSources(d *resource, b *behavior) {
	a := b.origin.restApi
	if a == nil {
		return
	}
	for _, auth := range m.authorizers(a) {
		typ, _ := asString(auth.props["type"])
		for _, src := range identitySources(auth) {
			var reach reach
			var why, fix string
			switch {
			case src.query:
				reach = m.forwardsQuery(b, src.name)
				why = m.neitherForwards(b)
				fix = fmt.Sprintf("forward the query string: origin request policy AllViewerExceptHostHeader (%s), or a custom one whose QueryStringsConfig includes %s.", pitfalls.AllViewerExceptHostHeader, src.name)
			case strings.EqualFold(src.name, "Authorization"):
				reach, why = m.forwardsAuthorization(b)
				fix = fmt.Sprintf("forward it: cache policy CachingDisabled (%s) with origin request policy AllViewerExceptHostHeader (%s) on the API behavior, or Authorization in the cache policy's cache key.", pitfalls.CachingDisabled, pitfalls.AllViewerExceptHostHeader)
			default:
				reach = m.forwardsHeader(b, src.name)
				why = m.neitherForwards(b)
				fix = fmt.Sprintf("forward it: origin request policy AllViewerExceptHostHeader (%s), or a custom one that lists %s.", pitfalls.AllViewerExceptHostHeader, src.name)
			}
			if reach != dropped {
				continue
			}
			kind := "header"
			if src.query {
				kind = "query string"
			}
			m.add(pitfalls.HeadersDropped, LevelWarning, d.id, fix,
				"%s does not forward the %s %s that authorizer %s (%s) of API %s reads (IdentitySource %s): %s. The authorizer never gets it, so every call it guards is answered 401.",
				b.name(), kind, src.name, displayPath(auth.path), typ, displayPath(a.res.path), src.expr, why)
		}
	}
}

// reach is whether a request value gets through a behavior to its origin.
type reach int

// The answers in order, so that the better of two is the larger.
const (
	dropped   reach = iota
	unknown         // a policy the template does not define (imported, computed)
	forwarded       // some part of the behavior forwards it
)

// either is the better of two answers: forwarded by one part of the
// behavior is forwarded.
func either(a, b reach) reach {
	return max(a, b)
}

// alwaysSent are headers that CloudFront sends to every custom origin,
// whatever the policies: Host (the origin's own), and its own headers.
var alwaysSent = []string{"Host", "X-Forwarded-For", "Via", "X-Amz-Cf-Id"}

// forwardsHeader says whether the viewer's header name reaches the origin:
// origin request policy, cache key, legacy ForwardedValues, or an origin
// custom header of the same name. Authorization has its own rules
// (forwardsAuthorization).
func (m *model) forwardsHeader(b *behavior, name string) reach {
	if containsFold(alwaysSent, name) {
		return forwarded
	}
	for _, h := range asList(b.origin.raw["origincustomheaders"]) {
		if n, _ := asString(get(h, "headername")); strings.EqualFold(n, name) {
			return forwarded
		}
	}
	r := m.policiesForward(b, func(k keyConfig) reach { return k.forwardsHeader(name) })
	if fv := asObj(b.cfg["forwardedvalues"]); fv != nil {
		if hs := asStrings(fv["headers"]); containsFold(hs, name) || containsFold(hs, "*") {
			r = forwarded
		}
	}
	return r
}

// policiesForward is what the behavior's origin request policy and cache
// key say of one value (forwards asks a policy's keys), unknown where a
// policy is not in the template.
func (m *model) policiesForward(b *behavior, forwards func(keyConfig) reach) reach {
	r := dropped
	if req, ok := m.requestPolicyKeys(b); ok {
		r = either(r, forwards(req))
	} else {
		r = unknown
	}
	if key, ok := m.cacheKey(b); ok {
		r = either(r, forwards(key))
	} else {
		r = either(r, unknown)
	}
	return r
}

// forwardsQuery says whether the query string parameter name reaches the
// origin.
func (m *model) forwardsQuery(b *behavior, name string) reach {
	r := m.policiesForward(b, func(k keyConfig) reach { return k.forwardsQuery(name) })
	if fv := asObj(b.cfg["forwardedvalues"]); fv != nil && asBool(fv["querystring"]) {
		r = forwarded
	}
	return r
}

// forwardsAuthorization says whether the viewer's Authorization header
// reaches the origin, and if not, why. CloudFront refuses Authorization in
// an origin request policy; it forwards it when it is in the cache key, or
// when caching is disabled (all TTLs 0) and the origin request policy
// forwards all viewer headers (AllViewer, AllViewerExceptHostHeader).
func (m *model) forwardsAuthorization(b *behavior) (reach, string) {
	key, keyKnown := m.cacheKey(b)
	if keyKnown && key.forwardsHeader("Authorization") == forwarded {
		return forwarded, ""
	}
	if fv := asObj(b.cfg["forwardedvalues"]); fv != nil {
		if hs := asStrings(fv["headers"]); containsFold(hs, "Authorization") || containsFold(hs, "*") {
			return forwarded, ""
		}
	}
	req, reqKnown := m.requestPolicyKeys(b)
	allViewer := reqKnown && req.allViewer()
	off := m.cachingOff(b)
	switch {
	case !keyKnown || !reqKnown || (allViewer && off == unknown):
		return unknown, ""
	case allViewer && off == forwarded:
		return forwarded, ""
	case allViewer:
		return dropped, fmt.Sprintf("%s forwards all viewer headers, but CloudFront leaves Authorization out unless caching is disabled or it is in the cache key, and %s caches without it", m.requestPolicyName(b), m.cachePolicyName(b))
	}
	how := "its legacy ForwardedValues do not list it"
	if b.cfg["cachepolicyid"] != nil {
		how = "it has " + m.requestPolicyName(b) + " and " + m.cachePolicyName(b)
	}
	return dropped, "CloudFront forwards Authorization only in the cache key or, with caching disabled, through an all-viewer origin request policy, and " + how
}

// allViewer reports whether the policy forwards every viewer header but a
// few named ones other than Authorization.
func (k keyConfig) allViewer() bool {
	switch strings.ToLower(k.headerBehavior) {
	case "allviewer", "allviewerandwhitelistcloudfront", "allviewerandcloudfront":
		return true
	case "allexcept":
		return !containsFold(k.headers, "Authorization")
	}
	return false
}

func (k keyConfig) forwardsHeader(name string) reach {
	listed := containsFold(k.headers, name)
	// CloudFront's own headers (CloudFront-Viewer-Country, ...) are not
	// viewer headers: a policy forwards them only by name or all at once.
	own := strings.HasPrefix(strings.ToLower(name), "cloudfront-")
	switch strings.ToLower(k.headerBehavior) {
	case "allviewerandcloudfront":
		return forwarded
	case "allviewer":
		return reachIf(!own)
	case "allviewerandwhitelistcloudfront":
		return reachIf(!own || listed)
	case "allexcept":
		return reachIf(!own && !listed)
	case "whitelist":
		return reachIf(listed)
	}
	return dropped
}

func (k keyConfig) forwardsQuery(name string) reach {
	listed := false
	for _, q := range k.queries {
		listed = listed || q == name // query string names are case-sensitive
	}
	switch strings.ToLower(k.queryBehavior) {
	case "all":
		return forwarded
	case "allexcept":
		return reachIf(!listed)
	case "whitelist":
		return reachIf(listed)
	}
	return dropped
}

func reachIf(ok bool) reach {
	if ok {
		return forwarded
	}
	return dropped
}

// requestPolicyKeys is what the behavior's origin request policy forwards;
// ok is false when the template does not say (an unknown ID, a reference
// to something else).
func (m *model) requestPolicyKeys(b *behavior) (keyConfig, bool) {
	orp := b.cfg["originrequestpolicyid"]
	if orp == nil {
		return keyConfig{}, true
	}
	if id, ok := asString(orp); ok {
		p, known := managedOriginRequestPolicies[id]
		return p.headers, known
	}
	r := m.resourceOf(orp, typeRequestPolicy)
	if r == nil {
		return keyConfig{}, false
	}
	return configOf(get(r.props, "originrequestpolicyconfig")), true
}

// cacheKey is what the behavior's cache policy puts in the cache key, and
// so forwards; ok is false when the template does not say.
func (m *model) cacheKey(b *behavior) (keyConfig, bool) {
	cp := b.cfg["cachepolicyid"]
	if cp == nil {
		return keyConfig{}, true // legacy ForwardedValues, read on their own
	}
	if id, ok := asString(cp); ok {
		_, known := managedCachePolicies[id]
		return managedCacheKeys[id], known
	}
	r := m.resourceOf(cp, typeCachePolicy)
	if r == nil {
		return keyConfig{}, false
	}
	return configOf(get(r.props, "cachepolicyconfig", "parametersincachekeyandforwardedtoorigin")), true
}

// configOf reads HeadersConfig and QueryStringsConfig of a policy.
func configOf(v any) keyConfig {
	var k keyConfig
	k.headerBehavior, _ = asString(get(v, "headersconfig", "headerbehavior"))
	k.headers = asStrings(get(v, "headersconfig", "headers"))
	k.queryBehavior, _ = asString(get(v, "querystringsconfig", "querystringbehavior"))
	k.queries = asStrings(get(v, "querystringsconfig", "querystrings"))
	return k
}

// cachingOff says whether the behavior's cache policy caches nothing:
// CachingDisabled or a custom policy whose TTLs are all 0.
func (m *model) cachingOff(b *behavior) reach {
	cp := b.cfg["cachepolicyid"]
	if id, ok := asString(cp); ok {
		if _, known := managedCachePolicies[id]; !known {
			return unknown
		}
		return reachIf(id == pitfalls.CachingDisabled)
	}
	r := m.resourceOf(cp, typeCachePolicy)
	if r == nil {
		return unknown
	}
	cfg := asObj(r.props["cachepolicyconfig"])
	for _, k := range []string{"minttl", "defaultttl", "maxttl"} {
		n, ok := asNumber(cfg[k])
		if !ok {
			return unknown
		}
		if n != 0 {
			return dropped
		}
	}
	return forwarded
}

// neitherForwards names the behavior's policies, none of which forwards
// the value, for messages.
func (m *model) neitherForwards(b *behavior) string {
	if b.cfg["cachepolicyid"] == nil {
		return "its legacy ForwardedValues do not list it"
	}
	return "it has " + m.requestPolicyName(b) + " and " + m.cachePolicyName(b) + ", and neither forwards it"
}

func (m *model) requestPolicyName(b *behavior) string {
	orp := b.cfg["originrequestpolicyid"]
	if orp == nil {
		return "no origin request policy"
	}
	return "origin request policy " + m.policyName(orp, pitfalls.OriginRequestPolicy)
}

func (m *model) cachePolicyName(b *behavior) string {
	return "cache policy " + m.policyName(b.cfg["cachepolicyid"], pitfalls.CachePolicy)
}

func (m *model) policyName(v any, kind pitfalls.PolicyKind) string {
	if id, ok := asString(v); ok {
		if name, known := pitfalls.PolicyName(kind, id); known {
			return name
		}
		return id
	}
	if id, _, ok := reference(v); ok {
		return m.display(id)
	}
	return m.show(evalString(v))
}
