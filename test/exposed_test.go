package test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/constructs/staticsite"
)

// internalParts are the resources of the construct that no accessor
// returns, each with the reason: what they do is an action of the deploy,
// not something a user configures or refers to.
var internalParts = map[string]string{
	"ApiExecutionLogs":       "custom resource that creates API Gateway's execution log group; the group is ApiExecutionLogs()",
	"SupersedeEarlierBuilds": "custom resource that tags the previous build's files; the rule that deletes them is on Bucket()",
	"OriginVerifySecret":     "the previous origin-secret generation, kept until the next rotation; the current one is OriginSecret()",
	"Supersede":              "the function (with its role and log group) behind SupersedeEarlierBuilds",
	"SupersedeRole":          "the function's role",
	"SupersedeLogs":          "the function's log group, with LogRetention and RemovalPolicy",
}

// Users tag, extend, alarm on and refer to what the construct made: every
// resource it creates is, or is part of, something an accessor returns.
// A new resource without an accessor fails here.
func TestEveryResourceIsExposed(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("testdata", "dist"))
	require.NoError(t, err)
	app := newTestApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Full"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("us-east-1")},
	})
	site := staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
		Backend:     staticsite.LambdaBackend(inlineFunction(stack)),
		Frontend:    &staticsite.FrontendOptions{SourceDir: &dir},
		DomainNames: jsii.Strings("www.example.com"),
		Certificate: awscertificatemanager.Certificate_FromCertificateArn(stack, jsii.String("Cert"),
			jsii.String("arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555")),
		HostedZone: awsroute53.HostedZone_FromHostedZoneAttributes(stack, jsii.String("Zone"), &awsroute53.HostedZoneAttributes{
			HostedZoneId: jsii.String("Z0123456789ABCDEFGHIJ"), ZoneName: jsii.String("example.com"),
		}),
		WafPreset:              &staticsite.WafPresetOptions{},
		OriginSecretGeneration: jsii.Number(2),
		Auth:                   &staticsite.AuthOptions{Cognito: &staticsite.CognitoAuthOptions{}, PublicPaths: jsii.Strings("/api/health")},
	})

	exposed := map[string]constructs.IConstruct{
		"Bucket": site.Bucket(), "LogBucket": site.LogBucket(), "Api": site.Api(), "Distribution": site.Distribution(),
		"SpaFunction": site.SpaFunction(), "OriginSecret": site.OriginSecret(), "OriginApiKey": site.OriginApiKey(),
		"UsagePlan": site.UsagePlan(), "WebAcl": site.WebAcl(), "SiteHeadersPolicy": site.SiteHeadersPolicy(),
		"ApiHeadersPolicy": site.ApiHeadersPolicy(), "ApiAccessLogs": site.ApiAccessLogs(), "UploadLogs": site.UploadLogs(),
		"UserPool": site.UserPool(), "UserPoolClient": site.UserPoolClient(), "UserPoolDomain": site.UserPoolDomain(),
		"Authorizer": site.Authorizer(),
	}
	require.NotNil(t, site.HostedUiUrl())
	for i, d := range site.Deployments() {
		exposed["Deployments"+string(rune('0'+i))] = d
	}
	for i, r := range site.AliasRecords() {
		exposed["AliasRecords"+string(rune('0'+i))] = r
	}
	require.Len(t, site.AliasRecords(), 2, "A and AAAA for the one domain")
	require.NotEmpty(t, site.Deployments())
	var paths []string
	for name, c := range exposed {
		require.False(t, c == nil || c.Node() == nil, "%s() is nil with every feature on", name)
		paths = append(paths, *c.Node().Path()+"/")
	}
	// The account setting is the stack's, shared by its sites.
	require.NotNil(t, site.ApiGatewayAccount())
	require.Equal(t, "Full/StaticSiteApiGatewayAccount", *site.ApiGatewayAccount().Node().Path())
	require.Contains(t, jsonString(stack.Resolve(site.ApiExecutionLogs().LogGroupName())), "API-Gateway-Execution-Logs_")

	sitePath := *site.Node().Path() + "/"
	var unexposed []string
	for _, c := range *site.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		if !*awscdk.CfnResource_IsCfnResource(c) {
			continue
		}
		path := *c.Node().Path() + "/"
		if hasPrefixAny(path, paths...) {
			continue
		}
		top := strings.SplitN(strings.TrimPrefix(path, sitePath), "/", 2)[0]
		if _, ok := internalParts[strings.TrimRight(top, "0123456789")]; ok {
			continue
		}
		unexposed = append(unexposed, path)
	}
	require.Empty(t, unexposed, "resources no accessor returns: add one, or list them in internalParts with the reason")
}

