package staticsite

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
)

// nagSuppression is one cdk-nag rule deliberately not followed, with the
// reason a reviewer reads. The construct writes them as the "cdk_nag"
// metadata that cdk-nag reads, on the one resource each concerns, so users
// running cdk-nag see only findings about their own resources, and the
// construct itself does not depend on cdk-nag.
type nagSuppression struct {
	ID     string
	Reason string
	On     string // for suppressNag: the resource type the rule is about
	// AppliesTo narrows the suppression to these findings (cdk-nag's
	// applies_to: strings, or {"regex": "/.../"}); nil means all of them.
	AppliesTo []any
}

// Reasons, also listed in the README.
var (
	nagApiOpen = []nagSuppression{
		{ID: "AwsSolutions-APIG4", Reason: "Public site API behind CloudFront: the application authenticates its users itself; API Gateway requires the API key only CloudFront sends (direct-access)."},
		{ID: "AwsSolutions-COG4", Reason: "The site does not prescribe Cognito; the application owns user authentication."},
	}
	nagPreflight = []nagSuppression{
		{ID: "AwsSolutions-APIG4", Reason: "CORS preflight (OPTIONS) must be answered without credentials; browsers never send them on preflights (preflight-auth)."},
		{ID: "AwsSolutions-COG4", Reason: "CORS preflight (OPTIONS) must be answered without credentials (preflight-auth)."},
	}
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
	nagSupersedeObjects = nagSuppression{ID: "AwsSolutions-IAM5", Reason: "Tags and copies objects of earlier builds anywhere in the site bucket, whose keys are the build's (chunk-deleted); only object-level actions on that one bucket.", AppliesTo: []any{map[string]any{"regex": `/^Resource::(<.+\.Arn>|arn:[^:]+:s3:::[^/]+)\/\*$/`}}}
	nagCloudWatchRole   = nagSuppression{ID: "AwsSolutions-IAM4", Reason: "API Gateway's account-level CloudWatch role uses AWS's own AmazonAPIGatewayPushToCloudWatchLogs, the documented policy for execution logging."}
	nagCdkHandlers      = []nagSuppression{
		{ID: "AwsSolutions-IAM4", Reason: "Handler created by aws-cdk-lib (BucketDeployment / auto-delete objects) with the basic Lambda execution role.", On: "AWS::IAM::Role"},
		{ID: "AwsSolutions-IAM5", Reason: "Handler created by aws-cdk-lib: object-level wildcards on the site bucket and the CDK asset bucket are what an upload needs.", On: "AWS::IAM::Policy"},
		{ID: "AwsSolutions-L1", Reason: "Handler created by aws-cdk-lib; its runtime is chosen and updated by aws-cdk-lib.", On: "AWS::Lambda::Function"},
	}
)

// suppressNag adds each suppression to the CloudFormation resources of its
// type at or under c, keeping suppressions already there.
func suppressNag(c constructs.IConstruct, rules ...nagSuppression) {
	for _, n := range *c.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		// L2 proxies lack CfnResource's methods, so this keeps only L1s.
		res, ok := n.(awscdk.CfnResource)
		if !ok {
			continue
		}
		typ := *res.CfnResourceType()
		var mine []nagSuppression
		for _, r := range rules {
			if r.On == typ {
				mine = append(mine, r)
			}
		}
		if len(mine) == 0 {
			continue
		}
		var all []any
		if prev, ok := res.GetMetadata(nagKey).(map[string]any); ok {
			if list, ok := prev["rules_to_suppress"].([]any); ok {
				all = append(all, list...)
			}
		}
		res.AddMetadata(nagKey, nagMetadata(all, mine))
	}
}

// suppressOwn adds suppressions to the L1 resource of one of our own
// constructs, made in this constructor and suppressed once: there is
// nothing to keep, so it costs one call into aws-cdk-lib, not four.
func suppressOwn(c constructs.IConstruct, rules ...nagSuppression) {
	res, ok := c.Node().DefaultChild().(awscdk.CfnResource)
	if !ok {
		res, ok = c.(awscdk.CfnResource)
	}
	if ok {
		res.AddMetadata(nagKey, nagMetadata(nil, rules))
	}
}

func nagMetadata(prev []any, rules []nagSuppression) map[string]any {
	for _, r := range rules {
		entry := map[string]any{"id": r.ID, "reason": r.Reason}
		if r.AppliesTo != nil {
			entry["applies_to"] = r.AppliesTo
		}
		prev = append(prev, entry)
	}
	return map[string]any{"rules_to_suppress": prev}
}

var nagKey = ptr("cdk_nag")

func ptr(s string) *string { return &s }

// suppressNagFindings records why the construct's own resources, and the
// handlers aws-cdk-lib adds for it, depart from the AwsSolutions rules.
func (s *StaticSiteWithApi) suppressNagFindings(r *resolved) {
	root := s.api.Root()
	proxy := root.GetResource(ptr("{proxy+}"))
	suppressOwn(root.Node().FindChild(ptr("ANY")), nagApiOpen...)
	suppressOwn(proxy.Node().FindChild(ptr("ANY")), nagApiOpen...)
	suppressOwn(root.Node().FindChild(ptr("OPTIONS")), nagPreflight...)
	suppressOwn(proxy.Node().FindChild(ptr("OPTIONS")), nagPreflight...)
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
		if strings.HasPrefix(id, "Custom::CDKBucketDeployment") || strings.HasPrefix(id, "Custom::S3AutoDeleteObjects") {
			suppressNag(c, nagCdkHandlers...)
		}
	}
}
