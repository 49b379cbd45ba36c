package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/one-origin/staticsitewithapi/constructs/staticsite"
)

// SiteStackProps configures one environment's stack.
type SiteStackProps struct {
	awscdk.StackProps
	// EnvName is the environment's name (dev, prod, ...). Required.
	EnvName string
	// Config is the environment's configuration. Required.
	Config EnvConfig
	// ModuleRoot is the directory of this repository's go.mod, from which the
	// default Go Lambda is built. Required unless Config.BackendUrl is set.
	ModuleRoot string
}

// NewSiteStack builds the stack for one environment: the site construct,
// its default Go Lambda backend (unless BackendUrl is set), and the outputs a
// person needs after deploy.
func NewSiteStack(scope constructs.Construct, id string, props *SiteStackProps) (awscdk.Stack, error) {
	cfg := props.Config
	sp := props.StackProps
	if sp.Env == nil {
		sp.Env = cfg.Env()
	}
	if sp.Description == nil {
		sp.Description = jsii.String("Single-page app and REST API behind one CloudFront domain (" + props.EnvName + ")")
	}
	// Build Go values first so that a bad config fails before the stack exists.
	var code awslambda.Code
	if cfg.BackendUrl == "" {
		var err error
		if code, err = GoLambdaCode(props.ModuleRoot, "./backend/lambda"); err != nil {
			return nil, err
		}
	}
	stack := awscdk.NewStack(scope, &id, &sp)
	awscdk.Tags_Of(stack).Add(jsii.String("environment"), jsii.String(props.EnvName), nil)

	var backend *staticsite.Backend
	if code != nil {
		backend = staticsite.LambdaBackend(newApiFunction(stack, code, cfg))
	} else {
		backend = staticsite.HttpBackend(cfg.BackendUrl)
	}

	bucket := &awss3.BucketProps{Versioned: jsii.Bool(cfg.VersionedBucket)}
	if cfg.DestroyOnDelete {
		bucket.RemovalPolicy = awscdk.RemovalPolicy_DESTROY
		bucket.AutoDeleteObjects = jsii.Bool(true)
	}
	stage := cfg.StageName
	if stage == "" {
		stage = props.EnvName
	}
	site := staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
		Backend:     backend,
		StageName:   &stage,
		BucketProps: bucket,
		Cors:        &staticsite.CorsOptions{AllowOrigins: jsii.Strings(cfg.CorsAllowOrigins...)},
	})

	out := func(name, desc string, value *string) {
		awscdk.NewCfnOutput(stack, jsii.String(name), &awscdk.CfnOutputProps{Value: value, Description: jsii.String(desc)})
	}
	out("SiteUrl", "Open this in a browser", site.SiteUrl())
	out("DistributionId", "For cache invalidations", site.Distribution().DistributionId())
	out("BucketName", "Upload the built frontend here", site.Bucket().BucketName())
	out("ApiExecuteUrl", "The API stage, bypassing CloudFront (for debugging)", site.Api().Url())
	return stack, nil
}

// newApiFunction is the default backend: the Go handler in backend/.
func newApiFunction(scope constructs.Construct, code awslambda.Code, cfg EnvConfig) awslambda.IFunction {
	removal := awscdk.RemovalPolicy_RETAIN
	if cfg.DestroyOnDelete {
		removal = awscdk.RemovalPolicy_DESTROY
	}
	logs := awslogs.NewLogGroup(scope, jsii.String("ApiFunctionLogs"), &awslogs.LogGroupProps{
		Retention:     awslogs.RetentionDays_ONE_MONTH,
		RemovalPolicy: removal,
	})
	return awslambda.NewFunction(scope, jsii.String("ApiFunction"), &awslambda.FunctionProps{
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      jsii.String("bootstrap"),
		Code:         code,
		MemorySize:   jsii.Number(256),
		// Below API Gateway's 29 s integration timeout, so a slow request
		// ends as a Lambda timeout the handler's logs show, not a 504.
		Timeout:     awscdk.Duration_Seconds(jsii.Number(25)),
		LogGroup:    logs,
		Description: jsii.String("API behind the site's CloudFront /api/* behavior"),
	})
}
