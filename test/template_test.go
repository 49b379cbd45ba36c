package test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Helpers that read a synthesized template as plain JSON, so that a check
// crosses into jsii zero times and its failure message says what it saw.

type obj = map[string]any

// resourcesOf returns the Properties of every resource of type typ, keyed by
// logical ID (used only to follow Refs, never asserted on).
func resourcesOf(tmpl obj, typ string) map[string]obj {
	out := map[string]obj{}
	res, _ := tmpl["Resources"].(obj)
	for id, r := range res {
		r := r.(obj)
		if r["Type"] == typ {
			props, _ := r["Properties"].(obj)
			if props == nil {
				props = obj{}
			}
			out[id] = props
		}
	}
	return out
}

func only(tmpl obj, typ string) (obj, error) {
	rs := resourcesOf(tmpl, typ)
	if len(rs) != 1 {
		return nil, fmt.Errorf("want exactly one %s, found %d", typ, len(rs))
	}
	for _, p := range rs {
		return p, nil
	}
	return nil, nil
}

func distributionConfig(tmpl obj) (obj, error) {
	d, err := only(tmpl, "AWS::CloudFront::Distribution")
	if err != nil {
		return nil, err
	}
	return d["DistributionConfig"].(obj), nil
}

// behaviors returns the default behavior and the API behavior for prefix.
func behaviors(tmpl obj, prefix string) (def, api obj, err error) {
	dc, err := distributionConfig(tmpl)
	if err != nil {
		return nil, nil, err
	}
	def = dc["DefaultCacheBehavior"].(obj)
	cbs, _ := dc["CacheBehaviors"].([]any)
	if len(cbs) != 1 {
		return nil, nil, fmt.Errorf("want exactly one additional behavior, found %d", len(cbs))
	}
	api = cbs[0].(obj)
	if api["PathPattern"] != prefix+"/*" {
		return nil, nil, fmt.Errorf("API behavior path pattern is %v, want %s/*", api["PathPattern"], prefix)
	}
	return def, api, nil
}

// origin returns the distribution origin a behavior targets.
func origin(tmpl obj, behavior obj) (obj, error) {
	dc, err := distributionConfig(tmpl)
	if err != nil {
		return nil, err
	}
	for _, o := range dc["Origins"].([]any) {
		if o.(obj)["Id"] == behavior["TargetOriginId"] {
			return o.(obj), nil
		}
	}
	return nil, fmt.Errorf("no origin %v", behavior["TargetOriginId"])
}

// apiOrigin returns the origin that the API behavior for prefix targets.
func apiOrigin(tmpl obj, prefix string) (obj, error) {
	_, api, err := behaviors(tmpl, prefix)
	if err != nil {
		return nil, err
	}
	return origin(tmpl, api)
}

// refTarget returns the logical ID that v refers to with Ref, if any.
func refTarget(v any) string {
	if m, ok := v.(obj); ok {
		if r, ok := m["Ref"].(string); ok {
			return r
		}
	}
	return ""
}

// resource returns a resource's Properties by logical ID.
func resource(tmpl obj, id string) obj {
	r, _ := tmpl["Resources"].(obj)[id].(obj)
	if r == nil {
		return nil
	}
	p, _ := r["Properties"].(obj)
	return p
}

func strs(v any) []string {
	var out []string
	for _, x := range asSlice(v) {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	sort.Strings(c)
	return c
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// methods returns the API Gateway methods as "<path> <METHOD>" → props,
// where path is the resource's full path: "/" for the root, "/{proxy+}"
// for the root's proxy resource, "/api/health" for a resource of a
// public path (AuthOptions.PublicPaths).
func methods(tmpl obj) map[string]obj {
	restApis := resourcesOf(tmpl, "AWS::ApiGateway::RestApi")
	resources := resourcesOf(tmpl, "AWS::ApiGateway::Resource")
	var pathOf func(ref any) string
	pathOf = func(ref any) string {
		rid, ok := ref.(obj)
		if !ok {
			return "?"
		}
		if ga, ok := rid["Fn::GetAtt"].([]any); ok && ga[1] == "RootResourceId" {
			if _, isApi := restApis[ga[0].(string)]; isApi {
				return "/"
			}
		}
		if r := resources[refTarget(rid)]; r != nil {
			return strings.TrimSuffix(pathOf(r["ParentId"]), "/") + "/" + fmt.Sprint(r["PathPart"])
		}
		return "?"
	}
	out := map[string]obj{}
	for _, m := range resourcesOf(tmpl, "AWS::ApiGateway::Method") {
		out[pathOf(m["ResourceId"])+" "+fmt.Sprint(m["HttpMethod"])] = m
	}
	return out
}

func hasPrefixAny(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// siteBucketID is the logical ID of the bucket the default behavior serves.
func siteBucketID(tmpl obj) string {
	def, _, err := behaviors(tmpl, "")
	if err != nil {
		dc, _ := distributionConfig(tmpl)
		def = dc["DefaultCacheBehavior"].(obj)
	}
	o, err := origin(tmpl, def)
	if err != nil {
		return ""
	}
	ga, _ := o["DomainName"].(obj)["Fn::GetAtt"].([]any)
	if len(ga) == 0 {
		return ""
	}
	return ga[0].(string)
}

// resourceEntry returns a whole resource (Type, Properties, policies).
func resourceEntry(tmpl obj, id string) obj {
	r, _ := tmpl["Resources"].(obj)[id].(obj)
	return r
}

// apiFunction is the API's Go Lambda: the one function with handler
// "bootstrap" that is not the scheduled smoke checks'.
func apiFunction(tmpl obj) (obj, error) {
	var found []obj
	for id, f := range resourcesOf(tmpl, "AWS::Lambda::Function") {
		// The Go Lambdas; the scheduled smoke checks' is not the API's.
		if f["Handler"] == "bootstrap" && !strings.HasPrefix(id, "SmokeFunction") {
			found = append(found, f)
		}
	}
	if len(found) != 1 {
		return nil, fmt.Errorf("want one bootstrap function, found %d", len(found))
	}
	return found[0], nil
}

// joined renders a template string value: a literal as it is, an
// Fn::Join of literals, Refs ("${Id}") and GetAtts ("${Id.Attr}") as the
// deploy would write it with those placeholders.
func joined(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case obj:
		if ref, ok := x["Ref"].(string); ok {
			return "${" + ref + "}"
		}
		if att, ok := x["Fn::GetAtt"].([]any); ok && len(att) == 2 {
			return fmt.Sprintf("${%v.%v}", att[0], att[1])
		}
		if j, ok := x["Fn::Join"].([]any); ok && len(j) == 2 {
			parts := []string{}
			for _, p := range j[1].([]any) {
				parts = append(parts, joined(p))
			}
			return strings.Join(parts, j[0].(string))
		}
	}
	return jsonString(v)
}
