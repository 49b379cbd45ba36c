package staticsite

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/one-origin/staticsitewithapi/internal/routing"
	"github.com/one-origin/staticsitewithapi/internal/upload"
)

// IntegrationTimeoutSeconds is API Gateway's default REST integration
// timeout. CloudFront must wait at least this long for the origin, or slow
// requests end in a CloudFront 504 (pitfall origin-timeout).
const IntegrationTimeoutSeconds = routing.IntegrationTimeoutSeconds

// StaticSiteWithApiProps configures StaticSiteWithApi. Only Backend is
// required; every other field has a default chosen so that the site works
// the first time.
type StaticSiteWithApiProps struct {
	// Backend serves every request under ApiPrefix. Required.
	Backend *Backend

	// ApiPrefix is the path under which CloudFront sends requests to the API.
	// It must start with "/", must not end with "/", and must not contain a
	// wildcard: the behavior's path pattern is ApiPrefix + "/*". The frontend
	// must call the API under this prefix (a bare ApiPrefix without a trailing
	// path goes to S3).
	// Default: "/api".
	ApiPrefix *string

	// StageName is the API Gateway stage. CloudFront uses "/" + StageName as
	// the API origin path, so it is never visible to browsers.
	// Default: "prod".
	StageName *string

	// Bucket is an existing bucket to serve the site from. It must not have
	// website hosting enabled; CloudFront reads it through Origin Access
	// Control, and the construct adds the bucket policy statement for it
	// (for imported buckets, add it yourself).
	// Default: a new private bucket built from BucketProps.
	Bucket awss3.IBucket

	// NoncurrentVersionExpiration is how long a versioned site bucket
	// (BucketProps.Versioned) keeps an object's old versions, counted from
	// when they were replaced: every deploy replaces some, so without a
	// limit they pile up forever. Whole days; needs a versioned bucket.
	// Default: awscdk.Duration_Days(jsii.Number(30)).
	NoncurrentVersionExpiration awscdk.Duration

	// BucketProps overrides single properties of the new site bucket. Unset
	// fields keep the secure defaults: all public access blocked, S3-managed
	// encryption, TLS-only bucket policy, bucket-owner-enforced ownership,
	// the removal policy of RemovalPolicy. A field that is set is used as given, or
	// rejected with the reason when it would weaken those defaults (website
	// hosting, public read, public access not all blocked, EnforceSSL false,
	// ACLs); LifecycleRules are kept next to the construct's own. Cannot be
	// combined with Bucket.
	// Default: the secure defaults above.
	BucketProps *awss3.BucketProps

	// RemovalPolicy decides what happens to the construct's stateful
	// resources when the construct is removed or its stack is deleted: the
	// new site bucket and its objects, and every CloudWatch log group the
	// construct makes or owns (API access and execution logs, the upload's
	// and the handlers' logs). awscdk.RemovalPolicy_DESTROY deletes them and
	// empties the site bucket first (AutoDeleteObjects, unless BucketProps
	// sets it false), for throw-away environments;
	// RETAIN and RETAIN_ON_UPDATE_OR_DELETE keep them. SNAPSHOT is refused:
	// neither has snapshots. Not covered, whatever the value: an imported
	// Bucket, the access-log bucket (always retained: logs keep arriving
	// for hours, pitfall destroy-blocked), the origin secrets (always
	// deleted: they only let CloudFront into this API), and API Gateway's
	// account setting with its role (always retained: every API of the
	// account and region uses it). BucketProps.RemovalPolicy, if also set,
	// must be the same.
	// Default: awscdk.RemovalPolicy_RETAIN, or BucketProps.RemovalPolicy.
	RemovalPolicy awscdk.RemovalPolicy

	// Cors decides which other origins may call the API from a browser.
	// Calls from the site itself are same-origin and need no CORS.
	// Default: allow https://<name> for each of DomainNames, nothing else.
	Cors *CorsOptions

	// DomainNames are alternate domain names (CNAMEs) for the distribution.
	// They require Certificate.
	// Default: none; the site is served on its cloudfront.net domain.
	DomainNames *[]*string

	// Certificate is the ACM certificate (in us-east-1) covering DomainNames.
	// Default: none; CloudFront's default certificate.
	Certificate awscertificatemanager.ICertificate

	// PriceClass limits the edge locations the distribution uses.
	// Default: awscloudfront.PriceClass_PRICE_CLASS_ALL.
	PriceClass awscloudfront.PriceClass

	// OriginReadTimeout is how long CloudFront waits for the API to answer.
	// It must not be below the 29 s REST integration timeout
	// (IntegrationTimeoutSeconds), and values above 60 s need a CloudFront
	// quota increase. Whole seconds, at most 180.
	// Default: awscdk.Duration_Seconds(jsii.Number(30)).
	OriginReadTimeout awscdk.Duration

	// Frontend uploads a local folder to the bucket on every deploy, with
	// per-file cache headers, a generated /config.json and one CloudFront
	// invalidation.
	// Default: nothing is uploaded; your own pipeline copies the build to
	// Bucket() and invalidates Distribution(). The construct creates no
	// stack outputs: add CfnOutputs of their names if the pipeline needs
	// them.
	Frontend *FrontendOptions

	// Comment is the distribution's comment shown in the CloudFront console.
	// Default: the construct path.
	Comment *string

	// HostedZone, when set, gets A and AAAA alias records for each of
	// DomainNames pointing at the distribution. Requires DomainNames.
	// Default: no DNS records; point your DNS at the distribution yourself.
	HostedZone awsroute53.IHostedZone

	// AccessLogs turns CloudFront's and S3's access logs on. Set false for
	// throw-away environments, so that deleting the stack leaves nothing
	// behind: a log bucket cannot be deleted with its stack, because logs
	// keep arriving for hours (pitfall destroy-blocked). API Gateway's
	// access and execution logs, in CloudWatch, stay on either way.
	// Default: true.
	AccessLogs *bool

	// LogBucket receives CloudFront and S3 server access logs. It must allow
	// ACLs for its owner (ObjectOwnership BucketOwnerPreferred), which
	// CloudFront's standard logging needs. Cannot be combined with
	// AccessLogs false.
	// Default: a new private, encrypted, TLS-only bucket whose objects expire
	// after LogExpirationDays. It is retained when the stack is deleted, and
	// never emptied by it, whatever the removal policy (pitfall
	// destroy-blocked); its objects keep expiring.
	LogBucket awss3.IBucket

	// LogExpiration is how long the new log bucket keeps access logs. Whole
	// days.
	// Default: awscdk.Duration_Days(jsii.Number(90)).
	LogExpiration awscdk.Duration

	// LogRetention is how long CloudWatch keeps the API's access logs.
	// Default: awslogs.RetentionDays_ONE_MONTH.
	LogRetention awslogs.RetentionDays

	// ContentSecurityPolicy is sent with every page of the site. The
	// default allows only the site's own origin, which the same-origin API
	// and a bundled SPA need; widen it for third-party scripts, fonts or
	// inline styles.
	// Default: DefaultContentSecurityPolicy.
	ContentSecurityPolicy *string

	// ThrottlingRateLimit is the API stage's steady-state request rate, per
	// second, across all clients.
	// Default: 100.
	ThrottlingRateLimit *float64

	// ThrottlingBurstLimit is the API stage's burst capacity.
	// Default: 200.
	ThrottlingBurstLimit *float64

	// WebAclArn attaches an AWS WAF web ACL (scope CLOUDFRONT, created in
	// us-east-1) to the distribution. Leave API prefix bodies alone in its
	// body-size rule, or JSON POSTs are blocked.
	// Default: no web ACL.
	WebAclArn *string

	// WafPreset creates a web ACL for the distribution: AWS's managed common
	// rule set, a per-IP rate limit, and a body-size limit that exempts the
	// API prefix so JSON POSTs are not blocked. CloudFront web ACLs live in
	// us-east-1, so the stack must be deployed there: a stack in another
	// region fails at synth, and a stack with no region gets a
	// CloudFormation rule that refuses, before any change, a deploy outside
	// us-east-1. Elsewhere create the web ACL in a us-east-1 stack and pass
	// WebAclArn. Cannot be combined with WebAclArn.
	// Default: no web ACL.
	WafPreset *WafPresetOptions

	// ApiGatewayCloudWatchRole creates the account-level role that lets API
	// Gateway write execution logs. API Gateway has one such setting per
	// account and region (pitfall account-singleton): a stack creates it at
	// most once, however many sites it holds, and a second stack of the app
	// in the same account and region that also creates it gets a warning.
	// The role and the setting are kept when the stack is deleted. Set false
	// where the account already has one configured, or where another stack
	// owns it (NewApiGatewayAccount).
	// Default: true.
	ApiGatewayCloudWatchRole *bool

	// OriginSecretGeneration numbers the origin-verify secret that CloudFront
	// sends to API Gateway (pitfall direct-access). Raising it by one
	// rotates the secret in one deploy: a new secret is generated, API
	// Gateway accepts its value before CloudFront starts sending it, and the
	// previous generation stays accepted until the next rotation, so no
	// request is refused while CloudFront propagates the change (pitfall
	// secret-rotation). Never change a secret's value in place
	// (put-secret-value): CloudFormation reads it only when a resource that
	// refers to it changes, so CloudFront and API Gateway would fall out of
	// step; each secret's resource policy refuses such changes. A whole
	// number from 1.
	// Default: 1.
	OriginSecretGeneration *float64

	// CloudFrontAdditionalMetrics turns on CloudFront's additional
	// metrics (billed per metric): OriginLatency, which AddMonitoring then
	// graphs and (in us-east-1) alarms on, and the error rate of each
	// status code.
	// Default: false.
	CloudFrontAdditionalMetrics *bool

	// Auth requires a signed-in user for the API (a Cognito user pool or a
	// Lambda authorizer), except on OPTIONS and the public paths listed;
	// see AuthOptions. With Frontend, /config.json carries what the SPA
	// needs to sign in (key "auth").
	// Default: no authorizer; the API's own code authenticates its users.
	Auth *AuthOptions

	// MinCompressionSize is the smallest API response that API Gateway
	// compresses (gzip or deflate, as the client accepts). CloudFront never
	// compresses responses of a behavior that does not cache, so without
	// this API responses travel uncompressed (pitfall api-uncompressed).
	// Between 0 and 10 MiB (10485760 bytes).
	// Default: 1 KiB.
	MinCompressionSize awscdk.Size
}

