package staticsite

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// NewApiGatewayAccount sets API Gateway's account-level CloudWatch role, which
// stages need before they can write execution logs (without it, creating a
// stage with logging fails with "CloudWatch Logs role ARN must be set in
// account settings to enable logging"). The setting is one per account and
// region (pitfall account-singleton): create it in exactly one stack per
// account and region, and set ApiGatewayCloudWatchRole to false on every
// StaticSiteWithApi that stack's deployment serves, making their stacks
// depend on it. The role and the setting are kept when the stack is deleted,
// because every REST API in the account and region logs through them.
func NewApiGatewayAccount(scope constructs.Construct, id *string) awsapigateway.CfnAccount {
	role := awsiam.NewRole(scope, jsii.String(*id+"Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("apigateway.amazonaws.com"), nil),
		Description: jsii.String("API Gateway's account-level role for execution logs to CloudWatch (one per account and region)"),
		ManagedPolicies: &[]awsiam.IManagedPolicy{
			awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String("service-role/AmazonAPIGatewayPushToCloudWatchLogs")),
		},
	})
	role.ApplyRemovalPolicy(awscdk.RemovalPolicy_RETAIN)
	suppressOwn(role, nagCloudWatchRole)
	account := awsapigateway.NewCfnAccount(scope, id, &awsapigateway.CfnAccountProps{CloudWatchRoleArn: role.RoleArn()})
	account.ApplyRemovalPolicy(awscdk.RemovalPolicy_RETAIN, nil)
	account.Node().AddDependency(role)
	return account
}

// accountId is the construct ID of the stack's one account setting made by
// StaticSiteWithApi.
const accountId = "StaticSiteApiGatewayAccount"

// accountSetting returns the account setting of the site's stack, creating
// it for the first site that needs it, and warns when another stack beside
// it (in the same app or stage) in the same account and region sets it too.
func (s *StaticSiteWithApi) accountSetting() awsapigateway.CfnAccount {
	stack := awscdk.Stack_Of(s)
	if existing, ok := stack.Node().TryFindChild(jsii.String(accountId)).(awsapigateway.CfnAccount); ok {
		return existing
	}
	env := envKey(stack)
	for _, sibling := range *stack.Node().Scope().Node().Children() {
		other, ok := sibling.(awscdk.Stack)
		if !ok || other.Node().TryFindChild(jsii.String(accountId)) == nil || envKey(other) != env {
			continue
		}
		awscdk.Annotations_Of(s).AddWarningV2(jsii.String("staticsite:account-singleton"), jsii.String(fmt.Sprintf(
			"[account-singleton] stacks %s and %s both set API Gateway's account-level CloudWatch role in %s; "+
				"the last one deployed wins, and deleting either can break the other's execution logs. "+
				"Fix: create it once per account and region (staticsite.NewApiGatewayAccount in one stack) and set ApiGatewayCloudWatchRole to false here.",
			*other.Node().Path(), *stack.Node().Path(), env)))
		break
	}
	return NewApiGatewayAccount(stack, jsii.String(accountId))
}

// envKey names a stack's account and region; an unresolved account or
// region (an environment-agnostic stack) is the CLI's default.
func envKey(stack awscdk.Stack) string {
	account, region := stack.Account(), stack.Region()
	if *awscdk.Token_IsUnresolved(account) {
		account = jsii.String("the default account")
	}
	if *awscdk.Token_IsUnresolved(region) {
		region = jsii.String("the default region")
	}
	return *account + "/" + *region
}
