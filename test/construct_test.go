package test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/constructs/staticsite"
)

func TestBucketIsPrivateEncryptedAndTlsOnly(t *testing.T) {
	tmpl := lambdaSite(t).template
	bucket := resourceEntry(tmpl, siteBucketID(tmpl))
	require.NotNil(t, bucket)
	props := bucket["Properties"].(obj)
	require.Equal(t, "Retain", bucket["DeletionPolicy"], "data is kept unless the caller asks otherwise")
	require.Equal(t, `{"BlockPublicAcls":true,"BlockPublicPolicy":true,"IgnorePublicAcls":true,"RestrictPublicBuckets":true}`,
		jsonString(props["PublicAccessBlockConfiguration"]))
	require.Contains(t, jsonString(props["BucketEncryption"]), `"SSEAlgorithm":"AES256"`)
	require.Contains(t, jsonString(props["OwnershipControls"]), "BucketOwnerEnforced")
	require.Nil(t, props["WebsiteConfiguration"])

	var policy obj
	for _, p := range resourcesOf(tmpl, "AWS::S3::BucketPolicy") {
		if refTarget(p["Bucket"]) == siteBucketID(tmpl) {
			policy = p
		}
	}
	require.NotNil(t, policy, "the site bucket has a policy")
	statements := jsonString(policy["PolicyDocument"])
	require.Contains(t, statements, `"Condition":{"Bool":{"aws:SecureTransport":"false"}},"Effect":"Deny"`)
	require.Contains(t, statements, `"Principal":{"Service":"cloudfront.amazonaws.com"}`, "OAC grants CloudFront read")
	require.Contains(t, statements, `"AWS:SourceArn"`, "the grant is scoped to our distribution")
}

func TestExistingBucketIsUsed(t *testing.T) {
	var mine awss3.Bucket
	tmpl, site := siteFixture(t, func(stack awscdk.Stack) *staticsite.StaticSiteWithApiProps {
		mine = awss3.NewBucket(stack, jsii.String("Mine"), nil)
		return &staticsite.StaticSiteWithApiProps{Backend: staticsite.LambdaBackend(inlineFunction(stack)), Bucket: mine}
	})
	require.Len(t, resourcesOf(tmpl, "AWS::S3::Bucket"), 2, "the caller's bucket and the log bucket, no second site bucket")
	require.Equal(t, *mine.Node().Path(), *site.Bucket().Node().Path())
	require.True(t, strings.HasPrefix(siteBucketID(tmpl), "Mine"), "CloudFront serves the caller's bucket")
	var granted bool
	for _, p := range resourcesOf(tmpl, "AWS::S3::BucketPolicy") {
		granted = granted || (refTarget(p["Bucket"]) == siteBucketID(tmpl) && strings.Contains(jsonString(p), "cloudfront.amazonaws.com"))
	}
	require.True(t, granted, "OAC read grant added to the caller's bucket")
}

func TestCustomDomain(t *testing.T) {
	tmpl, site := siteFixture(t, func(stack awscdk.Stack) *staticsite.StaticSiteWithApiProps {
		return &staticsite.StaticSiteWithApiProps{
			Backend:     staticsite.HttpBackend("https://backend.example.com"),
			DomainNames: jsii.Strings("www.example.com", "example.com"),
			Certificate: awscertificatemanager.Certificate_FromCertificateArn(stack, jsii.String("Cert"),
				jsii.String("arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555")),
		}
	})
	require.Equal(t, "https://www.example.com", *site.SiteUrl())
	dc, err := distributionConfig(tmpl)
	require.NoError(t, err)
	require.Equal(t, []any{"www.example.com", "example.com"}, dc["Aliases"])
	require.Contains(t, jsonString(dc["ViewerCertificate"]), "certificate/11111111-2222-3333-4444-555555555555")
	require.Contains(t, jsonString(dc["ViewerCertificate"]), `"MinimumProtocolVersion":"TLSv1.2_2021"`)
	for id := range resourcesOf(tmpl, "AWS::CloudFront::Distribution") {
		require.NotContains(t, jsonString(resourceEntry(tmpl, id)["Metadata"]), "AwsSolutions-CFR4",
			"with a custom domain the TLS rule is met, not suppressed")
	}

	// With no explicit Cors, the site's own domains are the allowed origins.
	f := &fixture{prefix: "/api", origins: []string{"https://www.example.com", "https://example.com"}, http: true, template: tmpl}
	require.NoError(t, pitfallChecks["cors-errors"](f, tmpl))
}

func TestPropsAreNotModified(t *testing.T) {
	var props *staticsite.StaticSiteWithApiProps
	siteFixture(t, func(stack awscdk.Stack) *staticsite.StaticSiteWithApiProps {
		props = &staticsite.StaticSiteWithApiProps{
			Backend:     staticsite.LambdaBackend(inlineFunction(stack)),
			BucketProps: &awss3.BucketProps{Versioned: jsii.Bool(true)},
		}
		return props
	})
	require.Nil(t, props.ApiPrefix)
	require.Nil(t, props.StageName)
	require.Nil(t, props.Cors)
	require.Equal(t, awscdk.RemovalPolicy(""), props.BucketProps.RemovalPolicy)
	require.Nil(t, props.BucketProps.EnforceSSL)
}

// TestSiteIsAConstruct checks the value returned by the constructor can be
// used wherever CDK takes a construct: as a scope, with Tags_Of, with
// Aspects_Of.
func TestSiteIsAConstruct(t *testing.T) {
	app := newTestApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Scope"), &awscdk.StackProps{Env: testEnv})
	site := staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
		Backend: staticsite.HttpBackend("https://backend.example.com"),
	})
	awscdk.Tags_Of(site).Add(jsii.String("team"), jsii.String("web"), nil)
	awscdk.NewCfnOutput(site, jsii.String("Url"), &awscdk.CfnOutputProps{Value: site.SiteUrl()})
	require.Equal(t, "Scope/Site", *site.Node().Path())
	require.True(t, strings.HasPrefix(*site.ToString(), "StaticSiteWithApi Scope/Site"))
	require.Equal(t, "/api", *site.ApiPrefix())
	require.NotNil(t, site.Api())
	require.NotNil(t, site.SpaFunction())

	tmpl := assertions.Template_FromStack(stack, nil)
	tmpl.HasResourceProperties(jsii.String("AWS::CloudFront::Distribution"), map[string]any{
		"Tags": assertions.Match_ArrayWith(&[]any{map[string]any{"Key": "team", "Value": "web"}}),
	})
	tmpl.HasOutput(jsii.String("*"), map[string]any{"Value": assertions.Match_AnyValue()})
}
