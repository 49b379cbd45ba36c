package stacks

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/one-origin/staticsitewithapi/constructs/golambda"
	"github.com/one-origin/staticsitewithapi/constructs/staticsite"
	"github.com/one-origin/staticsitewithapi/internal/smoke"
)

// SiteStackProps configures one environment's stack.
type SiteStackProps struct {
	awscdk.StackProps
	// EnvName is the environment's name (dev, prod, ...). Required.
	EnvName string
	// Config is the environment's configuration. Required.
	Config EnvConfig
	// ModuleRoot is the directory of this repository's go.mod: the default Go
	// Lambda is built there and Config.WebDir is relative to it. Required.
	ModuleRoot string
	// AccountStack, when set, is the stack that sets API Gateway's
	// account-level CloudWatch role (NewAccountStack): the site does not set
	// it again and its stack deploys after that one.
	// Default: the site sets it in its own stack.
	AccountStack awscdk.Stack
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
	sp.TerminationProtection = jsii.Bool(cfg.TerminationProtection)
	if sp.Description == nil {
		sp.Description = jsii.String("Single-page app and REST API behind one CloudFront domain (" + props.EnvName + ")")
	}
	// Build Go values first so that a bad config fails before the stack exists.
	retention, err := retentionFor(props.EnvName, cfg.LogRetentionDays)
	if err != nil {
		return nil, err
	}
	if (cfg.HostedZoneId == "") != (cfg.HostedZoneName == "") {
		return nil, fmt.Errorf("environment %s: set both hostedZoneId and hostedZoneName, or neither", props.EnvName)
	}
	var auth func(awscdk.Stack) *staticsite.AuthOptions
	if cfg.Auth != nil {
		if auth, err = authOptions(props.EnvName, cfg.Auth); err != nil {
			return nil, err
		}
	}
	var smokeCode awslambda.Code
	if cfg.ScheduledSmoke != nil {
		if err := cfg.ScheduledSmoke.validate(props.EnvName, cfg.Monitoring != nil); err != nil {
			return nil, err
		}
		if smokeCode, err = golambda.Code(props.ModuleRoot, "./backend/smokelambda"); err != nil {
			return nil, err
		}
	}
	var code awslambda.Code
	if cfg.BackendUrl == "" {
		if code, err = golambda.Code(props.ModuleRoot, "./backend/lambda"); err != nil {
			return nil, err
		}
	}
	stack := awscdk.NewStack(scope, &id, &sp)
	awscdk.Tags_Of(stack).Add(jsii.String("environment"), jsii.String(props.EnvName), nil)

	var backend *staticsite.Backend
	if code != nil {
		backend = staticsite.LambdaBackend(newApiFunction(stack, code, cfg, retention))
	} else if cfg.InsecureBackend {
		backend = staticsite.InsecureHttpBackend(cfg.BackendUrl)
	} else {
		backend = staticsite.HttpBackend(cfg.BackendUrl)
	}

	bucket := &awss3.BucketProps{Versioned: jsii.Bool(cfg.VersionedBucket)}
	stage := cfg.StageName
	if stage == "" {
		stage = props.EnvName
	}
	siteProps := &staticsite.StaticSiteWithApiProps{
		Backend:      backend,
		StageName:    &stage,
		BucketProps:  bucket,
		Cors:         &staticsite.CorsOptions{AllowOrigins: jsii.Strings(corsOrigins(cfg)...)},
		Frontend:     frontend(props),
		LogRetention: retention,
		// Destroyed stacks take the site bucket, its objects and every log
		// group with them.
		RemovalPolicy: cfg.removalPolicy(),
	}
	if cfg.LogExpirationDays != 0 {
		siteProps.LogExpiration = days(cfg.LogExpirationDays)
	}
	if cfg.ThrottlingRateLimit != 0 {
		siteProps.ThrottlingRateLimit = jsii.Number(cfg.ThrottlingRateLimit)
	}
	if cfg.ThrottlingBurstLimit != 0 {
		siteProps.ThrottlingBurstLimit = jsii.Number(cfg.ThrottlingBurstLimit)
	}
	if props.AccountStack != nil {
		siteProps.ApiGatewayCloudWatchRole = jsii.Bool(false)
		stack.AddStackDependency(props.AccountStack, jsii.String("API Gateway's account-level CloudWatch role must exist before a stage with execution logs"))
	}
	if cfg.OriginSecretGeneration != 0 {
		siteProps.OriginSecretGeneration = jsii.Number(float64(cfg.OriginSecretGeneration))
	}
	siteProps.AccessLogs = cfg.AccessLogs
	if cfg.CloudFrontAdditionalMetrics {
		siteProps.CloudFrontAdditionalMetrics = jsii.Bool(true)
	}
	if cfg.NoncurrentVersionDays != 0 {
		siteProps.NoncurrentVersionExpiration = days(cfg.NoncurrentVersionDays)
	}
	if cfg.ContentSecurityPolicy != "" {
		siteProps.ContentSecurityPolicy = jsii.String(cfg.ContentSecurityPolicy)
	}
	if cfg.WebAclArn != "" {
		siteProps.WebAclArn = jsii.String(cfg.WebAclArn)
	}
	if len(cfg.DomainNames) > 0 {
		siteProps.DomainNames = jsii.Strings(cfg.DomainNames...)
	}
	if cfg.CertificateArn != "" {
		siteProps.Certificate = awscertificatemanager.Certificate_FromCertificateArn(stack, jsii.String("Certificate"), jsii.String(cfg.CertificateArn))
	}
	if cfg.HostedZoneId != "" {
		siteProps.HostedZone = awsroute53.HostedZone_FromHostedZoneAttributes(stack, jsii.String("Zone"), &awsroute53.HostedZoneAttributes{
			HostedZoneId: jsii.String(cfg.HostedZoneId), ZoneName: jsii.String(cfg.HostedZoneName),
		})
	}
	if auth != nil {
		siteProps.Auth = auth(stack)
	}
	site := staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), siteProps)

	out := func(name, desc string, value *string) {
		awscdk.NewCfnOutput(stack, jsii.String(name), &awscdk.CfnOutputProps{Value: value, Description: jsii.String(desc)})
	}
	out(smoke.SiteUrlOutput, "Open this in a browser", site.SiteUrl())
	out("DistributionId", "For cache invalidations", site.Distribution().DistributionId())
	out("BucketName", "Upload the built frontend here", site.Bucket().BucketName())
	out(smoke.ApiExecuteUrlOutput, "The API stage, bypassing CloudFront (for debugging)", site.Api().Url())
	out("OriginSecretArn", "The origin-verify secret CloudFront sends; rotate it by raising originSecretGeneration, never by changing its value", site.OriginSecret().SecretArn())
	if cfg.Monitoring != nil {
		mon := site.AddMonitoring(cfg.Monitoring.options())
		if smokeCode != nil {
			newScheduledSmoke(stack, cfg.ScheduledSmoke, smokeCode, site, mon, cfg, retention)
		}
		out("AlarmTopicArn", "Alarm notifications; subscribe a pager or chat here", mon.Topic().TopicArn())
		out("DashboardName", "The site's CloudWatch dashboard", mon.Dashboard().DashboardName())
	}
	if pool := site.UserPool(); pool != nil {
		out("UserPoolId", "The Cognito user pool of the site's users", pool.UserPoolId())
		if c := site.UserPoolClient(); c != nil {
			out("UserPoolClientId", "The SPA's public app client", c.UserPoolClientId())
		}
		if u := site.HostedUiUrl(); u != nil {
			out("HostedUiUrl", "The Cognito hosted UI where users sign in", u)
		}
	}
	return stack, nil
}

