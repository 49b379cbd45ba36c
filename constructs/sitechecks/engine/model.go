package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/one-origin/staticsitewithapi/internal/routing"
	"github.com/one-origin/staticsitewithapi/pitfalls"
)

// resource is one L1 resource of a stack with its resolved properties.
type resource struct {
	id    string // logical ID
	typ   string // CloudFormation type
	path  string // construct path, for messages
	props obj    // resolved, keys lower-cased
}

// finding is one problem, reported on the resource with logical ID target.
type finding struct {
	rule   pitfalls.ID
	level  Level
	target string
	text   string // the problem, as a sentence
	fix    string // the fix, as one sentence
}

// config is Options with defaults applied.
type config struct {
	apiDomains         []string // lower-case host names
	integrationTimeout float64  // seconds; 0 means 29 or what the methods set
}

// model is one stack under analysis. Analysis is pure Go: it sees only the
// resolved properties, so it can be tested without jsii.
type model struct {
	cfg      config
	order    []*resource
	byId     map[string]*resource
	apis     map[string]*restApi
	reported map[string]bool
	findings []finding
	// sites: bucket logical ID -> the distributions whose default
	// behavior serves it (the SPA's bucket).
	sites map[string][]*resource
}

func analyze(resources []*resource, cfg config) []finding {
	m := &model{cfg: cfg, order: resources, byId: map[string]*resource{}, apis: map[string]*restApi{}, reported: map[string]bool{}, sites: map[string][]*resource{}}
	for _, r := range resources {
		m.byId[r.id] = r
	}
	fronted := map[string]bool{}
	for _, r := range resources {
		if r.typ == typeDistribution {
			for _, api := range m.checkDistribution(r) {
				fronted[api] = true
			}
		}
	}
	for _, r := range resources {
		if r.typ == typeRestApi {
			m.checkRestApi(m.api(r.id), fronted[r.id])
		}
	}
	m.checkDeployments()
	m.checkSecretRotation()
	m.checkLogBuckets()
	m.checkAccountSetting()
	return m.findings
}

const (
	typeDistribution    = "AWS::CloudFront::Distribution"
	typeCachePolicy     = "AWS::CloudFront::CachePolicy"
	typeRequestPolicy   = "AWS::CloudFront::OriginRequestPolicy"
	typeHeadersPolicy   = "AWS::CloudFront::ResponseHeadersPolicy"
	typeRestApi         = "AWS::ApiGateway::RestApi"
	typeApiResource     = "AWS::ApiGateway::Resource"
	typeMethod          = "AWS::ApiGateway::Method"
	typeStage           = "AWS::ApiGateway::Stage"
	typeDeployment      = "AWS::ApiGateway::Deployment"
	typeGatewayResponse = "AWS::ApiGateway::GatewayResponse"
	typeAuthorizer      = "AWS::ApiGateway::Authorizer"
	typeBucket          = "AWS::S3::Bucket"
	typeFunction        = "AWS::CloudFront::Function"
	typeApiKey          = "AWS::ApiGateway::ApiKey"
	typeAccount         = "AWS::ApiGateway::Account"
	typeWebAclAssoc     = "AWS::WAFv2::WebACLAssociation"
	typeRotation        = "AWS::SecretsManager::RotationSchedule"
	typeDeploy          = "Custom::CDKBucketDeployment" // aws-s3-deployment's BucketDeployment
	typeAutoDelete      = "Custom::S3AutoDeleteObjects" // autoDeleteObjects of an S3 bucket
)

// relevantTypes are the resource types the analysis reads.
var relevantTypes = map[string]bool{
	typeDistribution: true, typeCachePolicy: true, typeRequestPolicy: true, typeHeadersPolicy: true,
	typeRestApi: true, typeApiResource: true, typeMethod: true, typeStage: true, typeDeployment: true,
	typeGatewayResponse: true, typeAuthorizer: true, typeBucket: true, typeFunction: true, typeApiKey: true, typeAccount: true,
	typeWebAclAssoc: true, typeRotation: true, typeDeploy: true, typeAutoDelete: true,
}

// ofType lists the stack's resources of type typ, in template order.
func (m *model) ofType(typ string) []*resource {
	var out []*resource
	for _, r := range m.order {
		if r.typ == typ {
			out = append(out, r)
		}
	}
	return out
}

func (m *model) add(rule pitfalls.ID, level Level, target, fix, format string, args ...any) {
	key := string(rule) + "\x00" + target + "\x00" + fmt.Sprintf(format, args...)
	if m.reported[key] {
		return
	}
	m.reported[key] = true
	m.findings = append(m.findings, finding{rule: rule, level: level, target: target, text: fmt.Sprintf(format, args...), fix: fix})
}