// DefaultContentSecurityPolicy allows the page to load only from its own
// origin, which is where the SPA's assets, config.json and the API are.
const DefaultContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; " +
	"base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// CorsOptions configures cross-origin access to the API. CloudFront owns
// CORS for the API behavior through a response headers policy: it adds the
// headers to every API response, including API Gateway's own 4XX/5XX, answers
// preflights together with API Gateway's MOCK OPTIONS method, and overrides
// any CORS header the backend sets, so a response never carries two
// Access-Control-Allow-Origin values.
type CorsOptions struct {
	// AllowOrigins lists the origins (scheme://host[:port], no path, no
	// trailing slash) allowed to call the API from a browser, for example
	// "http://localhost:5173" for a dev server. "*" allows any origin and must
	// be the only entry; it cannot be combined with AllowCredentials.
	// Default: https://<name> for each of DomainNames.
	AllowOrigins *[]*string

	// AllowMethods is the Access-Control-Allow-Methods answer to preflights.
	// Default: GET, HEAD, OPTIONS, PUT, PATCH, POST, DELETE.
	AllowMethods *[]*string

	// AllowHeaders is the Access-Control-Allow-Headers answer to preflights.
	// Default: Content-Type, Authorization, X-Requested-With.
	AllowHeaders *[]*string

	// ExposeHeaders lists response headers that browser code may read.
	// Default: none.
	ExposeHeaders *[]*string

	// AllowCredentials sends Access-Control-Allow-Credentials: true, needed
	// for cookies or HTTP auth on cross-origin calls.
	// Default: false.
	AllowCredentials *bool

	// MaxAge is how long browsers may cache a preflight answer.
	// Default: 10 minutes.
	MaxAge awscdk.Duration
}

