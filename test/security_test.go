package test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/constructs/staticsite"
	"github.com/one-origin/staticsitewithapi/stacks"
)

// headersPolicy returns the response headers policy config a behavior uses.
func headersPolicy(t *testing.T, tmpl obj, behavior obj) obj {
	t.Helper()
	p := resource(tmpl, refTarget(behavior["ResponseHeadersPolicyId"]))
	require.NotNil(t, p, "behavior has no response headers policy of ours")
	return p["ResponseHeadersPolicyConfig"].(obj)
}

func TestSecurityHeaders(t *testing.T) {
	for _, f := range allFixtures(t) {
		def, api, err := behaviors(f.template, f.prefix)
		require.NoError(t, err)

		site := headersPolicy(t, f.template, def)["SecurityHeadersConfig"].(obj)
		require.Equal(t, `{"AccessControlMaxAgeSec":63072000,"IncludeSubdomains":true,"Override":true}`, jsonString(site["StrictTransportSecurity"]), f.name)
		require.Equal(t, `{"Override":true}`, jsonString(site["ContentTypeOptions"]), f.name)
		require.Equal(t, `{"FrameOption":"DENY","Override":true}`, jsonString(site["FrameOptions"]), f.name)
		require.Equal(t, `{"Override":true,"ReferrerPolicy":"strict-origin-when-cross-origin"}`, jsonString(site["ReferrerPolicy"]), f.name)
		want := staticsite.DefaultContentSecurityPolicy
		if pools := resourcesOf(f.template, "AWS::Cognito::UserPoolDomain"); len(pools) == 1 {
			// The SPA exchanges its sign-in code at the hosted UI with fetch.
			for id := range pools {
				want = strings.Replace(want, "connect-src 'self'", "connect-src 'self' https://${"+id+"}.auth."+*testEnv.Region+".amazoncognito.com", 1)
			}
		}
		csp := joined(site["ContentSecurityPolicy"].(obj)["ContentSecurityPolicy"])
		require.Equal(t, want, csp, f.name)
		require.Contains(t, csp, "connect-src 'self'", "the SPA calls its same-origin API")

		// The API gets HSTS and nosniff next to CORS, and nothing that
		// would break JSON responses (no CSP, no frame options).
		apiCfg := headersPolicy(t, f.template, api)
		apiSec := apiCfg["SecurityHeadersConfig"].(obj)
		require.ElementsMatch(t, []string{"StrictTransportSecurity", "ContentTypeOptions"}, keys(apiSec), f.name)
		require.NoError(t, pitfallChecks["cors-duplicate"](f, f.template), "security headers must not disturb CORS")
	}
}

// The sample SPA has no inline script or style, so it runs under the
// default CSP; test/e2e runs it in Chromium under a CSP as strict.
func TestSampleSpaFitsDefaultCsp(t *testing.T) {
	html := readRepoFile(t, "web/index.html")
	require.NotContains(t, html, "<script>", "inline script")
	require.NotContains(t, html, "style=", "inline style")
	require.NotRegexp(t, `https?://`, readRepoFile(t, "web/app.js"), "no absolute URLs (absolute-base-url)")
	require.Contains(t, readRepoFile(t, "web/app.js"), "/config.json")
}

func TestCustomCspFromConfig(t *testing.T) {
	m, _ := siteFixture(t, func(stack awscdk.Stack) *staticsite.StaticSiteWithApiProps {
		return &staticsite.StaticSiteWithApiProps{
			Backend:               staticsite.HttpBackend("https://backend.example.com"),
			ContentSecurityPolicy: jsii.String("default-src 'self'; style-src 'self' 'unsafe-inline'"),
		}
	})
	def, _, err := behaviors(m, "/api")
	require.NoError(t, err)
	require.Contains(t, jsonString(headersPolicy(t, m, def)), `"ContentSecurityPolicy":"default-src 'self'; style-src 'self' 'unsafe-inline'"`)
}

