package engine

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Each rule that came with the static matrix (issue 12), on hand-written
// CloudFormation: a bad case that it reports and good cases that it does
// not. The project's own templates are the good case of the deployment
// rules (TestOurTemplatesBrokenByDeployments).

// withApi replaces a property of rawApi's resources: old must occur once.
func withApi(t *testing.T, old, new string) string {
	t.Helper()
	require.Equal(t, 1, strings.Count(rawApi, old), old)
	return strings.Replace(rawApi, old, new, 1)
}

const (
	anyWithKey    = `"HttpMethod": "ANY", "AuthorizationType": "NONE", "ApiKeyRequired": true,`
	noCompression = `"EndpointConfiguration": {"Types": ["REGIONAL"]}, "MinimumCompressionSize": 1024}`
	optionsMock   = `"HttpMethod": "OPTIONS", "AuthorizationType": "NONE", "Integration": {"Type": "MOCK"}}}`
	corsOnOptions = `"HttpMethod": "OPTIONS", "AuthorizationType": "NONE", "Integration": {"Type": "MOCK"},
		"MethodResponses": [{"StatusCode": "204", "ResponseParameters": {"method.response.header.Access-Control-Allow-Origin": true}}]}}`
)

func gatewayResponse(id, typ string) string {
	return `"` + id + `": {"Type": "AWS::ApiGateway::GatewayResponse", "Properties": {"RestApiId": {"Ref": "Api"}, "ResponseType": "` + typ + `",
		"ResponseParameters": {"gatewayresponse.header.Access-Control-Allow-Origin": "'https://app.example.com'"}}}`
}

func TestApiRules(t *testing.T) {
	good := distribution(goodApiBehavior, "")
	open := withApi(t, anyWithKey, `"HttpMethod": "ANY", "AuthorizationType": "NONE",`)
	cases := []struct {
		name, api, rest string
		want            []string
	}{
		// direct-access
		{"a method with no key, no authorizer, no policy", open, good, []string{"direct-access:warning@Api"}},
		{"the same API not behind CloudFront", open, `"Other": {"Type": "AWS::S3::Bucket"}`, nil},
		{"an authorizer guards the method", withApi(t, anyWithKey, `"HttpMethod": "ANY", "AuthorizationType": "COGNITO_USER_POOLS", "AuthorizerId": "x",`), good, nil},
		{"a resource policy restricts the API", strings.Replace(open, `"Name": "api",`, `"Name": "api", "Policy": {"Statement": []},`, 1), good, nil},
		{"a web ACL on the stage", open, good + `, "Waf": {"Type": "AWS::WAFv2::WebACLAssociation", "Properties": {"WebACLArn": "arn", "ResourceArn": {"Fn::Sub": "arn:aws:apigateway:${AWS::Region}::/restapis/${Api}/stages/prod"}}}`, nil},
		// cors-errors
		{"CORS on the OPTIONS mock only", withApi(t, optionsMock, corsOnOptions), good, []string{"cors-errors:warning@Api"}},
		{"CORS on the OPTIONS mock and the 4XX gateway response", withApi(t, optionsMock, corsOnOptions), good + "," + gatewayResponse("Gw4", "DEFAULT_4XX"), []string{"cors-errors:warning@Api"}},
		{"CORS on the OPTIONS mock and both default gateway responses", withApi(t, optionsMock, corsOnOptions),
			good + "," + gatewayResponse("Gw4", "DEFAULT_4XX") + "," + gatewayResponse("Gw5", "DEFAULT_5XX"), nil},
		{"CORS on the OPTIONS mock and CloudFront adds CORS", withApi(t, optionsMock, corsOnOptions),
			distribution(goodApiBehavior+`, "ResponseHeadersPolicyId": {"Ref": "Cors"}`, "") + `,
			"Cors": {"Type": "AWS::CloudFront::ResponseHeadersPolicy", "Properties": {"ResponseHeadersPolicyConfig": {"Name": "cors",
				"CorsConfig": {"OriginOverride": true, "AccessControlAllowOrigins": {"Items": ["https://app.example.com"]}}}}}`, nil},
		// api-uncompressed
		{"no compression anywhere", withApi(t, noCompression, `"EndpointConfiguration": {"Types": ["REGIONAL"]}}`), good, []string{"api-uncompressed:warning@Api"}},
		{"Compress on a behavior that does not cache", withApi(t, noCompression, `"EndpointConfiguration": {"Types": ["REGIONAL"]}}`),
			distribution(goodApiBehavior+`, "Compress": true`, ""), []string{"api-uncompressed:warning@Api"}},
		{"CloudFront compresses what it caches", withApi(t, noCompression, `"EndpointConfiguration": {"Types": ["REGIONAL"]}}`),
			distribution(strings.Replace(goodApiBehavior, "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", "658327ea-f89d-4fab-a63d-7e88639e58f6", 1)+`, "Compress": true`, ""),
			[]string{"api-cached:warning@Dist"}},
		// secret-exposed
		{"the secret header goes on to the HTTP backend", rawApi, withSecretHeader(good), []string{"secret-exposed:warning@ProxyAny"}},
		{"the integration overwrites the secret header",
			withApi(t, `"Integration": {"Type": "HTTP_PROXY", "TimeoutInMillis": 29000}`, `"Integration": {"Type": "HTTP_PROXY", "TimeoutInMillis": 29000, "RequestParameters": {"integration.request.header.x-api-key": "'-'"}}`),
			withSecretHeader(good), nil},
		{"a Lambda proxy gets the event, not a forwarded request",
			withApi(t, `"Integration": {"Type": "HTTP_PROXY", "TimeoutInMillis": 29000}`, `"Integration": {"Type": "AWS_PROXY", "TimeoutInMillis": 29000}`),
			withSecretHeader(good), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, analyzeTemplate(t, config{}, "{"+c.api+","+c.rest+"}"))
		})
	}
}

