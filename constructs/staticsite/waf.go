package staticsite

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// wafRegionRule is what CloudFormation says, before it changes anything,
// when a stack with WafPreset and no region is deployed outside us-east-1.
const wafRegionRule = "StaticSiteWithApi WafPreset creates a CloudFront web ACL, which must be in us-east-1: deploy this stack to us-east-1, or create the web ACL in a us-east-1 stack and pass its ARN as WebAclArn."

// WafPresetOptions configures the web ACL created by WafPreset.
type WafPresetOptions struct {
	// RateLimit is how many requests one IP address may send in 5 minutes
	// before it is blocked.
	// Default: 2000.
	RateLimit *float64

	// MaxBodyBytes is the largest request body accepted outside the API
	// prefix; API requests are exempt so JSON POSTs are not blocked.
	// Default: 8192 (the managed rule's own limit).
	MaxBodyBytes *float64
}

// newWebAcl is a CLOUDFRONT-scope web ACL: AWS's common rule set with its
// body-size rule only counted, a body-size rule of our own that exempts the
// API prefix, and a per-IP rate limit. One CfnResource, built as plain
// values in Go and handed to jsii once.
func newWebAcl(scope constructs.Construct, r *resolved) *string {
	o := r.WafPreset
	rate, maxBody := floatOr(o.RateLimit, 2000), floatOr(o.MaxBodyBytes, 8192)
	visibility := func(name string) map[string]any {
		return map[string]any{"SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": name}
	}
	rules := []any{
		map[string]any{
			"Name": "AWSCommonRules", "Priority": 0,
			"OverrideAction":   map[string]any{"None": map[string]any{}},
			"VisibilityConfig": visibility("AWSCommonRules"),
			"Statement": map[string]any{"ManagedRuleGroupStatement": map[string]any{
				"VendorName": "AWS", "Name": "AWSManagedRulesCommonRuleSet",
				// JSON bodies above 8 KB are legitimate on the API; the
				// rule below applies the limit to everything else.
				"RuleActionOverrides": []any{map[string]any{
					"Name": "SizeRestrictions_BODY", "ActionToUse": map[string]any{"Count": map[string]any{}},
				}},
			}},
		},
		map[string]any{
			"Name": "BodySizeOutsideApi", "Priority": 1,
			"Action":           map[string]any{"Block": map[string]any{}},
			"VisibilityConfig": visibility("BodySizeOutsideApi"),
			"Statement": map[string]any{"AndStatement": map[string]any{"Statements": []any{
				map[string]any{"SizeConstraintStatement": map[string]any{
					"FieldToMatch":        map[string]any{"Body": map[string]any{"OversizeHandling": "MATCH"}},
					"ComparisonOperator":  "GT",
					"Size":                maxBody,
					"TextTransformations": []any{map[string]any{"Priority": 0, "Type": "NONE"}},
				}},
				map[string]any{"NotStatement": map[string]any{"Statement": map[string]any{"ByteMatchStatement": map[string]any{
					"FieldToMatch":         map[string]any{"UriPath": map[string]any{}},
					"PositionalConstraint": "STARTS_WITH",
					"SearchString":         r.apiPrefix + "/",
					"TextTransformations":  []any{map[string]any{"Priority": 0, "Type": "NONE"}},
				}}}},
			}}},
		},
		map[string]any{
			"Name": "RatePerIp", "Priority": 2,
			"Action":           map[string]any{"Block": map[string]any{}},
			"VisibilityConfig": visibility("RatePerIp"),
			"Statement":        map[string]any{"RateBasedStatement": map[string]any{"Limit": rate, "AggregateKeyType": "IP"}},
		},
	}
	acl := awscdk.NewCfnResource(scope, jsii.String("WebAcl"), &awscdk.CfnResourceProps{
		Type: jsii.String("AWS::WAFv2::WebACL"),
		Properties: &map[string]interface{}{
			"Scope":            "CLOUDFRONT",
			"DefaultAction":    map[string]any{"Allow": map[string]any{}},
			"VisibilityConfig": visibility("StaticSiteWithApi"),
			"Rules":            rules,
		},
	})
	return acl.GetAtt(jsii.String("Arn"), awscdk.ResolutionTypeHint_STRING).ToString()
}