// TestLogging: prod keeps CloudFront and S3 access logs in a locked-down
// log bucket; dev, which is destroyed and redeployed, has none
// (destroy-blocked); both log the API to CloudWatch, and every log group
// of the stack, the API's execution logs and every function's included,
// has the environment's retention.
func TestLogging(t *testing.T) {
	for env, want := range map[string]struct {
		retention, expiration float64
		accessLogs            bool
	}{"dev": {7, 30, false}, "prod": {365, 365, true}} {
		tmpl := envStack(t, env).template
		dc, err := distributionConfig(tmpl)
		require.NoError(t, err)
		site := resource(tmpl, siteBucketID(tmpl))
		if !want.accessLogs {
			require.Nil(t, dc["Logging"], env)
			require.Nil(t, site["LoggingConfiguration"], env)
			require.Len(t, resourcesOf(tmpl, "AWS::S3::Bucket"), 1, "%s: only the site bucket", env)
		} else {
			logBucketID := dc["Logging"].(obj)["Bucket"].(obj)["Fn::GetAtt"].([]any)[0].(string)
			require.NotEqual(t, siteBucketID(tmpl), logBucketID, "logs go to their own bucket")
			logs := resource(tmpl, logBucketID)
			require.Equal(t, `{"BlockPublicAcls":true,"BlockPublicPolicy":true,"IgnorePublicAcls":true,"RestrictPublicBuckets":true}`, jsonString(logs["PublicAccessBlockConfiguration"]))
			require.Contains(t, jsonString(logs["BucketEncryption"]), "AES256")
			require.Contains(t, jsonString(logs["OwnershipControls"]), "BucketOwnerPreferred", "CloudFront standard logging writes with ACLs")
			require.Contains(t, jsonString(logs["LifecycleConfiguration"]), `"ExpirationInDays":`+jsonString(want.expiration), env)
			require.Equal(t, "Retain", resourceEntry(tmpl, logBucketID)["DeletionPolicy"], "logs keep arriving for hours: never deleted with the stack")
			tlsOnly := false
			for _, p := range resourcesOf(tmpl, "AWS::S3::BucketPolicy") {
				tlsOnly = tlsOnly || (refTarget(p["Bucket"]) == logBucketID && strings.Contains(jsonString(p), `"aws:SecureTransport":"false"`))
			}
			require.True(t, tlsOnly, "%s: log bucket is TLS-only", env)
			require.Equal(t, logBucketID, refTarget(site["LoggingConfiguration"].(obj)["DestinationBucketName"]), "S3 server access logs")
		}

		stage, err := only(tmpl, "AWS::ApiGateway::Stage")
		require.NoError(t, err)
		format := stage["AccessLogSetting"].(obj)["Format"].(string)
		for _, field := range []string{"$context.requestId", "$context.identity.sourceIp", "$context.status", "$context.responseLatency", "$context.path"} {
			require.Contains(t, format, field)
		}
		require.True(t, json.Valid([]byte(strings.ReplaceAll(format, "$", ""))), "access log format is JSON")
		require.Contains(t, jsonString(stage["MethodSettings"]), `"LoggingLevel":"ERROR"`)
		require.Empty(t, resourcesOf(tmpl, "AWS::ApiGateway::Account"), "the account stack sets the role (account-singleton)")

		groups := resourcesOf(tmpl, "AWS::Logs::LogGroup")
		for id, g := range groups {
			require.Equal(t, want.retention, g["RetentionInDays"], "%s %s has no retention", env, id)
		}
		owned := ownedLogGroups(tmpl)
		for name, g := range owned {
			require.Equal(t, want.retention, g["RetentionInDays"], "%s %s has no retention", env, name)
		}
		for id := range resourcesOf(tmpl, "AWS::ApiGateway::RestApi") {
			require.Contains(t, owned, `{"Fn::Join":["",["API-Gateway-Execution-Logs_",{"Ref":"`+id+`"},"/`+env+`"]]}`, "%s: execution logs", env)
		}
		// Every function logs to a group with a retention: its own
		// (LoggingConfig), or, for aws-cdk-lib's auto-delete provider,
		// which offers no setting, the group of its name that the stack
		// owns before the function first runs.
		for id, fn := range resourcesOf(tmpl, "AWS::Lambda::Function") {
			if _, ok := owned[`{"Fn::Join":["",["/aws/lambda/",{"Ref":"`+id+`"}]]}`]; ok {
				continue
			}
			group := refTarget(asMap(fn["LoggingConfig"])["LogGroup"])
			require.Contains(t, groups, group, "%s %s logs to a group with retention", env, id)
		}
	}
}

