package staticsite

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// RetentionByDays maps the retention periods CloudWatch Logs accepts, in
// days, to their CDK values; a period not listed is rejected.
var RetentionByDays = map[int]awslogs.RetentionDays{
	1: awslogs.RetentionDays_ONE_DAY, 3: awslogs.RetentionDays_THREE_DAYS, 5: awslogs.RetentionDays_FIVE_DAYS,
	7: awslogs.RetentionDays_ONE_WEEK, 14: awslogs.RetentionDays_TWO_WEEKS, 30: awslogs.RetentionDays_ONE_MONTH,
	60: awslogs.RetentionDays_TWO_MONTHS, 90: awslogs.RetentionDays_THREE_MONTHS, 120: awslogs.RetentionDays_FOUR_MONTHS,
	150: awslogs.RetentionDays_FIVE_MONTHS, 180: awslogs.RetentionDays_SIX_MONTHS, 365: awslogs.RetentionDays_ONE_YEAR,
	400: awslogs.RetentionDays_THIRTEEN_MONTHS, 545: awslogs.RetentionDays_EIGHTEEN_MONTHS, 731: awslogs.RetentionDays_TWO_YEARS,
	1096: awslogs.RetentionDays_THREE_YEARS, 1827: awslogs.RetentionDays_FIVE_YEARS, 2192: awslogs.RetentionDays_SIX_YEARS,
	2557: awslogs.RetentionDays_SEVEN_YEARS, 2922: awslogs.RetentionDays_EIGHT_YEARS, 3288: awslogs.RetentionDays_NINE_YEARS,
	3653: awslogs.RetentionDays_TEN_YEARS,
}

// accessLogFormat is one JSON object per API request. Behind CloudFront the
// TCP peer of API Gateway is a CloudFront edge server, so sourceIp is logged
// as edgeIp: API Gateway's access log has no variable for the viewer's
// address (pitfall client-ip). The viewer's IP is c-ip in CloudFront's
// access logs, whose x-edge-request-id is the X-Amz-Cf-Id header the
// backend receives, and the default backend logs it per request.
const accessLogFormat = `{"requestId":"$context.requestId","edgeIp":"$context.identity.sourceIp",` +
	`"requestTime":"$context.requestTime","method":"$context.httpMethod","path":"$context.path",` +
	`"status":"$context.status","latencyMs":"$context.responseLatency",` +
	`"integrationLatencyMs":"$context.integrationLatency","responseLength":"$context.responseLength",` +
	`"userAgent":"$context.identity.userAgent","error":"$context.error.message"}`

// newLogBucket holds CloudFront and S3 access logs; nil when AccessLogs is
// false. CloudFront's standard logging writes with ACLs, so the bucket keeps
// ACLs for its owner only (BucketOwnerPreferred); it is otherwise as locked
// down as the site bucket.
//
// It is always retained and never emptied by the stack, whatever the
// removal policy: CloudFront delivers logs up to 24 hours late and S3 server
// access logs within hours, so a log bucket that the stack empties and then
// deletes fails with BucketNotEmpty on late deliveries (pitfall
// destroy-blocked). After the stack is gone its objects expire after
// LogExpiration.
func newLogBucket(scope constructs.Construct, r *resolved) awss3.IBucket {
	if r.LogBucket != nil || !r.accessLogs {
		return r.LogBucket
	}
	return awss3.NewBucket(scope, jsii.String("Logs"), &awss3.BucketProps{
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_PREFERRED,
		RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:         jsii.String("expire-logs"),
			Expiration: r.logExpiration,
		}},
	})
}

// newAccessLogs is the API's access log group.
func newAccessLogs(scope constructs.Construct, r *resolved) awsapigateway.IAccessLogDestination {
	group := awslogs.NewLogGroup(scope, jsii.String("ApiAccessLogs"), &awslogs.LogGroupProps{
		Retention:     r.logRetention,
		RemovalPolicy: r.removal,
	})
	return awsapigateway.NewLogGroupLogDestination(group)
}

// newExecutionLogs makes the group API Gateway writes the stage's
// execution logs to the stack's, before the stage exists. Left to API
// Gateway, it would be created on first use with no retention and outlive
// the stack (pitfall destroy-blocked). It goes with the stack when the
// stack's log groups do. It returns the group's name.
func newExecutionLogs(scope constructs.Construct, r *resolved, api awsapigateway.RestApi) string {
	name := "API-Gateway-Execution-Logs_" + *api.RestApiId() + "/" + r.stageName
	group := ownLogGroup(scope, "ApiExecutionLogs", name, r, r.removal == awscdk.RemovalPolicy_DESTROY)
	api.DeploymentStage().Node().AddDependency(group)
	return name
}

// autoDeleteProvider is the construct ID aws-cdk-lib gives, at the stack's
// root, to the handler that empties buckets with AutoDeleteObjects.
const autoDeleteProvider = "Custom::S3AutoDeleteObjectsCustomResourceProvider"

// adoptAutoDeleteLogs makes the log group of the stack's auto-delete-objects
// handler the stack's: with a retention, and deleted after the handler last
// runs, when the stack is deleted. aws-cdk-lib offers no setting for it, and
// Lambda would otherwise create one with no retention that outlives the
// stack (pitfall destroy-blocked).
func adoptAutoDeleteLogs(s *StaticSiteWithApi, r *resolved) {
	cr := s.bucket.Node().TryFindChild(jsii.String("AutoDeleteObjectsCustomResource"))
	stack := awscdk.Stack_Of(s)
	provider := stack.Node().TryFindChild(jsii.String(autoDeleteProvider))
	if cr == nil || provider == nil {
		return
	}
	group := stack.Node().TryFindChild(jsii.String(autoDeleteLogs))
	if group == nil {
		handler, ok := provider.Node().TryFindChild(jsii.String("Handler")).(awscdk.CfnResource)
		if !ok {
			return
		}
		group = ownLogGroup(stack, autoDeleteLogs, "/aws/lambda/"+*handler.Ref(), r, true)
	}
	cr.Node().AddDependency(group)
}

// autoDeleteLogs is the construct ID, at the stack's root, of that
// handler's log group.
const autoDeleteLogs = "StaticSiteAutoDeleteLogs"
