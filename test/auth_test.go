package test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/constructs/staticsite"
	"github.com/one-origin/staticsitewithapi/internal/upload"
	"github.com/one-origin/staticsitewithapi/stacks"
)

// cognitoSite is the construct with a new user pool, two public paths, a
// custom domain, a dev origin and a frontend: every input of the app
// client's URLs and of config.json's auth.
func cognitoSite(t *testing.T) *fixture {
	return cached(t, "construct-cognito", func(t *testing.T) *fixture {
		dir, err := filepath.Abs(filepath.Join("testdata", "dist"))
		require.NoError(t, err)
		out := keptDir(t)
		app := newTestApp(&awscdk.AppProps{Outdir: jsii.String(out)})
		stack := awscdk.NewStack(app, jsii.String("Cognito"), &awscdk.StackProps{Env: testEnv})
		staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
			Backend:     staticsite.LambdaBackend(inlineFunction(stack)),
			DomainNames: jsii.Strings("shop.example.com"),
			Certificate: awscertificatemanager.Certificate_FromCertificateArn(stack, jsii.String("Cert"),
				jsii.String("arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555")),
			Cors:     &staticsite.CorsOptions{AllowOrigins: jsii.Strings("https://shop.example.com", "http://localhost:5173")},
			Frontend: &staticsite.FrontendOptions{SourceDir: &dir},
			Auth: &staticsite.AuthOptions{
				Cognito:     &staticsite.CognitoAuthOptions{DomainPrefix: jsii.String("shop-test")},
				PublicPaths: jsii.Strings("/api/health", "/api/public/*"),
			},
		})
		tmpl := toMap(t, assertions.Template_FromStack(stack, nil))
		return &fixture{prefix: "/api", template: tmpl, outdir: out, accounts: 1, origins: []string{"https://shop.example.com", "http://localhost:5173"}}
	})
}

// lambdaAuthSite is the construct with a TOKEN Lambda authorizer, an HTTP
// backend and one public subtree.
func lambdaAuthSite(t *testing.T) *fixture {
	return cached(t, "construct-lambda-auth", func(t *testing.T) *fixture {
		m, _ := siteFixture(t, func(stack awscdk.Stack) *staticsite.StaticSiteWithApiProps {
			return &staticsite.StaticSiteWithApiProps{
				Backend: staticsite.HttpBackend("https://backend.example.com/base"),
				Auth: &staticsite.AuthOptions{
					Lambda:      &staticsite.LambdaAuthOptions{Handler: inlineFunction(stack), ResultsCacheTtl: awscdk.Duration_Seconds(jsii.Number(60))},
					PublicPaths: jsii.Strings("/api/public/*"),
				},
			}
		})
		return &fixture{prefix: "/api", http: true, template: m, accounts: 1}
	})
}

// authFixtures are every construct and stack with an authorizer.
func authFixtures(t *testing.T) []*fixture {
	return []*fixture{cognitoSite(t), lambdaAuthSite(t), envStack(t, "dev"), envStack(t, "prod")}
}

// TestAuthorizerOnEveryMethodButPreflightsAndPublicPaths (pitfall
// preflight-auth): every ANY method has the authorizer except those of
// the public paths; no OPTIONS has one, nor an API key; the public paths'
// resources and a {proxy+} under each keep every other path authorized.
func TestAuthorizerOnEveryMethodButPreflightsAndPublicPaths(t *testing.T) {
	for _, tc := range []struct {
		f      *fixture
		typ    string
		public []string
	}{
		{cognitoSite(t), "COGNITO_USER_POOLS", []string{"/api/health", "/api/public/{proxy+}"}},
		{lambdaAuthSite(t), "CUSTOM", []string{"/api/public/{proxy+}"}},
		{envStack(t, "dev"), "COGNITO_USER_POOLS", []string{"/api/health", "/api/echo"}},
	} {
		ms := methods(tc.f.template)
		var public, protected []string
		for key, m := range ms {
			path, verb, _ := strings.Cut(key, " ")
			if verb == "OPTIONS" {
				require.Equal(t, "NONE", m["AuthorizationType"], "%s: %s", tc.f.name, key)
				require.NotEqual(t, true, m["ApiKeyRequired"], "%s: %s", tc.f.name, key)
				require.Nil(t, m["AuthorizerId"], "%s: %s", tc.f.name, key)
				continue
			}
			require.Equal(t, "ANY", verb, key)
			require.Equal(t, true, m["ApiKeyRequired"], "%s: %s still needs CloudFront's key (direct-access)", tc.f.name, key)
			if m["AuthorizationType"] == "NONE" {
				public = append(public, path)
				continue
			}
			require.Equal(t, tc.typ, m["AuthorizationType"], "%s: %s", tc.f.name, key)
			require.Contains(t, jsonString(m["AuthorizerId"]), `"Ref":"`, "%s: %s", tc.f.name, key)
			protected = append(protected, path)
			require.NotNil(t, ms[path+" OPTIONS"], "%s: %s has no preflight", tc.f.name, path)
		}
		require.ElementsMatch(t, tc.public, public, tc.f.name)
		for _, p := range []string{"/", "/{proxy+}", "/api", "/api/{proxy+}"} {
			require.Contains(t, protected, p, tc.f.name)
		}
		require.Len(t, resourcesOf(tc.f.template, "AWS::ApiGateway::Authorizer"), 1, tc.f.name)
	}
}

