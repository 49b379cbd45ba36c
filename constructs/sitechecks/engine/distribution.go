package engine

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/one-origin/staticsitewithapi/internal/routing"
	"github.com/one-origin/staticsitewithapi/pitfalls"
)

// allMethods are the seven methods an API behavior must allow.
var allMethods = routing.AllMethods

var writeMethods = []string{"POST", "PUT", "PATCH", "DELETE"}

type origin struct {
	id      string
	raw     obj
	domain  sym
	path    sym
	s3      bool
	api     bool
	custom  bool     // an Options.ApiDomainNames host: base path mappings, no stage in the path
	restApi *restApi // the RestApi in this stack, when the domain refers to one
}

type behavior struct {
	pattern   string
	isDefault bool
	cfg       obj
	origin    *origin
}

func (b *behavior) name() string {
	if b.isDefault {
		return "the default behavior (*)"
	}
	return fmt.Sprintf("behavior %q", b.pattern)
}

// methods returns the behavior's allowed methods; CloudFront's default is
// GET and HEAD.
func (b *behavior) methods() []string {
	ms := asStrings(b.cfg["allowedmethods"])
	if len(ms) == 0 {
		return []string{"GET", "HEAD"}
	}
	for i := range ms {
		ms[i] = strings.ToUpper(ms[i])
	}
	return ms
}

func (m *model) classifyOrigin(o obj) *origin {
	org := &origin{raw: o, domain: evalString(o["domainname"]), path: evalString(o["originpath"])}
	org.id, _ = asString(o["id"])
	for _, id := range org.domain.refs() {
		switch r := m.byId[id]; {
		case r == nil:
		case r.typ == typeRestApi:
			org.api, org.restApi = true, m.api(id)
		case r.typ == typeBucket:
			org.s3 = true
		}
	}
	if org.domain.containsLit(".execute-api.") {
		org.api = true
	}
	if host, ok := org.domain.literal(); ok && slices.Contains(m.cfg.apiDomains, strings.ToLower(host)) {
		org.api, org.custom = true, true
	}
	if !org.api && (o["s3originconfig"] != nil || org.domain.containsLit(".s3.") || org.domain.containsLit(".s3-")) {
		org.s3 = true
	}
	if org.api {
		org.s3 = false
	}
	return org
}

// checkDistribution checks one distribution and returns the logical IDs of
// the REST APIs in this stack that it serves.
func (m *model) checkDistribution(d *resource) []string {
	dc := asObj(d.props["distributionconfig"])
	origins := map[string]*origin{}
	for _, o := range asList(dc["origins"]) {
		org := m.classifyOrigin(asObj(o))
		origins[org.id] = org
	}
	// An origin group is judged by its primary (first) member.
	for _, g := range asList(get(dc, "origingroups", "items")) {
		id, _ := asString(get(g, "id"))
		if members := asList(get(g, "members", "items")); len(members) > 0 {
			first, _ := asString(get(members[0], "originid"))
			if o := origins[first]; o != nil && id != "" {
				origins[id] = o
			}
		}
	}
	var all []*behavior
	if def := asObj(dc["defaultcachebehavior"]); def != nil {
		all = append(all, &behavior{pattern: "*", isDefault: true, cfg: def})
	}
	for _, b := range asList(dc["cachebehaviors"]) {
		cfg := asObj(b)
		pattern, _ := asString(cfg["pathpattern"])
		all = append(all, &behavior{pattern: pattern, cfg: cfg})
	}
	var apiBehaviors []*behavior
	var fronted []string
	for _, b := range all {
		target, _ := asString(b.cfg["targetoriginid"])
		b.origin = origins[target]
		if b.origin != nil && b.origin.api {
			apiBehaviors = append(apiBehaviors, b)
			if b.origin.restApi != nil {
				fronted = append(fronted, b.origin.restApi.res.id)
			}
		}
	}
	for _, b := range apiBehaviors {
		m.checkApiBehavior(d, b)
	}
	m.checkExactApiPatterns(d, apiBehaviors)
	if len(all) > 0 && all[0].isDefault {
		m.checkSiteBehavior(d, dc, all[0], len(apiBehaviors) > 0)
		if def := all[0]; def.origin != nil && def.origin.s3 {
			for _, id := range def.origin.domain.refs() {
				if r := m.byId[id]; r != nil && r.typ == typeBucket {
					m.sites[id] = append(m.sites[id], d)
				}
			}
			m.checkWellKnown(d, def)
		}
	}
	if len(apiBehaviors) > 0 {
		m.checkErrorResponses(d, dc)
		m.checkErrorCaching(d, dc)
	}
	return fronted
}

