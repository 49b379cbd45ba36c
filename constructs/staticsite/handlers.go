package staticsite

import (
	_ "embed"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// The construct's custom resources run inline Node.js: cfn_response.js
// (the reply to CloudFormation) followed by the handler's own file. The
// Lambda runtime bundles the AWS SDK for JavaScript v3, so there is nothing
// to build or upload, and the code is in the template for review.
var (
	//go:embed cfn_response.js
	cfnResponseCode string
	//go:embed supersede.js
	supersedeCode string
	//go:embed log_groups.js
	logGroupsCode string
)

// handlerRuntime is the newest Node.js runtime aws-cdk-lib knows, which
// cdk-nag's AwsSolutions-L1 asks for.
func handlerRuntime() awslambda.Runtime { return awslambda.Runtime_NODEJS_24_X() }

// logGroupsId is the construct ID, at the stack's root, of the one function
// per stack that owns service-created log groups (ownLogGroup).
const logGroupsId = "StaticSiteLogGroups"

// ownLogGroup makes the log group an AWS service would create by itself on
// first use (with no retention, outliving the stack) the stack's: created
// now unless it exists, with retention, and deleted with the stack when
// remove is true (pitfall destroy-blocked). It returns the custom resource,
// which whatever writes to the group must depend on. A log group resource
// in the template cannot do this: creating it fails wherever the service
// was first, in every stack deployed before this version.
func ownLogGroup(scope constructs.Construct, id, name string, r *resolved, remove bool) awscdk.CustomResource {
	stack := awscdk.Stack_Of(scope)
	owner := stack.Node().TryFindChild(jsii.String(logGroupsId))
	if owner == nil {
		owner = newLogGroupsHandler(stack, r)
	}
	role := owner.Node().FindChild(jsii.String("HandlerRole")).(awsiam.Role)
	fn := owner.Node().FindChild(jsii.String("Handler")).(awslambda.Function)
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions: jsii.Strings("logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:DeleteLogGroup"),
		Resources: jsii.Strings(*stack.FormatArn(&awscdk.ArnComponents{
			Service: jsii.String("logs"), Resource: jsii.String("log-group"), ResourceName: &name,
			ArnFormat: awscdk.ArnFormat_COLON_RESOURCE_NAME,
		})),
	}))
	cr := awscdk.NewCustomResource(scope, &id, &awscdk.CustomResourceProps{
		ServiceToken: fn.FunctionArn(),
		ResourceType: jsii.String("Custom::StaticSiteLogGroup"),
		Properties: &map[string]interface{}{
			"LogGroupName":    name,
			"RetentionInDays": retentionDays(r.logRetention),
			"RemoveOnDelete":  fmt.Sprint(remove),
		},
	})
	cr.Node().AddDependency(role)
	return cr
}

// newLogGroupsHandler is the stack's function behind ownLogGroup, with the
// first site's log retention and removal policy.
func newLogGroupsHandler(stack awscdk.Stack, r *resolved) constructs.Construct {
	owner := constructs.NewConstruct(stack, jsii.String(logGroupsId))
	inlineHandler(owner, "Handler", logGroupsCode, "Owns log groups that AWS services create on first use (retention, delete with the stack)", r, 128, 1)
	return owner
}

// inlineHandler is a Node.js function whose code is cfn_response.js
// followed by code, with a log group of the stack (the site's retention
// and removal policy) and a role that may write to it and do what
// statements allow: the IDs are id, id+"Logs" and id+"Role".
func inlineHandler(scope constructs.Construct, id, code, description string, r *resolved, memoryMiB, timeoutMinutes float64, statements ...awsiam.PolicyStatement) (awslambda.Function, awsiam.Role) {
	logs := awslogs.NewLogGroup(scope, jsii.String(id+"Logs"), &awslogs.LogGroupProps{
		Retention:     r.logRetention,
		RemovalPolicy: r.removal,
	})
	all := append([]awsiam.PolicyStatement{awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("logs:CreateLogStream", "logs:PutLogEvents"),
		Resources: jsii.Strings(*logs.LogGroupArn()),
	})}, statements...)
	role := awsiam.NewRole(scope, jsii.String(id+"Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String(description + "; writes its own logs"),
		InlinePolicies: &map[string]awsiam.PolicyDocument{"handler": awsiam.NewPolicyDocument(&awsiam.PolicyDocumentProps{
			Statements: &all,
		})},
	})
	fn := awslambda.NewFunction(scope, jsii.String(id), &awslambda.FunctionProps{
		Runtime:     handlerRuntime(),
		Handler:     jsii.String("index.handler"),
		Code:        awslambda.Code_FromInline(jsii.String(cfnResponseCode + code)),
		Role:        role,
		MemorySize:  jsii.Number(memoryMiB),
		Timeout:     awscdk.Duration_Minutes(jsii.Number(timeoutMinutes)),
		LogGroup:    logs,
		Description: jsii.String(description),
	})
	return fn, role
}

// retentionDays is a RetentionDays value in days, as CloudWatch Logs takes it.
func retentionDays(r awslogs.RetentionDays) float64 {
	for days, v := range RetentionByDays {
		if v == r {
			return float64(days)
		}
	}
	return 0 // awslogs.RetentionDays_INFINITE: never expire
}
