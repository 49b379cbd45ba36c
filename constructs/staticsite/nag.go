package staticsite

import (
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// nagSuppression is one cdk-nag rule deliberately not followed, with the
// reason a reviewer reads, added with cdk-nag's NagSuppressions on the one
// resource it concerns, so users running cdk-nag see only findings about
// their own resources.
type nagSuppression struct {
	ID     string
	Reason string
	On     string // for suppressNag: the resource type the rule is about
	// AppliesTo narrows the suppression to the findings this regular
	// expression matches (cdk-nag's appliesTo, for rules that report
	// findings one by one, such as IAM4 and IAM5); "" means all of them.
	AppliesTo string
}

// Reasons, also listed in docs/security-and-operations.md.
var (
	nagApiOpen = []nagSuppression{
		{ID: "AwsSolutions-APIG4", Reason: "Public site API behind CloudFront: the application authenticates its users itself; API Gateway requires the API key only CloudFront sends (direct-access)."},
		{ID: "AwsSolutions-COG4", Reason: "The site does not prescribe Cognito; the application owns user authentication."},
	}
	nagPreflight = []nagSuppression{
		{ID: "AwsSolutions-APIG4", Reason: "CORS preflight (OPTIONS) must be answered without credentials; browsers never send them on preflights (preflight-auth)."},
		{ID: "AwsSolutions-COG4", Reason: "CORS preflight (OPTIONS) must be answered without credentials (preflight-auth)."},
	}
	nagPublicPath = []nagSuppression{
		{ID: "AwsSolutions-APIG4", Reason: "Listed in Auth.PublicPaths: answers without a signed-in user by design; still only through CloudFront (direct-access)."},
		{ID: "AwsSolutions-COG4", Reason: "Listed in Auth.PublicPaths: answers without a signed-in user by design."},
	}
	nagLambdaAuthorizer = nagSuppression{ID: "AwsSolutions-COG4", Reason: "Authorized by the Lambda authorizer of Auth.Lambda instead of a Cognito user pool."}
	nagPoolMfa          = nagSuppression{ID: "AwsSolutions-COG2", Reason: "MFA is optional for this environment's users (Auth.Cognito.Mfa); each user can turn on a TOTP app. Set Mfa to awscognito.Mfa_REQUIRED to require it."}
	nagPoolThreats      = []nagSuppression{
		{ID: "AwsSolutions-COG3", Reason: "Threat protection (advanced security) needs the Cognito Plus feature plan, billed per monthly active user; the pool uses Essentials with a strong password policy and TOTP MFA."},
		{ID: "AwsSolutions-COG8", Reason: "The Plus feature plan is billed per monthly active user; the pool uses Essentials with a strong password policy and TOTP MFA. Take the pool (UserPool()) to Plus where threat protection is worth it."},
	}
	nagTopicKey        = nagSuppression{ID: "AwsSolutions-SNS2", Reason: "CloudWatch alarms cannot publish to a topic encrypted with the AWS managed SNS key, and a customer managed key costs more than alarm notifications are worth protecting: they name an alarm and a metric, nothing secret. The topic refuses requests without TLS (SNS3)."}
	nagProxyValidation = nagSuppression{ID: "AwsSolutions-APIG2", Reason: "Proxy API ({proxy+} to one backend): the backend owns and validates its request schema."}
	nagDefaultCert     = nagSuppression{ID: "AwsSolutions-CFR4", Reason: "No custom domain: the default *.cloudfront.net certificate is used, whose minimum protocol CloudFront fixes at TLSv1. Set DomainNames and Certificate for TLSv1.2_2021."}
	nagSecretRotation  = nagSuppression{ID: "AwsSolutions-SMG4", Reason: "Rotated by raising OriginSecretGeneration: a new secret, accepted by API Gateway next to the previous one, then sent by CloudFront, in one deploy (secret-rotation). Secrets Manager rotation would change the value without CloudFormation re-reading it into CloudFront and the API key."}
	nagGeo             = nagSuppression{ID: "AwsSolutions-CFR1", Reason: "A public site for every country; add a GeoRestriction to the distribution if yours is not."}
	nagNoWaf           = []nagSuppression{
		{ID: "AwsSolutions-CFR2", Reason: "AWS WAF is opt-in (WebAclArn, or WafPreset in us-east-1) because it has a monthly cost; the README says how to turn it on."},
		{ID: "AwsSolutions-APIG3", Reason: "The stage is reached only through CloudFront (direct-access); WAF, when on, sits on the distribution (WebAclArn or WafPreset)."},
	}
	nagNoAccessLogs = []nagSuppression{
		{ID: "AwsSolutions-CFR3", Reason: "AccessLogs is false for this throw-away environment: a log bucket cannot be deleted with the stack while logs keep arriving (destroy-blocked). API Gateway's access logs are in CloudWatch."},
		{ID: "AwsSolutions-S1", Reason: "AccessLogs is false for this throw-away environment: a log bucket cannot be deleted with the stack while logs keep arriving (destroy-blocked)."},
	}
	nagSupersedeObjects = nagSuppression{ID: "AwsSolutions-IAM5", Reason: "Tags and copies objects of earlier builds anywhere in the site bucket, whose keys are the build's (chunk-deleted); only object-level actions on that one bucket.", AppliesTo: `/^Resource::(<.+\.Arn>|arn:[^:]+:s3:::[^/]+)\/\*$/`}
	nagCloudWatchRole   = nagSuppression{ID: "AwsSolutions-IAM4", Reason: "API Gateway's account-level CloudWatch role uses AWS's own AmazonAPIGatewayPushToCloudWatchLogs, the documented policy for execution logging.", AppliesTo: `/^Policy::arn:<AWS::Partition>:iam::aws:policy\/service-role\/AmazonAPIGatewayPushToCloudWatchLogs$/`}
	nagCdkHandlers      = []nagSuppression{
		{ID: "AwsSolutions-IAM4", Reason: "Handler created by aws-cdk-lib (BucketDeployment / auto-delete objects) with the basic Lambda execution role.", On: "AWS::IAM::Role", AppliesTo: `/^Policy::arn:<AWS::Partition>:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole$/`},
		{ID: "AwsSolutions-IAM5", Reason: "Handler created by aws-cdk-lib: object-level wildcards on the site bucket and the CDK asset bucket are what an upload needs; aws-cdk-lib grants CloudFront invalidations on any distribution (Resource *).", On: "AWS::IAM::Policy",
			AppliesTo: `/^(Action::s3:[A-Za-z]+\*|Resource::(<[^>]+\.Arn>|arn:[^:]+:s3:::[^/]+)\/\*|Resource::\*)$/`},
		{ID: "AwsSolutions-L1", Reason: "Handler created by aws-cdk-lib; its runtime is chosen and updated by aws-cdk-lib.", On: "AWS::Lambda::Function"},
	}
)

// suppressNag adds each suppression to the CloudFormation resources of its
// type at or under c. cdk-nag keeps suppressions already there.
func suppressNag(c constructs.IConstruct, rules ...nagSuppression) {
	byType := map[string][]constructs.IConstruct{}
	for _, n := range *c.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		// L2 proxies lack CfnResource's methods, so this keeps only L1s.
		if res, ok := n.(awscdk.CfnResource); ok {
			typ := *res.CfnResourceType()
			byType[typ] = append(byType[typ], res)
		}
	}
	for _, r := range rules {
		if found := byType[r.On]; len(found) > 0 {
			cdknag.NagSuppressions_AddResourceSuppressions(found, packs([]nagSuppression{r}), jsii.Bool(false))
		}
	}
}