// TestAuthorizerRefusalsAreJSONAndNeverStored (pitfalls errors-cached,
// error-masked, cors-errors): API Gateway's answers for a refused token
// are JSON with Cache-Control no-store; CloudFront adds CORS to them as
// to every API response, and never turns them into the page.
func TestAuthorizerRefusalsAreJSONAndNeverStored(t *testing.T) {
	for _, f := range authFixtures(t) {
		byType := map[string]obj{}
		for _, r := range resourcesOf(f.template, "AWS::ApiGateway::GatewayResponse") {
			byType[r["ResponseType"].(string)] = r
		}
		// The authorizer's types (UNAUTHORIZED 401, ACCESS_DENIED 403, ...)
		// inherit these and keep their own status codes.
		require.Len(t, byType, 2, "%s: the 4XX and 5XX defaults only", f.name)
		for _, typ := range []string{"DEFAULT_4XX", "DEFAULT_5XX"} {
			r := byType[typ]
			require.NotNil(t, r, "%s: no %s gateway response", f.name, typ)
			require.Nil(t, r["StatusCode"], "%s: %s must not replace each type's own status", f.name, typ)
			require.Equal(t, "'no-store'", asMap(r["ResponseParameters"])["gatewayresponse.header.Cache-Control"], "%s: %s", f.name, typ)
			require.Equal(t, staticsite.AuthErrorTemplate, asMap(r["ResponseTemplates"])["application/json"], "%s: %s", f.name, typ)
		}
		require.NoError(t, day2Checks["errors-cached"](f, f.template), f.name)
		for _, id := range []string{"error-masked", "cors-errors", "cors-duplicate", "preflight-auth"} {
			require.NoError(t, pitfallChecks[id](f, f.template), "%s: %s", f.name, id)
		}
		// The API behavior forwards Authorization: it caches nothing and
		// forwards every viewer header (headers-dropped).
		require.NoError(t, pitfallChecks["headers-dropped"](f, f.template), f.name)
	}
}

// TestNewUserPoolIsPublicClientWithPkce: the new pool's app client has no
// secret, allows only the code flow, and calls back to every URL the site
// is served from and the dev origin; the pool follows the password and
// MFA settings.
func TestNewUserPoolIsPublicClientWithPkce(t *testing.T) {
	f := cognitoSite(t)
	clients := resourcesOf(f.template, "AWS::Cognito::UserPoolClient")
	require.Len(t, clients, 1)
	for _, c := range clients {
		require.Equal(t, false, c["GenerateSecret"])
		require.Equal(t, []any{"code"}, c["AllowedOAuthFlows"], "code flow only: no implicit grant")
		require.ElementsMatch(t, []any{"openid", "email", "profile"}, c["AllowedOAuthScopes"])
		urls := []string{}
		for _, u := range c["CallbackURLs"].([]any) {
			urls = append(urls, joined(u))
		}
		require.Contains(t, urls, "https://shop.example.com/")
		require.Contains(t, urls, "http://localhost:5173/")
		require.True(t, slices.ContainsFunc(urls, func(u string) bool { return strings.Contains(u, "DomainName}") }), "the cloudfront.net URL: %v", urls)
		require.Equal(t, c["CallbackURLs"], c["LogoutURLs"])
	}
	for _, p := range resourcesOf(f.template, "AWS::Cognito::UserPool") {
		pw := asMap(asMap(p["Policies"])["PasswordPolicy"])
		require.Equal(t, 12.0, pw["MinimumLength"])
		require.Equal(t, "OPTIONAL", p["MfaConfiguration"])
		require.Equal(t, []any{"SOFTWARE_TOKEN_MFA"}, p["EnabledMfas"])
		require.Equal(t, true, asMap(p["AdminCreateUserConfig"])["AllowAdminCreateUserOnly"], "no self sign-up by default")
	}
	for _, d := range resourcesOf(f.template, "AWS::Cognito::UserPoolDomain") {
		require.Equal(t, "shop-test", d["Domain"])
	}
}

