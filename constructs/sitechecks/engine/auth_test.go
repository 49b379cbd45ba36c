package engine

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The rules on APIs with an authorizer (issue "Signed-in users", item 4),
// on hand-written CloudFormation: preflight-auth on every kind of
// authorization, cors-errors on the authorizer's gateway responses, and
// headers-dropped on its identity sources (authorizers_test.go). The
// construct's own shape (TestAuthorizerConstructShape) is the good case of
// all three.

const (
	cognitoAuthorizer = `"Auth": {"Type": "AWS::ApiGateway::Authorizer", "Properties": {"RestApiId": {"Ref": "Api"}, "Name": "auth",
		"Type": "COGNITO_USER_POOLS", "IdentitySource": "method.request.header.Authorization", "ProviderARNs": ["arn:aws:cognito-idp:ap-southeast-2:123456789012:userpool/x"]}}`
	// corsHeadersPolicy adds CORS to every response of the API behavior,
	// overriding the origin's, as StaticSiteWithApi's does.
	corsHeadersPolicy = `"Cors": {"Type": "AWS::CloudFront::ResponseHeadersPolicy", "Properties": {"ResponseHeadersPolicyConfig": {"Name": "cors",
		"CorsConfig": {"OriginOverride": true, "AccessControlAllowOrigins": {"Items": ["https://app.example.com"]}}}}}`
	withCorsPolicy      = `, "ResponseHeadersPolicyId": {"Ref": "Cors"}`
	cachingDisabled     = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
	cachingOptimized    = "658327ea-f89d-4fab-a63d-7e88639e58f6"
	allViewerExceptHost = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
)

// authorizedApi is rawApi whose ANY method uses the authorizer Auth (of
// type authType), with the API key as before.
func authorizedApi(t *testing.T, authType string) string {
	return withApi(t, anyWithKey, `"HttpMethod": "ANY", "AuthorizationType": "`+authType+`", "AuthorizerId": {"Ref": "Auth"}, "ApiKeyRequired": true,`)
}

// lambdaAuthorizer is an authorizer Auth of type typ (TOKEN or REQUEST)
// reading source, with API Gateway's default result cache (300 s).
func lambdaAuthorizer(typ, source string) string {
	return `"Auth": {"Type": "AWS::ApiGateway::Authorizer", "Properties": {"RestApiId": {"Ref": "Api"}, "Name": "auth", "Type": "` + typ + `",
		"AuthorizerUri": "arn:aws:apigateway:ap-southeast-2:lambda:path/2015-03-31/functions/arn/invocations", "IdentitySource": "` + source + `"}}`
}

// authResponse is a gateway response of type typ as StaticSiteWithApi's
// Auth writes it: JSON, no-store, no CORS (CloudFront adds it).
func authResponse(id, typ, status string) string {
	return `"` + id + `": {"Type": "AWS::ApiGateway::GatewayResponse", "Properties": {"RestApiId": {"Ref": "Api"}, "ResponseType": "` + typ + `", "StatusCode": "` + status + `",
		"ResponseParameters": {"gatewayresponse.header.Cache-Control": "'no-store'"},
		"ResponseTemplates": {"application/json": "{\"message\":$context.error.messageString}"}}}`
}

// authResponses are the six gateway responses of the construct's Auth.
var authResponses = strings.Join([]string{
	authResponse("AuthUnauthorized", "UNAUTHORIZED", "401"),
	authResponse("AuthAccessDenied", "ACCESS_DENIED", "403"),
	authResponse("AuthExpiredToken", "EXPIRED_TOKEN", "403"),
	authResponse("AuthInvalidSignature", "INVALID_SIGNATURE", "403"),
	authResponse("AuthAuthorizerFailure", "AUTHORIZER_FAILURE", "500"),
	authResponse("AuthAuthorizerConfigurationError", "AUTHORIZER_CONFIGURATION_ERROR", "500"),
}, ",")

// apiBehavior is an API behavior with all seven methods and the given
// cache and origin request policies (JSON values; "" leaves one out).
func apiBehavior(cache, request string) string {
	b := `"AllowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"], "CachePolicyId": ` + cache
	if request != "" {
		b += `, "OriginRequestPolicyId": ` + request
	}
	return b
}

func quoted(s string) string { return `"` + s + `"` }

// TestAuthorizerConstructShape: StaticSiteWithApi with Auth (CachingDisabled,
// AllViewerExceptHostHeader, CloudFront's CORS policy, a Cognito
// authorizer on ANY, the OPTIONS mock with CORS, JSON gateway responses
// without CORS) has nothing to report.
func TestAuthorizerConstructShape(t *testing.T) {
	api := strings.Replace(authorizedApi(t, "COGNITO_USER_POOLS"), optionsMock, corsOnOptions, 1)
	dist := distribution(apiBehavior(quoted(cachingDisabled), quoted(allViewerExceptHost))+withCorsPolicy, "")
	require.Empty(t, analyzeTemplate(t, config{}, "{"+api+","+dist+","+corsHeadersPolicy+","+cognitoAuthorizer+","+authResponses+"}"))
}

