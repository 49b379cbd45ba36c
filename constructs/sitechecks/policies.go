package sitechecks

// Managed CloudFront policies by ID, as CDK's CachePolicy_*,
// OriginRequestPolicy_* and ResponseHeadersPolicy_* constants render them.

const cachingDisabledId = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"

// managedCachePolicies maps every managed cache policy to its name. All but
// CachingDisabled cache responses.
var managedCachePolicies = map[string]string{
	cachingDisabledId:                      "CachingDisabled",
	"658327ea-f89d-4fab-a63d-7e88639e58f6": "CachingOptimized",
	"b2884449-e4de-46a7-ac36-70bc7f1ddd6d": "CachingOptimizedForUncompressedObjects",
	"2e54312d-136d-493c-8eb9-b001f22f67d2": "Amplify",
	"08627262-05a9-4f76-9ded-b50ca2e3a84f": "Elemental-MediaPackage",
	"83da9c7e-98b4-4e11-a168-04f0df8e2c65": "UseOriginCacheControlHeaders",
	"4cc15a8a-d715-48a4-82b8-cc0b614638fe": "UseOriginCacheControlHeaders-QueryStrings",
}

type requestPolicy struct {
	name        string
	forwardHost bool // the viewer's Host reaches the origin (host-header)
	drops       bool // no query string and at most a few fixed headers (headers-dropped)
}

var managedOriginRequestPolicies = map[string]requestPolicy{
	"b689b0a8-53d0-40ab-baf2-68738e2966ac": {name: "AllViewerExceptHostHeader"},
	"216adef6-5c7f-47e4-b989-5492eafa07d3": {name: "AllViewer", forwardHost: true},
	"33f36d7e-f396-46d9-90e0-52428a34d9dc": {name: "AllViewerAndCloudFrontHeaders-2022-06", forwardHost: true},
	"bf0718e1-ba1e-49d1-88b1-f726733018ae": {name: "HostHeaderOnly", forwardHost: true, drops: true},
	"acba4595-bd28-49b8-b9fe-13317c0390fa": {name: "UserAgentRefererHeaders", drops: true},
	"59781a5b-3903-41f3-afcb-af62929ccde1": {name: "CORS-CustomOrigin", drops: true},
	"88a5eaf4-2fd4-4709-b370-b4c650ea3fcf": {name: "CORS-S3Origin", drops: true},
	"775133bc-15f2-49f9-abea-afb2e0bf67d2": {name: "Elemental-MediaTailor-PersonalizedManifests"},
}

// managedCorsPolicies are the managed response headers policies that add
// CORS headers. None of them overrides the origin's own CORS headers.
var managedCorsPolicies = map[string]string{
	"60669652-455b-4ae9-85a4-c4c02393f86c": "SimpleCORS",
	"5cc3b908-e619-4b99-88e5-2cf7f45965bd": "CORS-With-Preflight",
	"e61eb60c-9c35-4d20-a928-2b84e02af89c": "CORS-and-SecurityHeadersPolicy",
	"eaab4381-ed33-4a86-88ca-d9558dc6cd63": "CORS-with-preflight-and-SecurityHeadersPolicy",
}
