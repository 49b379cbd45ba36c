package engine

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// These tests run the analysis on hand-written CloudFormation, without
// jsii: the shapes that CDK's L2 constructs never produce (legacy
// ForwardedValues, Fn::Sub, origin groups, raw CfnResource props).

func TestEvalString(t *testing.T) {
	cases := map[string]string{
		`"plain"`:        "plain",
		`{"Ref": "Api"}`: "${Api}",
		`{"Fn::GetAtt": ["Bucket", "RegionalDomainName"]}`: "${Bucket.RegionalDomainName}",
		`{"Fn::GetAtt": "Bucket.Arn"}`:                     "${Bucket.Arn}",
		`{"Fn::Join": ["", [{"Ref": "Api"}, ".execute-api.", {"Ref": "AWS::Region"}, ".amazonaws.com"]]}`: "${Api}.execute-api.${AWS::Region}.amazonaws.com",
		// How RestApiOrigin derives domain and path from the stage URL.
		`{"Fn::Select": [2, {"Fn::Split": ["/", {"Fn::Join": ["", ["https://", {"Ref": "Api"}, ".execute-api.", {"Ref": "AWS::Region"}, ".", {"Ref": "AWS::URLSuffix"}, "/", {"Ref": "Stage"}, "/"]]}]}]}`: "${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}",
		`{"Fn::Join": ["", ["/", {"Fn::Select": [3, {"Fn::Split": ["/", {"Fn::Join": ["", ["https://", {"Ref": "Api"}, ".execute-api.x.y/", {"Ref": "Stage"}, "/"]]}]}]}]]}`:                               "/${Stage}",
		`{"Fn::Sub": "${Api}.execute-api.${AWS::Region}.amazonaws.com"}`:         "${Api}.execute-api.${AWS::Region}.amazonaws.com",
		`{"Fn::Sub": ["${Id}.execute-api.${!Literal}", {"Id": {"Ref": "Api"}}]}`: "${Api}.execute-api.${Literal}",
		`{"Fn::ImportValue": "Other:ApiDomain"}`:                                 "${?}",
		`{"Fn::Select": [5, ["a"]]}`:                                             "${?}",
	}
	for in, want := range cases {
		var v any
		require.NoError(t, json.Unmarshal([]byte(in), &v), in)
		require.Equal(t, want, evalString(lowerKeys(v)).String(), in)
	}
}

func TestCovers(t *testing.T) {
	seg := func(p string) []string {
		if p == "/" {
			return []string{}
		}
		return strings.Split(strings.TrimPrefix(p, "/"), "/")
	}
	cases := []struct {
		resource, pattern string
		want              bool
	}{
		{"/{proxy+}", "/api/*", true},
		{"/api/{proxy+}", "/api/*", true},
		{"/api/users", "/api/*", true},
		{"/{version}/users", "/api/*", true},
		{"/api", "/api/*", false},
		{"/", "/api/*", false},
		{"/users", "/api/*", false},
		{"/v1/{proxy+}", "/api/*", false},
		{"/api", "/api", true},
		{"/api/x", "/api", false},
		{"/{proxy+}", "/api", true},
		{"/", "*", true},
		{"/api/v1/{proxy+}", "/api/v1/*", true},
		{"/api/{proxy+}", "/api/v1/*", true},
	}
	for _, c := range cases {
		prefix, exact := patternSegments(c.pattern)
		require.Equal(t, c.want, covers(seg(c.resource), prefix, exact), "%s under %s", c.resource, c.pattern)
	}
}

// analyzeTemplate runs the analysis on CloudFormation resources and
// returns its findings as rule:level@target, sorted.
func analyzeTemplate(t *testing.T, cfg config, resources string) []string {
	t.Helper()
	var out []string
	for _, f := range analyzeFindings(t, cfg, resources) {
		out = append(out, string(f.rule)+":"+string(f.level)+"@"+f.target)
	}
	slices.Sort(out)
	return out
}

// analyzeFindings runs the analysis on CloudFormation resources (the
// members of a template's Resources, as a JSON object); each resource's
// construct path is Stack/<logical ID>.
func analyzeFindings(t *testing.T, cfg config, resources string) []finding {
	t.Helper()
	var tmpl map[string]struct {
		Type       string
		Properties map[string]any
	}
	require.NoError(t, json.Unmarshal([]byte(resources), &tmpl))
	var list []*resource
	for _, id := range sortedKeys(tmpl) {
		r := tmpl[id]
		list = append(list, &resource{id: id, typ: r.Type, path: "Stack/" + id, props: asObj(lowerKeys(r.Properties))})
	}
	return analyze(list, cfg)
}