func (m *model) checkApiBehavior(d *resource, b *behavior) {
	methods := b.methods()
	var missing []string
	for _, want := range allMethods {
		if !slices.Contains(methods, want) {
			missing = append(missing, want)
		}
	}
	if len(missing) > 0 {
		m.add(pitfalls.EdgeMethods, LevelError, d.id, catalogFix(pitfalls.EdgeMethods),
			"%s sends the API to %s but allows only %s, so CloudFront answers %s with its 403 \"distribution supports only cachable requests\" page.",
			b.name(), m.show(b.origin.domain), strings.Join(methods, ", "), strings.Join(missing, ", "))
	}
	if why := m.hostForwarding(b); why != "" {
		m.add(pitfalls.HostHeader, LevelError, d.id,
			"use the managed origin request policy AllViewerExceptHostHeader (awscloudfront.OriginRequestPolicy_ALL_VIEWER_EXCEPT_HOST_HEADER()) and no Host in the cache policy.",
			"%s forwards the viewer's Host header to API Gateway (%s); execute-api routes by Host, so every call answers 403 {\"message\":\"Forbidden\"}.",
			b.name(), why)
	}
	if why := m.dropsRequestData(b); why != "" {
		m.add(pitfalls.HeadersDropped, LevelWarning, d.id, catalogFix(pitfalls.HeadersDropped),
			"%s %s, so Authorization, Content-Type and the query string may never reach the API.",
			b.name(), why)
	}
	m.checkAuthorizerSources(d, b)
	if why := m.caches(b); why != "" {
		m.add(pitfalls.ApiCached, LevelWarning, d.id, catalogFix(pitfalls.ApiCached),
			"%s %s, so CloudFront can answer API calls from its cache with stale data or another user's response.",
			b.name(), why)
	}
	m.checkTimeout(d, b)
	m.checkRoute(d, b)
	m.checkCors(d, b)
	m.checkCorsErrors(b)
	m.checkCompression(b)
	m.checkSecretForwarded(b)
}

// checkExactApiPatterns finds an API behavior whose path pattern has no
// wildcard and no API behavior for the paths under it: "/api" matches
// /api itself only, so /api/users goes to the default behavior and S3,
// which answers 403 AccessDenied or 405 MethodNotAllowed (pitfall
// s3-origin). An API that serves that one path only is fine, which is why
// this is a warning.
func (m *model) checkExactApiPatterns(d *resource, apis []*behavior) {
	for _, b := range apis {
		if strings.ContainsAny(b.pattern, "*?") {
			continue
		}
		under := strings.TrimSuffix(b.pattern, "/") + "/*"
		if slices.ContainsFunc(apis, func(o *behavior) bool { return o.pattern == under }) {
			continue
		}
		m.add(pitfalls.S3Origin, LevelWarning, d.id,
			fmt.Sprintf("use the path pattern %s (it does not match %s itself), or add an API behavior for it; if the API serves %s only, suppress this warning.", under, b.pattern, b.pattern),
			"%s has a path pattern without a wildcard, so %s/... matches the default behavior instead and reaches S3, which answers 403 AccessDenied or 405 MethodNotAllowed.",
			b.name(), strings.TrimSuffix(b.pattern, "/"))
	}
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(e string) bool { return strings.EqualFold(e, s) })
}