// TestDefaultHostedUiPrefixIsUniqueAcrossAccounts: Cognito refuses a
// domain prefix another account holds in the region, and every checkout of
// the app has the same construct paths; the default prefix ends in 8 hex
// digits of the stack's ID, which CloudFormation makes unique.
func TestDefaultHostedUiPrefixIsUniqueAcrossAccounts(t *testing.T) {
	domains := resourcesOf(envStack(t, "dev").template, "AWS::Cognito::UserPoolDomain")
	require.Len(t, domains, 1)
	for _, d := range domains {
		require.Equal(t,
			`{"Fn::Join":["",["staticsitedevsite8bf6fb5f-",{"Fn::Select":[0,{"Fn::Split":["-",{"Fn::Select":[2,{"Fn::Split":["/",{"Ref":"AWS::StackId"}]}]}]}]}]]}`,
			jsonString(d["Domain"]))
	}
}

// TestConfigJSONCarriesSignIn: /config.json tells the SPA where to sign in,
// with the values the deploy fills in, and nothing secret.
func TestConfigJSONCarriesSignIn(t *testing.T) {
	f := cognitoSite(t)
	config, err := configJSON(f, f.template)
	require.NoError(t, err)
	auth := asMap(config[upload.ConfigAuth])
	require.Equal(t, upload.AuthCognito, auth["type"])
	require.Equal(t, []any{"/api/health", "/api/public/*"}, auth["publicPaths"])
	for _, k := range []string{"issuer", "userPoolId", "clientId", "domain", "authorizeUrl", "tokenUrl", "logoutUrl", "redirectUri"} {
		require.NotEmpty(t, auth[k], k)
	}
	require.NotContains(t, jsonString(config), "secret", "config.json is public")
	require.NotContains(t, jsonString(config), "Secret")
}

// TestHttpBackendGetsVerifiedCallerOnly: an HttpBackend receives the
// verified caller in X-Auth-Subject, overwritten by API Gateway whatever
// the client sends, and "anonymous" on public paths.
func TestHttpBackendGetsVerifiedCallerOnly(t *testing.T) {
	ms := methods(lambdaAuthSite(t).template)
	param := "integration.request.header." + staticsite.AuthSubjectHeader
	for key, want := range map[string]string{
		"/ ANY": "context.authorizer.principalId", "/{proxy+} ANY": "context.authorizer.principalId",
		"/api ANY": "context.authorizer.principalId", "/api/{proxy+} ANY": "context.authorizer.principalId",
		"/api/public ANY": "context.authorizer.principalId", "/api/public/{proxy+} ANY": "'anonymous'",
	} {
		integ := asMap(ms[key]["Integration"])
		require.Equal(t, want, asMap(integ["RequestParameters"])[param], key)
		require.Equal(t, "HTTP_PROXY", integ["Type"], key)
	}
	// Each resource's service path is its own.
	require.Equal(t, "https://backend.example.com/base/api/public/{proxy}", joined(asMap(ms["/api/public/{proxy+} ANY"]["Integration"])["Uri"]))
	require.Equal(t, "https://backend.example.com/base/api/public", joined(asMap(ms["/api/public ANY"]["Integration"])["Uri"]))
	for _, a := range resourcesOf(lambdaAuthSite(t).template, "AWS::ApiGateway::Authorizer") {
		require.Equal(t, "TOKEN", a["Type"])
		require.Equal(t, "method.request.header.Authorization", a["IdentitySource"])
		require.Equal(t, 60.0, a["AuthorizerResultTtlInSeconds"])
	}
}