// Features that are off leave their accessors nil, not a panic.
func TestAccessorsOfFeaturesThatAreOff(t *testing.T) {
	_, site := siteFixture(t, func(stack awscdk.Stack) *staticsite.StaticSiteWithApiProps {
		return &staticsite.StaticSiteWithApiProps{
			Backend: staticsite.LambdaBackend(inlineFunction(stack)), AccessLogs: jsii.Bool(false), ApiGatewayCloudWatchRole: jsii.Bool(false),
		}
	})
	require.Nil(t, site.WebAcl())
	require.Nil(t, site.UploadLogs())
	require.Nil(t, site.LogBucket())
	require.Nil(t, site.ApiGatewayAccount())
	require.Empty(t, site.AliasRecords())
	require.Empty(t, site.Deployments())
	require.Nil(t, site.Authorizer())
	require.Nil(t, site.UserPool())
	require.Nil(t, site.UserPoolClient())
	require.Nil(t, site.UserPoolDomain())
	require.Nil(t, site.HostedUiUrl())
}

// An imported bucket's policy cannot be changed by the construct: the user
// gets one warning that says what to add where, not aws-cdk-lib's pointer
// to another module's README, and OriginAccessStatement is exactly the
// statement aws-cdk-lib adds to a bucket the app owns.
func TestImportedBucketGetsTheStatementToAdd(t *testing.T) {
	app := newTestApp(nil)
	imported := awscdk.NewStack(app, jsii.String("Imported"), &awscdk.StackProps{Env: testEnv})
	site := staticsite.NewStaticSiteWithApi(imported, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
		Backend: staticsite.LambdaBackend(inlineFunction(imported)),
		Bucket:  awss3.Bucket_FromBucketName(imported, jsii.String("Existing"), jsii.String("my-site-bucket")),
	})
	addProbe(imported, site.OriginAccessStatement())
	owned := awscdk.NewStack(app, jsii.String("Owned"), &awscdk.StackProps{Env: testEnv})
	ownedSite := staticsite.NewStaticSiteWithApi(owned, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
		Backend: staticsite.LambdaBackend(inlineFunction(owned)),
	})
	addProbe(owned, ownedSite.OriginAccessStatement())

	ann := assertions.Annotations_FromStack(imported)
	var warnings []string
	for _, m := range *ann.FindWarning(jsii.String("*"), assertions.Match_AnyValue()) {
		warnings = append(warnings, jsonString(m.Entry.Data))
	}
	joined := strings.Join(warnings, "\n")
	require.NotContains(t, joined, "module's README", "aws-cdk-lib's warning is replaced")
	require.Contains(t, joined, "[s3-origin] Bucket Imported/Existing is imported")
	require.Contains(t, joined, "site.OriginAccessStatement()")
	require.Contains(t, joined, "arn:aws:s3:::my-site-bucket/*")
	require.Contains(t, joined, "staticsite:imported-bucket-policy", "the warning can be acknowledged")

	tmpl := toMap(t, assertions.Template_FromStack(imported, nil))
	mine := probeStatement(t, tmpl)
	require.Contains(t, mine, `":s3:::my-site-bucket/*"`)
	require.Contains(t, mine, `"AWS:SourceArn":{"Fn::Join"`)
	for _, p := range resourcesOf(tmpl, "AWS::S3::BucketPolicy") {
		if p["Bucket"] != "probe" {
			require.NotContains(t, jsonString(p), "my-site-bucket", "nothing is added to a bucket the stack does not own")
		}
	}

	// The same helper on an owned bucket gives the statement aws-cdk-lib
	// granted, Sid aside, except that it names the distribution's account
	// where aws-cdk-lib writes AWS::AccountId: the statement is meant for a
	// bucket managed elsewhere, possibly in another account.
	tmpl = toMap(t, assertions.Template_FromStack(owned, nil))
	want := probeStatement(t, tmpl)
	var granted []string
	for _, p := range resourcesOf(tmpl, "AWS::S3::BucketPolicy") {
		for _, st := range asSlice(p["PolicyDocument"].(obj)["Statement"]) {
			delete(st.(obj), "Sid")
			if p["Bucket"] != "probe" {
				granted = append(granted, strings.Replace(jsonString(st),
					`":cloudfront::",{"Ref":"AWS::AccountId"},":distribution/"`, `":cloudfront::123456789012:distribution/"`, 1))
			}
		}
	}
	require.Contains(t, granted, want)
}

