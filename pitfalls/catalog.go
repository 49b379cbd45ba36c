package pitfalls

import "fmt"

// The original pitfalls: what fails on the first deploy of a SPA and a REST
// API behind one distribution.
const (
	EdgeMethods     ID = "edge-methods"
	S3Origin        ID = "s3-origin"
	ApiRoute        ID = "api-route"
	HostHeader      ID = "host-header"
	HeadersDropped  ID = "headers-dropped"
	ApiCached       ID = "api-cached"
	PreflightAuth   ID = "preflight-auth"
	CorsDuplicate   ID = "cors-duplicate"
	CorsErrors      ID = "cors-errors"
	ErrorMasked     ID = "error-masked"
	SpaDeeplink     ID = "spa-deeplink"
	EdgeOptimized   ID = "edge-optimized"
	OriginTimeout   ID = "origin-timeout"
	DirectAccess    ID = "direct-access"
	StaleFrontend   ID = "stale-frontend"
	ConfigPruned    ID = "config-pruned"
	AbsoluteBaseUrl ID = "absolute-base-url"
)

// The Day-2 pitfalls: what fails once the site is operated.
const (
	ErrorsCached       ID = "errors-cached"
	AssetCacheClass    ID = "asset-cache-class"
	ChunkDeleted       ID = "chunk-deleted"
	SecretRotation     ID = "secret-rotation"
	SecretExposed      ID = "secret-exposed"
	ApiUncompressed    ID = "api-uncompressed"
	DestroyBlocked     ID = "destroy-blocked"
	AccountSingleton   ID = "account-singleton"
	WellknownRewritten ID = "wellknown-rewritten"
	ClientIp           ID = "client-ip"
)

// Shorthands for the layer sets below.
const (
	everywhere    = Construct | Synth | Smoke | Test
	notDeployed   = Construct | Synth | Test
	notInTemplate = Construct | Smoke | Test
	testsOnly     = Construct | Test
)

