// Package stacks holds the thin per-environment stack that wires
// StaticSiteWithApi, and the typed configuration it is built from.
package stacks

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/one-origin/staticsitewithapi/constructs/staticsite"
)

// ContextKey is the cdk.json context key that holds the AppConfig.
const ContextKey = "staticsite"

// DefaultRegion is used for an environment that names no region.
const DefaultRegion = "ap-southeast-2"

// AppConfig is the whole app's configuration, the value of the "staticsite"
// context key in cdk.json.
type AppConfig struct {
	// StackPrefix names the stacks: <StackPrefix>-<environment>.
	StackPrefix string `json:"stackPrefix"`
	// Environments maps an environment name (dev, prod, ...) to its config.
	Environments map[string]EnvConfig `json:"environments"`
	// ManageApiGatewayAccount makes the app set API Gateway's account-level
	// CloudWatch role, which stages with execution logs need, once per
	// account and region, in the stack AccountStackName names. Set false
	// where something else already sets it (another app, Control Tower):
	// there is one such setting per account and region, and two owners
	// overwrite each other (pitfall account-singleton).
	// Default: true.
	ManageApiGatewayAccount *bool `json:"manageApiGatewayAccount,omitempty"`
	// DeployAccess lets GitHub Actions deploy with OIDC (one stack per
	// account, DeployAccessStackName). Default: none.
	DeployAccess *DeployAccessConfig `json:"deployAccess,omitempty"`
	// Pipeline is the CDK Pipelines pipeline that -c pipeline=true builds
	// instead of the stacks themselves (AddPipeline). Default: none.
	Pipeline *PipelineConfig `json:"pipeline,omitempty"`
}

// AccountStackName names the stack that sets API Gateway's account-level
// role for an environment: <StackPrefix>-ApiGatewayAccount-<region>, with
// the account before the region when the environment names one.
func (c *AppConfig) AccountStackName(e EnvConfig) string {
	name := c.StackPrefix + "-ApiGatewayAccount-"
	if e.Account != "" {
		name += e.Account + "-"
	}
	return name + *e.Env().Region
}