// TestExistingUserPool: an existing pool is referenced, not created, and
// config.json names its client and hosted UI.
func TestExistingUserPool(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("testdata", "dist"))
	require.NoError(t, err)
	out := t.TempDir()
	stack := awscdk.NewStack(newTestApp(&awscdk.AppProps{Outdir: &out}), jsii.String("Existing"), &awscdk.StackProps{Env: testEnv})
	site := staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
		Backend:  staticsite.LambdaBackend(inlineFunction(stack)),
		Frontend: &staticsite.FrontendOptions{SourceDir: &dir},
		Auth: &staticsite.AuthOptions{Cognito: &staticsite.CognitoAuthOptions{
			UserPool:       awscognito.UserPool_FromUserPoolId(stack, jsii.String("Pool"), jsii.String("ap-southeast-2_AbCdEf123")),
			UserPoolClient: awscognito.UserPoolClient_FromUserPoolClientId(stack, jsii.String("Client"), jsii.String("1example23456789")),
			HostedUiDomain: jsii.String("https://auth.example.com"),
		}},
	})
	m := toMap(t, assertions.Template_FromStack(stack, nil))
	require.Empty(t, resourcesOf(m, "AWS::Cognito::UserPool"))
	require.Empty(t, resourcesOf(m, "AWS::Cognito::UserPoolClient"))
	require.Nil(t, site.UserPoolDomain())
	for _, a := range resourcesOf(m, "AWS::ApiGateway::Authorizer") {
		require.Contains(t, jsonString(a["ProviderARNs"]), ":userpool/ap-southeast-2_AbCdEf123")
	}
	f := &fixture{name: "existing-pool", template: m, outdir: out}
	config, err := configJSON(f, m)
	require.NoError(t, err)
	auth := asMap(config[upload.ConfigAuth])
	require.Equal(t, "1example23456789", auth["clientId"])
	require.Equal(t, "https://auth.example.com/oauth2/token", auth["tokenUrl"])
	require.Equal(t, "https://cognito-idp.ap-southeast-2.amazonaws.com/ap-southeast-2_AbCdEf123", auth["issuer"])
}

// TestAuthConfigFromCdkJson: the environment config's three forms of
// auth, and its mistakes, at synth.
func TestAuthConfigFromCdkJson(t *testing.T) {
	build := func(auth *stacks.AuthConfig) (map[string]any, error) {
		cfg := appConfig(t).Environments["dev"]
		cfg.Account = *testEnv.Account
		cfg.Auth = auth
		web := ""
		cfg.WebDir = &web
		stack, err := stacks.NewSiteStack(newTestApp(&awscdk.AppProps{Context: &map[string]any{"nag": "false"}}), "Auth", &stacks.SiteStackProps{EnvName: "dev", Config: cfg, ModuleRoot: repoRoot(t)})
		if err != nil {
			return nil, err
		}
		return toMap(t, assertions.Template_FromStack(stack, nil)), nil
	}
	existing, err := build(&stacks.AuthConfig{Cognito: &stacks.CognitoConfig{UserPoolId: "ap-southeast-2_AbCdEf123", UserPoolClientId: "1example23456789"}})
	require.NoError(t, err)
	require.Empty(t, resourcesOf(existing, "AWS::Cognito::UserPool"))
	require.Contains(t, jsonString(existing["Outputs"]), "ap-southeast-2_AbCdEf123")

	ttl := 0
	lambda, err := build(&stacks.AuthConfig{Lambda: &stacks.LambdaAuthConfig{
		FunctionArn: "arn:aws:lambda:ap-southeast-2:123456789012:function:authorizer", Type: "request",
		IdentitySources: []string{"method.request.header.Authorization", "method.request.querystring.tenant"}, ResultsCacheTtlSeconds: &ttl,
	}})
	require.NoError(t, err)
	for _, a := range resourcesOf(lambda, "AWS::ApiGateway::Authorizer") {
		require.Equal(t, "REQUEST", a["Type"])
		require.Equal(t, "method.request.header.Authorization,method.request.querystring.tenant", a["IdentitySource"])
		require.Equal(t, 0.0, a["AuthorizerResultTtlInSeconds"])
	}

	for _, tc := range []struct {
		auth *stacks.AuthConfig
		want string
	}{
		{&stacks.AuthConfig{}, `auth needs exactly one of "cognito" and "lambda"`},
		{&stacks.AuthConfig{Cognito: &stacks.CognitoConfig{Mfa: "sometimes"}}, `auth.cognito.mfa "sometimes" is unknown`},
		{&stacks.AuthConfig{Cognito: &stacks.CognitoConfig{HostedUiDomain: "https://auth.example.com"}}, "set userPoolId too"},
		{&stacks.AuthConfig{Lambda: &stacks.LambdaAuthConfig{}}, "auth.lambda.functionArn is required"},
		{&stacks.AuthConfig{Lambda: &stacks.LambdaAuthConfig{FunctionArn: "arn:aws:lambda:ap-southeast-2:123456789012:function:a", Type: "jwt"}}, `auth.lambda.type "jwt" is unknown`},
	} {
		// Refused before any construct exists: the app has no stack.
		app := newTestApp(nil)
		cfg := appConfig(t).Environments["dev"]
		cfg.Auth = tc.auth
		_, err := stacks.NewSiteStack(app, "Bad", &stacks.SiteStackProps{EnvName: "dev", Config: cfg, ModuleRoot: repoRoot(t)})
		require.ErrorContains(t, err, tc.want)
		require.Empty(t, *app.Node().Children(), tc.want)
	}
}