var catalog = []Pitfall{
	{
		ID:      EdgeMethods,
		Symptom: "POST, PUT or DELETE gets CloudFront's own **403** HTML page: \"This distribution is not configured to allow the HTTP request method that was used for this request. The distribution supports only cachable requests.\"",
		Cause:   "the API behavior allows only GET and HEAD, which is what CDK (and AWS's `aws-cloudfront-apigateway` pattern) does when nothing is said",
		Default: "the API behavior allows all seven methods; the S3 behavior keeps GET and HEAD",
		Fix:     "allow all seven methods on the API behavior (AllowedMethods: awscloudfront.AllowedMethods_ALLOW_ALL())",
		FoundBy: everywhere,
	},
	{
		ID:      S3Origin,
		Symptom: "a POST gets S3's **405** XML (`<Code>MethodNotAllowed</Code>` … `<ResourceType>OBJECT</ResourceType>`), or an API GET gets S3's `AccessDenied` XML",
		Cause:   "the request fell through to the default `*` behavior and reached the bucket: the API behavior is missing, its pattern misses the path (`/api/*` does not match a bare `/api`), or the frontend calls outside the API prefix",
		Default: "one `<prefix>/*` behavior sends the API prefix to API Gateway, and the frontend takes that prefix from `config.json`; the S3 behavior accepts only GET and HEAD",
		Fix:     "route the API prefix to the API origin with a behavior whose path pattern is <prefix>/* (it does not match the bare prefix), and make the frontend call only paths under that prefix",
		FoundBy: everywhere,
	},
	{
		ID:      ApiRoute,
		Symptom: "API Gateway answers `{\"message\":\"Missing Authentication Token\"}`",
		Cause:   "no resource and method match the forwarded request: the origin path lacks the stage, the API's resources do not cover the path (CloudFront sends `/api/x` as `/<stage>/api/x`), OPTIONS is not defined, or the URL is a bare stage",
		Default: "the stage is the origin path; `ANY` on `/` and on `/{proxy+}` covers every path under the prefix, and both have OPTIONS",
		Fix:     "use the stage as the API origin path and give the API an ANY {proxy+} resource covering the prefix (CloudFront forwards /api/x as /<stage>/api/x)",
		FoundBy: everywhere,
	},
	{
		ID:      HostHeader,
		Symptom: "through CloudFront every API call gets **403** `{\"message\":\"Forbidden\"}`, while the execute-api URL works",
		Cause:   "the viewer's `Host` header is forwarded (origin request policy AllViewer, or the legacy \"all headers\"), and execute-api picks the API by its Host",
		Default: "origin request policy AllViewerExceptHostHeader on the API behavior",
		Fix: fmt.Sprintf("forward every viewer header except Host (origin request policy AllViewerExceptHostHeader, %s); "+
			"if Host is already not forwarded, API Gateway is refusing CloudFront's secret origin header: its value no longer matches an API key "+
			"(%s: rotate by raising originSecretGeneration and deploying, never with put-secret-value)", AllViewerExceptHostHeader, SecretRotation),
		FoundBy: everywhere,
	},
	{
		ID:      HeadersDropped,
		Symptom: "the backend gets no `Authorization`, no `Content-Type` and no query string; with an authorizer, every call answers 401 however valid the token",
		Cause:   "the API behavior has no origin request policy, and its cache policy (often CachingOptimized, as in a console setup) forwards nothing by itself; CloudFront forwards `Authorization` only in the cache key, or with caching disabled and an all-viewer origin request policy",
		Default: "origin request policy AllViewerExceptHostHeader on the API behavior",
		Fix: fmt.Sprintf("set the API behavior's origin request policy to AllViewerExceptHostHeader (%s, awscloudfront.OriginRequestPolicy_ALL_VIEWER_EXCEPT_HOST_HEADER())",
			AllViewerExceptHostHeader),
		FoundBy: notDeployed | Smoke,
	},
	{
		ID:      ApiCached,
		Symptom: "API calls return stale data or another user's answer; the response says `x-cache: Hit from cloudfront`",
		Cause:   "a caching policy on the API behavior, such as CachingOptimized",
		Default: "cache policy CachingDisabled on the API behavior",
		Fix:     fmt.Sprintf("use the managed cache policy CachingDisabled (%s, awscloudfront.CachePolicy_CACHING_DISABLED()) on the API behavior", CachingDisabled),
		FoundBy: everywhere,
	},
	{
		ID:      PreflightAuth,
		Symptom: "the browser's preflight fails: OPTIONS gets 401, 403 or `Missing Authentication Token`, or it reaches the backend",
		Cause:   "an authorizer or API key guards OPTIONS too, or `ANY /{proxy+}` has no OPTIONS of its own, so the preflight falls into ANY",
		Default: "OPTIONS is a MOCK method with no authorization and no API key, answered by API Gateway without calling the backend",
		Fix:     "define OPTIONS on every API resource, including {proxy+}, as a MOCK method with no authorizer and no API key",
		FoundBy: everywhere,
	},
	{
		ID:      CorsDuplicate,
		Symptom: "the browser rejects a response that carries two `Access-Control-Allow-Origin` values",
		Cause:   "more than one layer sets CORS: a CloudFront response headers policy, API Gateway and the backend's own CORS code",
		Default: "CloudFront alone owns CORS, through a response headers policy that overrides the backend's CORS headers (or strips them when no other origin is allowed); calls from the site itself are same-origin and need none",
		Fix:     "let one layer own CORS: turn on OriginOverride in the CloudFront response headers policy, or remove the Access-Control-* headers from API Gateway and the backend",
		FoundBy: everywhere,
	},
	{
		ID:      CorsErrors,
		Symptom: "the browser reports a CORS error where the API really answered 4XX or 5XX",
		Cause:   "API Gateway's own error responses (no route, throttled, integration failed, an authorizer's 401 and 403) carry no CORS headers",
		Default: "the CloudFront response headers policy adds the CORS headers to every API response, API Gateway's own errors included",
		Fix:     "add the CORS headers to API Gateway's own 4XX and 5XX answers too: let a CloudFront response headers policy add them to every API response, or set them on the gateway responses",
		FoundBy: testsOnly | Smoke | Synth,
	},
	{
		ID:      ErrorMasked,
		Symptom: "an API 403 or 404 arrives as `index.html` with status 200, and the client fails with `Unexpected token <`",
		Cause:   "custom error responses (403/404 → `/index.html`) set on the whole distribution to make SPA routing work",
		Default: "no error response of the distribution has a page; the SPA fallback is a viewer-request CloudFront Function on the S3 behavior only",
		Fix:     fmt.Sprintf("remove distribution-wide custom error responses (403/404 -> /index.html) and do the SPA fallback with a viewer-request function on the S3 behavior only; if there are none, the request reached S3 (%s)", S3Origin),
		FoundBy: everywhere,
	},
	{
		ID:      SpaDeeplink,
		Symptom: "a deep link such as `/users/42` shows S3's `AccessDenied` XML",
		Cause:   "nothing sends client-side routes to `index.html`, and S3 behind origin access control answers 403 for a key it does not have",
		Default: "a viewer-request function on the S3 behavior serves `/index.html` for paths whose last segment has no extension",
		Fix:     "attach a viewer-request CloudFront Function to the S3 behavior that rewrites extension-less paths to /index.html",
		FoundBy: everywhere,
	},
	{
		ID:      EdgeOptimized,
		Symptom: "API calls are slower than they need to be, and the `CloudFront-Viewer-*` headers describe the wrong viewer",
		Cause:   "an EDGE-optimized API behind the distribution, so each request crosses two CloudFront distributions",
		Default: "a REGIONAL endpoint",
		Fix:     "make the REST API REGIONAL (awsapigateway.EndpointType_REGIONAL); an API that sets no endpoint type is EDGE",
		FoundBy: notDeployed | Smoke,
	},
	{
		ID:      OriginTimeout,
		Symptom: "CloudFront answers **504**",
		Cause:   "REST integrations give up after 29 s, and the origin read timeout is shorter than that",
		Default: "origin read timeout 30 s; a value below 29 s is refused",
		Fix:     "set the API origin's read timeout to at least the 29 s integration timeout (30 s by default), or make the backend answer faster",
		FoundBy: everywhere,
	},
	{
		ID:      DirectAccess,
		Symptom: "the execute-api URL answers anyone directly, skipping CloudFront, its headers and any WAF",
		Cause:   "nothing checks that a request came through CloudFront",
		Default: "CloudFront sends a generated secret as the `x-api-key` origin header, and every API method but OPTIONS requires that key",
		Fix:     "make API Gateway require a secret only CloudFront knows: an API key kept in Secrets Manager, sent by CloudFront as the x-api-key origin header and required by every method but OPTIONS",
		FoundBy: testsOnly | Smoke | Synth,
	},
	{
		ID:      StaleFrontend,
		Symptom: "after a deploy users still get the old app",
		Cause:   "no invalidation, and `index.html` cached for up to a day",
		Default: "each deploy invalidates once; `index.html` and `config.json` revalidate on every request, content-hashed assets are immutable",
		Fix:     "serve index.html and config.json with Cache-Control no-cache and only content-hashed files as immutable, and invalidate the distribution after each upload",
		FoundBy: testsOnly | Smoke | Synth,
	},
	{
		ID:      ConfigPruned,
		Symptom: "`config.json` is gone after a deploy",
		Cause:   "a second `BucketDeployment` with `prune` deleted the files of the first one",
		Default: "every key belongs to exactly one deployment, and no deployment prunes",
		Fix:     "give every key of the bucket one owning deployment and set Prune: false on each BucketDeployment that shares the bucket",
		FoundBy: testsOnly | Smoke | Synth,
	},
	{
		ID:      AbsoluteBaseUrl,
		Symptom: "the frontend works on one domain and breaks on another (for example an axios base URL of `https://<cloudfront-domain>/api/...`)",
		Cause:   "the API's absolute URL is compiled into the frontend build",
		Default: "the frontend reads a relative `apiBase` (`/api`) from `config.json`, written at deploy",
		Fix:     "read the API base from /config.json at run time and keep it a path on the same site (/api), not an absolute URL built into the bundle",
		FoundBy: testsOnly | Smoke,

		NotFound: Reasons{Synth: "the API base is in the uploaded files (config.json and the bundle), which a template does not contain"},
	},

	{
		ID:      ErrorsCached,
		Day2:    true,
		Symptom: "one user's 403, or a passing 502, 503 or 504, is served to every user for about 10 s",
		Cause:   "CloudFront keeps 400, 403, 404, 405, 414 and 500-504 answers for the Error Caching Minimum TTL (10 s unless set) and mostly ignores `no-cache` on them, while the API behavior's cache key is only the URL",
		Default: "an error caching TTL of 0 for each of those codes, with **no** response page, so nothing is masked",
		Fix:     "set the Error Caching Minimum TTL to 0, with no response page, for 400, 403, 404, 405, 414 and 500-504 (CloudFront caches them 10 s by default)",
		FoundBy: everywhere,
	},
	{
		ID:      AssetCacheClass,
		Day2:    true,
		Symptom: "after a deploy users keep an edited `og-image-1200x630.png` for a year, or every Vite chunk is fetched again each hour",
		Cause:   "guessing from file names which files are content-hashed: Vite, Rollup and Rolldown hashes are 8 base64url characters that often have no digit or contain `-`, esbuild's are base32, and public files with sizes or dates in their names look hashed",
		Default: "exactly the files that real Vite, esbuild, webpack and Angular builds content-hash are immutable; everything else revalidates or gets a short max-age",
		Fix:     "mark as immutable only the files your bundler content-hashed (by its manifest or its exact naming scheme), and let every other file revalidate",
		FoundBy: testsOnly,

		NotFound: Reasons{Synth: "which files a bundler content-hashed is in its output, not in the template, which only says how each upload is cached", Smoke: "which files should be immutable depends on the bundler's naming, which the served responses do not say"},
	},
	{
		ID:      ChunkDeleted,
		Day2:    true,
		Symptom: "right after a deploy, tabs opened earlier fail to load a lazy route: `ChunkLoadError`, \"Failed to fetch dynamically imported module\"",
		Cause:   "the deploy deleted the previous build's hashed chunks while open pages still refer to them",
		Default: "the previous build's files stay for a retention window (7 days unless set) and are removed after it; `config.json` and the HTML are always the current ones",
		Fix:     "do not prune the previous build's hashed files on deploy: keep them for a few days (the construct tags them superseded and a lifecycle rule deletes them later)",
		FoundBy: everywhere,
	},
	{
		ID:      SecretRotation,
		Day2:    true,
		Symptom: "after `put-secret-value` and `cdk deploy` nothing changes; weeks later an unrelated change to the distribution turns every API call into 403",
		Cause:   "CloudFormation reads a `{{resolve:secretsmanager:…}}` reference only when the resource using it is updated, so CloudFront and the API key take up a new value at different times",
		Default: "a rotation is a template change (`OriginSecretGeneration`) that updates both users in one deploy, and both keys are accepted while CloudFront propagates",
		Fix:     "rotate the origin secret by raising OriginSecretGeneration (originSecretGeneration in cdk.json) and deploying, never with put-secret-value alone",
		FoundBy: notDeployed,

		NotFound: Reasons{Smoke: "the two copies of the secret differ only after a change outside CloudFormation, and a working site shows nothing of the secret's policy"},
	},
	{
		ID:      SecretExposed,
		Day2:    true,
		Symptom: "the origin secret turns up in backend logs or at a third-party HTTP service",
		Cause:   "the integration passes CloudFront's `x-api-key` header on to the backend",
		Default: "the secret stops at API Gateway: an HTTP backend gets a placeholder in its place, the bundled Lambda never logs headers, and the docs say who can read the secret",
		Fix:     "overwrite x-api-key in the integration's request parameters with a fixed placeholder, and never log request headers in the backend",
		FoundBy: notDeployed,

		NotFound: Reasons{Smoke: "the secret leaves through the backend and its logs, never in the site's responses"},
	},
	{
		ID:      ApiUncompressed,
		Day2:    true,
		Symptom: "large JSON answers of the API travel uncompressed",
		Cause:   "CloudFront compresses only when the cache policy can cache, so it never compresses under CachingDisabled (TTL 0)",
		Default: "API Gateway compresses answers from 1 KiB up (`MinCompressionSize`); the API behavior makes no `Compress` claim that would do nothing",
		Fix:     "set the REST API's minimum compression size (MinCompressionSize): CloudFront does not compress a behavior that does not cache",
		FoundBy: everywhere,
	},
	{
		ID:      DestroyBlocked,
		Day2:    true,
		Symptom: "`cdk destroy` of a dev stack fails with `BucketNotEmpty` on the log bucket",
		Cause:   "CloudFront and S3 go on delivering logs after the auto-delete handler has emptied the bucket",
		Default: "the stack never empties or deletes its log bucket, and dev stacks write no access logs, so a dev stack tears down cleanly",
		Fix:     "do not auto-delete a bucket that receives access logs: retain the log bucket, or turn access logs off in stacks you destroy",
		FoundBy: notDeployed,

		NotFound: Reasons{Smoke: "it appears when the stack is deleted, not on the running site"},
	},
	{
		ID:      AccountSingleton,
		Day2:    true,
		Symptom: "API Gateway execution logging quietly switches role, or stops when one stack is deleted",
		Cause:   "`AWS::ApiGateway::Account` is one setting per account and region, and every stack that turns on the CloudWatch role writes it",
		Default: "exactly one stack per account and region owns the setting; a stack writes it at most once and warns about another that does",
		Fix:     "let one stack per account and region own AWS::ApiGateway::Account (NewApiGatewayAccount; manageApiGatewayAccount in cdk.json) and set ApiGatewayCloudWatchRole to false everywhere else",
		FoundBy: notDeployed,

		NotFound: Reasons{Smoke: "an account-wide API Gateway setting written by stacks is invisible in the site's responses"},
	},
	{
		ID:      WellknownRewritten,
		Day2:    true,
		Symptom: "iOS universal links fail: `/.well-known/apple-app-site-association` returns `index.html`",
		Cause:   "the SPA rule takes every extension-less last segment for a route, `/.well-known/*` included",
		Default: "paths under `/.well-known/` are always served as files",
		Fix:     "leave /.well-known/ paths alone in the SPA rewrite: they are files (apple-app-site-association has no extension)",
		FoundBy: everywhere,
	},
	{
		ID:      ClientIp,
		Day2:    true,
		Symptom: "API access logs and rate rules see CloudFront's edge address, not the user's",
		Cause:   "behind CloudFront, API Gateway's `sourceIp` is the edge server",
		Default: "the access log calls that field `edgeIp`; the backend takes the viewer from `X-Forwarded-For` (`apihandler.ViewerIP`) and logs it",
		Fix:     "take the viewer's address from X-Forwarded-For (the last entry before the one API Gateway adds), not from sourceIp",
		FoundBy: testsOnly,

		NotFound: Reasons{Synth: "logging sourceIp is right under an edge-address name; taking the viewer from X-Forwarded-For is backend code, which a template does not hold", Smoke: "which address the backend and its logs record is not in the responses"},
	},
}
