package staticsite

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
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
}

// NewStaticSiteWithApi validates props and creates the site. Invalid props
// panic with an error naming every problem, before any resource is created.
func NewStaticSiteWithApi(scope constructs.Construct, id *string, props *StaticSiteWithApiProps) *StaticSiteWithApi {
	r, err := resolve(props, *awscdk.Stack_Of(scope).Region())
	if err != nil {
		panic(fmt.Errorf("StaticSiteWithApi %s: %w", *id, err))
	}
	s := &StaticSiteWithApi{apiPrefix: r.apiPrefix}
	constructs.NewConstruct_Override(s, scope, id)
	// S3 server access logs are granted with a bucket policy, not the
	// deprecated LogDeliveryWrite ACL, whatever the app's feature flags.
	s.Node().SetContext(jsii.String("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy"), true)

	s.logBucket = newLogBucket(s, r)
	s.bucket = newBucket(s, r, s.logBucket)
	adoptAutoDeleteLogs(s, r)
	api, originHeaders, secret, plan := newApi(s, r)
	s.api, s.originSecret = api, secret
	newExecutionLogs(s, r, api)
	if r.ApiGatewayCloudWatchRole == nil || *r.ApiGatewayCloudWatchRole {
		// A stage with execution logging cannot be created before the
		// account has its CloudWatch role.
		s.api.DeploymentStage().Node().AddDependency(s.accountSetting())
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
	s.distribution = newDistribution(s, r, s.bucket, s.logBucket, s.api, originHeaders, s.spaFunction)
	// API Gateway must accept a new generation's key before CloudFront
	// starts sending it (pitfall secret-rotation).
	s.distribution.Node().AddDependency(plan)
	if r.HostedZone != nil {
		newAliasRecords(s, r, s.distribution)
	}
	domain := s.distribution.DistributionDomainName()
	if names := derefAll(r.DomainNames); len(names) > 0 {
		domain = jsii.String(names[0])
	}
	s.siteUrl = jsii.String("https://" + *domain)
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