func withSecretHeader(dist string) string {
	return strings.Replace(dist, `"OriginPath": "/prod",`, `"OriginPath": "/prod",
		"OriginCustomHeaders": [{"HeaderName": "x-api-key", "HeaderValue": {"Fn::Join": ["", ["{{resolve:secretsmanager:", {"Ref": "Secret"}, ":SecretString:::}}"]]}}],`, 1)
}

const spaFunction = `"Spa": {"Type": "AWS::CloudFront::Function", "Properties": {"Name": "spa", "FunctionConfig": {"Runtime": "cloudfront-js-2.0"}, "FunctionCode": %s}}`

func TestOperationsRules(t *testing.T) {
	good := distribution(goodApiBehavior, "")
	withFunction := strings.Replace(good, `"FunctionARN": "arn"`, `"FunctionARN": {"Fn::GetAtt": ["Spa", "FunctionARN"]}`, 1)
	code := func(src string) string {
		b, err := json.Marshal(src)
		require.NoError(t, err)
		return strings.Replace(spaFunction, "%s", string(b), 1)
	}
	const rewrite = "function handler(event) {\n  var r = event.request;\n  // GUARD\n  if (r.uri.split('/').pop().indexOf('.') === -1) { r.uri = '/index.html'; }\n  return r;\n}\n"
	guarded := strings.Replace(rewrite, "// GUARD", "if (r.uri.indexOf('/.well-known/') === 0) { return r; }", 1)
	const secret = `"Secret": {"Type": "AWS::SecretsManager::Secret", "Properties": {"GenerateSecretString": {}}},
		"Key": {"Type": "AWS::ApiGateway::ApiKey", "Properties": {"Enabled": true, "Value": {"Fn::Join": ["", ["{{resolve:secretsmanager:", {"Ref": "Secret"}, ":SecretString:::}}"]]}}}`
	const rotation = `"Rotation": {"Type": "AWS::SecretsManager::RotationSchedule", "Properties": {"SecretId": {"Ref": "Secret"}, "RotationRules": {"ScheduleExpression": "rate(30 days)"}}}`
	logged := strings.Replace(good, `"CacheBehaviors"`, `"Logging": {"Bucket": {"Fn::GetAtt": ["Logs", "RegionalDomainName"]}}, "CacheBehaviors"`, 1)
	const logs = `"Logs": {"Type": "AWS::S3::Bucket", "Properties": {}}`
	const autoDelete = `"LogsAutoDelete": {"Type": "Custom::S3AutoDeleteObjects", "Properties": {"ServiceToken": "arn", "BucketName": {"Ref": "Logs"}}}`
	const account = `"Account%s": {"Type": "AWS::ApiGateway::Account", "Properties": {"CloudWatchRoleArn": "arn:aws:iam::123456789012:role/r%s"}}`
	cases := []struct {
		name, rest string
		want       []string
	}{
		// errors-cached
		{"no error caching TTL", distribution(goodApiBehavior, `, "CustomErrorResponses": []`), []string{"errors-cached:warning@Dist"}},
		{"every code but 502", distribution(goodApiBehavior, `, "CustomErrorResponses": [`+strings.Replace(noErrorCaching, `{"ErrorCode": 502, "ErrorCachingMinTTL": 0}, `, "", 1)+`]`),
			[]string{"errors-cached:warning@Dist"}},
		// wellknown-rewritten
		{"the SPA rewrite with no .well-known guard (a comment does not count)", withFunction + "," + code(strings.Replace(rewrite, "GUARD", "paths under /.well-known/ are files", 1)),
			[]string{"wellknown-rewritten:warning@Dist"}},
		{"the SPA rewrite with a .well-known guard", withFunction + "," + code(guarded), nil},
		{"a function that rewrites nothing", withFunction + "," + code("function handler(event) { return event.request; }"), nil},
		// secret-rotation
		{"a rotation schedule on the secret of the API key", good + "," + secret + "," + rotation, []string{"secret-rotation:error@Rotation"}},
		{"a rotation schedule on the secret of the origin header", withSecretHeader(good) + "," + secret + "," + rotation + `, "Other": {"Type": "AWS::SecretsManager::Secret"}`,
			[]string{"secret-exposed:warning@ProxyAny", "secret-rotation:error@Rotation"}},
		{"a rotation schedule on another secret", good + "," + secret + "," + strings.Replace(rotation, `{"Ref": "Secret"}`, `{"Ref": "Other"}`, 1) + `, "Other": {"Type": "AWS::SecretsManager::Secret"}`, nil},
		{"a rotation schedule on a secret named as text", good + "," + strings.Replace(secret, `{"Fn::Join": ["", ["{{resolve:secretsmanager:", {"Ref": "Secret"}, ":SecretString:::}}"]]}`, `"{{resolve:secretsmanager:site/origin:SecretString:::}}"`, 1) + "," +
			strings.Replace(rotation, `{"Ref": "Secret"}`, `"arn:aws:secretsmanager:us-east-1:123456789012:secret:site/origin-AbCdEf"`, 1), []string{"secret-rotation:error@Rotation"}},
		{"no rotation schedule", good + "," + secret, nil},
		// destroy-blocked
		{"CloudFront logs to a bucket emptied on delete", logged + "," + logs + "," + autoDelete, []string{"destroy-blocked:warning@Logs"}},
		{"S3 logs to a bucket emptied on delete", good + "," + logs + "," + autoDelete + `, "Site": {"Type": "AWS::S3::Bucket", "Properties": {"LoggingConfiguration": {"DestinationBucketName": {"Ref": "Logs"}}}}`,
			[]string{"destroy-blocked:warning@Logs"}},
		{"a retained log bucket", logged + "," + logs, nil},
		{"a bucket emptied on delete that receives no logs", good + "," + logs + "," + autoDelete, nil},
		// account-singleton
		{"two account settings in one stack", good + "," + strings.ReplaceAll(account, "%s", "1") + "," + strings.ReplaceAll(account, "%s", "2"),
			[]string{"account-singleton:warning@Account1", "account-singleton:warning@Account2"}},
		{"one account setting", good + "," + strings.ReplaceAll(account, "%s", "1"), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, analyzeTemplate(t, config{}, "{"+rawApi+","+c.rest+"}"))
		})
	}
}

