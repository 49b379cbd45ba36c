package staticsite

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
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

// originVerification creates the origin-verify secret of the current
// generation and, after a rotation, keeps the previous one: one secret, one
// API key holding its value, and the key's place in a usage plan that binds
// it to the stage with the stage's throttling. It returns the header
// CloudFront must send (the current generation's value), the current
// secret, and the usage plan, which CloudFront's distribution must wait
// for.
//
// The value never appears in the template: both users read it through a
// Secrets Manager dynamic reference, which CloudFormation resolves only
// when the resource holding it changes. That is safe only while a secret's
// value never changes (pitfall secret-rotation): a rotation therefore makes
// a new secret, which changes both references in one deploy, and each
// secret refuses any change of its value.
func originVerification(scope constructs.Construct, r *resolved, api awsapigateway.RestApi) originAccess {
	plan := api.AddUsagePlan(jsii.String("CloudFrontOnly"), &awsapigateway.UsagePlanProps{
		Description: jsii.String("Requests that came through CloudFront"),
		ApiStages:   &[]*awsapigateway.UsagePlanPerApiStage{{Api: api, Stage: api.DeploymentStage()}},
		Throttle: &awsapigateway.ThrottleSettings{
			RateLimit:  jsii.Number(r.rate),
			BurstLimit: jsii.Number(r.burst),
		},
	})
	access := originAccess{plan: plan}
	var value *string
	for _, gen := range liveGenerations(r.secretGeneration) {
		access.secret = newOriginSecret(scope, gen)
		value = access.secret.SecretValue().UnsafeUnwrap()
		access.key = api.AddApiKey(jsii.String("OriginVerifyKey"+generationSuffix(gen)), &awsapigateway.ApiKeyOptions{
			Value:       value,
			Description: jsii.String(fmt.Sprintf("Sent by CloudFront only (%s origin header), generation %d", OriginVerifyHeader, gen)),
		})
		plan.AddApiKey(access.key, nil)
	}
	access.headers = map[string]*string{OriginVerifyHeader: value}
	return access
}

// originAccess is what lets CloudFront, and only CloudFront, call the API.
type originAccess struct {
	headers map[string]*string // the origin custom headers CloudFront sends
	secret  awssecretsmanager.Secret
	key     awsapigateway.IApiKey // the current generation's
	plan    awsapigateway.UsagePlan
}

// liveGenerations are the generations whose keys API Gateway accepts: the
// current one, which CloudFront sends, and the one before it, which
// CloudFront may still send while a rotation propagates to its edges.
func liveGenerations(current int) []int {
	if current == 1 {
		return []int{1}
	}
	return []int{current - 1, current}
}

// generationSuffix keeps generation 1 under the construct IDs the secret and
// its key have always had, so upgrading does not replace them.
func generationSuffix(gen int) string {
	if gen == 1 {
		return ""
	}
	return fmt.Sprint(gen)
}

// valueChanges are the Secrets Manager actions that change which value a
// secret resolves to without CloudFormation noticing.
var valueChanges = []string{
	"secretsmanager:PutSecretValue",
	"secretsmanager:RotateSecret",
	"secretsmanager:UpdateSecretVersionStage",
}

// newOriginSecret is one generation's secret. Its value is generated once,
// and its resource policy refuses the actions that would change it in
// place: `put-secret-value` fails loudly instead of breaking the API weeks
// later. It goes with the stack, whatever the removal policy: it only lets
// CloudFront into this stack's API, and a rotated-out generation must go
// with its API key.
func newOriginSecret(scope constructs.Construct, gen int) awssecretsmanager.Secret {
	secret := awssecretsmanager.NewSecret(scope, jsii.String("OriginVerifySecret"+generationSuffix(gen)), &awssecretsmanager.SecretProps{
		Description: jsii.String(fmt.Sprintf("API key CloudFront sends to API Gateway, generation %d; rotate by raising OriginSecretGeneration, never by changing this value", gen)),
		GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
			ExcludePunctuation: jsii.Bool(true),
			PasswordLength:     jsii.Number(48),
		},
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	secret.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("ValueIsFixedRotateByGeneration"),
		Effect:     awsiam.Effect_DENY,
		Principals: &[]awsiam.IPrincipal{awsiam.NewAnyPrincipal()},
		Actions:    jsii.Strings(valueChanges...),
		Resources:  jsii.Strings("*"),
	}))
	return secret
}
