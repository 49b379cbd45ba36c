package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/one-origin/staticsitewithapi/pitfalls"
)

// The rules on a REST API that a distribution serves: who may call it past
// CloudFront (direct-access), whether its own errors carry CORS
// (cors-errors), whether anything compresses its answers
// (api-uncompressed), and whether CloudFront's secret header goes on to an
// HTTP backend (secret-exposed).

// checkDirectAccess: an API behind CloudFront whose methods (OPTIONS
// aside) anyone may call at its execute-api URL. A method is guarded by
// ApiKeyRequired, an authorizer or IAM; the API as a whole by a resource
// policy (any Policy: its conditions are not evaluated) or a WAFv2 web ACL
// associated with the API or one of its stages. The rule does not check
// that the API key is secret or that CloudFront sends it: a key that
// CloudFront does not send makes every call a 403, which is loud.
func (m *model) checkDirectAccess(a *restApi) {
	if a.spec || a.res.props["policy"] != nil || m.webAclOn(a) {
		return
	}
	var open []string
	for _, meth := range a.methods {
		if httpMethod(meth) == "OPTIONS" {
			continue
		}
		if _, guarded := authOf(meth); !guarded {
			open = append(open, httpMethod(meth)+" "+routeName(a.methodAt[meth.id]))
		}
	}
	if len(open) == 0 {
		return
	}
	slices.Sort(open)
	open = slices.Compact(open)
	m.add(pitfalls.DirectAccess, LevelWarning, a.res.id, catalogFix(pitfalls.DirectAccess),
		"API %s is served through CloudFront, but %s require no API key, no authorizer and no IAM, and the API has no resource policy and no web ACL: anyone can call its execute-api URL directly, past CloudFront and whatever it enforces.",
		displayPath(a.res.path), strings.Join(open, ", "))
}

// webAclOn reports whether a WAFv2 web ACL of the stack is associated with
// the API or one of its stages.
func (m *model) webAclOn(a *restApi) bool {
	for _, r := range m.ofType(typeWebAclAssoc) {
		for _, id := range evalString(r.props["resourcearn"]).refs() {
			if id == a.res.id || a.stageById[id] != "" {
				return true
			}
		}
	}
	return false
}

// checkCorsErrors: the API declares CORS (on its methods, typically the
// OPTIONS mock, or on gateway responses), but some of API Gateway's own
// errors carry none and CloudFront's response headers policy adds none,
// so those errors reach the browser without CORS. The defaults are
// DEFAULT_4XX and DEFAULT_5XX; on an API with an authorizer or IAM, each
// gateway response of authorizerResponses too, because one defined for its
// type replaces the default's headers instead of adding to them. An API
// that declares no CORS at all is not reported: it is same-origin, or its
// backend sets CORS, which a template does not show.
func (m *model) checkCorsErrors(b *behavior) {
	a := b.origin.restApi
	if a == nil {
		return
	}
	if layer, _ := m.cloudFrontCors(b); layer != "" {
		return // CloudFront adds CORS to every response of the behavior
	}
	declared := a.corsMethods()
	for _, id := range a.gwCors {
		typ, _ := asString(m.byId[id].props["responsetype"])
		declared = append(declared, "gateway response "+strings.ToUpper(typ))
	}
	if len(declared) == 0 {
		return
	}
	authorized := a.authorized()
	var missing, inherited []string
	for _, typ := range []string{"DEFAULT_4XX", "DEFAULT_5XX"} {
		if !a.gwCorsFor[typ] {
			missing = append(missing, typ)
		}
	}
	for _, r := range authorizerResponses {
		if authorized && a.gwByType[r.typ] == nil && !a.gwCorsFor[r.parent] {
			inherited = append(inherited, r.typ)
		}
	}
	if len(missing) > 0 {
		errs := "no route, throttled, integration failed"
		if len(inherited) > 0 {
			errs += "; with the authorizer, " + strings.Join(inherited, ", ") + " too"
		}
		m.add(pitfalls.CorsErrors, LevelWarning, a.res.id, catalogFix(pitfalls.CorsErrors),
			"API %s sets Access-Control-Allow-Origin on %s only: its %s gateway responses and %s's response headers policy add none, so API Gateway's own errors (%s) reach the browser without CORS and it reports a CORS error instead of the status.",
			displayPath(a.res.path), strings.Join(declared, ", "), strings.Join(missing, " and "), b.name(), errs)
	}
	if !authorized {
		return
	}
	for _, r := range authorizerResponses {
		gw := a.gwByType[r.typ]
		if gw == nil || a.gwCorsFor[r.typ] {
			continue
		}
		status := r.status
		if s, ok := asString(gw.props["statuscode"]); ok && s != "" {
			status = s
		}
		var replaced string
		if a.gwCorsFor[r.parent] {
			replaced = fmt.Sprintf(" It does not inherit the CORS headers of %s: a gateway response of a type replaces the default's headers for that type.", r.parent)
		}
		m.add(pitfalls.CorsErrors, LevelWarning, gw.id,
			fmt.Sprintf("set Access-Control-Allow-Origin on gateway response %s too (ResponseParameters gatewayresponse.header.Access-Control-Allow-Origin), or let a CloudFront response headers policy add CORS to every API response.", r.typ),
			"gateway response %s of API %s sets no Access-Control-Allow-Origin and %s's response headers policy adds none, so its %s answers reach the browser without CORS and it reports a CORS error instead of the status.%s",
			r.typ, displayPath(a.res.path), b.name(), status, replaced)
	}
}