func TestThrottlingPerEnvironment(t *testing.T) {
	for env, want := range map[string][2]float64{"dev": {20, 40}, "prod": {100, 200}} {
		tmpl := envStack(t, env).template
		stage, err := only(tmpl, "AWS::ApiGateway::Stage")
		require.NoError(t, err)
		settings := asSlice(stage["MethodSettings"])[0].(obj)
		require.Equal(t, want[0], settings["ThrottlingRateLimit"], env)
		require.Equal(t, want[1], settings["ThrottlingBurstLimit"], env)
		plan, err := only(tmpl, "AWS::ApiGateway::UsagePlan")
		require.NoError(t, err)
		require.Equal(t, want[0], plan["Throttle"].(obj)["RateLimit"], env)
	}
}

func TestProdTerminationProtection(t *testing.T) {
	cfg := appConfig(t)
	for env, want := range map[string]bool{"dev": false, "prod": true} {
		app := newTestApp(nil)
		ec := cfg.Environments[env]
		ec.WebDir = jsii.String("")
		ec.BackendUrl = "https://backend.example.com"
		stack, err := stacks.NewSiteStack(app, "T", &stacks.SiteStackProps{EnvName: env, Config: ec, ModuleRoot: repoRoot(t)})
		require.NoError(t, err)
		require.Equal(t, want, *stack.TerminationProtection(), env)
	}
}

// TestNoUnexplainedWildcards: a policy of ours with a "*" resource must sit
// on a resource whose IAM5 finding is suppressed with a reason.
func TestNoUnexplainedWildcards(t *testing.T) {
	for _, env := range []string{"dev", "prod"} {
		tmpl := envStack(t, env).template
		for id, p := range resourcesOf(tmpl, "AWS::IAM::Policy") {
			if !strings.Contains(jsonString(p["PolicyDocument"]), `"Resource":"*"`) {
				continue
			}
			require.Contains(t, jsonString(resourceEntry(tmpl, id)["Metadata"]), "AwsSolutions-IAM5", "%s: %s has a * resource without a reason", env, id)
		}
		for id, r := range resourcesOf(tmpl, "AWS::IAM::Role") {
			for _, pol := range asSlice(r["Policies"]) {
				require.NotContains(t, jsonString(pol), `"Resource":"*"`, "%s: inline policy of %s", env, id)
			}
		}
	}
}

func TestStackConfigErrors(t *testing.T) {
	cfg := appConfig(t)
	ec := cfg.Environments["dev"]
	ec.LogRetentionDays = 45
	_, err := stacks.NewSiteStack(newTestApp(nil), "Bad", &stacks.SiteStackProps{EnvName: "dev", Config: ec, ModuleRoot: repoRoot(t)})
	require.ErrorContains(t, err, "environment dev: logRetentionDays 45 is not a CloudWatch Logs retention period; use one of [1 3 5 7 14 30")

	ec = cfg.Environments["dev"]
	ec.HostedZoneId = "Z123"
	_, err = stacks.NewSiteStack(newTestApp(nil), "Bad", &stacks.SiteStackProps{EnvName: "dev", Config: ec, ModuleRoot: repoRoot(t)})
	require.ErrorContains(t, err, "set both hostedZoneId and hostedZoneName")
}

