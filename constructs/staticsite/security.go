package staticsite

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// OriginVerifyHeader is the header CloudFront adds to every request it
// sends to the API. Its value is the API key that every API method except
// OPTIONS requires, so the execute-api URL answers 403 to anyone calling it
// without CloudFront (pitfall direct-access). CloudFront replaces a viewer's
// own header of that name.
const OriginVerifyHeader = "x-api-key"

// hsts is two years, subdomains included.
func hsts() *awscloudfront.ResponseHeadersStrictTransportSecurity {
	return &awscloudfront.ResponseHeadersStrictTransportSecurity{
		AccessControlMaxAge: awscdk.Duration_Days(jsii.Number(730)),
		IncludeSubdomains:   jsii.Bool(true),
		Override:            jsii.Bool(true),
	}
}

// newSiteHeadersPolicy sends the security headers with every page and asset.
func newSiteHeadersPolicy(scope constructs.Construct, r *resolved) awscloudfront.ResponseHeadersPolicy {
	return awscloudfront.NewResponseHeadersPolicy(scope, jsii.String("SiteHeaders"), &awscloudfront.ResponseHeadersPolicyProps{
		Comment: jsii.String("Security headers for the site"),
		SecurityHeadersBehavior: &awscloudfront.ResponseSecurityHeadersBehavior{
			StrictTransportSecurity: hsts(),
			ContentTypeOptions:      &awscloudfront.ResponseHeadersContentTypeOptions{Override: jsii.Bool(true)},
			FrameOptions: &awscloudfront.ResponseHeadersFrameOptions{
				FrameOption: awscloudfront.HeadersFrameOption_DENY, Override: jsii.Bool(true),
			},
			ReferrerPolicy: &awscloudfront.ResponseHeadersReferrerPolicy{
				ReferrerPolicy: awscloudfront.HeadersReferrerPolicy_STRICT_ORIGIN_WHEN_CROSS_ORIGIN, Override: jsii.Bool(true),
			},
			ContentSecurityPolicy: &awscloudfront.ResponseHeadersContentSecurityPolicy{
				ContentSecurityPolicy: jsii.String(r.csp), Override: jsii.Bool(true),
			},
		},
	})
}

// originVerification creates the secret, the API key that holds its value,
// and a usage plan that binds the key to the stage with the stage's
// throttling. It returns the header CloudFront must send. The value never
// appears in the template: both sides use a Secrets Manager dynamic
// reference that CloudFormation resolves at deploy time.
func originVerification(scope constructs.Construct, r *resolved, api awsapigateway.RestApi) map[string]*string {
	secret := awssecretsmanager.NewSecret(scope, jsii.String("OriginVerifySecret"), &awssecretsmanager.SecretProps{
		Description: jsii.String("API key CloudFront sends to API Gateway; requests without it are refused"),
		GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
			ExcludePunctuation: jsii.Bool(true),
			PasswordLength:     jsii.Number(48),
		},
		RemovalPolicy: r.removal,
	})
	value := secret.SecretValue().UnsafeUnwrap()
	key := api.AddApiKey(jsii.String("OriginVerifyKey"), &awsapigateway.ApiKeyOptions{
		Value:       value,
		Description: jsii.String("Sent by CloudFront only (" + OriginVerifyHeader + " origin header)"),
	})
	plan := api.AddUsagePlan(jsii.String("CloudFrontOnly"), &awsapigateway.UsagePlanProps{
		Description: jsii.String("Requests that came through CloudFront"),
		ApiStages:   &[]*awsapigateway.UsagePlanPerApiStage{{Api: api, Stage: api.DeploymentStage()}},
		Throttle: &awsapigateway.ThrottleSettings{
			RateLimit:  jsii.Number(r.rate),
			BurstLimit: jsii.Number(r.burst),
		},
	})
	plan.AddApiKey(key, nil)
	return map[string]*string{OriginVerifyHeader: value}
}