// AllMethods are the seven methods the API behavior allows; anything less
// makes CloudFront answer 403 for the missing ones (pitfall edge-methods).
var AllMethods = slices.Clone(routing.AllMethods)

var (
	stagePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)
)

// resolved holds the props after defaults have been applied. It is built
// from a copy; the caller's props are never written to.
type resolved struct {
	StaticSiteWithApiProps
	apiPrefix   string
	stageName   string
	readTimeout awscdk.Duration
	origins     []string
	upload      *uploadPlan    // set when Frontend is
	auth        *resolvedAuth  // set when Auth is
	authConfig  map[string]any // config.json's "auth", set when Auth and Frontend are

	removal          awscdk.RemovalPolicy // of every stateful resource RemovalPolicy covers
	autoDelete       bool                 // empty the new site bucket before deleting it
	logExpiration    awscdk.Duration
	logRetention     awslogs.RetentionDays
	csp              string
	rate, burst      float64
	certArn          string // "" when there is no certificate
	region           string // the stack's region; a token when unknown
	minCompression   awscdk.Size
	minCompressionB  float64
	secretGeneration int
	accessLogs       bool
	noncurrent       awscdk.Duration
}

// versioned reports whether the site bucket is made here, with versioning.
func (r *resolved) versioned() bool {
	return r.Bucket == nil && r.BucketProps != nil && r.BucketProps.Versioned != nil && *r.BucketProps.Versioned
}

