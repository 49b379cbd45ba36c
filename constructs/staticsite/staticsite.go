package staticsite

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3deployment"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// StaticSiteWithApi is a single-page app in a private S3 bucket and its REST
// API on API Gateway, served from one CloudFront distribution: the default
// behavior serves the bucket, ApiPrefix + "/*" serves the API.
type StaticSiteWithApi struct {
	constructs.Construct

	bucket       awss3.IBucket
	logBucket    awss3.IBucket
	api          awsapigateway.RestApi
	distribution awscloudfront.Distribution
	spaFunction  awscloudfront.Function
	siteUrl      *string
	apiPrefix    string
	deployments  []awss3deployment.BucketDeployment
	originSecret awssecretsmanager.Secret
	apiKey       awsapigateway.IApiKey
	usagePlan    awsapigateway.UsagePlan
	account      awsapigateway.CfnAccount
	records      []awsroute53.CfnRecordSet
	execLogs     awslogs.ILogGroup
	execLogsName string
	auth         *siteAuth
	backendFn    awslambda.IFunction // the LambdaBackend's function, or nil
	// additionalMetrics and readTimeout are what AddMonitoring needs of
	// the props.
	additionalMetrics bool
	readTimeout       awscdk.Duration
}

// NewStaticSiteWithApi validates props and creates the site. Invalid props
// panic with an error naming every problem, before any resource is created.
func NewStaticSiteWithApi(scope constructs.Construct, id *string, props *StaticSiteWithApiProps) *StaticSiteWithApi {
	r, err := resolve(props, *awscdk.Stack_Of(scope).Region())
	if err != nil {
		panic(fmt.Errorf("StaticSiteWithApi %s: %w", *id, err))
	}
	s := &StaticSiteWithApi{apiPrefix: r.apiPrefix, backendFn: r.Backend.fn, readTimeout: r.readTimeout,
		additionalMetrics: r.CloudFrontAdditionalMetrics != nil && *r.CloudFrontAdditionalMetrics}
	constructs.NewConstruct_Override(s, scope, id)
	// S3 server access logs are granted with a bucket policy, not the
	// deprecated LogDeliveryWrite ACL, whatever the app's feature flags.
	s.Node().SetContext(jsii.String("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy"), true)

	s.logBucket = newLogBucket(s, r)
	s.bucket = newBucket(s, r, s.logBucket)
	adoptAutoDeleteLogs(s, r)
	if r.auth != nil {
		s.auth = newAuthorizer(s, r)
		if r.ContentSecurityPolicy == nil && s.auth.hostedUi != nil {
			// The SPA exchanges its sign-in code at the hosted UI's token
			// endpoint with fetch.
			r.csp = withConnectSource(r.csp, *s.auth.hostedUi)
		}
	}
	api, access := newApi(s, r, s.auth)
	s.api, s.originSecret, s.apiKey, s.usagePlan = api, access.secret, access.key, access.plan
	s.execLogsName = newExecutionLogs(s, r, api)
	if r.ApiGatewayCloudWatchRole == nil || *r.ApiGatewayCloudWatchRole {
		// A stage with execution logging cannot be created before the
		// account has its CloudWatch role.
		s.account = s.accountSetting()
		s.api.DeploymentStage().Node().AddDependency(s.account)
	}
	s.spaFunction = newSpaFunction(s)
	if r.WafPreset != nil {
		r.WebAclArn = newWebAcl(s, r)
		if unresolved(r.region) {
			// An environment-agnostic stack: the region is known at deploy.
			awscdk.NewCfnRule(s, jsii.String("WafPresetRegion"), &awscdk.CfnRuleProps{
				Assertions: &[]*awscdk.CfnRuleAssertion{{
					Assert:            awscdk.Fn_ConditionEquals(awscdk.Aws_REGION(), jsii.String("us-east-1")),
					AssertDescription: jsii.String(wafRegionRule),
				}},
			})
		}
	}
	s.distribution = newDistribution(s, r, s.bucket, s.logBucket, s.api, access.headers, s.spaFunction)
	// API Gateway must accept a new generation's key before CloudFront
	// starts sending it (pitfall secret-rotation).
	s.distribution.Node().AddDependency(access.plan)
	if r.Bucket != nil {
		s.explainImportedBucket()
	}
	if r.HostedZone != nil {
		s.records = newAliasRecords(s, r, s.distribution)
	}
	domain := s.distribution.DistributionDomainName()
	if names := derefAll(r.DomainNames); len(names) > 0 {
		domain = jsii.String(names[0])
	}
	s.siteUrl = jsii.String("https://" + *domain)
	if s.auth != nil {
		urls := []*string{jsii.String("https://" + *s.distribution.DistributionDomainName())}
		for _, d := range derefAll(r.DomainNames) {
			urls = append(urls, jsii.String("https://"+d))
		}
		s.auth.newAppClient(s, r, urls)
		if r.Frontend != nil {
			r.authConfig = s.auth.config(r, s.siteUrl)
		}
	}
	if r.Frontend != nil {
		s.deployments = newDeployments(s, r, s.bucket, s.distribution, s.siteUrl)
	}
	s.suppressNagFindings(r)
	return s
}