// addProbe puts a policy statement into a bucket policy of its own, so
// that the template shows it as CloudFormation receives it.
func addProbe(stack awscdk.Stack, st awsiam.PolicyStatement) {
	awss3.NewCfnBucketPolicy(stack, jsii.String("Probe"), &awss3.CfnBucketPolicyProps{
		Bucket:         jsii.String("probe"),
		PolicyDocument: awsiam.NewPolicyDocument(&awsiam.PolicyDocumentProps{Statements: &[]awsiam.PolicyStatement{st}}),
	})
}

// probeStatement is the statement addProbe added, without its Sid.
func probeStatement(t *testing.T, tmpl obj) string {
	t.Helper()
	for _, p := range resourcesOf(tmpl, "AWS::S3::BucketPolicy") {
		if p["Bucket"] == "probe" {
			m := asSlice(p["PolicyDocument"].(obj)["Statement"])[0].(obj)
			delete(m, "Sid")
			return jsonString(m)
		}
	}
	t.Fatal("no probe policy")
	return ""
}

// RemovalPolicy covers the site bucket and every log group: DESTROY takes
// them with the stack and empties the bucket first; the default keeps
// them. The log bucket and the secrets are outside it, as documented.
func TestRemovalPolicyCoversStatefulResources(t *testing.T) {
	for _, row := range []struct {
		policy      awscdk.RemovalPolicy
		deletion    string
		autoDelete  bool
		removeOwned string
	}{
		{awscdk.RemovalPolicy_RETAIN, "Retain", false, "false"},
		{awscdk.RemovalPolicy_DESTROY, "Delete", true, "true"},
	} {
		t.Run(string(row.policy), func(t *testing.T) {
			var tmpl obj
			if row.policy == awscdk.RemovalPolicy_DESTROY {
				tmpl = destroyableSite(t).template
			} else {
				tmpl = frontendSite(t).template
			}
			require.Equal(t, row.deletion, resourceEntry(tmpl, siteBucketID(tmpl))["DeletionPolicy"])
			require.Equal(t, row.autoDelete, len(resourcesOf(tmpl, "Custom::S3AutoDeleteObjects")) == 1, "the bucket is emptied before it is deleted")
			groups := resourcesOf(tmpl, "AWS::Logs::LogGroup")
			require.NotEmpty(t, groups)
			for id := range groups {
				require.Equal(t, row.deletion, resourceEntry(tmpl, id)["DeletionPolicy"], "log group %s", id)
			}
			for id, owned := range resourcesOf(tmpl, "Custom::StaticSiteLogGroup") {
				if strings.HasPrefix(id, "Site") {
					require.Equal(t, row.removeOwned, owned["RemoveOnDelete"], "owned log group %s", id)
				}
			}
			for id := range resourcesOf(tmpl, "AWS::SecretsManager::Secret") {
				require.Equal(t, "Delete", resourceEntry(tmpl, id)["DeletionPolicy"], "secrets always go with the stack")
			}
		})
	}
}

// A duration known only at deploy time is passed through, not rejected.
func TestTokenDurationsAreAccepted(t *testing.T) {
	tmpl, _ := siteFixture(t, func(stack awscdk.Stack) *staticsite.StaticSiteWithApiProps {
		days := awscdk.NewCfnParameter(stack, jsii.String("LogDays"), &awscdk.CfnParameterProps{Type: jsii.String("Number")})
		return &staticsite.StaticSiteWithApiProps{
			Backend:       staticsite.LambdaBackend(inlineFunction(stack)),
			LogExpiration: awscdk.Duration_Days(days.ValueAsNumber()),
		}
	})
	var found bool
	for _, b := range resourcesOf(tmpl, "AWS::S3::Bucket") {
		found = found || strings.Contains(jsonString(b["LifecycleConfiguration"]), `"ExpirationInDays":{"Ref":"LogDays"}`)
	}
	require.True(t, found, "the log bucket's expiry is the parameter")
}