// maxCompressionBytes is API Gateway's upper bound for MinCompressionSize.
const maxCompressionBytes = 10485760

// Validate reports every problem with the props, joined, or nil when
// NewStaticSiteWithApi accepts them: what the constructor would panic with,
// so that a configuration can be tested without recovering a panic. The one
// check that needs the stack, WafPreset outside us-east-1, is the
// constructor's.
func (p *StaticSiteWithApiProps) Validate() error {
	_, err := resolve(p, "")
	return err
}

// resolve validates props and applies defaults. All problems are reported
// together. region is the stack's ("" when unknown to the caller).
func resolve(props *StaticSiteWithApiProps, region string) (*resolved, error) {
	if props == nil {
		props = &StaticSiteWithApiProps{}
	}
	r := &resolved{StaticSiteWithApiProps: *props, region: region}
	r.apiPrefix = strOr(props.ApiPrefix, routing.DefaultPrefix)
	r.stageName = strOr(props.StageName, "prod")
	r.readTimeout = durationOr(props.OriginReadTimeout, awscdk.Duration_Seconds, 30)
	r.removal = props.RemovalPolicy
	if r.removal == "" && props.BucketProps != nil {
		r.removal = props.BucketProps.RemovalPolicy
	}
	if r.removal == "" {
		r.removal = awscdk.RemovalPolicy_RETAIN
	}
	r.autoDelete = r.removal == awscdk.RemovalPolicy_DESTROY &&
		(props.BucketProps == nil || props.BucketProps.AutoDeleteObjects == nil || *props.BucketProps.AutoDeleteObjects)
	r.accessLogs = props.AccessLogs == nil || *props.AccessLogs
	r.noncurrent = durationOr(props.NoncurrentVersionExpiration, awscdk.Duration_Days, 30)
	r.logExpiration = durationOr(props.LogExpiration, awscdk.Duration_Days, 90)
	r.logRetention = props.LogRetention
	if r.logRetention == "" {
		r.logRetention = awslogs.RetentionDays_ONE_MONTH
	}
	r.csp = strOr(props.ContentSecurityPolicy, DefaultContentSecurityPolicy)
	r.rate = floatOr(props.ThrottlingRateLimit, 100)
	r.burst = floatOr(props.ThrottlingBurstLimit, 200)
	if props.Certificate != nil {
		r.certArn = *props.Certificate.CertificateArn()
	}
	if gen := floatOr(props.OriginSecretGeneration, 1); gen >= 1 && gen <= 1e6 && gen == math.Trunc(gen) {
		r.secretGeneration = int(gen)
	} // else 0, which validate rejects
	r.minCompression = props.MinCompressionSize
	if r.minCompression == nil {
		r.minCompression = awscdk.Size_Kibibytes(jsii.Number(1))
	}
	r.minCompressionB = *r.minCompression.ToBytes(nil)
	if props.Cors != nil && props.Cors.AllowOrigins != nil {
		r.origins = derefAll(props.Cors.AllowOrigins)
	} else if props.DomainNames != nil {
		for _, d := range derefAll(props.DomainNames) {
			r.origins = append(r.origins, "https://"+d)
		}
	}
	if err := r.validate(); err != nil {
		return r, err
	}
	if f := r.Frontend; f != nil {
		hashed, err := HashedFiles(*f.SourceDir)
		if err != nil {
			return r, err
		}
		if f.HashedNamePattern != nil {
			hashed = regexp.MustCompile(*f.HashedNamePattern).MatchString
		}
		plan, err := planUpload(*f.SourceDir, hashed)
		if err != nil {
			return r, err
		}
		plan.retention = durationOr(f.SupersededRetention, awscdk.Duration_Days, 7)
		r.upload = plan
	}
	return r, nil
}