func TestStripComments(t *testing.T) {
	src := "var a = 'x // not a comment'; // gone\n/* block\n .well-known */ var b = \"/* kept */\"; var c = `\\`//`;"
	got := stripComments(src)
	require.Contains(t, got, "'x // not a comment'")
	require.Contains(t, got, `"/* kept */"`)
	require.Contains(t, got, "`\\`//`")
	require.NotContains(t, got, "gone")
	require.NotContains(t, got, ".well-known")
}

func TestSecretsResolvedIn(t *testing.T) {
	for in, want := range map[string][]string{
		`{"Fn::Join": ["", ["{{resolve:secretsmanager:", {"Ref": "S"}, ":SecretString:::}}"]]}`:     {"S"},
		`"{{resolve:secretsmanager:site/origin:SecretString:key}}"`:                                 {"site/origin"},
		`"{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1:1:secret:x-AbC:SecretString}}"`: {"arn:aws:secretsmanager:us-east-1:1:secret:x-AbC"},
		`"plain"`: nil,
	} {
		var v any
		require.NoError(t, json.Unmarshal([]byte(in), &v))
		require.Equal(t, want, secretsResolvedIn(evalString(lowerKeys(v))), in)
	}
}

// ourTemplate is the shipped dev stack's template, as a mutable document.
func ourTemplate(t *testing.T, env string) map[string]any {
	t.Helper()
	b, err := os.ReadFile("../../../test/testdata/StaticSite-" + env + ".template.json")
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	return doc
}