// hostForwarding says how the behavior forwards Host, or "".
func (m *model) hostForwarding(b *behavior) string {
	orp := b.cfg["originrequestpolicyid"]
	if id, ok := asString(orp); ok {
		if p, known := managedOriginRequestPolicies[id]; known && p.forwardHost {
			return fmt.Sprintf("managed origin request policy %s (%s)", p.name, id)
		}
	} else if r := m.resourceOf(orp, typeRequestPolicy); r != nil {
		hc := asObj(get(r.props, "originrequestpolicyconfig", "headersconfig"))
		how, _ := asString(hc["headerbehavior"])
		host := containsFold(asStrings(hc["headers"]), "host")
		name := displayPath(r.path)
		switch strings.ToLower(how) {
		case "allviewer", "allviewerandwhitelistcloudfront":
			return fmt.Sprintf("origin request policy %s forwards all viewer headers (HeaderBehavior %s)", name, how)
		case "whitelist":
			if host {
				return fmt.Sprintf("origin request policy %s lists Host", name)
			}
		case "allexcept":
			if !host {
				return fmt.Sprintf("origin request policy %s forwards all viewer headers except %s, so Host too", name, strings.Join(asStrings(hc["headers"]), ", "))
			}
		}
	}
	if r := m.resourceOf(b.cfg["cachepolicyid"], typeCachePolicy); r != nil {
		hc := asObj(get(r.props, "cachepolicyconfig", "parametersincachekeyandforwardedtoorigin", "headersconfig"))
		if how, _ := asString(hc["headerbehavior"]); strings.EqualFold(how, "whitelist") && containsFold(asStrings(hc["headers"]), "host") {
			return fmt.Sprintf("cache policy %s puts Host in the cache key, and cache key headers are forwarded", displayPath(r.path))
		}
	}
	if fv := asObj(b.cfg["forwardedvalues"]); fv != nil {
		headers := asStrings(fv["headers"])
		if slices.Contains(headers, "*") {
			return "legacy ForwardedValues forward all headers"
		}
		if containsFold(headers, "host") {
			return "legacy ForwardedValues list Host"
		}
	}
	return ""
}

// dropsRequestData says how the behavior keeps request data from the API, or "".
func (m *model) dropsRequestData(b *behavior) string {
	orp := b.cfg["originrequestpolicyid"]
	if orp == nil {
		fv := asObj(b.cfg["forwardedvalues"])
		switch {
		case fv == nil:
			return "has no origin request policy and forwards only what its cache policy keys on (CachingDisabled keys on nothing)"
		case !asBool(fv["querystring"]) && len(asStrings(fv["headers"])) == 0:
			return "forwards no query string and no headers (legacy ForwardedValues)"
		}
		return ""
	}
	if id, ok := asString(orp); ok {
		if p, known := managedOriginRequestPolicies[id]; known && p.drops {
			return fmt.Sprintf("uses the managed origin request policy %s, which forwards no query string and only a few fixed headers", p.name)
		}
		return ""
	}
	if r := m.resourceOf(orp, typeRequestPolicy); r != nil {
		cfg := asObj(r.props["originrequestpolicyconfig"])
		qs, _ := asString(get(cfg, "querystringsconfig", "querystringbehavior"))
		hs, _ := asString(get(cfg, "headersconfig", "headerbehavior"))
		if strings.EqualFold(qs, "none") && strings.EqualFold(hs, "none") {
			return fmt.Sprintf("uses origin request policy %s, which forwards no query string and no headers", displayPath(r.path))
		}
	}
	return ""
}