// authOptions checks an environment's auth config and returns what builds
// the construct's Auth in the stack, referencing an existing pool or
// function by ID or ARN (no lookup). It needs no stack, so a mistake fails
// before any construct exists.
func authOptions(env string, c *AuthConfig) (func(stack awscdk.Stack) *staticsite.AuthOptions, error) {
	if (c.Cognito == nil) == (c.Lambda == nil) {
		return nil, fmt.Errorf("environment %s: auth needs exactly one of \"cognito\" and \"lambda\"", env)
	}
	var public *[]*string
	if len(c.PublicPaths) > 0 {
		public = jsii.Strings(c.PublicPaths...)
	}
	if cg := c.Cognito; cg != nil {
		var mfa awscognito.Mfa
		switch cg.Mfa {
		case "":
		case "off":
			mfa = awscognito.Mfa_OFF
		case "optional":
			mfa = awscognito.Mfa_OPTIONAL
		case "required":
			mfa = awscognito.Mfa_REQUIRED
		default:
			return nil, fmt.Errorf("environment %s: auth.cognito.mfa %q is unknown: use \"off\", \"optional\" or \"required\"", env, cg.Mfa)
		}
		if cg.UserPoolId == "" && (cg.UserPoolClientId != "" || cg.HostedUiDomain != "") {
			return nil, fmt.Errorf("environment %s: auth.cognito.userPoolClientId and hostedUiDomain describe an existing pool; set userPoolId too", env)
		}
		return func(stack awscdk.Stack) *staticsite.AuthOptions {
			o := &staticsite.CognitoAuthOptions{Mfa: mfa}
			if cg.UserPoolId == "" {
				o.SelfSignUp = jsii.Bool(cg.SelfSignUp)
			} else {
				o.UserPool = awscognito.UserPool_FromUserPoolId(stack, jsii.String("UserPool"), jsii.String(cg.UserPoolId))
				if cg.UserPoolClientId != "" {
					o.UserPoolClient = awscognito.UserPoolClient_FromUserPoolClientId(stack, jsii.String("UserPoolClient"), jsii.String(cg.UserPoolClientId))
				}
				if cg.HostedUiDomain != "" {
					o.HostedUiDomain = jsii.String(cg.HostedUiDomain)
				}
			}
			if cg.DomainPrefix != "" {
				o.DomainPrefix = jsii.String(cg.DomainPrefix)
			}
			return &staticsite.AuthOptions{Cognito: o, PublicPaths: public}
		}, nil
	}
	l := c.Lambda
	if l.FunctionArn == "" {
		return nil, fmt.Errorf("environment %s: auth.lambda.functionArn is required: the ARN of the authorizer function", env)
	}
	var typ staticsite.LambdaAuthorizerType
	switch l.Type {
	case "", "token":
		typ = staticsite.LambdaAuthorizerToken
	case "request":
		typ = staticsite.LambdaAuthorizerRequest
	default:
		return nil, fmt.Errorf("environment %s: auth.lambda.type %q is unknown: use \"token\" or \"request\"", env, l.Type)
	}
	return func(stack awscdk.Stack) *staticsite.AuthOptions {
		o := &staticsite.LambdaAuthOptions{
			Handler: awslambda.Function_FromFunctionArn(stack, jsii.String("Authorizer"), jsii.String(l.FunctionArn)),
			Type:    typ,
		}
		if len(l.IdentitySources) > 0 {
			o.IdentitySources = jsii.Strings(l.IdentitySources...)
		}
		if l.ResultsCacheTtlSeconds != nil {
			o.ResultsCacheTtl = awscdk.Duration_Seconds(jsii.Number(float64(*l.ResultsCacheTtlSeconds)))
		}
		return &staticsite.AuthOptions{Lambda: o, PublicPaths: public}
	}, nil
}