func (r *resolved) validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }

	if err := r.Backend.validate(); err != nil {
		errs = append(errs, err)
	}
	if unresolved(r.apiPrefix) || unresolved(r.stageName) {
		add("ApiPrefix and StageName must be literal strings, not tokens: the construct builds CloudFront's path pattern and origin path from them")
	} else if err := routing.ValidatePrefix(r.apiPrefix); err != nil {
		add("ApiPrefix %q is invalid: %w", r.apiPrefix, err)
	}
	if !unresolved(r.stageName) && !stagePattern.MatchString(r.stageName) {
		add("StageName %q is invalid: use 1-128 letters, digits, '-' or '_', for example \"prod\"", r.stageName)
	}
	if sec, known := seconds(r.readTimeout); known && (sec < IntegrationTimeoutSeconds || sec > 180 || sec != math.Trunc(sec)) {
		add("OriginReadTimeout %s is out of range: use whole seconds from %d to 180, such as awscdk.Duration_Seconds(jsii.Number(30)) (below %d s CloudFront answers 504 before API Gateway's integration timeout; above 60 s needs a quota increase)",
			*r.readTimeout.ToHumanString(), IntegrationTimeoutSeconds, IntegrationTimeoutSeconds)
	}
	switch r.removal {
	case awscdk.RemovalPolicy_DESTROY, awscdk.RemovalPolicy_RETAIN, awscdk.RemovalPolicy_RETAIN_ON_UPDATE_OR_DELETE:
	default:
		add("RemovalPolicy awscdk.RemovalPolicy_%s is not supported: S3 buckets and log groups have no snapshots; use awscdk.RemovalPolicy_RETAIN or awscdk.RemovalPolicy_DESTROY", r.removal)
	}
	if bp := r.BucketProps; bp != nil && bp.RemovalPolicy != "" && r.RemovalPolicy != "" && bp.RemovalPolicy != r.RemovalPolicy {
		add("RemovalPolicy (awscdk.RemovalPolicy_%s) and BucketProps.RemovalPolicy (awscdk.RemovalPolicy_%s) differ: set RemovalPolicy only, it covers the bucket too", r.RemovalPolicy, bp.RemovalPolicy)
	}
	if r.Bucket != nil && r.BucketProps != nil {
		add("Bucket and BucketProps are both set: pass an existing Bucket or BucketProps for a new one, not both")
	}
	if bp := r.BucketProps; bp != nil {
		if bp.WebsiteIndexDocument != nil || bp.WebsiteErrorDocument != nil || bp.WebsiteRedirect != nil || bp.WebsiteRoutingRules != nil {
			add("BucketProps: website hosting is not supported: CloudFront reads the private bucket through Origin Access Control and the SPA fallback is a CloudFront Function; remove the Website* fields")
		}
		if bp.PublicReadAccess != nil && *bp.PublicReadAccess {
			add("BucketProps.PublicReadAccess must not be true: the bucket stays private and is read by CloudFront only; remove it")
		}
		if b := bp.BlockPublicAccess; b != nil && !(*b.BlockPublicAcls() && *b.BlockPublicPolicy() && *b.IgnorePublicAcls() && *b.RestrictPublicBuckets()) {
			add("BucketProps.BlockPublicAccess must block all public access (awscdk/awss3.BlockPublicAccess_BLOCK_ALL()): CloudFront reads the bucket through Origin Access Control; remove it to get that default")
		}
		if bp.EnforceSSL != nil && !*bp.EnforceSSL {
			add("BucketProps.EnforceSSL must not be false: the bucket policy refuses requests without TLS; remove it to get that default")
		}
		if bp.ObjectOwnership != "" && bp.ObjectOwnership != awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED {
			add("BucketProps.ObjectOwnership %q is not supported: the site bucket has ACLs turned off (BUCKET_OWNER_ENFORCED), which Origin Access Control needs none of; remove it", bp.ObjectOwnership)
		}
		if bp.AccessControl != "" && bp.AccessControl != awss3.BucketAccessControl_PRIVATE {
			add("BucketProps.AccessControl %q is not supported: the site bucket is private and has ACLs turned off; remove it", bp.AccessControl)
		}
		if bp.AutoDeleteObjects != nil && *bp.AutoDeleteObjects && r.removal != awscdk.RemovalPolicy_DESTROY {
			add("BucketProps.AutoDeleteObjects needs RemovalPolicy set to awscdk.RemovalPolicy_DESTROY (objects are emptied only to delete the bucket)")
		}
	}
	hasDomains := r.hasDomains()
	if r.Certificate != nil && !hasDomains {
		add("Certificate is set but DomainNames is empty: list the domain names the certificate covers, or remove Certificate")
	}
	if hasDomains && r.Certificate == nil {
		add("DomainNames needs Certificate: pass an ACM certificate from us-east-1 that covers %s", strings.Join(derefAll(r.DomainNames), ", "))
	}
	for _, d := range derefAll(r.DomainNames) {
		if unresolved(d) {
			continue
		}
		if d == "" || strings.Contains(d, "://") || strings.ContainsAny(d, "/ ") {
			add("DomainNames: %q is not a domain name; use a bare host name such as \"www.example.com\"", d)
		}
	}
	errs = append(errs, r.validateCors()...)
	errs = append(errs, r.validateSecurity()...)
	var authErrs []error
	r.auth, authErrs = resolveAuth(r.Auth, r.apiPrefix)
	errs = append(errs, authErrs...)
	if f := r.Frontend; r.auth != nil && f != nil && f.RuntimeConfig != nil {
		if _, ok := (*f.RuntimeConfig)[upload.ConfigAuth]; ok {
			add("Frontend.RuntimeConfig must not set %q when Auth is set: the construct writes what the SPA needs to sign in there", upload.ConfigAuth)
		}
	}
	if r.Frontend != nil {
		errs = append(errs, r.Frontend.validate()...)
	}
	return errors.Join(errs...)
}

