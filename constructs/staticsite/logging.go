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

// accessLogFormat is one JSON object per API request.
const accessLogFormat = `{"requestId":"$context.requestId","ip":"$context.identity.sourceIp",` +
	`"requestTime":"$context.requestTime","method":"$context.httpMethod","path":"$context.path",` +
	`"status":"$context.status","latencyMs":"$context.responseLatency",` +
	`"integrationLatencyMs":"$context.integrationLatency","responseLength":"$context.responseLength",` +
	`"userAgent":"$context.identity.userAgent","error":"$context.error.message"}`

// newLogBucket holds CloudFront and S3 access logs. CloudFront's standard
// logging writes with ACLs, so the bucket keeps ACLs for its owner only
// (BucketOwnerPreferred); it is otherwise as locked down as the site bucket.
func newLogBucket(scope constructs.Construct, r *resolved) awss3.IBucket {
	if r.LogBucket != nil {
		return r.LogBucket
	}
	return awss3.NewBucket(scope, jsii.String("Logs"), &awss3.BucketProps{
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_PREFERRED,
		RemovalPolicy:     r.removal,
		AutoDeleteObjects: jsii.Bool(r.removal == awscdk.RemovalPolicy_DESTROY),
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:         jsii.String("expire-logs"),
			Expiration: awscdk.Duration_Days(jsii.Number(r.logExpirationDays)),
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