func checkDoc(t *testing.T, doc map[string]any) []string {
	t.Helper()
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	found, err := CheckTemplate(b, Config{})
	require.NoError(t, err)
	var out []string
	for _, f := range found {
		out = append(out, string(f.Rule)+":"+string(f.Level)+"@"+f.LogicalId)
	}
	return out
}

// deploymentProps returns the properties of our template's deployment
// whose logical ID starts with prefix.
func deploymentProps(t *testing.T, doc map[string]any, prefix string) map[string]any {
	t.Helper()
	for id, r := range doc["Resources"].(map[string]any) {
		if strings.HasPrefix(id, prefix) {
			return r.(map[string]any)["Properties"].(map[string]any)
		}
	}
	t.Fatalf("no resource %s*", prefix)
	return nil
}

// TestOurTemplatesBrokenByDeployments: the shipped templates are clean;
// each deployment rule reports them broken the way the pitfall breaks a
// site, and keeps quiet where the filters keep deployments apart.
func TestOurTemplatesBrokenByDeployments(t *testing.T) {
	const (
		html   = "SiteUploadHtmlCustomResource"
		rest   = "SiteUploadRestCustomResource"
		config = "SiteUploadConfigCustomResource"
		dist   = "SiteDistribution390DED28"
	)
	for _, env := range []string{"dev", "prod"} {
		require.Empty(t, checkDoc(t, ourTemplate(t, env)), env)
	}
	idOf := func(doc map[string]any, prefix string) string {
		for id := range doc["Resources"].(map[string]any) {
			if strings.HasPrefix(id, prefix) {
				return id
			}
		}
		return ""
	}
	cases := []struct {
		name   string
		break_ func(doc map[string]any)
		want   func(doc map[string]any) []string
	}{
		{"the rest of the build pruned", func(doc map[string]any) { deploymentProps(t, doc, rest)["Prune"] = true },
			func(doc map[string]any) []string { return []string{"chunk-deleted:warning@" + idOf(doc, rest)} }},
		{"the rest of the build pruned without filters", func(doc map[string]any) {
			deploymentProps(t, doc, rest)["Prune"] = true
			delete(deploymentProps(t, doc, rest), "Exclude")
		}, func(doc map[string]any) []string {
			// It now uploads index.html too, for an hour.
			return []string{"chunk-deleted:warning@" + idOf(doc, rest), "config-pruned:error@" + idOf(doc, rest), "stale-frontend:warning@" + idOf(doc, rest)}
		}},
		{"Prune left at CDK's default, Exclude widened to the HTML only", func(doc map[string]any) {
			delete(deploymentProps(t, doc, rest), "Prune")
			deploymentProps(t, doc, rest)["Exclude"] = []any{"index.html"}
		}, func(doc map[string]any) []string {
			return []string{"chunk-deleted:warning@" + idOf(doc, rest), "config-pruned:warning@" + idOf(doc, rest)}
		}},
		{"the HTML deployment pruning its own key only", func(doc map[string]any) { deploymentProps(t, doc, html)["Prune"] = true },
			func(map[string]any) []string { return nil }},
		{"no invalidation", func(doc map[string]any) { delete(deploymentProps(t, doc, html), "DistributionId") },
			func(map[string]any) []string { return []string{"stale-frontend:warning@" + dist} }},
		{"an invalidation that leaves index.html out", func(doc map[string]any) { deploymentProps(t, doc, html)["DistributionPaths"] = []any{"/assets/*"} },
			func(map[string]any) []string { return []string{"stale-frontend:warning@" + dist} }},
		{"the HTML kept for a day", func(doc map[string]any) {
			deploymentProps(t, doc, html)["SystemMetadata"].(map[string]any)["cache-control"] = "public, max-age=86400"
		}, func(doc map[string]any) []string { return []string{"stale-frontend:warning@" + idOf(doc, html)} }},
		{"one deployment for everything, HTML included, kept an hour", func(doc map[string]any) {
			delete(deploymentProps(t, doc, rest), "Exclude")
		}, func(doc map[string]any) []string { return []string{"stale-frontend:warning@" + idOf(doc, rest)} }},
		{"the config written with a short max-age", func(doc map[string]any) {
			deploymentProps(t, doc, config)["SystemMetadata"].(map[string]any)["cache-control"] = "max-age=60"
		}, func(map[string]any) []string { return nil }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := ourTemplate(t, "dev")
			c.break_(doc)
			require.Equal(t, c.want(doc), checkDoc(t, doc))
		})
	}
}
