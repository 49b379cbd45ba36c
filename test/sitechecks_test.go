package test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfrontorigins"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/constructs/sitechecks"
	"github.com/one-origin/staticsitewithapi/constructs/staticsite"
	"github.com/one-origin/staticsitewithapi/pitfalls"
)

// scVariant breaks (or changes) one part of scSite. Nil fields keep the
// working default; build replaces scSite altogether.
type scVariant struct {
	build       func(stack awscdk.Stack)
	api         func(p *awsapigateway.RestApiProps)
	routes      func(stack awscdk.Stack, api awsapigateway.RestApi)
	origin      func(stack awscdk.Stack, api awsapigateway.RestApi) awscloudfront.IOrigin
	apiBehavior func(stack awscdk.Stack, b *awscloudfront.BehaviorOptions)
	site        func(b *awscloudfront.BehaviorOptions)
	dist        func(p *awscloudfront.DistributionProps)
}

// scSite builds the field note's setup (S3 site, REST API under /api/*,
// one distribution) from plain aws-cdk-lib constructs, with every pitfall
// fixed; each variant then breaks one thing the way the note did.
func scSite(stack awscdk.Stack, v scVariant) awscloudfront.Distribution {
	apiProps := &awsapigateway.RestApiProps{
		EndpointConfiguration: &awsapigateway.EndpointConfiguration{Types: &[]awsapigateway.EndpointType{awsapigateway.EndpointType_REGIONAL}},
		DeployOptions:         &awsapigateway.StageOptions{StageName: jsii.String("prod")},
		CloudWatchRole:        jsii.Bool(false),
		MinCompressionSize:    awscdk.Size_Kibibytes(jsii.Number(1)),
	}
	if v.api != nil {
		v.api(apiProps)
	}
	api := awsapigateway.NewRestApi(stack, jsii.String("Api"), apiProps)
	if v.routes != nil {
		v.routes(stack, api)
	} else {
		scRoutes(api, nil, true)
	}
	var origin awscloudfront.IOrigin = awscloudfrontorigins.NewRestApiOrigin(api, nil)
	if v.origin != nil {
		origin = v.origin(stack, api)
	}
	bucket := awss3.NewBucket(stack, jsii.String("Bucket"), nil)
	spa := awscloudfront.NewFunction(stack, jsii.String("SpaRewrite"), &awscloudfront.FunctionProps{
		Code: awscloudfront.FunctionCode_FromInline(jsii.String(
			`function handler(e) { var r = e.request; if (r.uri.indexOf('/.well-known/') !== 0 && r.uri.indexOf('.') < 0) { r.uri = '/index.html'; } return r; }`)),
		Runtime: awscloudfront.FunctionRuntime_JS_2_0(),
	})
	site := &awscloudfront.BehaviorOptions{
		Origin:         awscloudfrontorigins.S3BucketOrigin_WithOriginAccessControl(bucket, nil),
		AllowedMethods: awscloudfront.AllowedMethods_ALLOW_GET_HEAD(),
		CachePolicy:    awscloudfront.CachePolicy_CACHING_OPTIMIZED(),
		FunctionAssociations: &[]*awscloudfront.FunctionAssociation{{
			EventType: awscloudfront.FunctionEventType_VIEWER_REQUEST, Function: spa,
		}},
	}
	if v.site != nil {
		v.site(site)
	}
	apiBehavior := &awscloudfront.BehaviorOptions{
		Origin:              origin,
		AllowedMethods:      awscloudfront.AllowedMethods_ALLOW_ALL(),
		CachePolicy:         awscloudfront.CachePolicy_CACHING_DISABLED(),
		OriginRequestPolicy: awscloudfront.OriginRequestPolicy_ALL_VIEWER_EXCEPT_HOST_HEADER(),
	}
	if v.apiBehavior != nil {
		v.apiBehavior(stack, apiBehavior)
	}
	var uncached []*awscloudfront.ErrorResponse
	for _, code := range []float64{400, 403, 404, 405, 414, 500, 501, 502, 503, 504} {
		uncached = append(uncached, &awscloudfront.ErrorResponse{HttpStatus: jsii.Number(code), Ttl: awscdk.Duration_Seconds(jsii.Number(0))})
	}
	props := &awscloudfront.DistributionProps{
		DefaultBehavior:     site,
		AdditionalBehaviors: &map[string]*awscloudfront.BehaviorOptions{"/api/*": apiBehavior},
		DefaultRootObject:   jsii.String("index.html"),
		ErrorResponses:      &uncached,
	}
	if v.dist != nil {
		v.dist(props)
	}
	return awscloudfront.NewDistribution(stack, jsii.String("Distribution"), props)
}