// retentionFor turns a number of days into a CloudWatch retention period.
func retentionFor(env string, days int) (awslogs.RetentionDays, error) {
	if days == 0 {
		days = 30
	}
	if r, ok := staticsite.RetentionByDays[days]; ok {
		return r, nil
	}
	valid := slices.Sorted(maps.Keys(staticsite.RetentionByDays))
	return "", fmt.Errorf("environment %s: logRetentionDays %d is not a CloudWatch Logs retention period; use one of %v", env, days, valid)
}

// newApiFunction is the default backend: the Go handler in backend/. Its
// role may write to its own log group and nothing else.
func newApiFunction(scope constructs.Construct, code awslambda.Code, cfg EnvConfig, retention awslogs.RetentionDays) awslambda.IFunction {
	logs := awslogs.NewLogGroup(scope, jsii.String("ApiFunctionLogs"), &awslogs.LogGroupProps{
		Retention:     retention,
		RemovalPolicy: cfg.removalPolicy(),
	})
	role := logWriterRole(scope, "ApiFunctionRole", "API Lambda: writes its own logs only", logs)
	return awslambda.NewFunction(scope, jsii.String("ApiFunction"), &awslambda.FunctionProps{
		Role:         role,
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

// logWriterRole is a Lambda function's role that may write to its own log
// group and do nothing else: no managed policy, no wildcard.
func logWriterRole(scope constructs.Construct, id, description string, logs awslogs.ILogGroup) awsiam.Role {
	return awsiam.NewRole(scope, jsii.String(id), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String(description),
		InlinePolicies: &map[string]awsiam.PolicyDocument{"logs": awsiam.NewPolicyDocument(&awsiam.PolicyDocumentProps{
			Statements: &[]awsiam.PolicyStatement{awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Actions:   jsii.Strings("logs:CreateLogStream", "logs:PutLogEvents"),
				Resources: jsii.Strings(*logs.LogGroupArn()),
			})},
		})},
	})
}

// frontend uploads WebDir (default web/) with config.json naming the
// environment.
func frontend(props *SiteStackProps) *staticsite.FrontendOptions {
	dir := "web"
	if props.Config.WebDir != nil {
		dir = *props.Config.WebDir
	}
	if dir == "" {
		return nil
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(props.ModuleRoot, dir)
	}
	config := map[string]interface{}{"environment": props.EnvName}
	for k, v := range props.Config.FrontendConfig {
		config[k] = v
	}
	f := &staticsite.FrontendOptions{SourceDir: &dir, RuntimeConfig: &config}
	if d := props.Config.SupersededRetentionDays; d != 0 {
		f.SupersededRetention = days(d)
	}
	return f
}

// days is the config's whole number of days as a CDK duration.
func days(n int) awscdk.Duration { return awscdk.Duration_Days(jsii.Number(float64(n))) }

// corsOrigins are the site's own custom domains (a page on one of them may
// call the API through another) and the extra origins of the config, such
// as a local dev server.
func corsOrigins(cfg EnvConfig) []string {
	var origins []string
	for _, d := range cfg.DomainNames {
		origins = append(origins, "https://"+d)
	}
	return append(origins, cfg.CorsAllowOrigins...)
}