// EnvConfig is one environment's configuration.
type EnvConfig struct {
	// Account to deploy to. Default: CDK_DEFAULT_ACCOUNT, or none (the
	// template stays account-agnostic; synth never needs one).
	Account string `json:"account,omitempty"`
	// Region to deploy to. Default: DefaultRegion (ap-southeast-2).
	Region string `json:"region,omitempty"`
	// StageName is the API Gateway stage. Default: the environment name.
	StageName string `json:"stageName,omitempty"`
	// CorsAllowOrigins are extra origins allowed to call the API from a
	// browser, such as a local dev server. Default: none.
	CorsAllowOrigins []string `json:"corsAllowOrigins,omitempty"`
	// BackendUrl switches the API from the bundled Go Lambda to an existing
	// HTTPS service. Default: "" (the Go Lambda in backend/).
	BackendUrl string `json:"backendUrl,omitempty"`
	// InsecureBackend allows a plain http:// BackendUrl: requests then travel
	// unencrypted between API Gateway and the service. Default: false.
	InsecureBackend bool `json:"insecureBackend,omitempty"`
	// DestroyOnDelete deletes the site bucket, its objects and the log
	// groups with the stack (for throw-away environments): the construct's
	// RemovalPolicy DESTROY. Default: false (they are retained).
	DestroyOnDelete bool `json:"destroyOnDelete,omitempty"`
	// VersionedBucket keeps old versions of site objects. Default: false.
	VersionedBucket bool `json:"versionedBucket,omitempty"`
	// WebDir is the frontend folder uploaded on deploy, relative to the
	// repository root, e.g. "frontend/dist". "" uploads nothing (a pipeline
	// of your own uploads to the BucketName output).
	// Default: "web" (the sample SPA).
	WebDir *string `json:"webDir,omitempty"`
	// FrontendConfig adds keys to the site's /config.json, next to apiBase,
	// siteUrl and environment. Default: none.
	FrontendConfig map[string]any `json:"frontendConfig,omitempty"`
	// LogRetentionDays is how long CloudWatch keeps the API's access logs
	// and the Lambda's logs; one of CloudWatch's periods (1, 3, 5, 7, 14,
	// 30, 60, 90, ..., 3653). Default: 30.
	LogRetentionDays int `json:"logRetentionDays,omitempty"`
	// LogExpirationDays is how long the log bucket keeps CloudFront and S3
	// access logs. Default: 90.
	LogExpirationDays int `json:"logExpirationDays,omitempty"`
	// ThrottlingRateLimit and ThrottlingBurstLimit limit the API stage
	// (requests per second, burst). Default: 100 and 200.
	ThrottlingRateLimit  float64 `json:"throttlingRateLimit,omitempty"`
	ThrottlingBurstLimit float64 `json:"throttlingBurstLimit,omitempty"`
	// TerminationProtection stops `cdk destroy` (and stack deletion) until
	// it is turned off. Default: false.
	TerminationProtection bool `json:"terminationProtection,omitempty"`
	// DomainNames serve the site on custom domains; they need
	// CertificateArn (an ACM certificate in us-east-1). Default: none.
	DomainNames []string `json:"domainNames,omitempty"`
	// CertificateArn is the ACM certificate for DomainNames. Default: none.
	CertificateArn string `json:"certificateArn,omitempty"`
	// HostedZoneId and HostedZoneName, when set, get alias records for
	// DomainNames (no lookup: both are given). Default: none.
	HostedZoneId   string `json:"hostedZoneId,omitempty"`
	HostedZoneName string `json:"hostedZoneName,omitempty"`
	// WebAclArn attaches a WAF web ACL (CLOUDFRONT scope). Default: none.
	WebAclArn string `json:"webAclArn,omitempty"`
	// ContentSecurityPolicy replaces the site's default CSP. Default: the
	// construct's DefaultContentSecurityPolicy.
	ContentSecurityPolicy string `json:"contentSecurityPolicy,omitempty"`
	// OriginSecretGeneration numbers the origin-verify secret; raise it by
	// one and deploy to rotate it (the construct's OriginSecretGeneration).
	// Default: 1.
	OriginSecretGeneration int `json:"originSecretGeneration,omitempty"`
	// AccessLogs turns CloudFront and S3 access logs on; false for
	// throw-away environments, so that destroy leaves nothing behind
	// (logs keep arriving for hours, so a log bucket is always retained).
	// Default: true.
	AccessLogs *bool `json:"accessLogs,omitempty"`
	// NoncurrentVersionDays is how long a versioned site bucket keeps old
	// versions of objects. Needs versionedBucket. Default: 30.
	NoncurrentVersionDays int `json:"noncurrentVersionDays,omitempty"`
	// SupersededRetentionDays is how long files of an earlier build stay
	// fetchable after a deploy, for pages opened before it. Default: 7.
	SupersededRetentionDays int `json:"supersededRetentionDays,omitempty"`
	// CloudFrontAdditionalMetrics turns on CloudFront's additional metrics
	// (billed per metric), among them OriginLatency. Default: false.
	CloudFrontAdditionalMetrics bool `json:"cloudFrontAdditionalMetrics,omitempty"`
	// Monitoring adds alarms, an SNS topic for them and a dashboard (the
	// construct's AddMonitoring). Default: none.
	Monitoring *MonitoringConfig `json:"monitoring,omitempty"`
	// ScheduledSmoke runs the smoke checks from a Lambda every few
	// minutes and alarms when one fails; needs Monitoring. Default: none.
	ScheduledSmoke *ScheduledSmokeConfig `json:"scheduledSmoke,omitempty"`
	// Auth requires signed-in users for the API (the construct's Auth).
	// Default: none; the API is open to the site's visitors.
	Auth *AuthConfig `json:"auth,omitempty"`
}