const rawApi = `
"Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "api", "EndpointConfiguration": {"Types": ["REGIONAL"]}, "MinimumCompressionSize": 1024}},
"Proxy": {"Type": "AWS::ApiGateway::Resource", "Properties": {"RestApiId": {"Ref": "Api"}, "ParentId": {"Fn::GetAtt": ["Api", "RootResourceId"]}, "PathPart": "{proxy+}"}},
"ProxyAny": {"Type": "AWS::ApiGateway::Method", "Properties": {"RestApiId": {"Ref": "Api"}, "ResourceId": {"Ref": "Proxy"}, "HttpMethod": "ANY", "AuthorizationType": "NONE", "ApiKeyRequired": true, "Integration": {"Type": "HTTP_PROXY", "TimeoutInMillis": 29000}}},
"ProxyOptions": {"Type": "AWS::ApiGateway::Method", "Properties": {"RestApiId": {"Ref": "Api"}, "ResourceId": {"Ref": "Proxy"}, "HttpMethod": "OPTIONS", "AuthorizationType": "NONE", "Integration": {"Type": "MOCK"}}},
"Stage": {"Type": "AWS::ApiGateway::Stage", "Properties": {"RestApiId": {"Ref": "Api"}, "StageName": "prod", "DeploymentId": "x"}},
"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {}}`

// noErrorCaching are error responses that set the error caching TTL of
// every code CloudFront caches to 0, as StaticSiteWithApi does.
var noErrorCaching = func() string {
	var items []string
	for _, code := range cachedErrorCodes {
		items = append(items, fmt.Sprintf(`{"ErrorCode": %g, "ErrorCachingMinTTL": 0}`, code))
	}
	return strings.Join(items, ", ")
}()

// distribution is a working distribution with the API behavior's settings
// replaced by api (JSON members) and extra DistributionConfig members;
// unless extra has CustomErrorResponses, they are noErrorCaching.
func distribution(api, extra string) string {
	if !strings.Contains(extra, `"CustomErrorResponses"`) {
		extra = `, "CustomErrorResponses": [` + noErrorCaching + `]` + extra
	}
	return `"Dist": {"Type": "AWS::CloudFront::Distribution", "Properties": {"DistributionConfig": {
	"Origins": [
		{"Id": "site", "DomainName": {"Fn::GetAtt": ["Bucket", "RegionalDomainName"]}, "S3OriginConfig": {}},
		{"Id": "api", "DomainName": {"Fn::Sub": "${Api}.execute-api.${AWS::Region}.amazonaws.com"}, "OriginPath": "/prod",
		 "CustomOriginConfig": {"OriginProtocolPolicy": "https-only"}}],
	"DefaultCacheBehavior": {"TargetOriginId": "site", "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
		"FunctionAssociations": [{"EventType": "viewer-request", "FunctionARN": "arn"}]},
	"CacheBehaviors": [{"PathPattern": "/api/*", "TargetOriginId": "api", ` + api + `}]` + extra + `}}}`
}

const goodApiBehavior = `"AllowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
	"CachePolicyId": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", "OriginRequestPolicyId": "b689b0a8-53d0-40ab-baf2-68738e2966ac"`