// suppressOwn adds suppressions to the L1 resource of one of our own
// constructs (c itself, or its default child).
func suppressOwn(c constructs.IConstruct, rules ...nagSuppression) {
	cdknag.NagSuppressions_AddResourceSuppressions(c, packs(rules), jsii.Bool(false))
}

// packs are rules in cdk-nag's form.
func packs(rules []nagSuppression) *[]*cdknag.NagPackSuppression {
	out := make([]*cdknag.NagPackSuppression, len(rules))
	for i, r := range rules {
		out[i] = &cdknag.NagPackSuppression{Id: jsii.String(r.ID), Reason: jsii.String(r.Reason)}
		if r.AppliesTo != "" {
			out[i].AppliesTo = &[]interface{}{&cdknag.RegexAppliesTo{Regex: jsii.String(r.AppliesTo)}}
		}
	}
	return &out
}

func ptr(s string) *string { return &s }

// suppressNagFindings records why the construct's own resources, and the
// handlers aws-cdk-lib adds for it, depart from the AwsSolutions rules.
func (s *StaticSiteWithApi) suppressNagFindings(r *resolved) {
	public := map[string]bool{}
	if s.auth != nil {
		for _, m := range s.auth.publicMethods {
			public[*m.Node().Path()] = true
		}
	}
	for _, m := range *s.api.Methods() {
		switch {
		case *m.HttpMethod() == "OPTIONS":
			suppressOwn(m, nagPreflight...)
		case s.auth == nil:
			suppressOwn(m, nagApiOpen...)
		case public[*m.Node().Path()]:
			suppressOwn(m, nagPublicPath...)
		case s.auth.authType == awsapigateway.AuthorizationType_CUSTOM:
			suppressOwn(m, nagLambdaAuthorizer)
		}
	}
	if s.auth != nil && s.auth.domain != nil {
		pool := s.auth.pool.(awscognito.UserPool)
		rules := slices.Clone(nagPoolThreats)
		if r.auth.Cognito.Mfa != awscognito.Mfa_REQUIRED {
			rules = append(rules, nagPoolMfa)
		}
		suppressOwn(pool, rules...)
	}
	suppressOwn(s.api, nagProxyValidation)
	distRules := []nagSuppression{nagGeo}
	if r.Certificate == nil {
		distRules = append(distRules, nagDefaultCert)
	}
	if r.WebAclArn == nil {
		distRules = append(distRules, nagNoWaf[0])
		suppressOwn(s.api.DeploymentStage(), nagNoWaf[1])
	}
	if !r.accessLogs {
		distRules = append(distRules, nagNoAccessLogs[0])
		if r.Bucket == nil {
			suppressOwn(s.bucket, nagNoAccessLogs[1])
		}
	}
	suppressOwn(s.distribution, distRules...)
	for _, gen := range liveGenerations(r.secretGeneration) {
		suppressOwn(s.Node().FindChild(ptr("OriginVerifySecret"+generationSuffix(gen))), nagSecretRotation)
	}
	// Singletons aws-cdk-lib adds at the stack's root for us; other
	// constructs may share them, so existing suppressions are kept.
	for _, c := range *awscdk.Stack_Of(s).Node().Children() {
		id := *c.Node().Id()
		if strings.HasPrefix(id, bucketDeploymentHandler) || strings.HasPrefix(id, "Custom::S3AutoDeleteObjects") {
			suppressNag(c, nagCdkHandlers...)
		}
	}
}