// scRoutes gives the API ANY on / and /{proxy+}, and, with options, an
// open MOCK OPTIONS on both. auth, when set, guards the ANY methods.
func scRoutes(api awsapigateway.RestApi, auth awsapigateway.IAuthorizer, options bool) awsapigateway.Resource {
	mock := awsapigateway.NewMockIntegration(nil)
	// Only requests with the API key CloudFront sends get through
	// (direct-access).
	keyed := &awsapigateway.MethodOptions{ApiKeyRequired: jsii.Bool(true)}
	guarded := keyed
	if auth != nil {
		guarded = &awsapigateway.MethodOptions{Authorizer: auth, AuthorizationType: awsapigateway.AuthorizationType_CUSTOM}
	}
	root := api.Root()
	root.AddMethod(jsii.String("ANY"), mock, keyed)
	proxy := root.AddResource(jsii.String("{proxy+}"), nil)
	proxy.AddMethod(jsii.String("ANY"), mock, guarded)
	if options {
		root.AddMethod(jsii.String("OPTIONS"), mock, nil)
		proxy.AddMethod(jsii.String("OPTIONS"), mock, nil)
	}
	return proxy
}

func scTokenAuthorizer(stack awscdk.Stack) awsapigateway.IAuthorizer {
	return awsapigateway.NewTokenAuthorizer(stack, jsii.String("Authorizer"), &awsapigateway.TokenAuthorizerProps{
		Handler: inlineFunction(stack),
	})
}

// scExecuteApiHost is the API's execute-api host name built from tokens, the
// way a user writes it for an HttpOrigin.
func scExecuteApiHost(stack awscdk.Stack, api awsapigateway.RestApi) *string {
	return jsii.String(*api.RestApiId() + ".execute-api." + *stack.Region() + "." + *stack.UrlSuffix())
}

// scFinding is one sitechecks annotation from the cloud assembly.
type scFinding struct {
	level string // "error" or "warning"
	rule  string // the [id] the message starts with
	path  string // construct path the annotation is on, without the leading "/"
	msg   string
}

func (f scFinding) key() string { return f.rule + ":" + f.level }

var scMessage = regexp.MustCompile(`^\[([a-z0-9-]+)\] `)

