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
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

// Reasons, also listed in the README.
var (
	nagApiOpen = []nagSuppression{
		{"AwsSolutions-APIG4", "Public site API behind CloudFront: the application authenticates its users itself; API Gateway requires the API key only CloudFront sends (direct-access)."},
		{"AwsSolutions-COG4", "The site does not prescribe Cognito; the application owns user authentication."},
	}
	nagPreflight = []nagSuppression{
		{"AwsSolutions-APIG4", "CORS preflight (OPTIONS) must be answered without credentials; browsers never send them on preflights (preflight-auth)."},
		{"AwsSolutions-COG4", "CORS preflight (OPTIONS) must be answered without credentials (preflight-auth)."},
	}
	nagProxyValidation = nagSuppression{"AwsSolutions-APIG2", "Proxy API ({proxy+} to one backend): the backend owns and validates its request schema."}
	nagDefaultCert     = nagSuppression{"AwsSolutions-CFR4", "No custom domain: the default *.cloudfront.net certificate is used, whose minimum protocol CloudFront fixes at TLSv1. Set DomainNames and Certificate for TLSv1.2_2021."}
	nagSecretRotation  = nagSuppression{"AwsSolutions-SMG4", "Rotated by updating the secret and redeploying: CloudFormation resolves it into the API key and CloudFront's origin header at deploy time (README, Rotating the origin secret)."}
	nagCloudWatchRole  = nagSuppression{"AwsSolutions-IAM4", "API Gateway's account-level CloudWatch role uses AWS's own AmazonAPIGatewayPushToCloudWatchLogs, the documented policy for execution logging."}
	nagCdkHandlers     = []nagSuppression{
		{"AwsSolutions-IAM4", "Handler created by aws-cdk-lib (BucketDeployment / auto-delete objects) with the basic Lambda execution role."},
		{"AwsSolutions-IAM5", "Handler created by aws-cdk-lib: object-level wildcards on the site bucket and the CDK asset bucket are what an upload with prune needs."},
		{"AwsSolutions-L1", "Handler created by aws-cdk-lib; its runtime is chosen and updated by aws-cdk-lib."},
	}
)

// suppressNag adds suppressions to every CloudFormation resource at or
// under c.
func suppressNag(c constructs.IConstruct, rules ...nagSuppression) {
	for _, n := range *c.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		res, ok := n.(awscdk.CfnResource)
		if !ok || !*awscdk.CfnResource_IsCfnResource(n) {
			continue
		}
		var all []any
		if prev, ok := res.GetMetadata(jsiiKey).(map[string]any); ok {
			if list, ok := prev["rules_to_suppress"].([]any); ok {
				all = append(all, list...)
			}
		}
		for _, r := range rules {
			all = append(all, map[string]any{"id": r.ID, "reason": r.Reason})
		}
		res.AddMetadata(jsiiKey, map[string]any{"rules_to_suppress": all})
	}
}

var jsiiKey = ptr("cdk_nag")

func ptr(s string) *string { return &s }

// suppressNagFindings records why the construct's own resources, and the
// handlers aws-cdk-lib adds for it, depart from the AwsSolutions rules.
func (s *StaticSiteWithApi) suppressNagFindings(r *resolved) {
	root := s.api.Root()
	for _, m := range []string{"ANY"} {
		suppressNag(root.Node().FindChild(ptr(m)), nagApiOpen...)
		suppressNag(root.GetResource(ptr("{proxy+}")).Node().FindChild(ptr(m)), nagApiOpen...)
	}
	suppressNag(root.Node().FindChild(ptr("OPTIONS")), nagPreflight...)
	suppressNag(root.GetResource(ptr("{proxy+}")).Node().FindChild(ptr("OPTIONS")), nagPreflight...)
	suppressNag(s.api.Node().DefaultChild(), nagProxyValidation)
	if role := s.api.Node().TryFindChild(ptr("CloudWatchRole")); role != nil {
		suppressNag(role, nagCloudWatchRole)
	}
	if r.Certificate == nil {
		suppressNag(s.distribution.Node().DefaultChild(), nagDefaultCert)
	}
	suppressNag(s.Node().FindChild(ptr("OriginVerifySecret")), nagSecretRotation)
	// Singletons aws-cdk-lib adds at the stack's root for us.
	for _, c := range *awscdk.Stack_Of(s).Node().Children() {
		id := *c.Node().Id()
		if strings.HasPrefix(id, "Custom::CDKBucketDeployment") || strings.HasPrefix(id, "Custom::S3AutoDeleteObjects") {
			suppressNag(c, nagCdkHandlers...)
		}
	}
}