// ToString names the construct by its path. Defining it also makes
// StaticSiteWithApi a jsii subclass of Construct, so the value itself can be
// used as a scope or passed to Aspects_Of and Tags_Of.
func (s *StaticSiteWithApi) ToString() *string {
	return jsii.String("StaticSiteWithApi " + *s.Node().Path())
}

// Bucket is the site bucket: the one created or the one passed in props.
func (s *StaticSiteWithApi) Bucket() awss3.IBucket { return s.bucket }

// LogBucket holds the CloudFront and S3 access logs; nil when AccessLogs is
// false.
func (s *StaticSiteWithApi) LogBucket() awss3.IBucket { return s.logBucket }

// Api is the REST API behind ApiPrefix.
func (s *StaticSiteWithApi) Api() awsapigateway.RestApi { return s.api }

// Distribution is the CloudFront distribution that serves site and API.
func (s *StaticSiteWithApi) Distribution() awscloudfront.Distribution { return s.distribution }

// SpaFunction is the viewer-request CloudFront Function on the default
// behavior that rewrites client-side routes to /index.html.
func (s *StaticSiteWithApi) SpaFunction() awscloudfront.Function { return s.spaFunction }

// SiteUrl is https:// plus the first custom domain name, or the
// distribution's cloudfront.net domain when there is none.
func (s *StaticSiteWithApi) SiteUrl() *string { return s.siteUrl }

// ApiPrefix is the path prefix that CloudFront routes to the API, e.g. "/api".
func (s *StaticSiteWithApi) ApiPrefix() *string { return jsii.String(s.apiPrefix) }

// OriginSecret is the current generation of the origin-verify secret: the
// value CloudFront sends in the x-api-key header and API Gateway requires.
// Rotate it by raising OriginSecretGeneration, never by changing its value
// (its resource policy refuses that).
func (s *StaticSiteWithApi) OriginSecret() awssecretsmanager.ISecret { return s.originSecret }

// Deployments are the uploads of Frontend.SourceDir, the HTML one (which
// invalidates CloudFront) first; none when Frontend is not set.
func (s *StaticSiteWithApi) Deployments() []awss3deployment.BucketDeployment { return s.deployments }

// OriginApiKey is the API key of the current origin-secret generation:
// the usage plan's key whose value is OriginSecret.
func (s *StaticSiteWithApi) OriginApiKey() awsapigateway.IApiKey { return s.apiKey }

// UsagePlan is the plan that admits only requests carrying an origin API
// key, with the stage's throttling limits.
func (s *StaticSiteWithApi) UsagePlan() awsapigateway.UsagePlan { return s.usagePlan }

// ApiGatewayAccount is API Gateway's account-level CloudWatch role setting
// that the site's stack holds (one per stack, shared by its sites); nil
// when ApiGatewayCloudWatchRole is false.
func (s *StaticSiteWithApi) ApiGatewayAccount() awsapigateway.CfnAccount { return s.account }

// AliasRecords are the A and AAAA records made in HostedZone, two per
// domain name; none without HostedZone.
func (s *StaticSiteWithApi) AliasRecords() []awsroute53.CfnRecordSet { return s.records }

// WebAcl is the AWS::WAFv2::WebACL that WafPreset creates; nil without
// WafPreset. Its ARN is WebAcl().GetAtt("Arn").
func (s *StaticSiteWithApi) WebAcl() awscdk.CfnResource {
	acl, _ := s.Node().TryFindChild(jsii.String("WebAcl")).(awscdk.CfnResource)
	return acl
}

// SiteHeadersPolicy is the response headers policy of the default (S3)
// behavior: HSTS, ContentSecurityPolicy and the other security headers.
func (s *StaticSiteWithApi) SiteHeadersPolicy() awscloudfront.ResponseHeadersPolicy {
	return s.Node().FindChild(jsii.String("SiteHeaders")).(awscloudfront.ResponseHeadersPolicy)
}

// ApiHeadersPolicy is the response headers policy of the API behavior: the
// CORS answer for Cors and the security headers.
func (s *StaticSiteWithApi) ApiHeadersPolicy() awscloudfront.ResponseHeadersPolicy {
	return s.Node().FindChild(jsii.String("ApiHeaders")).(awscloudfront.ResponseHeadersPolicy)
}

// ApiAccessLogs is the CloudWatch log group of the API stage's access logs.
func (s *StaticSiteWithApi) ApiAccessLogs() awslogs.LogGroup {
	return s.Node().FindChild(jsii.String("ApiAccessLogs")).(awslogs.LogGroup)
}