// authorizerResponses are the gateway responses that carry the refusals
// and failures of an authorizer (or of IAM), with their status and the
// default gateway response they inherit from when the API defines none of
// their type.
var authorizerResponses = []struct {
	typ, parent, status string
}{
	{"UNAUTHORIZED", "DEFAULT_4XX", "401"},
	{"ACCESS_DENIED", "DEFAULT_4XX", "403"},
	{"EXPIRED_TOKEN", "DEFAULT_4XX", "403"},
	{"INVALID_SIGNATURE", "DEFAULT_4XX", "403"},
	{"AUTHORIZER_FAILURE", "DEFAULT_5XX", "500"},
	{"AUTHORIZER_CONFIGURATION_ERROR", "DEFAULT_5XX", "500"},
}

// authorized reports whether a method of the API other than OPTIONS has
// an authorizer or IAM, whose refusals are gateway responses.
func (a *restApi) authorized() bool {
	return slices.ContainsFunc(a.methods, func(meth *resource) bool {
		typ, _ := asString(meth.props["authorizationtype"])
		typ = strings.ToUpper(typ)
		return httpMethod(meth) != "OPTIONS" && (typ == "CUSTOM" || typ == "COGNITO_USER_POOLS" || typ == "AWS_IAM")
	})
}

// checkCompression: nothing compresses the API's answers. CloudFront
// compresses only on a behavior that compresses and may cache; API Gateway
// only with MinimumCompressionSize.
func (m *model) checkCompression(b *behavior) {
	a := b.origin.restApi
	if a == nil || a.spec || a.res.props["minimumcompressionsize"] != nil {
		return
	}
	if asBool(b.cfg["compress"]) && m.caches(b) != "" {
		return
	}
	m.add(pitfalls.ApiUncompressed, LevelWarning, a.res.id, catalogFix(pitfalls.ApiUncompressed),
		"API %s sets no MinimumCompressionSize, and %s does not compress it (CloudFront compresses only what its cache policy may cache), so the API's answers travel uncompressed.",
		displayPath(a.res.path), b.name())
}

// checkSecretForwarded: an HTTP_PROXY integration passes every request
// header to its backend, so a secret header that CloudFront adds to the
// API origin (x-api-key, or a value from Secrets Manager or an SSM secure
// string) reaches the backend unless the integration overwrites it. A
// Lambda proxy gets the header in its event too, but what it does with it
// is code, not template.
func (m *model) checkSecretForwarded(b *behavior) {
	a := b.origin.restApi
	if a == nil {
		return
	}
	var secret []string
	for _, h := range asList(b.origin.raw["origincustomheaders"]) {
		name, _ := asString(get(h, "headername"))
		v := evalString(get(h, "headervalue"))
		if strings.EqualFold(name, "x-api-key") || v.containsLit("{{resolve:secretsmanager:") || v.containsLit("{{resolve:ssm-secure:") {
			secret = append(secret, strings.ToLower(name))
		}
	}
	if len(secret) == 0 {
		return
	}
	for _, meth := range a.methods {
		integ := asObj(meth.props["integration"])
		if t, _ := asString(integ["type"]); !strings.EqualFold(t, "HTTP_PROXY") {
			continue
		}
		params := asObj(integ["requestparameters"])
		var passed []string
		for _, h := range secret {
			if params["integration.request.header."+h] == nil {
				passed = append(passed, h)
			}
		}
		if len(passed) == 0 {
			continue
		}
		m.add(pitfalls.SecretExposed, LevelWarning, meth.id, catalogFix(pitfalls.SecretExposed),
			"%s %s of API %s passes every request header to its HTTP backend %s, so CloudFront's secret origin header %s reaches the backend and its logs.",
			httpMethod(meth), routeName(a.methodAt[meth.id]), displayPath(a.res.path), m.show(evalString(integ["uri"])), strings.Join(passed, ", "))
	}
}