// caches says how the behavior caches API responses, or "".
func (m *model) caches(b *behavior) string {
	cp := b.cfg["cachepolicyid"]
	if id, ok := asString(cp); ok {
		if name, known := managedCachePolicies[id]; known && id != pitfalls.CachingDisabled {
			return fmt.Sprintf("uses the managed cache policy %s (%s)", name, id)
		}
		return ""
	}
	if r := m.resourceOf(cp, typeCachePolicy); r != nil {
		cfg := asObj(r.props["cachepolicyconfig"])
		var ttls []string
		for _, k := range []string{"minttl", "defaultttl", "maxttl"} {
			if n, ok := asNumber(cfg[k]); ok && n > 0 {
				ttls = append(ttls, fmt.Sprintf("%s %g s", ttlName[k], n))
			}
		}
		if len(ttls) > 0 {
			return fmt.Sprintf("uses cache policy %s with %s", displayPath(r.path), strings.Join(ttls, ", "))
		}
		return ""
	}
	fv := asObj(b.cfg["forwardedvalues"])
	if cp != nil || fv == nil || slices.Contains(asStrings(fv["headers"]), "*") {
		return "" // forwarding all headers turns legacy caching off
	}
	// Legacy cache settings: CloudFront's defaults are 1 day and 1 year.
	defaults := map[string]float64{"minttl": 0, "defaultttl": 86400, "maxttl": 31536000}
	var ttls []string
	for _, k := range []string{"minttl", "defaultttl", "maxttl"} {
		n, ok := asNumber(b.cfg[k])
		if !ok {
			n = defaults[k]
		}
		if n > 0 {
			ttls = append(ttls, fmt.Sprintf("%s %g s", ttlName[k], n))
		}
	}
	if len(ttls) > 0 {
		return "caches with legacy settings (" + strings.Join(ttls, ", ") + ")"
	}
	return ""
}

var ttlName = map[string]string{"minttl": "MinTTL", "defaultttl": "DefaultTTL", "maxttl": "MaxTTL"}

func (m *model) checkTimeout(d *resource, b *behavior) {
	read := 30.0 // CloudFront's default
	if v := get(b.origin.raw, "customoriginconfig", "originreadtimeout"); v != nil {
		n, ok := asNumber(v)
		if !ok {
			return
		}
		read = n
	}
	if need := m.integrationTimeout(b.origin.restApi); read < need {
		m.add(pitfalls.OriginTimeout, LevelWarning, d.id,
			fmt.Sprintf("set the origin read timeout to at least %g s (awscloudfrontorigins.RestApiOriginProps ReadTimeout: awscdk.Duration_Seconds(jsii.Number(%g))).", need, need),
			"%s waits %g s for API origin %s, less than the API's %g s integration timeout, so slow requests end in a CloudFront 504.",
			b.name(), read, m.show(b.origin.domain), need)
	}
}

// checkRoute: the origin path must be a stage of the API, and some API
// resource must match the paths CloudFront forwards.
func (m *model) checkRoute(d *resource, b *behavior) {
	if b.origin.custom {
		return // custom domains map base paths to stages; nothing to see here
	}
	var segs []sym
	for _, s := range b.origin.path.split("/") {
		if lit, ok := s.literal(); !ok || lit != "" {
			segs = append(segs, s)
		}
	}
	a := b.origin.restApi
	if len(segs) == 0 {
		m.add(pitfalls.ApiRoute, LevelError, d.id,
			"set the origin path to \"/<stage>\" (awscloudfrontorigins.NewRestApiOrigin does this).",
			"%s reaches API Gateway origin %s without a stage in its origin path, so API Gateway reads the first segment of %s as the stage name and no route matches ({\"message\":\"Missing Authentication Token\"} or Forbidden).",
			b.name(), m.show(b.origin.domain), patternExample(b.pattern))
		return
	}
	if a == nil {
		return
	}
	stage := segs[0]
	if name, ok := stage.literal(); ok && len(a.stages) > 0 && a.stages[name] == nil {
		m.add(pitfalls.ApiRoute, LevelError, d.id,
			fmt.Sprintf("set the origin path to one of the API's stages, e.g. \"/%s\".", firstKey(a.stages)),
			"%s uses origin path %q, but %q is not a stage of API %s (its stages: %s).",
			b.name(), m.show(b.origin.path), name, displayPath(a.res.path), strings.Join(sortedKeys(a.stages), ", "))
		return
	}
	if len(stage) == 1 && stage[0].ref != "" && stage[0].attr == "" {
		if r := m.byId[stage[0].ref]; r != nil && r.typ == typeStage && a.stageById[r.id] == "" {
			m.add(pitfalls.ApiRoute, LevelError, d.id,
				"use a stage of the API that the origin domain names.",
				"%s uses stage %s in its origin path, which belongs to another API than %s.",
				b.name(), displayPath(r.path), displayPath(a.res.path))
			return
		}
	}
	if a.spec || len(a.methods) == 0 {
		return
	}
	var prefix []string
	for _, s := range segs[1:] {
		lit, ok := s.literal()
		if !ok {
			return
		}
		prefix = append(prefix, lit)
	}
	patternPrefix, exact := patternSegments(b.pattern)
	prefix = append(prefix, patternPrefix...)
	for _, meth := range a.methods {
		if covers(a.methodAt[meth.id], prefix, exact) {
			return
		}
	}
	var routes []string
	for _, meth := range a.methods {
		routes = append(routes, httpMethod(meth)+" "+routeName(a.methodAt[meth.id]))
	}
	slices.Sort(routes)
	routes = slices.Compact(routes)
	m.add(pitfalls.ApiRoute, LevelError, d.id,
		fmt.Sprintf("add the API resources under %s, e.g. a %s/{proxy+} resource with ANY, or change the behavior's path pattern to match the API.", routeName(prefix), strings.TrimSuffix(routeName(prefix), "/")),
		"%s forwards requests to API %s as /<stage>%s, but no resource of the API matches %s (it has %s), so every call answers {\"message\":\"Missing Authentication Token\"}.",
		b.name(), displayPath(a.res.path), patternExample(b.pattern), routeName(prefix)+suffixIf(!exact, "/..."), strings.Join(routes, ", "))
}

