package test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Managed policy IDs (docs/PITFALLS.md, package pitfalls), spelled out so
// that the tests do not take them from the code under test.
const (
	cachingDisabled           = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
	cachingOptimized          = "658327ea-f89d-4fab-a63d-7e88639e58f6"
	allViewerExceptHostHeader = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
	allViewer                 = "216adef6-5c7f-47e4-b989-5492eafa07d3"
)

var allSeven = []string{"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}

// pitfallCheck returns nil when the template is free of the pitfall.
type pitfallCheck func(f *fixture, tmpl obj) error

// pitfallChecks has one check per pitfall ID (docs/PITFALLS.md) that a
// template can show. Each is run on every fixture by TestPitfalls and shown
// to fail on a broken template by TestPitfallChecksFail.
var pitfallChecks = map[string]pitfallCheck{
	"edge-methods": func(f *fixture, tmpl obj) error {
		_, api, err := behaviors(tmpl, f.prefix)
		if err != nil {
			return err
		}
		if got := sortedCopy(strs(api["AllowedMethods"])); !slices.Equal(got, allSeven) {
			return fmt.Errorf("API behavior allows %v, want all seven methods %v", got, allSeven)
		}
		return nil
	},
	"s3-origin": func(f *fixture, tmpl obj) error {
		def, api, err := behaviors(tmpl, f.prefix)
		if err != nil {
			return err
		}
		if got := sortedCopy(strs(def["AllowedMethods"])); !slices.Equal(got, []string{"GET", "HEAD"}) {
			return fmt.Errorf("S3 behavior allows %v, want GET, HEAD", got)
		}
		s3, err := origin(tmpl, def)
		if err != nil {
			return err
		}
		if s3["S3OriginConfig"] == nil || s3["OriginAccessControlId"] == nil {
			return fmt.Errorf("default behavior does not target an S3 origin with Origin Access Control: %s", jsonString(s3))
		}
		if oai := resourcesOf(tmpl, "AWS::CloudFront::CloudFrontOriginAccessIdentity"); len(oai) > 0 {
			return fmt.Errorf("template uses an Origin Access Identity; want Origin Access Control only")
		}
		apiOrigin, err := origin(tmpl, api)
		if err != nil {
			return err
		}
		if !strings.Contains(jsonString(apiOrigin["DomainName"]), ".execute-api.") {
			return fmt.Errorf("API behavior targets %s, not API Gateway", jsonString(apiOrigin["DomainName"]))
		}
		for _, b := range resourcesOf(tmpl, "AWS::S3::Bucket") {
			if b["WebsiteConfiguration"] != nil {
				return fmt.Errorf("a bucket has website hosting: %s", jsonString(b["WebsiteConfiguration"]))
			}
		}
		return nil
	},
	"api-route": func(f *fixture, tmpl obj) error {
		o, err := apiOrigin(tmpl, f.prefix)
		if err != nil {
			return err
		}
		stages := resourcesOf(tmpl, "AWS::ApiGateway::Stage")
		path := jsonString(o["OriginPath"])
		found := false
		for id := range stages {
			found = found || strings.Contains(path, `{"Ref":"`+id+`"}`)
		}
		if !found {
			return fmt.Errorf("API origin path %s is not the stage", path)
		}
		// Every path under the prefix has a resource of its own: a
		// {proxy+} under the root, and under every other resource (the
		// public paths of Auth), so none depends on API Gateway falling
		// back to a shorter {proxy+} or ends in Missing Authentication
		// Token.
		resources := resourcesOf(tmpl, "AWS::ApiGateway::Resource")
		children := map[string][]string{}
		underRoot := false
		for _, r := range resources {
			parent := jsonString(r["ParentId"])
			children[parent] = append(children[parent], r["PathPart"].(string))
			underRoot = underRoot || strings.Contains(parent, `"RootResourceId"`) && r["PathPart"] == "{proxy+}"
		}
		for parent, parts := range children {
			if n := strings.Count(","+strings.Join(parts, ",")+",", ",{proxy+},"); n != 1 {
				return fmt.Errorf("want one {proxy+} under %s, found %d", parent, n)
			}
		}
		for id, r := range resources {
			if r["PathPart"] != "{proxy+}" && len(children[jsonString(obj{"Ref": id})]) == 0 {
				return fmt.Errorf("resource %s (%s) has no {proxy+} child: the paths under it would answer Missing Authentication Token", id, r["PathPart"])
			}
		}
		if !underRoot {
			return fmt.Errorf("no {proxy+} under the API's root resource")
		}

		ms := methods(tmpl)
		for _, key := range []string{"/ ANY", "/{proxy+} ANY", "/ OPTIONS", "/{proxy+} OPTIONS"} {
			if ms[key] == nil {
				return fmt.Errorf("no method %s; have %v", key, keys(ms))
			}
		}
		integ := ms["/{proxy+} ANY"]["Integration"].(obj)
		if f.http {
			if integ["Type"] != "HTTP_PROXY" || !strings.HasSuffix(jsonString(integ["Uri"]), `/{proxy}"`) {
				return fmt.Errorf("proxy integration %s does not pass {proxy} to the HTTP backend", jsonString(integ))
			}
			if asMap(integ["RequestParameters"])["integration.request.path.proxy"] != "method.request.path.proxy" {
				return fmt.Errorf("proxy integration does not map the proxy path: %s", jsonString(integ["RequestParameters"]))
			}
		} else if integ["Type"] != "AWS_PROXY" {
			return fmt.Errorf("proxy integration type %v, want AWS_PROXY", integ["Type"])
		}
		return nil
	},
	"host-header": func(f *fixture, tmpl obj) error {
		_, api, err := behaviors(tmpl, f.prefix)
		if err != nil {
			return err
		}
		if api["OriginRequestPolicyId"] != allViewerExceptHostHeader {
			return fmt.Errorf("API behavior origin request policy %v; want AllViewerExceptHostHeader (%s), so execute-api sees its own Host", api["OriginRequestPolicyId"], allViewerExceptHostHeader)
		}
		if api["ForwardedValues"] != nil {
			return fmt.Errorf("API behavior uses legacy ForwardedValues: %s", jsonString(api["ForwardedValues"]))
		}
		return nil
	},
	"headers-dropped": func(f *fixture, tmpl obj) error {
		_, api, err := behaviors(tmpl, f.prefix)
		if err != nil {
			return err
		}
		if api["OriginRequestPolicyId"] == nil {
			return errors.New("API behavior has no origin request policy: Authorization, Content-Type and the query string would not reach the API")
		}
		return nil
	},
	"api-cached": func(f *fixture, tmpl obj) error {
		_, api, err := behaviors(tmpl, f.prefix)
		if err != nil {
			return err
		}
		if api["CachePolicyId"] != cachingDisabled {
			return fmt.Errorf("API behavior cache policy %v, want CachingDisabled (%s)", api["CachePolicyId"], cachingDisabled)
		}
		return nil
	},
	"preflight-auth": func(f *fixture, tmpl obj) error {
		ms := methods(tmpl)
		for _, key := range []string{"/ OPTIONS", "/{proxy+} OPTIONS"} {
			m := ms[key]
			if m == nil {
				return fmt.Errorf("no %s method", key)
			}
			if m["AuthorizationType"] != "NONE" || m["AuthorizerId"] != nil || m["ApiKeyRequired"] == true {
				return fmt.Errorf("%s needs authorization: %s", key, jsonString(m))
			}
			if integ, _ := m["Integration"].(obj); integ == nil || integ["Type"] != "MOCK" {
				return fmt.Errorf("%s is not answered by API Gateway itself (MOCK): %s", key, jsonString(m["Integration"]))
			}
		}
		return nil
	},
	"cors-duplicate": func(f *fixture, tmpl obj) error {
		_, api, err := behaviors(tmpl, f.prefix)
		if err != nil {
			return err
		}
		policy := resource(tmpl, refTarget(api["ResponseHeadersPolicyId"]))
		if policy == nil {
			return fmt.Errorf("API behavior has no response headers policy of its own: %v", api["ResponseHeadersPolicyId"])
		}
		cfg := policy["ResponseHeadersPolicyConfig"].(obj)
		if len(f.origins) == 0 {
			removed := jsonString(cfg["RemoveHeadersConfig"])
			if cfg["CorsConfig"] != nil || !strings.Contains(removed, `"Access-Control-Allow-Origin"`) {
				return fmt.Errorf("same-origin site must strip the backend's Access-Control-Allow-Origin: %s", jsonString(cfg))
			}
		} else {
			cors, _ := cfg["CorsConfig"].(obj)
			if cors == nil || cors["OriginOverride"] != true {
				return fmt.Errorf("CORS policy must override the backend's CORS headers (OriginOverride): %s", jsonString(cfg))
			}
		}
		// API Gateway must not be a second CORS layer.
		for _, typ := range []string{"AWS::ApiGateway::Method", "AWS::ApiGateway::GatewayResponse"} {
			for _, r := range resourcesOf(tmpl, typ) {
				if strings.Contains(strings.ToLower(jsonString(r)), "access-control-allow-origin") {
					return fmt.Errorf("%s sets Access-Control-Allow-Origin as well as CloudFront: %s", typ, jsonString(r))
				}
			}
		}
		return nil
	},
	"cors-errors": func(f *fixture, tmpl obj) error {
		// CloudFront's policy applies to every response of the behavior,
		// API Gateway's own 4XX/5XX included; it must list exactly the
		// allowed origins.
		_, api, err := behaviors(tmpl, f.prefix)
		if err != nil {
			return err
		}
		policy := resource(tmpl, refTarget(api["ResponseHeadersPolicyId"]))
		if policy == nil {
			return errors.New("API behavior has no response headers policy")
		}
		cors, _ := policy["ResponseHeadersPolicyConfig"].(obj)["CorsConfig"].(obj)
		if len(f.origins) == 0 {
			if cors != nil {
				return fmt.Errorf("same-origin site has a CORS config: %s", jsonString(cors))
			}
			return nil
		}
		if cors == nil {
			return errors.New("API responses carry no CORS headers")
		}
		got := strs(cors["AccessControlAllowOrigins"].(obj)["Items"])
		if !slices.Equal(sortedCopy(got), sortedCopy(f.origins)) || slices.Contains(got, "*") != slices.Contains(f.origins, "*") {
			return fmt.Errorf("CORS allows %v, want %v", got, f.origins)
		}
		return nil
	},
	"error-masked": func(f *fixture, tmpl obj) error {
		dc, err := distributionConfig(tmpl)
		if err != nil {
			return err
		}
		// Error responses that only set the caching TTL (errors-cached)
		// mask nothing; one with a page or a status does.
		for _, r := range asSlice(dc["CustomErrorResponses"]) {
			if r.(obj)["ResponsePagePath"] != nil || r.(obj)["ResponseCode"] != nil {
				return fmt.Errorf("distribution-wide error responses turn API errors into index.html: %s", jsonString(dc["CustomErrorResponses"]))
			}
		}
		_, api, _ := behaviors(tmpl, f.prefix)
		if api["FunctionAssociations"] != nil || api["LambdaFunctionAssociations"] != nil {
			return fmt.Errorf("API behavior runs edge code: %s", jsonString(api))
		}
		return nil
	},
	"spa-deeplink": func(f *fixture, tmpl obj) error {
		def, _, err := behaviors(tmpl, f.prefix)
		if err != nil {
			return err
		}
		assoc := asSlice(def["FunctionAssociations"])
		if len(assoc) != 1 || assoc[0].(obj)["EventType"] != "viewer-request" {
			return fmt.Errorf("S3 behavior needs one viewer-request function, has %s", jsonString(def["FunctionAssociations"]))
		}
		fn, err := only(tmpl, "AWS::CloudFront::Function")
		if err != nil {
			return err
		}
		if rt := fn["FunctionConfig"].(obj)["Runtime"]; rt != "cloudfront-js-2.0" {
			return fmt.Errorf("function runtime %v, want cloudfront-js-2.0", rt)
		}
		return nil
	},
	"edge-optimized": func(f *fixture, tmpl obj) error {
		api, err := only(tmpl, "AWS::ApiGateway::RestApi")
		if err != nil {
			return err
		}
		if got := jsonString(api["EndpointConfiguration"]); got != `{"Types":["REGIONAL"]}` {
			return fmt.Errorf("API endpoint %s, want REGIONAL", got)
		}
		return nil
	},
	"origin-timeout": func(f *fixture, tmpl obj) error {
		o, err := apiOrigin(tmpl, f.prefix)
		if err != nil {
			return err
		}
		cfg, _ := o["CustomOriginConfig"].(obj)
		if t, ok := cfg["OriginReadTimeout"].(float64); !ok || t < 29 {
			return fmt.Errorf("API origin read timeout %v, want at least the 29 s integration timeout", cfg["OriginReadTimeout"])
		}
		if cfg["OriginProtocolPolicy"] != "https-only" {
			return fmt.Errorf("API origin protocol %v, want https-only", cfg["OriginProtocolPolicy"])
		}
		return nil
	},
}

func init() {
	pitfallChecks["direct-access"] = checkDirectAccess
	breakages["direct-access"] = func(tmpl obj, f *fixture) {
		for _, m := range resourcesOf(tmpl, "AWS::ApiGateway::Method") {
			if m["HttpMethod"] == "ANY" {
				m["ApiKeyRequired"] = false
			}
		}
	}
}

// checkDirectAccess: every method but OPTIONS needs the API key, whose value
// is a Secrets Manager reference that CloudFront sends as an origin header,
// bound to the stage by a usage plan.
func checkDirectAccess(f *fixture, tmpl obj) error {
	for key, m := range methods(tmpl) {
		want := m["HttpMethod"] != "OPTIONS"
		if m["ApiKeyRequired"] != want {
			return fmt.Errorf("%s: ApiKeyRequired=%v, want %v", key, m["ApiKeyRequired"], want)
		}
	}
	if api, _ := only(tmpl, "AWS::ApiGateway::RestApi"); api["ApiKeySourceType"] != nil && api["ApiKeySourceType"] != "HEADER" {
		return fmt.Errorf("API key source %v, want HEADER", api["ApiKeySourceType"])
	}
	key, err := only(tmpl, "AWS::ApiGateway::ApiKey")
	if err != nil {
		return err
	}
	value := jsonString(key["Value"])
	secretRef := ""
	for id := range resourcesOf(tmpl, "AWS::SecretsManager::Secret") {
		if strings.Contains(value, `{"Ref":"`+id+`"}`) {
			secretRef = id
		}
	}
	if !strings.Contains(value, "{{resolve:secretsmanager:") || secretRef == "" {
		return fmt.Errorf("API key value %s is not a reference to a generated secret", value)
	}
	if resource(tmpl, secretRef)["GenerateSecretString"] == nil {
		return fmt.Errorf("secret %s is not generated", secretRef)
	}
	o, err := apiOrigin(tmpl, f.prefix)
	if err != nil {
		return err
	}
	sent := false
	for _, h := range asSlice(o["OriginCustomHeaders"]) {
		h := h.(obj)
		sent = sent || (h["HeaderName"] == "x-api-key" && jsonString(h["HeaderValue"]) == value)
	}
	if !sent {
		return fmt.Errorf("CloudFront does not send the API key to the API origin: %s", jsonString(o["OriginCustomHeaders"]))
	}
	plans := resourcesOf(tmpl, "AWS::ApiGateway::UsagePlan")
	planKeys := resourcesOf(tmpl, "AWS::ApiGateway::UsagePlanKey")
	if len(plans) != 1 || len(planKeys) != 1 {
		return fmt.Errorf("want one usage plan and one key binding, found %d and %d", len(plans), len(planKeys))
	}
	for _, p := range plans {
		if !strings.Contains(jsonString(p["ApiStages"]), `"Stage":{"Ref":"`) {
			return fmt.Errorf("usage plan is not bound to the stage: %s", jsonString(p["ApiStages"]))
		}
	}
	return nil
}

func keys[M ~map[string]V, V any](m M) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// TestPitfalls runs every pitfall check on the construct (Lambda and HTTP
// backends) and on both shipped environment stacks.
func TestPitfalls(t *testing.T) {
	runChecks(t, pitfallChecks, allFixtures(t))
}

// runChecks runs each check, as a subtest named by its pitfall ID, on every
// fixture.
func runChecks(t *testing.T, checks map[string]pitfallCheck, fixtures []*fixture) {
	for _, id := range keys(checks) {
		t.Run(id, func(t *testing.T) {
			for _, f := range fixtures {
				require.NoError(t, checks[id](f, f.template), "%s in %s", id, f.name)
			}
		})
	}
}

// breakages reproduce, on a copy of a good template, the configuration
// that causes each pitfall (mostly the field note's own). Each check must
// reject its breakage: a check that cannot fail is worth nothing.
var breakages = map[string]func(tmpl obj, f *fixture){
	"edge-methods": func(tmpl obj, f *fixture) { apiBehaviorOf(tmpl)["AllowedMethods"] = []any{"GET", "HEAD"} },
	"s3-origin": func(tmpl obj, f *fixture) {
		apiBehaviorOf(tmpl)["PathPattern"] = "/api"
	},
	"api-route": func(tmpl obj, f *fixture) {
		origins := asSlice(distConfigOf(tmpl)["Origins"])
		for _, o := range origins {
			if o.(obj)["CustomOriginConfig"] != nil {
				delete(o.(obj), "OriginPath")
			}
		}
	},
	"host-header":     func(tmpl obj, f *fixture) { apiBehaviorOf(tmpl)["OriginRequestPolicyId"] = allViewer },
	"headers-dropped": func(tmpl obj, f *fixture) { delete(apiBehaviorOf(tmpl), "OriginRequestPolicyId") },
	"api-cached":      func(tmpl obj, f *fixture) { apiBehaviorOf(tmpl)["CachePolicyId"] = cachingOptimized },
	"preflight-auth": func(tmpl obj, f *fixture) {
		for _, m := range resourcesOf(tmpl, "AWS::ApiGateway::Method") {
			if m["HttpMethod"] == "OPTIONS" {
				m["AuthorizationType"] = "CUSTOM"
				m["AuthorizerId"] = obj{"Ref": "Authorizer"}
			}
		}
	},
	"cors-duplicate": func(tmpl obj, f *fixture) {
		for _, m := range resourcesOf(tmpl, "AWS::ApiGateway::Method") {
			if m["HttpMethod"] == "OPTIONS" {
				m["MethodResponses"] = []any{obj{"StatusCode": "204", "ResponseParameters": obj{"method.response.header.Access-Control-Allow-Origin": true}}}
			}
		}
	},
	"cors-errors": func(tmpl obj, f *fixture) {
		// The usual setup: CORS declared on API Gateway's OPTIONS mock
		// only, and no CloudFront policy adding it to every answer, so
		// API Gateway's own 4XX/5XX go out without it.
		delete(apiBehaviorOf(tmpl), "ResponseHeadersPolicyId")
		for _, m := range resourcesOf(tmpl, "AWS::ApiGateway::Method") {
			if m["HttpMethod"] == "OPTIONS" {
				m["MethodResponses"] = []any{obj{"StatusCode": "204", "ResponseParameters": obj{"method.response.header.Access-Control-Allow-Origin": true}}}
			}
		}
	},
	"error-masked": func(tmpl obj, f *fixture) {
		distConfigOf(tmpl)["CustomErrorResponses"] = []any{obj{"ErrorCode": 403, "ResponseCode": 200, "ResponsePagePath": "/index.html"}}
	},
	"spa-deeplink": func(tmpl obj, f *fixture) {
		delete(distConfigOf(tmpl)["DefaultCacheBehavior"].(obj), "FunctionAssociations")
	},
	"edge-optimized": func(tmpl obj, f *fixture) {
		for _, a := range resourcesOf(tmpl, "AWS::ApiGateway::RestApi") {
			a["EndpointConfiguration"] = obj{"Types": []any{"EDGE"}}
		}
	},
	"origin-timeout": func(tmpl obj, f *fixture) {
		for _, o := range asSlice(distConfigOf(tmpl)["Origins"]) {
			if c, ok := o.(obj)["CustomOriginConfig"].(obj); ok {
				c["OriginReadTimeout"] = 10.0
			}
		}
	},
}

func distConfigOf(tmpl obj) obj {
	dc, err := distributionConfig(tmpl)
	if err != nil {
		panic(err)
	}
	return dc
}

func apiBehaviorOf(tmpl obj) obj {
	return asSlice(distConfigOf(tmpl)["CacheBehaviors"])[0].(obj)
}

func deepCopy(t *testing.T, m obj) obj {
	b, err := json.Marshal(m)
	require.NoError(t, err)
	var c obj
	require.NoError(t, json.Unmarshal(b, &c))
	return c
}

// TestPitfallChecksFail proves each check can fail.
func TestPitfallChecksFail(t *testing.T) {
	requireChecksFail(t, pitfallChecks, breakages, []*fixture{lambdaSite(t), httpSite(t)}, nil)
}

// requireChecksFail breaks a copy of each fixture's good template the way
// each pitfall does and expects the pitfall's check to object: a check
// that cannot fail is worth nothing. skip, when set, names the pairs where
// a check does not apply.
func requireChecksFail(t *testing.T, checks map[string]pitfallCheck, breaks map[string]func(obj, *fixture), fixtures []*fixture, skip func(id string, f *fixture) bool) {
	require.ElementsMatch(t, keys(checks), keys(breaks), "every check needs a breakage")
	for _, f := range fixtures {
		for _, id := range keys(breaks) {
			if skip != nil && skip(id, f) {
				continue
			}
			t.Run(f.name+"/"+id, func(t *testing.T) {
				broken := deepCopy(t, f.template)
				breaks[id](broken, f)
				require.Error(t, checks[id](f, broken), "check %s accepted a template broken for %s", id, id)
				// What users run on their own templates must see it too.
				if sitechecksRule(id) && templateBlind[id] == "" {
					require.Contains(t, templateFindings(t, broken), id, "sitechecks.CheckTemplate missed %s in the broken template", id)
				}
			})
		}
	}
}