func (r *resolved) validateCors() []error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	credentials := r.Cors != nil && r.Cors.AllowCredentials != nil && *r.Cors.AllowCredentials
	for _, o := range r.origins {
		if unresolved(o) {
			continue
		}
		if o == "*" {
			if len(r.origins) > 1 {
				add("Cors.AllowOrigins: \"*\" already allows every origin; make it the only entry or list origins without it")
			}
			if credentials {
				add("Cors.AllowOrigins: \"*\" cannot be combined with Cors.AllowCredentials (browsers reject it); list the exact origins instead")
			}
			continue
		}
		if err := routing.ValidateOrigin(o); err != nil {
			add("Cors.AllowOrigins: %v", err)
		}
	}
	if r.Cors != nil && r.Cors.AllowMethods != nil {
		for _, m := range derefAll(r.Cors.AllowMethods) {
			if !slices.Contains(AllMethods, m) {
				add("Cors.AllowMethods: %q is not one of %s", m, strings.Join(AllMethods, ", "))
			}
		}
	}
	return errs
}

func (r *resolved) validateSecurity() []error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	// An imported certificate's ARN is a literal; one made in another stack
	// is a token whose region is not known until deploy.
	if arn := strings.Split(r.certArn, ":"); len(arn) > 3 && !unresolved(r.certArn) && arn[3] != "us-east-1" {
		add("Certificate is in %s: CloudFront only uses ACM certificates from us-east-1; request or import it there", arn[3])
	}
	if r.HostedZone != nil && !r.hasDomains() {
		add("HostedZone is set but DomainNames is empty: list the domain names to create alias records for, or remove HostedZone")
	}
	if r.rate <= 0 {
		add("ThrottlingRateLimit %v must be greater than 0 (requests per second)", r.rate)
	}
	if r.burst <= 0 {
		add("ThrottlingBurstLimit %v must be greater than 0", r.burst)
	}
	if r.secretGeneration < 1 {
		add("OriginSecretGeneration %v is invalid: use a whole number from 1, and raise it by one to rotate the origin secret", floatOr(r.OriginSecretGeneration, 1))
	}
	if r.minCompressionB < 0 || r.minCompressionB > maxCompressionBytes {
		add("MinCompressionSize %v bytes is out of range: use 0 to 10 MiB (awscdk.Size_Kibibytes(jsii.Number(1)) is a good value)", r.minCompressionB)
	}
	if !r.accessLogs && r.LogBucket != nil {
		add("LogBucket is set but AccessLogs is false: remove LogBucket, or turn AccessLogs on")
	}
	if r.NoncurrentVersionExpiration != nil && !r.versioned() {
		add("NoncurrentVersionExpiration is set but the site bucket is not versioned: set BucketProps.Versioned, or remove it")
	}
	if err := wholeDays("NoncurrentVersionExpiration", r.noncurrent); err != nil {
		errs = append(errs, err)
	}
	if err := wholeDays("LogExpiration", r.logExpiration); err != nil {
		errs = append(errs, err)
	}
	if !slices.Contains(slices.Collect(maps.Values(RetentionByDays)), r.logRetention) && r.logRetention != awslogs.RetentionDays_INFINITE {
		add("LogRetention %q is not a CloudWatch Logs retention period; use an awslogs.RetentionDays constant such as awslogs.RetentionDays_ONE_MONTH", r.logRetention)
	}
	if strings.TrimSpace(r.csp) == "" {
		add("ContentSecurityPolicy is empty: leave it nil for DefaultContentSecurityPolicy, or give a policy such as \"default-src 'self'\"")
	}
	if w := r.WafPreset; w != nil {
		if r.WebAclArn != nil {
			add("WafPreset and WebAclArn are both set: use the preset or your own web ACL, not both")
		}
		if r.region != "" && !unresolved(r.region) && r.region != "us-east-1" {
			add("WafPreset needs the stack in us-east-1 (CloudFront web ACLs live there), not %s: create the web ACL in a us-east-1 stack and pass its ARN as WebAclArn", r.region)
		}
		if w.RateLimit != nil && (*w.RateLimit < 10 || *w.RateLimit > 2e9) {
			add("WafPreset.RateLimit %v is out of range: use 10 or more requests per 5 minutes", *w.RateLimit)
		}
		if w.MaxBodyBytes != nil && *w.MaxBodyBytes <= 0 {
			add("WafPreset.MaxBodyBytes %v must be greater than 0", *w.MaxBodyBytes)
		}
	}
	if r.WebAclArn != nil && !unresolved(*r.WebAclArn) && !strings.HasPrefix(*r.WebAclArn, "arn:") {
		add("WebAclArn %q is not an ARN: pass the web ACL's ARN (arn:aws:wafv2:us-east-1:...:global/webacl/...)", *r.WebAclArn)
	}
	return errs
}