func suffixIf(cond bool, s string) string {
	if cond {
		return s
	}
	return ""
}

// patternSegments returns the literal path segments before the first
// wildcard of a CloudFront path pattern, and whether it has no wildcard.
func patternSegments(pattern string) (prefix []string, exact bool) {
	exact = !strings.ContainsAny(pattern, "*?")
	for _, s := range strings.Split(strings.TrimPrefix(pattern, "/"), "/") {
		if strings.ContainsAny(s, "*?") {
			break
		}
		if s != "" {
			prefix = append(prefix, s)
		}
	}
	return prefix, exact
}

// patternExample is a request path that the pattern matches, for messages.
func patternExample(pattern string) string {
	p := "/" + strings.TrimPrefix(pattern, "/")
	if i := strings.IndexAny(p, "*?"); i >= 0 {
		p = p[:i] + "x"
	}
	return p
}

// sortedKeys are m's keys in order: output that does not depend on map
// order.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

func firstKey[V any](m map[string]V) string {
	if keys := sortedKeys(m); len(keys) > 0 {
		return keys[0]
	}
	return "prod"
}

// checkCors: CloudFront sets CORS without overriding the origin, and API
// Gateway sets Access-Control-Allow-Origin too.
func (m *model) checkCors(d *resource, b *behavior) {
	a := b.origin.restApi
	if a == nil {
		return
	}
	layer, override := m.cloudFrontCors(b)
	if layer == "" || override {
		return
	}
	gateway := a.corsMethods()
	for _, id := range a.gwCors {
		gateway = append(gateway, "gateway response "+m.display(id))
	}
	if len(gateway) == 0 {
		return
	}
	m.add(pitfalls.CorsDuplicate, LevelWarning, d.id, catalogFix(pitfalls.CorsDuplicate),
		"%s sets CORS with %s (origin override off) while API Gateway sets Access-Control-Allow-Origin too (%s); with two owners a response can carry two Access-Control-Allow-Origin values, which browsers reject.",
		b.name(), layer, strings.Join(gateway, ", "))
}

// cloudFrontCors names the response headers policy that sets CORS on the
// behavior's responses (every response, the origin's errors included), or
// "", and whether it overrides the origin's own CORS headers.
func (m *model) cloudFrontCors(b *behavior) (layer string, override bool) {
	rhp := b.cfg["responseheaderspolicyid"]
	if id, ok := asString(rhp); ok {
		if name, known := managedCorsPolicies[id]; known {
			layer = "the managed response headers policy " + name
		}
	} else if r := m.resourceOf(rhp, typeHeadersPolicy); r != nil {
		cfg := asObj(r.props["responseheaderspolicyconfig"])
		if cors := asObj(cfg["corsconfig"]); cors != nil {
			layer, override = "response headers policy "+displayPath(r.path), asBool(cors["originoverride"])
		}
		for _, h := range asList(get(cfg, "customheadersconfig", "items")) {
			if name, _ := asString(get(h, "header")); strings.EqualFold(name, "Access-Control-Allow-Origin") {
				layer, override = "response headers policy "+displayPath(r.path), asBool(get(h, "override"))
			}
		}
	}
	return layer, override
}