func TestAnalyzeRawTemplates(t *testing.T) {
	cases := []struct {
		name      string
		resources string
		want      []string
	}{
		{"working", distribution(goodApiBehavior, ""), nil},
		{"legacy forwarded values: all headers", distribution(`"AllowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
			"ForwardedValues": {"QueryString": true, "Headers": ["*"]}`, ""),
			[]string{"host-header:error@Dist"}},
		{"legacy forwarded values: default TTLs, no query string", distribution(`"AllowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
			"ForwardedValues": {"QueryString": false}`, ""),
			[]string{"api-cached:warning@Dist", "headers-dropped:warning@Dist"}},
		{"origin group whose primary is the API", strings.Replace(distribution(strings.Replace(goodApiBehavior, `"OPTIONS", "PUT", "PATCH", "POST", "DELETE"`, `"OPTIONS"`, 1),
			`, "OriginGroups": {"Quantity": 1, "Items": [{"Id": "group", "Members": {"Quantity": 1, "Items": [{"OriginId": "api"}]}}]}`),
			`"TargetOriginId": "api"`, `"TargetOriginId": "group"`, 1),
			[]string{"edge-methods:error@Dist"}},
		{"custom origin request policy allExcept without Host", distribution(goodApiBehavior+`, "OriginRequestPolicyId": {"Fn::GetAtt": ["Orp", "Id"]}`, "") + `,
			"Orp": {"Type": "AWS::CloudFront::OriginRequestPolicy", "Properties": {"OriginRequestPolicyConfig": {"Name": "x",
				"HeadersConfig": {"HeaderBehavior": "allExcept", "Headers": ["Cookie"]},
				"QueryStringsConfig": {"QueryStringBehavior": "all"}, "CookiesConfig": {"CookieBehavior": "none"}}}}`,
			[]string{"host-header:error@Dist"}},
		{"custom cache policy with Host in the key", distribution(goodApiBehavior+`, "CachePolicyId": {"Ref": "Cp"}`, "") + `,
			"Cp": {"Type": "AWS::CloudFront::CachePolicy", "Properties": {"CachePolicyConfig": {"Name": "x", "MinTTL": 0, "DefaultTTL": 0, "MaxTTL": 0,
				"ParametersInCacheKeyAndForwardedToOrigin": {"HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": ["host"]}}}}}`,
			[]string{"host-header:error@Dist"}},
		{"integration longer than the read timeout", strings.Replace(distribution(goodApiBehavior, ""), `"https-only"`, `"https-only", "OriginReadTimeout": 45`, 1) + "," +
			`"Slow": {"Type": "AWS::ApiGateway::Method", "Properties": {"RestApiId": {"Ref": "Api"}, "ResourceId": {"Fn::GetAtt": ["Api", "RootResourceId"]}, "HttpMethod": "ANY", "ApiKeyRequired": true, "Integration": {"Type": "AWS_PROXY", "TimeoutInMillis": 60000}}},` +
			`"SlowOptions": {"Type": "AWS::ApiGateway::Method", "Properties": {"RestApiId": {"Ref": "Api"}, "ResourceId": {"Fn::GetAtt": ["Api", "RootResourceId"]}, "HttpMethod": "OPTIONS", "Integration": {"Type": "MOCK"}}}`,
			[]string{"origin-timeout:warning@Dist"}},
		// errors-cached: TTL-only error responses (what StaticSiteWithApi
		// sets) replace nothing, so they mask nothing.
		{"error responses that only stop error caching", distribution(goodApiBehavior,
			`, "CustomErrorResponses": [`+noErrorCaching+`]`),
			nil},
		{"error caching stopped for some codes only", distribution(goodApiBehavior,
			`, "CustomErrorResponses": [{"ErrorCode": 403, "ErrorCachingMinTTL": 0}, {"ErrorCode": 404, "ErrorCachingMinTTL": 0}, {"ErrorCode": 503, "ErrorCachingMinTTL": 0}]`),
			[]string{"errors-cached:warning@Dist"}},
		{"an error response with a page", distribution(goodApiBehavior,
			`, "CustomErrorResponses": [{"ErrorCode": 403, "ErrorCachingMinTTL": 0}, {"ErrorCode": 404, "ResponseCode": 200, "ResponsePagePath": "/index.html"}]`),
			[]string{"error-masked:error@Dist", "errors-cached:warning@Dist"}},
		{"API key on OPTIONS, API not behind CloudFront", `"Open": {"Type": "AWS::ApiGateway::Method", "Properties": {"RestApiId": {"Ref": "Api"}, "ResourceId": {"Ref": "Proxy"}, "HttpMethod": "OPTIONS", "ApiKeyRequired": true}}`,
			[]string{"preflight-auth:error@Open"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := analyzeTemplate(t, config{}, "{"+rawApi+","+c.resources+"}")
			require.Equal(t, c.want, got)
		})
	}
}

func TestApiDomainNames(t *testing.T) {
	tmpl := "{" + rawApi + "," + strings.Replace(distribution(`"AllowedMethods": ["GET", "HEAD"]`, ""),
		`{"Fn::Sub": "${Api}.execute-api.${AWS::Region}.amazonaws.com"}, "OriginPath": "/prod"`, `"API.example.com"`, 1) + "}"
	require.Empty(t, analyzeTemplate(t, config{}, tmpl), "a custom domain is not an API origin by itself")
	require.Equal(t, []string{"edge-methods:error@Dist", "headers-dropped:warning@Dist"},
		analyzeTemplate(t, config{apiDomains: []string{"api.example.com"}}, tmpl))
}
