package engine

import (
	"slices"

	"github.com/one-origin/staticsitewithapi/pitfalls"
)

// Level is how bad a finding is.
type Level string

const (
	// LevelError marks a configuration that fails once deployed. The
	// aspect reports it with Annotations.AddError, so `cdk deploy` refuses
	// the stack.
	LevelError Level = "error"
	// LevelWarning marks a configuration that is probably wrong. The
	// aspect reports it with Annotations.AddWarningV2, so it fails
	// `cdk synth --strict` and can be acknowledged like any CDK warning.
	LevelWarning Level = "warning"
)

// Rule describes one check.
type Rule struct {
	// ID is the pitfall ID that starts every message of the rule, e.g.
	// "edge-methods"; pitfalls.Lookup(ID) describes the pitfall.
	ID pitfalls.ID
	// Level is the level of the rule's worst findings. Two error rules
	// also warn where the setup may be intended: preflight-auth on an
	// authorized ANY method without OPTIONS, and s3-origin on an API path
	// pattern without a wildcard; Checks says which.
	Level Level
	// Checks says what the rule looks for.
	Checks string
}

var rules = []Rule{
	{pitfalls.EdgeMethods, LevelError, "An API behavior (origin on execute-api) that does not allow all seven methods (CDK's default is GET, HEAD)."},
	{pitfalls.S3Origin, LevelError, "A default behavior that sends POST, PUT, PATCH or DELETE to an S3 origin (error); an API behavior whose path pattern has no wildcard, so the paths under it reach S3 (warning)."},
	{pitfalls.ApiRoute, LevelError, "An API origin whose origin path is not a stage of the API, or an API with no resource under the path CloudFront forwards (e.g. /api/* reaches the stage as /api/...)."},
	{pitfalls.HostHeader, LevelError, "An API behavior that forwards the viewer's Host header: origin request policy AllViewer, AllViewerAndCloudFrontHeaders-2022-06 or HostHeaderOnly, a custom policy that forwards Host (allViewer, allExcept without Host, or Host listed), Host in a custom cache policy, or legacy ForwardedValues with Host or *."},
	{pitfalls.PreflightAuth, LevelError, "An OPTIONS method with an authorizer (COGNITO_USER_POOLS or CUSTOM), IAM or API key (error); an authorized ANY method on a resource without OPTIONS behind CloudFront (warning)."},
	{pitfalls.ErrorMasked, LevelError, "Distribution-wide custom error responses (403/404 -> /index.html) on a distribution that also serves an API."},
	{pitfalls.ConfigPruned, LevelError, "A BucketDeployment that prunes (Prune true, CDK's default) a bucket another BucketDeployment uploads to, with filters (Include/Exclude, as aws s3 sync applies them) that do not keep it off the other's files: an error with no filters at all, a warning with filters that may overlap. Which files the sources hold is not in the template."},
	{pitfalls.SecretRotation, LevelError, "An AWS::SecretsManager::RotationSchedule on a secret that a distribution's origin custom header or an API key reads through {{resolve:secretsmanager:...}}."},
	{pitfalls.ApiCached, LevelWarning, "An API behavior whose cache policy caches: any managed policy but CachingDisabled, a custom policy with MinTTL, DefaultTTL or MaxTTL above 0, or legacy TTLs."},
	{pitfalls.HeadersDropped, LevelWarning, "An API behavior with no origin request policy (or one that forwards no query string and no headers): Authorization, Content-Type and the query string may not reach the API. Also a header or query string that an authorizer of the API reads (IdentitySource) and the behavior does not forward (origin request policy, cache key, legacy ForwardedValues, origin custom headers), so every call it guards gets 401: Authorization gets through only in the cache key, or with caching disabled (CachingDisabled, or all TTLs 0) and an origin request policy that forwards all viewer headers such as AllViewerExceptHostHeader."},
	{pitfalls.EdgeOptimized, LevelWarning, "An EDGE-optimized REST API (the CloudFormation default) behind a CloudFront behavior."},
	{pitfalls.OriginTimeout, LevelWarning, "An API origin read timeout below the API's integration timeout (29 s unless the methods set more)."},
	{pitfalls.CorsDuplicate, LevelWarning, "CORS set by both the API behavior's response headers policy (without origin override) and API Gateway (Access-Control-Allow-Origin on methods or gateway responses)."},
	{pitfalls.SpaDeeplink, LevelWarning, "A distribution with an API behavior whose S3 default behavior has no viewer-request function and no error response, so deep links get AccessDenied."},
	{pitfalls.DirectAccess, LevelWarning, "A REST API behind CloudFront with a method other than OPTIONS that requires no API key, no authorizer and no IAM, on an API with no resource policy (Policy, whatever its conditions) and no WAFv2 web ACL association; an API key counts as protection without checking that CloudFront sends it."},
	{pitfalls.CorsErrors, LevelWarning, "A REST API behind CloudFront that sets Access-Control-Allow-Origin on its methods (such as the OPTIONS mock) or gateway responses but not on both its DEFAULT_4XX and DEFAULT_5XX gateway responses, while the API behavior's response headers policy sets no CORS; with an authorizer or IAM on the API, also each of UNAUTHORIZED, ACCESS_DENIED, EXPIRED_TOKEN, INVALID_SIGNATURE, AUTHORIZER_FAILURE and AUTHORIZER_CONFIGURATION_ERROR defined without Access-Control-Allow-Origin (it replaces the default's headers, CORS included). An API that declares no CORS is not reported: its backend may set it, which the template does not show."},
	{pitfalls.StaleFrontend, LevelWarning, "BucketDeployments to the bucket of a distribution's S3 default behavior of which none invalidates that distribution (DistributionId), or whose DistributionPaths leave out the default root object; or the HTML uploaded with Cache-Control immutable or a max-age above 5 minutes and no no-cache."},
	{pitfalls.ErrorsCached, LevelWarning, "A distribution that serves an API without an ErrorCachingMinTTL of 0 for each of 400, 403, 404, 405, 414 and 500-504 (CloudFront keeps them 10 s)."},
	{pitfalls.ChunkDeleted, LevelWarning, "A BucketDeployment that prunes the bucket of a distribution's S3 default behavior with filters that let a build's hashed chunks through: each deploy deletes the previous build's files."},
	{pitfalls.SecretExposed, LevelWarning, "An HTTP_PROXY integration of an API behind CloudFront that does not overwrite (integration.request.header.<name>) a secret header CloudFront adds to the API origin: x-api-key or a value from Secrets Manager or an SSM secure string."},
	{pitfalls.ApiUncompressed, LevelWarning, "A REST API behind CloudFront with no MinimumCompressionSize, on a behavior that does not both compress and cache (CloudFront compresses nothing under CachingDisabled)."},
	{pitfalls.DestroyBlocked, LevelWarning, "A bucket the stack empties on delete (Custom::S3AutoDeleteObjects) that receives a distribution's standard logs or S3 server access logs."},
	{pitfalls.AccountSingleton, LevelWarning, "More than one AWS::ApiGateway::Account in one stack. The same setting written by another stack or app is not visible in one stack."},
	{pitfalls.WellknownRewritten, LevelWarning, "The viewer-request CloudFront Function of an S3 default behavior that assigns a URI, mentions index.html and never mentions .well-known (a heuristic on its source, comments left out; the function is not run)."},
}

// Rules lists every rule, errors first.
func Rules() []Rule {
	return slices.Clone(rules)
}

// KnownRule reports whether a rule has the ID id.
func KnownRule(id pitfalls.ID) bool {
	return slices.ContainsFunc(rules, func(r Rule) bool { return r.ID == id })
}

// RuleIds lists the rules' IDs, in the order of Rules.
func RuleIds() []string {
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = string(r.ID)
	}
	return ids
}