// MonitoringConfig is an environment's "monitoring": who is told, and the
// thresholds, in percent. Unset thresholds keep the construct's defaults
// (staticsite.MonitoringOptions).
type MonitoringConfig struct {
	// AlarmEmails subscribe to the alarms' topic. Default: none.
	AlarmEmails []string `json:"alarmEmails,omitempty"`
	// ApiServerErrorPercent: 5XX share of API requests. Default: 1.
	ApiServerErrorPercent float64 `json:"apiServerErrorPercent,omitempty"`
	// ApiClientErrorPercent: 4XX share of API requests. Default: 25.
	ApiClientErrorPercent float64 `json:"apiClientErrorPercent,omitempty"`
	// ApiLatencyP99Ms: the API's p99 latency. Default: 23200.
	ApiLatencyP99Ms float64 `json:"apiLatencyP99Ms,omitempty"`
	// LambdaDurationPercent: p99 duration as a share of the timeout.
	// Default: 80.
	LambdaDurationPercent float64 `json:"lambdaDurationPercent,omitempty"`
	// CloudFrontServerErrorPercent: 5XX share of viewer requests; an
	// alarm only for a stack in us-east-1. Default: 5.
	CloudFrontServerErrorPercent float64 `json:"cloudFrontServerErrorPercent,omitempty"`
	// OriginLatencyPercent: CloudFront's p90 origin latency as a share of
	// the origin read timeout; needs cloudFrontAdditionalMetrics and a
	// stack in us-east-1. Default: 80.
	OriginLatencyPercent float64 `json:"originLatencyPercent,omitempty"`
}

// options is the construct's MonitoringOptions for c.
func (c *MonitoringConfig) options() *staticsite.MonitoringOptions {
	o := &staticsite.MonitoringOptions{}
	if len(c.AlarmEmails) > 0 {
		o.AlarmEmails = jsii.Strings(c.AlarmEmails...)
	}
	frac := func(p float64) *float64 {
		if p == 0 {
			return nil
		}
		return jsii.Number(p / 100)
	}
	o.ApiServerErrorRate = frac(c.ApiServerErrorPercent)
	o.ApiClientErrorRate = frac(c.ApiClientErrorPercent)
	o.LambdaDurationRatio = frac(c.LambdaDurationPercent)
	o.CloudFrontServerErrorRate = frac(c.CloudFrontServerErrorPercent)
	o.OriginLatencyRatio = frac(c.OriginLatencyPercent)
	if c.ApiLatencyP99Ms != 0 {
		o.ApiLatencyP99 = awscdk.Duration_Millis(jsii.Number(c.ApiLatencyP99Ms))
	}
	return o
}

// AuthConfig is an environment's "auth": exactly one of Cognito and
// Lambda, and the API paths that stay public.
type AuthConfig struct {
	// PublicPaths answer without a token: "/api/health" (that path) or
	// "/api/public/*" (every path under it). Default: none.
	PublicPaths []string `json:"publicPaths,omitempty"`
	// Cognito authorizes with a Cognito user pool: a new one (leave
	// userPoolId out) or an existing one.
	Cognito *CognitoConfig `json:"cognito,omitempty"`
	// Lambda authorizes with an existing Lambda authorizer function.
	Lambda *LambdaAuthConfig `json:"lambda,omitempty"`
}

// CognitoConfig is the Cognito user pool of an environment.
type CognitoConfig struct {
	// UserPoolId is an existing pool ("ap-southeast-2_AbCdEf123"); it is
	// referenced, never looked up. Default: a new pool.
	UserPoolId string `json:"userPoolId,omitempty"`
	// UserPoolClientId is the existing pool's public app client for the
	// SPA. Only with userPoolId. Default: none (config.json carries no
	// client).
	UserPoolClientId string `json:"userPoolClientId,omitempty"`
	// HostedUiDomain is the existing pool's hosted UI base URL. Only with
	// userPoolId. Default: none.
	HostedUiDomain string `json:"hostedUiDomain,omitempty"`
	// DomainPrefix is the new pool's hosted UI domain prefix, unique in
	// the region across accounts. Default: derived from the construct path
	// and the stack's ID, <path>-<8 hex digits>.
	DomainPrefix string `json:"domainPrefix,omitempty"`
	// Mfa is the new pool's MFA: "off", "optional" or "required" (TOTP).
	// Default: "optional".
	Mfa string `json:"mfa,omitempty"`
	// SelfSignUp lets anyone create an account. Default: false.
	SelfSignUp bool `json:"selfSignUp,omitempty"`
}

// LambdaAuthConfig is an existing Lambda authorizer function.
type LambdaAuthConfig struct {
	// FunctionArn is the authorizer function's ARN. Required.
	FunctionArn string `json:"functionArn"`
	// Type is "token" (one header) or "request". Default: "token".
	Type string `json:"type,omitempty"`
	// IdentitySources are API Gateway identity sources, such as
	// "method.request.header.Authorization". Default: that one.
	IdentitySources []string `json:"identitySources,omitempty"`
	// ResultsCacheTtlSeconds caches the function's answer per identity;
	// 0 turns the cache off. Default: 300.
	ResultsCacheTtlSeconds *int `json:"resultsCacheTtlSeconds,omitempty"`
}

