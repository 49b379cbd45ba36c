package pitfalls

import "slices"

// CloudFront's managed cache policies, by ID. Only CachingDisabled keeps
// every response out of the cache; it belongs on an API behavior
// (api-cached).
const (
	CachingDisabled                          = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
	CachingOptimized                         = "658327ea-f89d-4fab-a63d-7e88639e58f6"
	CachingOptimizedForUncompressedObjects   = "b2884449-e4de-46a7-ac36-70bc7f1ddd6d"
	Amplify                                  = "2e54312d-136d-493c-8eb9-b001f22f67d2"
	ElementalMediaPackage                    = "08627262-05a9-4f76-9ded-b50ca2e3a84f"
	UseOriginCacheControlHeaders             = "83da9c7e-98b4-4e11-a168-04f0df8e2c65"
	UseOriginCacheControlHeadersQueryStrings = "4cc15a8a-d715-48a4-82b8-cc0b614638fe"
)

// CloudFront's managed origin request policies, by ID.
// AllViewerExceptHostHeader is the one for an API Gateway origin: it
// forwards the viewer's headers, cookies and query string but not Host
// (host-header, headers-dropped).
const (
	AllViewerExceptHostHeader                 = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
	AllViewer                                 = "216adef6-5c7f-47e4-b989-5492eafa07d3"
	AllViewerAndCloudFrontHeaders             = "33f36d7e-f396-46d9-90e0-52428a34d9dc"
	HostHeaderOnly                            = "bf0718e1-ba1e-49d1-88b1-f726733018ae"
	UserAgentRefererHeaders                   = "acba4595-bd28-49b8-b9fe-13317c0390fa"
	CorsCustomOrigin                          = "59781a5b-3903-41f3-afcb-af62929ccde1"
	CorsS3Origin                              = "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf"
	ElementalMediaTailorPersonalizedManifests = "775133bc-15f2-49f9-abea-afb2e0bf67d2"
)

// CloudFront's managed response headers policies, by ID. The CORS ones add
// Access-Control-* headers without overriding the origin's (cors-duplicate).
const (
	SecurityHeadersPolicy                     = "67f7725c-6f97-4210-82d7-5512b31e9d03"
	SimpleCors                                = "60669652-455b-4ae9-85a4-c4c02393f86c"
	CorsWithPreflight                         = "5cc3b908-e619-4b99-88e5-2cf7f45965bd"
	CorsAndSecurityHeadersPolicy              = "e61eb60c-9c35-4d20-a928-2b84e02af89c"
	CorsWithPreflightAndSecurityHeadersPolicy = "eaab4381-ed33-4a86-88ca-d9558dc6cd63"
)

// PolicyKind is the kind of a managed CloudFront policy.
type PolicyKind string

// The kinds of managed policy, as CloudFront's console names them.
const (
	CachePolicy           PolicyKind = "cache policy"
	OriginRequestPolicy   PolicyKind = "origin request policy"
	ResponseHeadersPolicy PolicyKind = "response headers policy"
)

// ManagedPolicy is one of CloudFront's managed policies.
type ManagedPolicy struct {
	Kind PolicyKind
	// Name is the policy's name in the CloudFront console and API, such as
	// "AllViewerExceptHostHeader".
	Name string
	// ID is the policy ID a distribution refers to, one of this package's
	// constants.
	ID string
	// CDK is the aws-cdk-go function that returns the policy, such as
	// "awscloudfront.CachePolicy_CACHING_DISABLED".
	CDK string
}