// catalogFix is the pitfall's fix from the catalog, as a sentence: for the
// findings where the catalog's one line is all there is to say.
func catalogFix(id pitfalls.ID) string {
	return id.Fix() + "."
}

// resourceOf returns the resource of type typ that v refers to (Ref or
// Fn::GetAtt), or nil.
func (m *model) resourceOf(v any, typ string) *resource {
	id, _, ok := reference(v)
	if !ok {
		return nil
	}
	if r := m.byId[id]; r != nil && r.typ == typ {
		return r
	}
	return nil
}

// display names a resource for messages by its construct path.
func (m *model) display(id string) string {
	if r := m.byId[id]; r != nil {
		return displayPath(r.path)
	}
	return id
}

// show renders a computed string for messages, naming referenced resources
// by construct path.
func (m *model) show(s sym) string {
	var b strings.Builder
	for _, p := range s {
		switch {
		case p.opaque:
			b.WriteString("${?}")
		case p.ref != "":
			name := p.ref
			if r := m.byId[p.ref]; r != nil {
				name = displayPath(r.path)
			}
			if p.attr != "" {
				name += "." + p.attr
			}
			b.WriteString("${" + name + "}")
		default:
			b.WriteString(p.lit)
		}
	}
	return b.String()
}

// displayPath drops the "/Resource" that L2 constructs give their L1.
func displayPath(path string) string {
	return strings.TrimSuffix(path, "/Resource")
}

// ---- REST APIs --------------------------------------------------------------

type restApi struct {
	res       *resource
	spec      bool                 // defined by an OpenAPI body: routes are not in the template
	paths     map[string][]string  // API resource logical ID -> path segments
	methods   []*resource          // AWS::ApiGateway::Method of this API
	methodAt  map[string][]string  // method logical ID -> its resource's path
	stages    map[string]*resource // stage name -> Stage or Deployment
	gwCors    []string             // gateway responses that set Access-Control-Allow-Origin
	gwCorsFor map[string]bool      // their ResponseType, upper-case
	gwByType  map[string]*resource // every gateway response by ResponseType, upper-case
	stageById map[string]string    // Stage logical ID -> stage name
}

// api collects what the stack defines for the RestApi with logical ID id.
func (m *model) api(id string) *restApi {
	if a, ok := m.apis[id]; ok {
		return a
	}
	r := m.byId[id]
	if r == nil || r.typ != typeRestApi {
		return nil
	}
	a := &restApi{res: r, paths: map[string][]string{}, methodAt: map[string][]string{}, stages: map[string]*resource{}, stageById: map[string]string{}, gwCorsFor: map[string]bool{}, gwByType: map[string]*resource{}}
	m.apis[id] = a
	a.spec = r.props["body"] != nil || r.props["bodys3location"] != nil
	belongs := func(x *resource) bool { return m.resourceOf(x.props["restapiid"], typeRestApi) == r }
	for _, x := range m.order {
		if !belongs(x) {
			continue
		}
		switch x.typ {
		case typeMethod:
			if p, ok := m.apiPath(a, x.props["resourceid"], 0); ok {
				a.methods = append(a.methods, x)
				a.methodAt[x.id] = p
			}
		case typeStage, typeDeployment:
			if name, ok := asString(x.props["stagename"]); ok && name != "" {
				a.stages[name] = x
				if x.typ == typeStage {
					a.stageById[x.id] = name
				}
			}
		case typeGatewayResponse:
			typ, _ := asString(x.props["responsetype"])
			a.gwByType[strings.ToUpper(typ)] = x
			if mentionsAllowOrigin(x.props["responseparameters"]) {
				a.gwCors = append(a.gwCors, x.id)
				a.gwCorsFor[strings.ToUpper(typ)] = true
			}
		}
	}
	return a
}

// apiPath returns the path segments of the API resource that v refers to:
// the root (Fn::GetAtt Api.RootResourceId) or an AWS::ApiGateway::Resource.
func (m *model) apiPath(a *restApi, v any, depth int) ([]string, bool) {
	id, attr, ok := reference(v)
	if !ok || depth > 64 {
		return nil, false
	}
	if id == a.res.id && strings.EqualFold(attr, "RootResourceId") {
		return []string{}, true
	}
	if p, done := a.paths[id]; done {
		return p, p != nil
	}
	r := m.byId[id]
	if r == nil || r.typ != typeApiResource || attr != "" {
		return nil, false
	}
	a.paths[id] = nil // cycle guard
	parent, ok := m.apiPath(a, r.props["parentid"], depth+1)
	if !ok {
		return nil, false
	}
	part, isLit := evalString(r.props["pathpart"]).literal()
	if !isLit {
		part = "{unknown}" // a computed path part matches like a parameter
	}
	p := append(slices.Clone(parent), part)
	a.paths[id] = p
	return p, true
}