// LoadConfig reads the AppConfig from the app's context: cdk.json's,
// which the CDK CLI passes to the app and app.go reads when run without it
// (CdkJsonContext), overridden by any -c given to the CLI. This is the one
// place the config is read.
func LoadConfig(app awscdk.App) (*AppConfig, error) {
	v := app.Node().TryGetContext(jsii.String(ContextKey))
	if v == nil {
		return nil, fmt.Errorf("no %q context in the app: run it with the CDK CLI, or give it cdk.json's context (stacks.CdkJsonContext)", ContextKey)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("context %q: %w", ContextKey, err)
	}
	return ParseConfig(raw)
}

// CdkJsonContext returns the "context" object of a cdk.json file: the
// per-environment config and the feature flags. The CDK CLI passes it to
// the app by itself; app.go and the tests read it too, so that `go run .`
// and test stacks get the same flags as `cdk synth` (context given to the
// CLI with -c still wins).
func CdkJsonContext(cdkJsonPath string) (map[string]any, error) {
	b, err := os.ReadFile(cdkJsonPath)
	if err != nil {
		return nil, err
	}
	var file struct {
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(b, &file); err != nil {
		return nil, fmt.Errorf("%s: %w", cdkJsonPath, err)
	}
	return file.Context, nil
}

// ParseConfig decodes and checks an AppConfig from JSON. Unknown fields are
// errors, so a typo in cdk.json does not silently fall back to a default.
func ParseConfig(raw []byte) (*AppConfig, error) {
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	var c AppConfig
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("context %q: %w", ContextKey, err)
	}
	if c.StackPrefix == "" {
		return nil, fmt.Errorf("context %q: stackPrefix is empty; set it, e.g. \"StaticSite\"", ContextKey)
	}
	if len(c.Environments) == 0 {
		return nil, fmt.Errorf("context %q: environments is empty; define at least one, e.g. \"dev\"", ContextKey)
	}
	return &c, nil
}

// Names lists the environment names in sorted order.
func (c *AppConfig) Names() []string {
	names := make([]string, 0, len(c.Environments))
	for n := range c.Environments {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Select returns the named environments, or all of them when names is empty.
// An unknown name is an error that lists the known ones.
func (c *AppConfig) Select(names []string) ([]string, error) {
	if len(names) == 0 {
		return c.Names(), nil
	}
	for _, n := range names {
		if _, ok := c.Environments[n]; !ok {
			return nil, fmt.Errorf("unknown environment %q: known environments are %s (see context.%s.environments in cdk.json)",
				n, strings.Join(c.Names(), ", "), ContextKey)
		}
	}
	return names, nil
}

// Env returns the deployment environment for an EnvConfig: its account, or
// CDK_DEFAULT_ACCOUNT, and its region, or DefaultRegion.
func (e EnvConfig) Env() *awscdk.Environment {
	env := &awscdk.Environment{Region: strPtr(e.Region, DefaultRegion)}
	account := e.Account
	if account == "" {
		account = os.Getenv("CDK_DEFAULT_ACCOUNT")
	}
	if account != "" {
		env.Account = &account
	}
	return env
}

// ModuleRoot walks up from dir to the directory holding this repository's
// go.mod; the Lambda is built from there.
func ModuleRoot(dir string) (string, error) {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs // "." has no parent to walk up to
	}
	for d := dir; ; d = filepath.Dir(d) {
		b, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil && strings.Contains(string(b), "module "+modulePath+"\n") {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod of %s above %s", modulePath, dir)
		}
	}
}

const modulePath = "github.com/one-origin/staticsitewithapi"

func strPtr(s, def string) *string {
	if s == "" {
		s = def
	}
	return &s
}

// removalPolicy is the RemovalPolicy of the environment's stateful
// resources.
func (c EnvConfig) removalPolicy() awscdk.RemovalPolicy {
	if c.DestroyOnDelete {
		return awscdk.RemovalPolicy_DESTROY
	}
	return awscdk.RemovalPolicy_RETAIN
}