var managedPolicies = []ManagedPolicy{
	{CachePolicy, "CachingDisabled", CachingDisabled, "awscloudfront.CachePolicy_CACHING_DISABLED"},
	{CachePolicy, "CachingOptimized", CachingOptimized, "awscloudfront.CachePolicy_CACHING_OPTIMIZED"},
	{CachePolicy, "CachingOptimizedForUncompressedObjects", CachingOptimizedForUncompressedObjects, "awscloudfront.CachePolicy_CACHING_OPTIMIZED_FOR_UNCOMPRESSED_OBJECTS"},
	{CachePolicy, "Amplify", Amplify, "awscloudfront.CachePolicy_AMPLIFY"},
	{CachePolicy, "Elemental-MediaPackage", ElementalMediaPackage, "awscloudfront.CachePolicy_ELEMENTAL_MEDIA_PACKAGE"},
	{CachePolicy, "UseOriginCacheControlHeaders", UseOriginCacheControlHeaders, "awscloudfront.CachePolicy_USE_ORIGIN_CACHE_CONTROL_HEADERS"},
	{CachePolicy, "UseOriginCacheControlHeaders-QueryStrings", UseOriginCacheControlHeadersQueryStrings, "awscloudfront.CachePolicy_USE_ORIGIN_CACHE_CONTROL_HEADERS_QUERY_STRINGS"},

	{OriginRequestPolicy, "AllViewerExceptHostHeader", AllViewerExceptHostHeader, "awscloudfront.OriginRequestPolicy_ALL_VIEWER_EXCEPT_HOST_HEADER"},
	{OriginRequestPolicy, "AllViewer", AllViewer, "awscloudfront.OriginRequestPolicy_ALL_VIEWER"},
	{OriginRequestPolicy, "AllViewerAndCloudFrontHeaders-2022-06", AllViewerAndCloudFrontHeaders, "awscloudfront.OriginRequestPolicy_ALL_VIEWER_AND_CLOUDFRONT_2022"},
	{OriginRequestPolicy, "HostHeaderOnly", HostHeaderOnly, "awscloudfront.OriginRequestPolicy_HOST_HEADER_ONLY"},
	{OriginRequestPolicy, "UserAgentRefererHeaders", UserAgentRefererHeaders, "awscloudfront.OriginRequestPolicy_USER_AGENT_REFERER_HEADERS"},
	{OriginRequestPolicy, "CORS-CustomOrigin", CorsCustomOrigin, "awscloudfront.OriginRequestPolicy_CORS_CUSTOM_ORIGIN"},
	{OriginRequestPolicy, "CORS-S3Origin", CorsS3Origin, "awscloudfront.OriginRequestPolicy_CORS_S3_ORIGIN"},
	{OriginRequestPolicy, "Elemental-MediaTailor-PersonalizedManifests", ElementalMediaTailorPersonalizedManifests, "awscloudfront.OriginRequestPolicy_ELEMENTAL_MEDIA_TAILOR"},

	{ResponseHeadersPolicy, "SecurityHeadersPolicy", SecurityHeadersPolicy, "awscloudfront.ResponseHeadersPolicy_SECURITY_HEADERS"},
	{ResponseHeadersPolicy, "SimpleCORS", SimpleCors, "awscloudfront.ResponseHeadersPolicy_CORS_ALLOW_ALL_ORIGINS"},
	{ResponseHeadersPolicy, "CORS-With-Preflight", CorsWithPreflight, "awscloudfront.ResponseHeadersPolicy_CORS_ALLOW_ALL_ORIGINS_WITH_PREFLIGHT"},
	{ResponseHeadersPolicy, "CORS-and-SecurityHeadersPolicy", CorsAndSecurityHeadersPolicy, "awscloudfront.ResponseHeadersPolicy_CORS_ALLOW_ALL_ORIGINS_AND_SECURITY_HEADERS"},
	{ResponseHeadersPolicy, "CORS-with-preflight-and-SecurityHeadersPolicy", CorsWithPreflightAndSecurityHeadersPolicy, "awscloudfront.ResponseHeadersPolicy_CORS_ALLOW_ALL_ORIGINS_WITH_PREFLIGHT_AND_SECURITY_HEADERS"},
}

// ManagedPolicies lists the managed policies this package names: cache
// policies first, then origin request and response headers policies.
func ManagedPolicies() []ManagedPolicy { return slices.Clone(managedPolicies) }

// PolicyName returns the name of the managed policy with the given ID and
// kind, and false when it is not one of ManagedPolicies.
func PolicyName(kind PolicyKind, id string) (string, bool) {
	for _, p := range managedPolicies {
		if p.Kind == kind && p.ID == id {
			return p.Name, true
		}
	}
	return "", false
}