// ApiExecutionLogs is the log group API Gateway writes the stage's
// execution logs to. API Gateway names it; the construct creates it (or
// adopts it) with a retention through a custom resource, so it is
// referenced by name. Make what uses it depend on the site.
func (s *StaticSiteWithApi) ApiExecutionLogs() awslogs.ILogGroup {
	if s.execLogs == nil {
		s.execLogs = awslogs.LogGroup_FromLogGroupName(s, jsii.String("ApiExecutionLogsGroup"), &s.execLogsName)
	}
	return s.execLogs
}

// UploadLogs is the log group of the Lambda function that uploads
// Frontend.SourceDir; nil without Frontend.
func (s *StaticSiteWithApi) UploadLogs() awslogs.LogGroup {
	logs, _ := s.Node().TryFindChild(jsii.String("UploadLogs")).(awslogs.LogGroup)
	return logs
}

// Authorizer is the API's authorizer; nil without Auth.
func (s *StaticSiteWithApi) Authorizer() awsapigateway.Authorizer {
	if s.auth == nil {
		return nil
	}
	return s.auth.authorizer
}

// UserPool is the Cognito user pool of Auth.Cognito, new or given; nil
// without it.
func (s *StaticSiteWithApi) UserPool() awscognito.IUserPool {
	if s.auth == nil {
		return nil
	}
	return s.auth.pool
}

// UserPoolClient is the site's app client: the one made for a new pool,
// or Auth.Cognito.UserPoolClient; nil otherwise.
func (s *StaticSiteWithApi) UserPoolClient() awscognito.IUserPoolClient {
	if s.auth == nil {
		return nil
	}
	return s.auth.client
}

// UserPoolDomain is the hosted UI domain made for a new pool; nil
// otherwise.
func (s *StaticSiteWithApi) UserPoolDomain() awscognito.UserPoolDomain {
	if s.auth == nil {
		return nil
	}
	return s.auth.domain
}

// HostedUiUrl is the hosted UI's base URL (a new pool's domain, or
// Auth.Cognito.HostedUiDomain); nil otherwise.
func (s *StaticSiteWithApi) HostedUiUrl() *string {
	if s.auth == nil {
		return nil
	}
	return s.auth.hostedUi
}

// OriginAccessStatement is the bucket-policy statement that lets this
// site's distribution, and nothing else, read the site bucket through
// Origin Access Control: s3:GetObject on every object, for CloudFront's
// service principal, on the condition that AWS:SourceArn is the
// distribution. The construct adds it to a bucket it creates or is given
// as an awss3.Bucket. An imported bucket's policy (awss3.Bucket_FromBucketName
// and the like) cannot be changed from here: add the statement where the
// bucket is managed, or CloudFront gets AccessDenied for every file. A
// bucket encrypted with a customer-managed KMS key also needs kms:Decrypt
// for the same principal and condition in the key's policy.
func (s *StaticSiteWithApi) OriginAccessStatement() awsiam.PolicyStatement {
	return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowCloudFrontServicePrincipalReadOnly"),
		Effect:     awsiam.Effect_ALLOW,
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudfront.amazonaws.com"), nil)},
		Actions:    jsii.Strings("s3:GetObject"),
		Resources:  jsii.Strings(*s.bucket.ArnForObjects(jsii.String("*"))),
		Conditions: &map[string]interface{}{
			"StringEquals": map[string]interface{}{"AWS:SourceArn": s.distribution.DistributionArn()},
		},
	})
}

// importedBucketWarning is the id of the warning for an imported Bucket.
const importedBucketWarning = "staticsite:imported-bucket-policy"

// explainImportedBucket replaces aws-cdk-lib's warning for an imported
// bucket, which points at another module's README, with one that says
// what to add where. A bucket construct of this app gets the statement
// from aws-cdk-lib and no warning.
func (s *StaticSiteWithApi) explainImportedBucket() {
	const cdkWarning = "@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac"
	if _, owned := s.bucket.(awss3.Bucket); owned {
		return
	}
	awscdk.Annotations_Of(s.distribution).AcknowledgeWarning(jsii.String(cdkWarning), jsii.String("replaced by "+importedBucketWarning))
	awscdk.Annotations_Of(s).AddWarningV2(jsii.String(importedBucketWarning), jsii.String(fmt.Sprintf(
		"[s3-origin] Bucket %s is imported, so its policy cannot be changed here and CloudFront cannot read it yet (every file would be AccessDenied). "+
			"Fix: where the bucket is managed, add the statement of site.OriginAccessStatement() to its policy: allow s3:GetObject on %s/* "+
			"to the service principal cloudfront.amazonaws.com with the condition StringEquals AWS:SourceArn = this distribution's ARN (site.Distribution().DistributionArn()).",
		*s.bucket.Node().Path(), "arn:aws:s3:::"+bucketNameOrToken(s.bucket))))
}

// bucketNameOrToken is the bucket's name, or "<bucket>" when it is known
// only at deploy.
func bucketNameOrToken(b awss3.IBucket) string {
	if name := *b.BucketName(); !unresolved(name) {
		return name
	}
	return "<bucket>"
}
