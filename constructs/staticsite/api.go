package staticsite

import (
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// newApi creates the REGIONAL REST API: ANY on the root and on {proxy+} goes
// to the backend, and OPTIONS on both is a MOCK that API Gateway answers
// itself, with no authorizer and no API key, so preflights never meet auth
// or the backend (pitfalls api-route, preflight-auth).
//
// Every method but OPTIONS requires the API key that only CloudFront sends
// (pitfall direct-access); the returned originAccess says what CloudFront
// adds.
func newApi(scope constructs.Construct, r *resolved, auth *siteAuth) (awsapigateway.RestApi, originAccess) {
	api := awsapigateway.NewRestApi(scope, jsii.String("Api"), &awsapigateway.RestApiProps{
		Description: jsii.String("API served under " + r.apiPrefix + " of the site's CloudFront domain"),
		// An EDGE API behind CloudFront adds a second CloudFront hop and
		// rewrites the CloudFront-Viewer-* headers (pitfall edge-optimized).
		EndpointConfiguration: &awsapigateway.EndpointConfiguration{
			Types: &[]awsapigateway.EndpointType{awsapigateway.EndpointType_REGIONAL},
		},
		DeployOptions: &awsapigateway.StageOptions{
			StageName:            jsii.String(r.stageName),
			AccessLogDestination: newAccessLogs(scope, r),
			AccessLogFormat:      awsapigateway.AccessLogFormat_Custom(jsii.String(accessLogFormat)),
			LoggingLevel:         awsapigateway.MethodLoggingLevel_ERROR,
			MetricsEnabled:       jsii.Bool(true),
			ThrottlingRateLimit:  jsii.Number(r.rate),
			ThrottlingBurstLimit: jsii.Number(r.burst),
		},
		// Execution logging needs the account-level role, which is one
		// setting per account and region: the site's stack makes it once
		// (accountSetting), not every RestApi (pitfall account-singleton).
		CloudWatchRole: jsii.Bool(false),
		FailOnWarnings: jsii.Bool(true),
		// CloudFront does not compress under CachingDisabled; API Gateway
		// does, for clients that accept gzip or deflate, which
		// AllViewerExceptHostHeader forwards (pitfall api-uncompressed).
		MinCompressionSize: r.minCompression,
	})

	addRoutes(r, auth, api.Root())
	if auth != nil {
		addAuthResponses(api)
	}
	return api, originVerification(scope, r, api)
}

// addRoutes gives the root and its {proxy+} an ANY method to the backend
// and an open OPTIONS each. Without Auth (a nil) every ANY needs only the
// origin API key. With Auth, every ANY has the authorizer but those of
// PublicPaths, and each resource a public path needs gets the same pair
// and its own {proxy+} child, so that every request matches a resource of
// its own path without relying on API Gateway falling back to a shorter
// {proxy+}: /api/items with a public /api/health goes to /api/{proxy+},
// authorized.
func addRoutes(r *resolved, a *siteAuth, root awsapigateway.IResource) {
	http := r.Backend.kind == backendHttp
	anyMethod := func(res awsapigateway.IResource, path string, greedy, public bool) {
		opts := awsapigateway.MethodOptions{AuthorizationType: awsapigateway.AuthorizationType_NONE, ApiKeyRequired: jsii.Bool(true)}
		var headers map[string]*string
		if a != nil {
			if !public {
				opts = a.protectedOptions()
			}
			if http {
				headers = a.claimHeaders(public)
			}
		}
		if http && greedy {
			opts.RequestParameters = &map[string]*bool{"method.request.path.proxy": jsii.Bool(true)}
		}
		m := res.AddMethod(jsii.String("ANY"), r.Backend.integration(path, greedy, headers), &opts)
		if a != nil && public {
			a.publicMethods = append(a.publicMethods, m)
		}
	}
	// add gives res (at path) and a {proxy+} child their ANY and OPTIONS;
	// exact and subtree say which of the two ANY are public.
	add := func(res awsapigateway.IResource, path string, exact, subtree bool) {
		anyMethod(res, path, false, exact)
		proxy := res.AddResource(jsii.String("{proxy+}"), nil)
		anyMethod(proxy, path, true, subtree)
		addPreflight(res)
		addPreflight(proxy)
	}
	add(root, "/", a == nil, a == nil)
	if a == nil {
		return
	}
	type node struct{ exact, subtree bool }
	nodes := map[string]*node{}
	for _, pp := range r.auth.public {
		for i := 1; i <= len(pp.Segments); i++ {
			if p := "/" + strings.Join(pp.Segments[:i], "/"); nodes[p] == nil {
				nodes[p] = &node{}
			}
		}
		n := nodes["/"+strings.Join(pp.Segments, "/")]
		n.exact, n.subtree = n.exact || !pp.Subtree, n.subtree || pp.Subtree
	}
	resources := map[string]awsapigateway.IResource{"": root}
	for _, p := range slices.Sorted(maps.Keys(nodes)) {
		cut := strings.LastIndexByte(p, '/')
		res := resources[p[:cut]].AddResource(jsii.String(p[cut+1:]), nil)
		resources[p] = res
		add(res, p, nodes[p].exact, nodes[p].subtree)
	}
}

// addPreflight adds the OPTIONS method that answers preflights on res:
// no authorizer, no API key.
func addPreflight(res awsapigateway.IResource) {
	res.AddMethod(jsii.String("OPTIONS"), preflightIntegration(), &awsapigateway.MethodOptions{
		AuthorizationType: awsapigateway.AuthorizationType_NONE,
		ApiKeyRequired:    jsii.Bool(false),
		MethodResponses:   &[]*awsapigateway.MethodResponse{{StatusCode: jsii.String("204")}},
	})
}

// preflightIntegration answers OPTIONS with 204 inside API Gateway. The CORS
// headers themselves are added by CloudFront's response headers policy, the
// one layer that owns CORS (pitfall cors-duplicate).
func preflightIntegration() awsapigateway.MockIntegration {
	return awsapigateway.NewMockIntegration(&awsapigateway.IntegrationOptions{
		RequestTemplates: &map[string]*string{
			"application/json": jsii.String(`{"statusCode": 204}`),
		},
		IntegrationResponses: &[]*awsapigateway.IntegrationResponse{{StatusCode: jsii.String("204")}},
	})
}