// scSynth synthesizes the app once and returns the sitechecks findings of
// every stack, by stack name. Reading the cloud assembly once keeps a
// shared App fast; assertions.Annotations re-synthesizes the whole app on
// every call.
func scSynth(t *testing.T, app awscdk.App) map[string][]scFinding {
	t.Helper()
	dir := *app.Synth(nil).Directory()
	var manifest struct {
		Artifacts map[string]struct {
			Type                   string                      `json:"type"`
			Metadata               map[string][]map[string]any `json:"metadata"`
			AdditionalMetadataFile string                      `json:"additionalMetadataFile"`
		} `json:"artifacts"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &manifest))
	out := map[string][]scFinding{}
	for id, a := range manifest.Artifacts {
		if a.Type != "aws:cloudformation:stack" {
			continue
		}
		metadata := a.Metadata
		if a.AdditionalMetadataFile != "" {
			b, err := os.ReadFile(filepath.Join(dir, a.AdditionalMetadataFile))
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(b, &metadata))
		}
		out[id] = nil
		for path, entries := range metadata {
			for _, e := range entries {
				level := strings.TrimPrefix(e["type"].(string), "aws:cdk:")
				msg, _ := e["data"].(string)
				m := scMessage.FindStringSubmatch(msg)
				if (level != "error" && level != "warning") || m == nil {
					continue
				}
				out[id] = append(out[id], scFinding{level: level, rule: m[1], path: strings.TrimPrefix(path, "/"), msg: msg})
			}
		}
	}
	for _, fs := range out {
		slices.SortFunc(fs, func(a, b scFinding) int { return strings.Compare(a.key()+a.path, b.key()+b.path) })
	}
	return out
}

func scKeys(fs []scFinding) []string {
	keys := make([]string, len(fs))
	for i, f := range fs {
		keys[i] = f.key()
	}
	slices.Sort(keys)
	return keys
}

// scBroken is every pitfall the checks can see, built the way it happens.
// want lists the findings as rule:level, exactly.
var scBroken = []struct {
	name string
	want []string
	v    scVariant
}{
	{"edge-methods-cdk-default", []string{"edge-methods:error"}, scVariant{
		apiBehavior: func(_ awscdk.Stack, b *awscloudfront.BehaviorOptions) { b.AllowedMethods = nil },
	}},
	{"s3-origin-all-methods-to-bucket", []string{"s3-origin:error"}, scVariant{
		site: func(b *awscloudfront.BehaviorOptions) { b.AllowedMethods = awscloudfront.AllowedMethods_ALLOW_ALL() },
	}},
	{"api-route-no-stage", []string{"api-route:error"}, scVariant{
		origin: func(stack awscdk.Stack, api awsapigateway.RestApi) awscloudfront.IOrigin {
			return awscloudfrontorigins.NewHttpOrigin(scExecuteApiHost(stack, api), nil)
		},
	}},
	{"api-route-wrong-stage", []string{"api-route:error"}, scVariant{
		origin: func(stack awscdk.Stack, api awsapigateway.RestApi) awscloudfront.IOrigin {
			return awscloudfrontorigins.NewHttpOrigin(scExecuteApiHost(stack, api), &awscloudfrontorigins.HttpOriginProps{OriginPath: jsii.String("/v1")})
		},
	}},
	{"api-route-no-resource-under-prefix", []string{"api-route:error", "direct-access:warning"}, scVariant{
		routes: func(_ awscdk.Stack, api awsapigateway.RestApi) {
			mock := awsapigateway.NewMockIntegration(nil)
			api.Root().AddMethod(jsii.String("OPTIONS"), mock, nil)
			api.Root().AddResource(jsii.String("users"), nil).AddMethod(jsii.String("ANY"), mock, nil)
			api.Root().AddResource(jsii.String("items"), nil).AddMethod(jsii.String("ANY"), mock, nil)
		},
	}},
	{"host-header-all-viewer", []string{"host-header:error"}, scVariant{
		apiBehavior: func(_ awscdk.Stack, b *awscloudfront.BehaviorOptions) {
			b.OriginRequestPolicy = awscloudfront.OriginRequestPolicy_ALL_VIEWER()
		},
	}},
	{"host-header-custom-policy", []string{"host-header:error"}, scVariant{
		apiBehavior: func(stack awscdk.Stack, b *awscloudfront.BehaviorOptions) {
			b.OriginRequestPolicy = awscloudfront.NewOriginRequestPolicy(stack, jsii.String("ForwardHost"), &awscloudfront.OriginRequestPolicyProps{
				HeaderBehavior:      awscloudfront.OriginRequestHeaderBehavior_AllowList(jsii.String("Host"), jsii.String("Content-Type")),
				QueryStringBehavior: awscloudfront.OriginRequestQueryStringBehavior_All(),
			})
		},
	}},
	{"headers-dropped-no-origin-request-policy", []string{"headers-dropped:warning"}, scVariant{
		apiBehavior: func(_ awscdk.Stack, b *awscloudfront.BehaviorOptions) { b.OriginRequestPolicy = nil },
	}},
	{"api-cached-caching-optimized", []string{"api-cached:warning"}, scVariant{
		apiBehavior: func(_ awscdk.Stack, b *awscloudfront.BehaviorOptions) {
			b.CachePolicy = awscloudfront.CachePolicy_CACHING_OPTIMIZED()
		},
	}},
	{"api-cached-custom-policy", []string{"api-cached:warning"}, scVariant{
		apiBehavior: func(stack awscdk.Stack, b *awscloudfront.BehaviorOptions) {
			b.CachePolicy = awscloudfront.NewCachePolicy(stack, jsii.String("ShortCache"), &awscloudfront.CachePolicyProps{
				MinTtl:     awscdk.Duration_Seconds(jsii.Number(0)),
				DefaultTtl: awscdk.Duration_Seconds(jsii.Number(60)),
				MaxTtl:     awscdk.Duration_Seconds(jsii.Number(300)),
			})
		},
	}},
	{"preflight-auth-token-authorizer-on-options", []string{"preflight-auth:error"}, scVariant{
		routes: func(stack awscdk.Stack, api awsapigateway.RestApi) {
			mock := awsapigateway.NewMockIntegration(nil)
			proxy := scRoutes(api, nil, false)
			api.Root().AddMethod(jsii.String("OPTIONS"), mock, nil)
			proxy.AddMethod(jsii.String("OPTIONS"), mock, &awsapigateway.MethodOptions{
				Authorizer: scTokenAuthorizer(stack), AuthorizationType: awsapigateway.AuthorizationType_CUSTOM,
			})
		},
	}},
	{"preflight-auth-cfn-method-custom", []string{"preflight-auth:error"}, scVariant{
		routes: func(stack awscdk.Stack, api awsapigateway.RestApi) {
			proxy := scRoutes(api, nil, false)
			api.Root().AddMethod(jsii.String("OPTIONS"), awsapigateway.NewMockIntegration(nil), nil)
			auth := awsapigateway.NewCfnAuthorizer(stack, jsii.String("Authorizer"), &awsapigateway.CfnAuthorizerProps{
				RestApiId: api.RestApiId(), Name: jsii.String("token"), Type: jsii.String("TOKEN"),
				AuthorizerUri:  jsii.String("arn:aws:apigateway:ap-southeast-2:lambda:path/2015-03-31/functions/arn:aws:lambda:ap-southeast-2:123456789012:function:auth/invocations"),
				IdentitySource: jsii.String("method.request.header.Authorization"),
			})
			awsapigateway.NewCfnMethod(stack, jsii.String("ProxyOptions"), &awsapigateway.CfnMethodProps{
				RestApiId: api.RestApiId(), ResourceId: proxy.ResourceId(), HttpMethod: jsii.String("OPTIONS"),
				AuthorizationType: jsii.String("CUSTOM"), AuthorizerId: auth.Ref(),
				Integration: &awsapigateway.CfnMethod_IntegrationProperty{Type: jsii.String("MOCK")},
			})
		},
	}},
	{"preflight-auth-authorized-any-without-options", []string{"preflight-auth:warning"}, scVariant{
		routes: func(stack awscdk.Stack, api awsapigateway.RestApi) {
			scRoutes(api, scTokenAuthorizer(stack), false)
			api.Root().AddMethod(jsii.String("OPTIONS"), awsapigateway.NewMockIntegration(nil), nil)
		},
	}},
	// Error responses that replace the uncached ones cache errors too.
	{"error-masked-spa-error-responses", []string{"error-masked:error", "errors-cached:warning"}, scVariant{
		dist: func(p *awscloudfront.DistributionProps) {
			p.ErrorResponses = &[]*awscloudfront.ErrorResponse{
				{HttpStatus: jsii.Number(403), ResponseHttpStatus: jsii.Number(200), ResponsePagePath: jsii.String("/index.html")},
				{HttpStatus: jsii.Number(404), ResponseHttpStatus: jsii.Number(200), ResponsePagePath: jsii.String("/index.html")},
			}
		},
	}},
	{"spa-deeplink-no-fallback", []string{"spa-deeplink:warning"}, scVariant{
		site: func(b *awscloudfront.BehaviorOptions) { b.FunctionAssociations = nil },
	}},
	{"edge-optimized-default-endpoint", []string{"edge-optimized:warning"}, scVariant{
		api: func(p *awsapigateway.RestApiProps) { p.EndpointConfiguration = nil },
	}},
	{"origin-timeout-10s", []string{"origin-timeout:warning"}, scVariant{
		origin: func(_ awscdk.Stack, api awsapigateway.RestApi) awscloudfront.IOrigin {
			return awscloudfrontorigins.NewRestApiOrigin(api, &awscloudfrontorigins.RestApiOriginProps{ReadTimeout: awscdk.Duration_Seconds(jsii.Number(10))})
		},
	}},
	{"cors-duplicate-simplecors-and-gateway", []string{"cors-duplicate:warning"}, scVariant{
		api: func(p *awsapigateway.RestApiProps) {
			p.DefaultCorsPreflightOptions = &awsapigateway.CorsOptions{AllowOrigins: awsapigateway.Cors_ALL_ORIGINS()}
		},
		routes: func(_ awscdk.Stack, api awsapigateway.RestApi) { scRoutes(api, nil, false) },
		apiBehavior: func(_ awscdk.Stack, b *awscloudfront.BehaviorOptions) {
			b.ResponseHeadersPolicy = awscloudfront.ResponseHeadersPolicy_CORS_ALLOW_ALL_ORIGINS()
		},
	}},
	// The field note as first deployed: CDK's default behavior settings plus
	// CachingOptimized, SimpleCORS over API Gateway CORS, an EDGE API reached
	// by host name without a stage, and SPA error responses.
	{"field-note", []string{"api-cached:warning", "api-route:error", "cors-duplicate:warning", "edge-methods:error", "edge-optimized:warning", "error-masked:error", "errors-cached:warning"}, scVariant{
		api: func(p *awsapigateway.RestApiProps) {
			p.EndpointConfiguration = nil
			p.DefaultCorsPreflightOptions = &awsapigateway.CorsOptions{AllowOrigins: awsapigateway.Cors_ALL_ORIGINS()}
		},
		routes: func(_ awscdk.Stack, api awsapigateway.RestApi) { scRoutes(api, nil, false) },
		origin: func(stack awscdk.Stack, api awsapigateway.RestApi) awscloudfront.IOrigin {
			return awscloudfrontorigins.NewHttpOrigin(scExecuteApiHost(stack, api), nil)
		},
		apiBehavior: func(_ awscdk.Stack, b *awscloudfront.BehaviorOptions) {
			b.AllowedMethods = nil
			b.CachePolicy = awscloudfront.CachePolicy_CACHING_OPTIMIZED()
			b.ResponseHeadersPolicy = awscloudfront.ResponseHeadersPolicy_CORS_ALLOW_ALL_ORIGINS()
		},
		dist: func(p *awscloudfront.DistributionProps) {
			p.ErrorResponses = &[]*awscloudfront.ErrorResponse{
				{HttpStatus: jsii.Number(403), ResponseHttpStatus: jsii.Number(200), ResponsePagePath: jsii.String("/index.html")},
				{HttpStatus: jsii.Number(404), ResponseHttpStatus: jsii.Number(200), ResponsePagePath: jsii.String("/index.html")},
			}
		},
	}},
	// The checks read L1 resources, so a distribution written as
	// CfnDistribution, or as a raw CfnResource, is checked the same way.
	// These two are written without the rest of the fixes (compression,
	// uncached errors), which they also report.
	{"l1-cfn-distribution", []string{"api-uncompressed:warning", "errors-cached:warning", "host-header:error", "origin-timeout:warning", "spa-deeplink:warning"}, scVariant{build: scL1Site}},
	{"raw-cfn-resource", []string{"api-route:error", "edge-methods:error", "errors-cached:warning", "s3-origin:error"}, scVariant{build: scRawSite}},
	{"direct-access-no-key", []string{"direct-access:warning"}, scVariant{
		routes: func(_ awscdk.Stack, api awsapigateway.RestApi) {
			mock := awsapigateway.NewMockIntegration(nil)
			api.Root().AddMethod(jsii.String("ANY"), mock, nil)
			proxy := api.Root().AddResource(jsii.String("{proxy+}"), nil)
			proxy.AddMethod(jsii.String("ANY"), mock, nil)
			api.Root().AddMethod(jsii.String("OPTIONS"), mock, nil)
			proxy.AddMethod(jsii.String("OPTIONS"), mock, nil)
		},
	}},
}

// scL1Site: CfnDistribution in front of an L2 RestApi: AllViewer, a 15 s
// read timeout and no SPA fallback.
func scL1Site(stack awscdk.Stack) {
	api := awsapigateway.NewRestApi(stack, jsii.String("Api"), &awsapigateway.RestApiProps{
		EndpointConfiguration: &awsapigateway.EndpointConfiguration{Types: &[]awsapigateway.EndpointType{awsapigateway.EndpointType_REGIONAL}},
		CloudWatchRole:        jsii.Bool(false),
	})
	scRoutes(api, nil, true)
	bucket := awss3.NewBucket(stack, jsii.String("Bucket"), nil)
	awscloudfront.NewCfnDistribution(stack, jsii.String("Distribution"), &awscloudfront.CfnDistributionProps{
		DistributionConfig: &awscloudfront.CfnDistribution_DistributionConfigProperty{
			Enabled: jsii.Bool(true),
			Origins: &[]any{
				&awscloudfront.CfnDistribution_OriginProperty{Id: jsii.String("site"), DomainName: bucket.BucketRegionalDomainName(),
					S3OriginConfig: &awscloudfront.CfnDistribution_S3OriginConfigProperty{}},
				&awscloudfront.CfnDistribution_OriginProperty{Id: jsii.String("api"),
					DomainName: awscdk.Fn_Select(jsii.Number(2), awscdk.Fn_Split(jsii.String("/"), api.Url(), nil)),
					OriginPath: jsii.String("/" + *api.DeploymentStage().StageName()),
					CustomOriginConfig: &awscloudfront.CfnDistribution_CustomOriginConfigProperty{
						OriginProtocolPolicy: jsii.String("https-only"), OriginReadTimeout: jsii.Number(15),
					}},
			},
			DefaultCacheBehavior: &awscloudfront.CfnDistribution_DefaultCacheBehaviorProperty{
				TargetOriginId: jsii.String("site"), ViewerProtocolPolicy: jsii.String("redirect-to-https"),
				CachePolicyId: jsii.String("658327ea-f89d-4fab-a63d-7e88639e58f6"),
			},
			CacheBehaviors: &[]any{&awscloudfront.CfnDistribution_CacheBehaviorProperty{
				PathPattern: jsii.String("/api/*"), TargetOriginId: jsii.String("api"), ViewerProtocolPolicy: jsii.String("https-only"),
				AllowedMethods:        jsii.Strings("GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"),
				CachePolicyId:         jsii.String("4135ea2d-6df8-44a3-9df3-4b5a84be39ad"),
				OriginRequestPolicyId: jsii.String("216adef6-5c7f-47e4-b989-5492eafa07d3"),
			}},
		},
	})
}

// scRawSite: the field note's console setup as a raw CfnResource with
// literal host names: POST to S3, GET/HEAD only to the API, no stage.
func scRawSite(stack awscdk.Stack) {
	awscdk.NewCfnResource(stack, jsii.String("Distribution"), &awscdk.CfnResourceProps{
		Type: jsii.String("AWS::CloudFront::Distribution"),
		Properties: &map[string]any{"DistributionConfig": map[string]any{
			"Enabled": true,
			"Origins": []any{
				map[string]any{"Id": "s3", "DomainName": "cry-bucket.s3.ap-southeast-2.amazonaws.com", "S3OriginConfig": map[string]any{}},
				map[string]any{"Id": "api", "DomainName": "xp91hjk4qh.execute-api.ap-southeast-2.amazonaws.com",
					"CustomOriginConfig": map[string]any{"OriginProtocolPolicy": "https-only"}},
			},
			"DefaultCacheBehavior": map[string]any{"TargetOriginId": "s3", "ViewerProtocolPolicy": "allow-all",
				"AllowedMethods": []any{"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"},
				"CachePolicyId":  "658327ea-f89d-4fab-a63d-7e88639e58f6",
				"FunctionAssociations": []any{map[string]any{"EventType": "viewer-request",
					"FunctionARN": "arn:aws:cloudfront::123456789012:function/spa"}}},
			"CacheBehaviors": []any{map[string]any{"PathPattern": "/api/*", "TargetOriginId": "api", "ViewerProtocolPolicy": "https-only",
				"CachePolicyId":         "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
				"OriginRequestPolicyId": "b689b0a8-53d0-40ab-baf2-68738e2966ac"}},
		}},
	})
}

// TestSitechecksReportsEachPitfall builds each broken configuration in its
// own stack of one App and expects exactly its findings, at the right
// level, with a message that starts with the ID, names the construct the
// annotation is on, and says the fix.
func TestSitechecksReportsEachPitfall(t *testing.T) {
	app := newTestApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	awscdk.Aspects_Of(app).Add(sitechecks.New(nil), nil)
	for _, c := range scBroken {
		stack := awscdk.NewStack(app, jsii.String("SC-"+c.name), &awscdk.StackProps{Env: testEnv})
		if c.v.build != nil {
			c.v.build(stack)
		} else {
			scSite(stack, c.v)
		}
	}
	// ApiDomainNames makes a custom API domain an API origin.
	custom := awscdk.NewStack(app, jsii.String("SC-custom-domain"), &awscdk.StackProps{Env: testEnv})
	awscdk.Aspects_Of(custom).Add(sitechecks.New(&sitechecks.Options{ApiDomainNames: jsii.Strings("api.example.com")}), nil)
	scSite(custom, scVariant{
		origin: func(awscdk.Stack, awsapigateway.RestApi) awscloudfront.IOrigin {
			return awscloudfrontorigins.NewHttpOrigin(jsii.String("api.example.com"), nil)
		},
		apiBehavior: func(_ awscdk.Stack, b *awscloudfront.BehaviorOptions) { b.AllowedMethods = nil },
	})

	found := scSynth(t, app)
	check := func(t *testing.T, stack string, want []string) {
		fs := found[stack]
		require.Equal(t, want, scKeys(fs), "findings of %s:\n%s", stack, scDump(fs))
		for _, f := range fs {
			require.Truef(t, strings.HasPrefix(f.msg, "["+f.rule+"] "+strings.TrimSuffix(f.path, "/Resource")+": "),
				"message must start with the ID and the construct path %s: %s", f.path, f.msg)
			require.Regexp(t, `\. Fix: [^\n]+\.( \[ack: sitechecks:[a-z0-9-]+\])?$`, f.msg)
			if f.level == "warning" {
				require.True(t, strings.HasSuffix(f.msg, "[ack: sitechecks:"+f.rule+"]"), "warning needs the id sitechecks:%s: %s", f.rule, f.msg)
			}
		}
	}
	for _, c := range scBroken {
		t.Run(c.name, func(t *testing.T) { check(t, "SC-"+c.name, c.want) })
	}
	t.Run("custom-domain-with-ApiDomainNames", func(t *testing.T) { check(t, "SC-custom-domain", []string{"edge-methods:error"}) })

	// Each rule has a broken configuration here, or a breakage of our
	// templates in TestPitfallChecksFail / TestDay2ChecksFail, which
	// sitechecks.CheckTemplate must report too (the rules about uploads
	// need a frontend, which these sites have not).
	t.Run("every-rule-has-a-broken-case", func(t *testing.T) {
		seen := map[string]string{}
		for _, c := range scBroken {
			for _, w := range c.want {
				rule, level, _ := strings.Cut(w, ":")
				seen[rule] = level
			}
		}
		for _, r := range sitechecks.Rules() {
			_, broken := breakages[string(r.ID)]
			_, day2 := day2Breakages[string(r.ID)]
			// TestFrontendChecksFail, TestChunkDeletedCheckFails
			frontend := r.ID == pitfalls.StaleFrontend || r.ID == pitfalls.ConfigPruned || r.ID == pitfalls.ChunkDeleted
			if !broken && !day2 && !frontend || templateBlind[string(r.ID)] != "" {
				require.Contains(t, seen, string(r.ID), "rule %s has no broken configuration", r.ID)
			}
		}
	})
}

func scDump(fs []scFinding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s %s: %s\n", f.level, f.path, f.msg)
	}
	return b.String()
}

// TestSitechecksFixedConfigurationsAreClean: the fixed field-note setup,
// and the other correct ways to write each part, have no finding.
func TestSitechecksFixedConfigurationsAreClean(t *testing.T) {
	app := newTestApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	awscdk.Aspects_Of(app).Add(sitechecks.New(nil), nil)
	fixed := map[string]scVariant{
		"baseline": {},
		"custom-policies-no-ttl-no-host": {apiBehavior: func(stack awscdk.Stack, b *awscloudfront.BehaviorOptions) {
			b.CachePolicy = awscloudfront.NewCachePolicy(stack, jsii.String("NoCache"), &awscloudfront.CachePolicyProps{
				MinTtl: awscdk.Duration_Seconds(jsii.Number(0)), DefaultTtl: awscdk.Duration_Seconds(jsii.Number(0)), MaxTtl: awscdk.Duration_Seconds(jsii.Number(0)),
			})
			b.OriginRequestPolicy = awscloudfront.NewOriginRequestPolicy(stack, jsii.String("AllButHost"), &awscloudfront.OriginRequestPolicyProps{
				HeaderBehavior:      awscloudfront.OriginRequestHeaderBehavior_DenyList(jsii.String("Host")),
				QueryStringBehavior: awscloudfront.OriginRequestQueryStringBehavior_All(),
				CookieBehavior:      awscloudfront.OriginRequestCookieBehavior_All(),
			})
		}},
		"cors-owned-by-cloudfront-with-override": {
			api: func(p *awsapigateway.RestApiProps) {
				p.DefaultCorsPreflightOptions = &awsapigateway.CorsOptions{AllowOrigins: awsapigateway.Cors_ALL_ORIGINS()}
			},
			routes: func(_ awscdk.Stack, api awsapigateway.RestApi) { scRoutes(api, nil, false) },
			apiBehavior: func(stack awscdk.Stack, b *awscloudfront.BehaviorOptions) {
				b.ResponseHeadersPolicy = awscloudfront.NewResponseHeadersPolicy(stack, jsii.String("Cors"), &awscloudfront.ResponseHeadersPolicyProps{
					CorsBehavior: &awscloudfront.ResponseHeadersCorsBehavior{
						AccessControlAllowOrigins: jsii.Strings("http://localhost:5173"), AccessControlAllowMethods: jsii.Strings("ALL"),
						AccessControlAllowHeaders: jsii.Strings("*"), AccessControlAllowCredentials: jsii.Bool(false), OriginOverride: jsii.Bool(true),
					},
				})
			},
		},
		"http-origin-with-stage-path": {origin: func(stack awscdk.Stack, api awsapigateway.RestApi) awscloudfront.IOrigin {
			return awscloudfrontorigins.NewHttpOrigin(scExecuteApiHost(stack, api), &awscloudfrontorigins.HttpOriginProps{OriginPath: jsii.String("/prod")})
		}},
		"imported-api-by-host-name": {origin: func(awscdk.Stack, awsapigateway.RestApi) awscloudfront.IOrigin {
			return awscloudfrontorigins.NewHttpOrigin(jsii.String("xp91hjk4qh.execute-api.ap-southeast-2.amazonaws.com"), &awscloudfrontorigins.HttpOriginProps{OriginPath: jsii.String("/prod")})
		}},
		"routes-under-api-and-authorized-any-with-open-options": {routes: func(stack awscdk.Stack, api awsapigateway.RestApi) {
			mock := awsapigateway.NewMockIntegration(nil)
			prefix := api.Root().AddResource(jsii.String("api"), nil)
			prefix.AddProxy(&awsapigateway.ProxyResourceOptions{AnyMethod: jsii.Bool(false)}).AddMethod(jsii.String("ANY"), mock,
				&awsapigateway.MethodOptions{Authorizer: scTokenAuthorizer(stack), AuthorizationType: awsapigateway.AuthorizationType_CUSTOM})
			prefix.AddMethod(jsii.String("OPTIONS"), mock, nil)
			prefix.GetResource(jsii.String("{proxy+}")).AddMethod(jsii.String("OPTIONS"), mock, nil)
		}},
		"longer-read-timeout": {origin: func(_ awscdk.Stack, api awsapigateway.RestApi) awscloudfront.IOrigin {
			return awscloudfrontorigins.NewRestApiOrigin(api, &awscloudfrontorigins.RestApiOriginProps{ReadTimeout: awscdk.Duration_Seconds(jsii.Number(60))})
		}},
	}
	for _, name := range keys(fixed) {
		scSite(awscdk.NewStack(app, jsii.String("OK-"+name), &awscdk.StackProps{Env: testEnv}), fixed[name])
	}
	found := scSynth(t, app)
	for _, name := range keys(fixed) {
		t.Run(name, func(t *testing.T) {
			require.Contains(t, found, "OK-"+name, "stack not synthesized")
			require.Empty(t, found["OK-"+name], scDump(found["OK-"+name]))
		})
	}
}

// TestSitechecksSuppression: a suppression with a reason silences exactly
// its rule on its resource; without a reason, or for an unknown rule, it is
// an error and silences nothing.
func TestSitechecksSuppression(t *testing.T) {
	app := newTestApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	awscdk.Aspects_Of(app).Add(sitechecks.New(nil), nil)
	// Each site: the API behavior caches (api-cached) and allows only GET,
	// HEAD (edge-methods).
	broken := scVariant{apiBehavior: func(_ awscdk.Stack, b *awscloudfront.BehaviorOptions) {
		b.AllowedMethods = nil
		b.CachePolicy = awscloudfront.CachePolicy_CACHING_OPTIMIZED()
	}}
	suppressed := awscdk.NewStack(app, jsii.String("Suppressed"), &awscdk.StackProps{Env: testEnv})
	sitechecks.Suppress(scSite(suppressed, broken), sitechecks.ApiCached, "public price list: responses are the same for every user and may be cached")
	untouched := awscdk.NewStack(app, jsii.String("Untouched"), &awscdk.StackProps{Env: testEnv})
	scSite(untouched, broken)
	noReason := awscdk.NewStack(app, jsii.String("NoReason"), &awscdk.StackProps{Env: testEnv})
	dist := scSite(noReason, broken)
	sitechecks.Suppress(dist, sitechecks.ApiCached, "  ")
	sitechecks.Suppress(dist, "api-cache", "typo in the rule id")

	found := scSynth(t, app)
	require.Equal(t, []string{"edge-methods:error"}, scKeys(found["Suppressed"]), "only api-cached is suppressed:\n%s", scDump(found["Suppressed"]))
	require.Equal(t, []string{"api-cached:warning", "edge-methods:error"}, scKeys(found["Untouched"]), "a suppression covers only its own resource")
	require.Equal(t, []string{"api-cached:warning", "edge-methods:error", "suppression:error", "suppression:error"}, scKeys(found["NoReason"]), scDump(found["NoReason"]))
	for _, f := range found["NoReason"] {
		if f.rule == "suppression" {
			require.Equal(t, "NoReason/Distribution", f.path)
			require.Regexp(t, `has no reason|unknown rule "api-cache"`, f.msg)
		}
	}
}

// TestSitechecksAppliedToOneConstruct: added below the stack, the aspect
// still checks the stack, once.
func TestSitechecksAppliedToOneConstruct(t *testing.T) {
	app := newTestApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	stack := awscdk.NewStack(app, jsii.String("Scoped"), &awscdk.StackProps{Env: testEnv})
	dist := scSite(stack, scVariant{apiBehavior: func(_ awscdk.Stack, b *awscloudfront.BehaviorOptions) { b.AllowedMethods = nil }})
	awscdk.Aspects_Of(dist).Add(sitechecks.New(nil), nil)
	require.Equal(t, []string{"edge-methods:error"}, scKeys(scSynth(t, app)["Scoped"]))
}

// TestSitechecksAddTo: checking a stack through AddTo reports what the
// app-wide aspect reports, on a broken stack and on ours.
func TestSitechecksAddTo(t *testing.T) {
	app := newTestApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	broken := awscdk.NewStack(app, jsii.String("Broken"), &awscdk.StackProps{Env: testEnv})
	scSite(broken, scVariant{apiBehavior: func(_ awscdk.Stack, b *awscloudfront.BehaviorOptions) {
		b.AllowedMethods = nil
		b.CachePolicy = awscloudfront.CachePolicy_CACHING_OPTIMIZED()
	}})
	ours := awscdk.NewStack(app, jsii.String("Ours"), &awscdk.StackProps{Env: testEnv})
	staticsite.NewStaticSiteWithApi(ours, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{Backend: staticsite.HttpBackend("https://backend.example.com")})
	sitechecks.New(nil).AddTo(broken, ours)
	// A backend allowed 45 s: CloudFront's 30 s read timeout is too short.
	slow := awscdk.NewStack(app, jsii.String("Slow"), &awscdk.StackProps{Env: testEnv})
	scSite(slow, scVariant{})
	sitechecks.New(&sitechecks.Options{IntegrationTimeout: awscdk.Duration_Seconds(jsii.Number(45))}).AddTo(slow)
	found := scSynth(t, app)
	require.Equal(t, []string{"api-cached:warning", "edge-methods:error"}, scKeys(found["Broken"]))
	require.Empty(t, found["Ours"])
	require.Equal(t, []string{"origin-timeout:warning"}, scKeys(found["Slow"]))
}

func TestSitechecksOptionsAreValidated(t *testing.T) {
	require.PanicsWithError(t,
		"sitechecks.New: ApiDomainNames: \"https://api.example.com\" is not a host name; write it like \"api.example.com\"\n"+
			"IntegrationTimeout 0 minutes must be above 0; leave it nil for 29 seconds",
		func() {
			sitechecks.New(&sitechecks.Options{ApiDomainNames: jsii.Strings("https://api.example.com"), IntegrationTimeout: awscdk.Duration_Minutes(jsii.Number(0))})
		})
}

// TestSitechecksOurStacksAreClean: the construct with both backends
// produces no sitechecks error or warning. A broken control stack in the
// same app proves the matchers find findings. The shipped environment
// stacks are checked where the app checks them: TestAppSynthIsClean finds
// no warning or error at all in their synth.
func TestSitechecksOurStacksAreClean(t *testing.T) {
	app := newTestApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	awscdk.Aspects_Of(app).Add(sitechecks.New(nil), nil)
	var clean []awscdk.Stack
	lambda := awscdk.NewStack(app, jsii.String("Construct-lambda"), &awscdk.StackProps{Env: testEnv})
	staticsite.NewStaticSiteWithApi(lambda, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{Backend: staticsite.LambdaBackend(inlineFunction(lambda))})
	http := awscdk.NewStack(app, jsii.String("Construct-http"), &awscdk.StackProps{Env: testEnv})
	staticsite.NewStaticSiteWithApi(http, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
		Backend:   staticsite.HttpBackend("https://backend.example.com/base"),
		ApiPrefix: jsii.String("/service/v1"),
		StageName: jsii.String("live"),
		Cors:      &staticsite.CorsOptions{AllowOrigins: jsii.Strings("https://app.example.com", "http://localhost:5173")},
		// Construct-lambda sets the account's role in the same account
		// and region (account-singleton).
		ApiGatewayCloudWatchRole: jsii.Bool(false),
	})
	clean = append(clean, lambda, http)
	control := awscdk.NewStack(app, jsii.String("Control"), &awscdk.StackProps{Env: testEnv})
	scSite(control, scVariant{apiBehavior: func(_ awscdk.Stack, b *awscloudfront.BehaviorOptions) {
		b.AllowedMethods = nil
		b.CachePolicy = awscloudfront.CachePolicy_CACHING_OPTIMIZED()
	}})

	anySitecheck := assertions.Match_StringLikeRegexp(jsii.String(`^\[[a-z0-9-]+\] `))
	ann := assertions.Annotations_FromStack(control)
	require.Len(t, *ann.FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String(`^\[edge-methods\] Control/Distribution: `))), 1)
	require.Len(t, *ann.FindWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String(`^\[api-cached\] .*\[ack: sitechecks:api-cached\]$`))), 1)
	for _, s := range clean {
		a := assertions.Annotations_FromStack(s)
		require.Empty(t, *a.FindError(jsii.String("*"), anySitecheck), "errors in %s", *s.StackName())
		require.Empty(t, *a.FindWarning(jsii.String("*"), anySitecheck), "warnings in %s", *s.StackName())
	}
}
