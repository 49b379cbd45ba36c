package staticsite

import (
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

	root := api.Root()
	if auth == nil {
		rootIntegration, proxyIntegration := r.Backend.integrations(nil)
		open := &awsapigateway.MethodOptions{
			AuthorizationType: awsapigateway.AuthorizationType_NONE,
			ApiKeyRequired:    jsii.Bool(true),
		}
		proxyOpts := *open
		if r.Backend.kind == backendHttp {
			proxyOpts.RequestParameters = &map[string]*bool{"method.request.path.proxy": jsii.Bool(true)}
		}
		root.AddMethod(jsii.String("ANY"), rootIntegration, open)
		proxy := root.AddResource(jsii.String("{proxy+}"), nil)
		proxy.AddMethod(jsii.String("ANY"), proxyIntegration, &proxyOpts)
		addPreflight(root)
		addPreflight(proxy)
	} else {
		newAuthorizedRoutes(r, auth, root)
		addAuthResponses(api)
	}
	return api, originVerification(scope, r, api)
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