func (r *resolved) hasDomains() bool { return r.DomainNames != nil && len(*r.DomainNames) > 0 }

// unresolved reports whether s holds a CDK token, a value known only at
// deploy time (a load balancer's DNS name, an imported value, the region
// of an environment-agnostic stack). aws-cdk-lib encodes string tokens as
// "${Token[...]}"; this is Token_IsUnresolved for strings, without a call
// into aws-cdk-lib for every value checked. Validation checks what a token
// leaves literal and nothing else.
func unresolved(s string) bool { return strings.Contains(s, "${Token[") }

// durationOr is d, or unit(def) when d is nil.
func durationOr(d awscdk.Duration, unit func(*float64) awscdk.Duration, def float64) awscdk.Duration {
	if d == nil {
		return unit(&def)
	}
	return d
}

// seconds is d in seconds, fractions kept, and whether it is known: a
// duration made from a token is known only at deploy, and not validated.
func seconds(d awscdk.Duration) (float64, bool) {
	if *d.IsUnresolved() {
		return 0, false
	}
	return *d.ToSeconds(&awscdk.TimeConversionOptions{Integral: jsii.Bool(false)}), true
}

// wholeDays reports a known duration that is not a whole number of days,
// at least one, as the S3 lifecycle rules that take it need.
func wholeDays(prop string, d awscdk.Duration) error {
	sec, known := seconds(d)
	if days := sec / 86400; known && (days < 1 || days != math.Trunc(days)) {
		return fmt.Errorf("%s %s must be a whole number of days from 1, such as awscdk.Duration_Days(jsii.Number(30))", prop, *d.ToHumanString())
	}
	return nil
}

func floatOr(p *float64, def float64) float64 {
	if p == nil {
		return def
	}
	return *p
}

func strOr(p *string, def string) string {
	if p == nil {
		return def
	}
	return *p
}

func derefAll(p *[]*string) []string {
	if p == nil {
		return nil
	}
	out := make([]string, 0, len(*p))
	for _, s := range *p {
		if s != nil {
			out = append(out, *s)
		}
	}
	return out
}