// TestPreflightAuthKinds: OPTIONS guarded by any kind of authorization is
// an error, behind CloudFront or not.
func TestPreflightAuthKinds(t *testing.T) {
	good := distribution(goodApiBehavior, "")
	cases := map[string]string{
		"COGNITO_USER_POOLS": `"HttpMethod": "OPTIONS", "AuthorizationType": "COGNITO_USER_POOLS", "AuthorizerId": {"Ref": "Auth"},`,
		"CUSTOM":             `"HttpMethod": "OPTIONS", "AuthorizationType": "CUSTOM", "AuthorizerId": {"Ref": "Auth"},`,
		"AWS_IAM":            `"HttpMethod": "OPTIONS", "AuthorizationType": "AWS_IAM",`,
		"ApiKeyRequired":     `"HttpMethod": "OPTIONS", "AuthorizationType": "NONE", "ApiKeyRequired": true,`,
	}
	for name, options := range cases {
		t.Run(name, func(t *testing.T) {
			api := withApi(t, `"HttpMethod": "OPTIONS", "AuthorizationType": "NONE",`, options)
			auth := lambdaAuthorizer("TOKEN", "method.request.header.Authorization")
			if name == "COGNITO_USER_POOLS" {
				auth = cognitoAuthorizer
			}
			want := []string{"preflight-auth:error@ProxyOptions"}
			require.Equal(t, want, analyzeTemplate(t, config{}, "{"+api+","+good+","+auth+"}"), "behind CloudFront")
			require.Equal(t, want, analyzeTemplate(t, config{}, "{"+api+","+auth+"}"), "without CloudFront")
		})
	}
}

// TestCorsErrorsAuthorizer: the authorizer's refusals are gateway
// responses; without CORS from CloudFront, each needs its own.
func TestCorsErrorsAuthorizer(t *testing.T) {
	cognito := strings.Replace(authorizedApi(t, "COGNITO_USER_POOLS"), optionsMock, corsOnOptions, 1) + "," + cognitoAuthorizer
	keyOnly := withApi(t, optionsMock, corsOnOptions)
	defaults := gatewayResponse("Gw4", "DEFAULT_4XX") + "," + gatewayResponse("Gw5", "DEFAULT_5XX")
	good := distribution(goodApiBehavior, "")
	// The API's own CORS is on its gateway responses only (a Lambda proxy
	// sets it on its answers, which the template does not show).
	proxyCors := authorizedApi(t, "CUSTOM") + "," + lambdaAuthorizer("TOKEN", "method.request.header.Authorization")
	cases := []struct {
		name, resources string
		want            []string
		says            map[string][]string // target -> phrases its message has
	}{
		{"UNAUTHORIZED overrides a DEFAULT_4XX with CORS", cognito + "," + good + "," + defaults + "," + authResponse("Unauthorized", "UNAUTHORIZED", "401"),
			[]string{"cors-errors:warning@Unauthorized"},
			map[string][]string{"Unauthorized": {"gateway response UNAUTHORIZED of API Stack/Api", "401 answers", "does not inherit the CORS headers of DEFAULT_4XX"}}},
		{"every authorizer response without CORS", cognito + "," + good + "," + defaults + "," + authResponses,
			[]string{"cors-errors:warning@AuthAccessDenied", "cors-errors:warning@AuthAuthorizerConfigurationError", "cors-errors:warning@AuthAuthorizerFailure",
				"cors-errors:warning@AuthExpiredToken", "cors-errors:warning@AuthInvalidSignature", "cors-errors:warning@AuthUnauthorized"},
			map[string][]string{"AuthAuthorizerFailure": {"AUTHORIZER_FAILURE", "500 answers", "DEFAULT_5XX"}}},
		{"the authorizer's refusals inherit a DEFAULT_4XX without CORS", cognito + "," + good + "," + gatewayResponse("Gw5", "DEFAULT_5XX"),
			[]string{"cors-errors:warning@Api"},
			map[string][]string{"Api": {"its DEFAULT_4XX gateway responses", "with the authorizer, UNAUTHORIZED, ACCESS_DENIED, EXPIRED_TOKEN, INVALID_SIGNATURE too"}}},
		{"CORS only on gateway responses, UNAUTHORIZED without", proxyCors + "," + good + "," + gatewayResponse("Gw4", "DEFAULT_4XX") + "," + authResponse("Unauthorized", "UNAUTHORIZED", "401"),
			[]string{"cors-errors:warning@Api", "cors-errors:warning@Unauthorized"},
			map[string][]string{"Api": {"on gateway response DEFAULT_4XX only", "its DEFAULT_5XX gateway responses", "AUTHORIZER_FAILURE, AUTHORIZER_CONFIGURATION_ERROR too"}}},
		{"every response with CORS", cognito + "," + good + "," + defaults + "," + strings.ReplaceAll(authResponses, `"gatewayresponse.header.Cache-Control"`, `"gatewayresponse.header.Access-Control-Allow-Origin": "'https://app.example.com'", "gatewayresponse.header.Cache-Control"`),
			nil, nil},
		{"CloudFront adds CORS", cognito + "," + distribution(goodApiBehavior+withCorsPolicy, "") + "," + corsHeadersPolicy + "," + authResponses, nil, nil},
		{"no authorizer: an UNAUTHORIZED response is never sent", keyOnly + "," + good + "," + defaults + "," + authResponse("Unauthorized", "UNAUTHORIZED", "401"), nil, nil},
		{"no CORS declared anywhere", authorizedApi(t, "COGNITO_USER_POOLS") + "," + cognitoAuthorizer + "," + good + "," + authResponses, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, analyzeTemplate(t, config{}, "{"+c.resources+"}"))
			for _, f := range analyzeFindings(t, config{}, "{"+c.resources+"}") {
				for _, phrase := range c.says[f.target] {
					require.Contains(t, f.text, phrase, f.target)
				}
			}
		})
	}
}