// TestCustomDomainWithZone: alias records over IPv4 and IPv6 per name.
func TestCustomDomainWithZone(t *testing.T) {
	cfg := appConfig(t)
	ec := cfg.Environments["prod"]
	ec.Account = *testEnv.Account
	ec.DomainNames = []string{"www.example.com"}
	ec.CertificateArn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
	ec.HostedZoneId, ec.HostedZoneName = "Z0123456789ABC", "example.com"
	ec.WebAclArn = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/site/11111111-2222-3333-4444-555555555555"
	ec.WebDir = jsii.String("")
	app := newTestApp(nil)
	stack, err := stacks.NewSiteStack(app, "Domain", &stacks.SiteStackProps{EnvName: "prod", Config: ec, ModuleRoot: repoRoot(t)})
	require.NoError(t, err)
	tmpl := toMap(t, templateOf(stack))
	var types []string
	for _, r := range resourcesOf(tmpl, "AWS::Route53::RecordSet") {
		require.Equal(t, "www.example.com.", r["Name"])
		require.Equal(t, "Z0123456789ABC", r["HostedZoneId"])
		require.Equal(t, "Z2FDTNDATAQYW2", r["AliasTarget"].(obj)["HostedZoneId"], "CloudFront's alias zone")
		require.Contains(t, jsonString(r["AliasTarget"].(obj)["DNSName"]), `"Fn::GetAtt":["SiteDistribution`)
		types = append(types, r["Type"].(string))
	}
	slices.Sort(types)
	require.Equal(t, []string{"A", "AAAA"}, types)
	dc, err := distributionConfig(tmpl)
	require.NoError(t, err)
	require.Equal(t, ec.WebAclArn, dc["WebACLId"])
	for id := range resourcesOf(tmpl, "AWS::CloudFront::Distribution") {
		meta := jsonString(resourceEntry(tmpl, id)["Metadata"])
		require.NotContains(t, meta, "AwsSolutions-CFR2", "with a web ACL the WAF rule is met, not suppressed")
		require.NotContains(t, meta, "AwsSolutions-CFR4", "with a custom domain the TLS rule is met, not suppressed")
	}
	require.Contains(t, jsonString(tmpl["Outputs"].(obj)["SiteUrl"]), "https://www.example.com")
	f := &fixture{prefix: "/api", origins: []string{"https://www.example.com"}, template: tmpl}
	require.NoError(t, pitfallChecks["cors-errors"](f, tmpl), "the custom domain is an allowed origin")
}

func readRepoFile(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), rel))
	require.NoError(t, err)
	return string(b)
}

func templateOf(stack awscdk.Stack) assertions.Template {
	return assertions.Template_FromStack(stack, nil)
}

func TestWafPreset(t *testing.T) {
	app := newTestApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Edge"), &awscdk.StackProps{Env: &awscdk.Environment{Account: testEnv.Account, Region: jsii.String("us-east-1")}})
	staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
		Backend:   staticsite.HttpBackend("https://backend.example.com"),
		WafPreset: &staticsite.WafPresetOptions{RateLimit: jsii.Number(500)},
	})
	tmpl := toMap(t, templateOf(stack))
	acl, err := only(tmpl, "AWS::WAFv2::WebACL")
	require.NoError(t, err)
	require.Equal(t, "CLOUDFRONT", acl["Scope"])
	rules := map[string]obj{}
	for _, r := range asSlice(acl["Rules"]) {
		rules[r.(obj)["Name"].(string)] = r.(obj)
	}
	require.ElementsMatch(t, []string{"AWSCommonRules", "BodySizeOutsideApi", "RatePerIp"}, keys(rules))
	require.Contains(t, jsonString(rules["AWSCommonRules"]), `"Name":"AWSManagedRulesCommonRuleSet"`)
	require.Contains(t, jsonString(rules["AWSCommonRules"]), `{"ActionToUse":{"Count":{}},"Name":"SizeRestrictions_BODY"}`, "the managed body-size rule only counts")
	body := jsonString(rules["BodySizeOutsideApi"])
	require.Contains(t, body, `"NotStatement"`)
	require.Contains(t, body, `"SearchString":"/api/"`, "API bodies are exempt")
	require.Contains(t, jsonString(rules["RatePerIp"]), `"Limit":500`)

	dc, err := distributionConfig(tmpl)
	require.NoError(t, err)
	require.Contains(t, jsonString(dc["WebACLId"]), `"Fn::GetAtt":["SiteWebAcl`)
}