// corsMethods are the API's methods whose method or integration responses
// set Access-Control-Allow-Origin, as "METHOD /path".
func (a *restApi) corsMethods() []string {
	var out []string
	for _, meth := range a.methods {
		sets := false
		for _, r := range asList(meth.props["methodresponses"]) {
			sets = sets || mentionsAllowOrigin(get(r, "responseparameters"))
		}
		for _, r := range asList(get(meth.props, "integration", "integrationresponses")) {
			sets = sets || mentionsAllowOrigin(get(r, "responseparameters"))
		}
		if sets {
			out = append(out, httpMethod(meth)+" "+routeName(a.methodAt[meth.id]))
		}
	}
	return out
}

func (m *model) checkSiteBehavior(d *resource, dc obj, def *behavior, servesApi bool) {
	if def.origin == nil || !def.origin.s3 {
		return
	}
	var writes []string
	for _, meth := range def.methods() {
		if slices.Contains(writeMethods, meth) {
			writes = append(writes, meth)
		}
	}
	if len(writes) > 0 {
		m.add(pitfalls.S3Origin, LevelError, d.id,
			"allow only GET and HEAD on the S3 behavior (awscloudfront.AllowedMethods_ALLOW_GET_HEAD()) and serve the API from its own behavior such as \"/api/*\".",
			"%s sends %s to the S3 origin %s, so any API call that misses the API behavior gets S3's 405 MethodNotAllowed XML instead of reaching the API.",
			def.name(), strings.Join(writes, ", "), m.show(def.origin.domain))
	}
	if !servesApi {
		return
	}
	for _, a := range asList(def.cfg["functionassociations"]) {
		if ev, _ := asString(get(a, "eventtype")); ev == "viewer-request" {
			return
		}
	}
	for _, a := range asList(def.cfg["lambdafunctionassociations"]) {
		if ev, _ := asString(get(a, "eventtype")); ev == "viewer-request" || ev == "origin-request" {
			return
		}
	}
	for _, r := range asList(dc["customerrorresponses"]) {
		code, _ := asNumber(get(r, "errorcode"))
		if (code == 403 || code == 404) && get(r, "responsepagepath") != nil {
			return // error-masked reports this one
		}
	}
	m.add(pitfalls.SpaDeeplink, LevelWarning, d.id, catalogFix(pitfalls.SpaDeeplink),
		"%s serves the SPA from S3 with no viewer-request function and no error response, so a deep link such as /users/42 gets S3's AccessDenied XML.",
		def.name())
}

func (m *model) checkErrorResponses(d *resource, dc obj) {
	var masks []string
	for _, r := range asList(dc["customerrorresponses"]) {
		code, _ := asNumber(get(r, "errorcode"))
		page := get(r, "responsepagepath")
		status := get(r, "responsecode")
		if page == nil && status == nil {
			continue // only an error caching TTL
		}
		desc := fmt.Sprintf("%g", code)
		if p, ok := asString(page); ok {
			desc += " -> " + p
		}
		if s, ok := asNumber(status); ok {
			desc += fmt.Sprintf(" (%g)", s)
		} else if s, ok := asString(status); ok {
			desc += " (" + s + ")"
		}
		masks = append(masks, desc)
	}
	if len(masks) > 0 {
		m.add(pitfalls.ErrorMasked, LevelError, d.id,
			"remove the distribution-wide error responses and serve /index.html for client routes from a viewer-request CloudFront Function on the S3 behavior only.",
			"the custom error responses %s apply to every behavior, API included, so an API 403/404 reaches the client as index.html (\"Unexpected token <\").",
			strings.Join(masks, ", "))
	}
}
