package sitechecks_test

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfrontorigins"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/one-origin/staticsitewithapi/constructs/sitechecks"
)

// newSite is the setup of the project's field note, written with plain
// aws-cdk-lib constructs and CDK's defaults for the API behavior.
func newSite(stack awscdk.Stack) awscloudfront.Distribution {
	api := awsapigateway.NewRestApi(stack, jsii.String("Api"), &awsapigateway.RestApiProps{
		EndpointConfiguration: &awsapigateway.EndpointConfiguration{Types: &[]awsapigateway.EndpointType{awsapigateway.EndpointType_REGIONAL}},
	})
	api.Root().AddProxy(&awsapigateway.ProxyResourceOptions{DefaultIntegration: awsapigateway.NewMockIntegration(nil)})
	bucket := awss3.NewBucket(stack, jsii.String("Site"), nil)
	return awscloudfront.NewDistribution(stack, jsii.String("Distribution"), &awscloudfront.DistributionProps{
		DefaultBehavior: &awscloudfront.BehaviorOptions{Origin: awscloudfrontorigins.S3BucketOrigin_WithOriginAccessControl(bucket, nil)},
		AdditionalBehaviors: &map[string]*awscloudfront.BehaviorOptions{"/api/*": {
			Origin:              awscloudfrontorigins.NewRestApiOrigin(api, nil),
			CachePolicy:         awscloudfront.CachePolicy_CACHING_OPTIMIZED(),
			OriginRequestPolicy: awscloudfront.OriginRequestPolicy_ALL_VIEWER_EXCEPT_HOST_HEADER(),
		}},
		ErrorResponses: &[]*awscloudfront.ErrorResponse{
			{HttpStatus: jsii.Number(403), ResponseHttpStatus: jsii.Number(200), ResponsePagePath: jsii.String("/index.html")},
		},
	})
}

// The checks run when the app is synthesized (`cdk synth`): each finding
// is an error or warning on the construct it is about, such as
//
//	[Error at /Shop/Distribution] [edge-methods] Shop/Distribution: behavior "/api/*" sends the API to ... Fix: ...
//
// For this setup they report edge-methods and error-masked (errors) and
// api-cached (a warning) on Shop/Distribution.
func ExampleNew() {
	app := awscdk.NewApp(nil)
	awscdk.Aspects_Of(app).Add(sitechecks.New(nil), nil)
	stack := awscdk.NewStack(app, jsii.String("Shop"), nil)
	newSite(stack)
	app.Synth(nil)
}

// AddTo checks chosen stacks with one visit each, instead of an aspect
// on the whole app.
func ExampleChecks_AddTo() {
	app := awscdk.NewApp(nil)
	shop := awscdk.NewStack(app, jsii.String("Shop"), nil)
	newSite(shop)
	sitechecks.New(nil).AddTo(shop)
	app.Synth(nil)
}

// A suppression needs the reason a reviewer reads; it is recorded in the
// cloud assembly. Here the API serves a public price list, so caching is
// wanted: api-cached is not reported, the two errors still are.
func ExampleSuppress() {
	app := awscdk.NewApp(nil)
	awscdk.Aspects_Of(app).Add(sitechecks.New(nil), nil)
	stack := awscdk.NewStack(app, jsii.String("Catalog"), nil)
	dist := newSite(stack)
	sitechecks.Suppress(dist, sitechecks.ApiCached, "the API serves a public price list that may be cached for a day")
	app.Synth(nil)
}

// CheckTemplate reads a template from any tool, here the field note's
// console setup written by hand: an API behavior with CDK's and the
// console's defaults (GET and HEAD only, CachingOptimized) in front of a
// REST API. Besides what fails on the first call, it reports what the
// setup leaves open: an API anyone may call past CloudFront, errors cached
// at the edge, answers that nothing compresses.
func ExampleCheckTemplate() {
	template := []byte(`{"Resources": {
	  "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "shop", "EndpointConfiguration": {"Types": ["REGIONAL"]}}},
	  "Proxy": {"Type": "AWS::ApiGateway::Resource", "Properties": {"RestApiId": {"Ref": "Api"}, "ParentId": {"Fn::GetAtt": ["Api", "RootResourceId"]}, "PathPart": "{proxy+}"}},
	  "ProxyAny": {"Type": "AWS::ApiGateway::Method", "Properties": {"RestApiId": {"Ref": "Api"}, "ResourceId": {"Ref": "Proxy"}, "HttpMethod": "ANY", "AuthorizationType": "NONE", "Integration": {"Type": "HTTP_PROXY", "Uri": "https://orders.example.com/{proxy}"}}},
	  "ProxyOptions": {"Type": "AWS::ApiGateway::Method", "Properties": {"RestApiId": {"Ref": "Api"}, "ResourceId": {"Ref": "Proxy"}, "HttpMethod": "OPTIONS", "AuthorizationType": "NONE", "Integration": {"Type": "MOCK"}}},
	  "Stage": {"Type": "AWS::ApiGateway::Stage", "Properties": {"RestApiId": {"Ref": "Api"}, "StageName": "prod"}},
	  "Site": {"Type": "AWS::CloudFront::Distribution", "Properties": {"DistributionConfig": {
	    "Enabled": true,
	    "Origins": [
	      {"Id": "s3", "DomainName": "shop-site.s3.us-east-1.amazonaws.com", "S3OriginConfig": {}, "OriginAccessControlId": "E1OAC"},
	      {"Id": "api", "DomainName": {"Fn::Sub": "${Api}.execute-api.${AWS::Region}.amazonaws.com"}, "OriginPath": "/prod", "CustomOriginConfig": {"OriginProtocolPolicy": "https-only"}}
	    ],
	    "DefaultCacheBehavior": {"TargetOriginId": "s3", "ViewerProtocolPolicy": "redirect-to-https", "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
	      "FunctionAssociations": [{"EventType": "viewer-request", "FunctionARN": "arn:aws:cloudfront::123456789012:function/spa"}]},
	    "CacheBehaviors": [{"PathPattern": "/api/*", "TargetOriginId": "api", "ViewerProtocolPolicy": "https-only",
	      "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6", "OriginRequestPolicyId": "b689b0a8-53d0-40ab-baf2-68738e2966ac"}]
	  }}}
	}}`)
	findings, err := sitechecks.CheckTemplate(template, nil)
	if err != nil {
		panic(err)
	}
	for _, f := range findings {
		fmt.Printf("%-7s %s on %s\n", f.Level, f.Rule, f.LogicalId)
	}
	// Output:
	// warning api-uncompressed on Api
	// warning direct-access on Api
	// warning api-cached on Site
	// error   edge-methods on Site
	// warning errors-cached on Site
}

func ExampleRules() {
	for _, r := range sitechecks.Rules() {
		fmt.Printf("%-19s %s\n", r.ID, r.Level)
	}
	// Output:
	// edge-methods        error
	// s3-origin           error
	// api-route           error
	// host-header         error
	// preflight-auth      error
	// error-masked        error
	// config-pruned       error
	// secret-rotation     error
	// api-cached          warning
	// headers-dropped     warning
	// edge-optimized      warning
	// origin-timeout      warning
	// cors-duplicate      warning
	// spa-deeplink        warning
	// direct-access       warning
	// cors-errors         warning
	// stale-frontend      warning
	// errors-cached       warning
	// chunk-deleted       warning
	// secret-exposed      warning
	// api-uncompressed    warning
	// destroy-blocked     warning
	// account-singleton   warning
	// wellknown-rewritten warning
}