func mentionsAllowOrigin(v any) bool {
	for k := range asObj(v) {
		if strings.Contains(k, "access-control-allow-origin") {
			return true
		}
	}
	return false
}

func authOf(method *resource) (auth string, needsAuth bool) {
	typ, _ := asString(method.props["authorizationtype"])
	var why []string
	if typ != "" && !strings.EqualFold(typ, "NONE") {
		why = append(why, "AuthorizationType "+typ)
	}
	if asBool(method.props["apikeyrequired"]) {
		why = append(why, "ApiKeyRequired")
	}
	return strings.Join(why, ", "), len(why) > 0
}

func httpMethod(method *resource) string {
	s, _ := asString(method.props["httpmethod"])
	return strings.ToUpper(s)
}

func routeName(path []string) string {
	return "/" + strings.Join(path, "/")
}

// checkRestApi: preflight-auth for every API; the browser-facing checks
// (edge-optimized, authorized ANY without OPTIONS) only for APIs that a
// distribution in the stack serves.
func (m *model) checkRestApi(a *restApi, fronted bool) {
	if a == nil {
		return
	}
	optionsAt := map[string]bool{}
	for _, meth := range a.methods {
		if httpMethod(meth) == "OPTIONS" {
			optionsAt[routeName(a.methodAt[meth.id])] = true
		}
	}
	for _, meth := range a.methods {
		auth, needs := authOf(meth)
		route := routeName(a.methodAt[meth.id])
		switch {
		case !needs:
		case httpMethod(meth) == "OPTIONS":
			m.add(pitfalls.PreflightAuth, LevelError, meth.id, catalogFix(pitfalls.PreflightAuth),
				"OPTIONS %s of API %s requires %s, but browsers send preflights without credentials, so every preflight fails with 401/403 and the real request is never sent.",
				route, displayPath(a.res.path), auth)
		case httpMethod(meth) == "ANY" && fronted && !optionsAt[route]:
			m.add(pitfalls.PreflightAuth, LevelWarning, meth.id,
				"add an OPTIONS method with AuthorizationType NONE (a MOCK answering 204) to the same resource.",
				"ANY %s of API %s requires %s and the resource has no OPTIONS method, so a cross-origin preflight falls into ANY and fails at the authorizer.",
				route, displayPath(a.res.path), auth)
		}
	}
	if !fronted {
		return
	}
	m.checkDirectAccess(a)
	types := asStrings(get(a.res.props, "endpointconfiguration", "types"))
	if len(types) == 0 && a.spec {
		return // an OpenAPI body can set the endpoint type itself
	}
	if len(types) == 0 || slices.ContainsFunc(types, func(t string) bool { return strings.EqualFold(t, "EDGE") }) {
		why := "its endpoint type is EDGE"
		if len(types) == 0 {
			why = "it sets no endpoint type, and CloudFormation's default is EDGE"
		}
		m.add(pitfalls.EdgeOptimized, LevelWarning, a.res.id, catalogFix(pitfalls.EdgeOptimized),
			"the REST API is served through CloudFront but %s: every request takes two CloudFront hops and the CloudFront-Viewer-* headers are rewritten by the second.",
			why)
	}
}

// integrationTimeout is how long the API may take, in seconds: the largest
// TimeoutInMillis of its non-MOCK integrations, and never less than the
// default integration timeout (routing.IntegrationTimeout, 29 s).
func (m *model) integrationTimeout(a *restApi) float64 {
	if m.cfg.integrationTimeout > 0 {
		return m.cfg.integrationTimeout
	}
	longest := routing.IntegrationTimeout.Seconds()
	if a == nil {
		return longest
	}
	for _, meth := range a.methods {
		integ := asObj(meth.props["integration"])
		if t, _ := asString(integ["type"]); strings.EqualFold(t, "MOCK") {
			continue
		}
		if ms, ok := asNumber(integ["timeoutinmillis"]); ok && ms/1000 > longest {
			longest = ms / 1000
		}
	}
	return longest
}

// covers reports whether an API resource at path (with a method) answers
// some request under prefix: exact requires the request path to be prefix
// itself; otherwise it is prefix plus at least one more segment.
func covers(path, prefix []string, exact bool) bool {
	if len(prefix) == 0 && !exact {
		return true
	}
	for i, seg := range path {
		if isGreedy(seg) {
			return i < len(prefix) || (!exact && i == len(prefix))
		}
		if i < len(prefix) {
			if seg != prefix[i] && !isParam(seg) {
				return false
			}
		} else if exact {
			return false
		}
	}
	if exact {
		return len(path) == len(prefix)
	}
	return len(path) > len(prefix)
}

func isParam(seg string) bool  { return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") }
func isGreedy(seg string) bool { return isParam(seg) && strings.HasSuffix(seg, "+}") }
