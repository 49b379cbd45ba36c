package staticsite

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/one-origin/staticsitewithapi/internal/routing"
	"github.com/one-origin/staticsitewithapi/internal/upload"
)

// AuthOptions puts an authorizer in front of the API: every method under
// ApiPrefix needs a signed-in user, except OPTIONS (browsers send
// preflights without credentials; pitfall preflight-auth) and PublicPaths.
// Set exactly one of Cognito and Lambda.
//
// A request the authorizer refuses gets a JSON answer from API Gateway
// (401 without a valid token, 403 when refused, 500 when the authorizer
// fails) with Cache-Control: no-store. CloudFront never caches it (the API
// behavior caches nothing, errors included: pitfall errors-cached), never
// replaces it with index.html (the site's rewrite is a function on the
// S3 behavior only: pitfall error-masked), and adds the CORS headers of
// Cors to it as to every API response (pitfall cors-errors). CloudFront
// forwards the Authorization header to the API because the API behavior
// caches nothing and forwards every viewer header (pitfall
// headers-dropped).
//
// The backend receives the verified caller: a LambdaBackend in the
// event's requestContext.authorizer (Cognito: its "claims"; a Lambda
// authorizer: principalId and its context), an HttpBackend in the headers
// X-Auth-Subject (the user's sub, or the Lambda authorizer's principalId)
// and, with Cognito, X-Auth-Email. API Gateway overwrites those headers,
// so a client cannot send its own; on PublicPaths they hold "anonymous".
type AuthOptions struct {
	// Cognito authorizes with a Cognito user pool: a new one, with a
	// public app client for the site (authorization code flow with PKCE)
	// and a hosted UI, or an existing one.
	// Default: none; set this or Lambda.
	Cognito *CognitoAuthOptions

	// Lambda authorizes with a Lambda authorizer function.
	// Default: none; set this or Cognito.
	Lambda *LambdaAuthOptions

	// PublicPaths answer without a token: an exact path under ApiPrefix
	// ("/api/health") or every path under one ("/api/public/*", which,
	// like a CloudFront path pattern, does not include /api/public
	// itself). Letters, digits and . _ ~ - in segments; no other
	// wildcards.
	// Default: none; every API path needs a token.
	PublicPaths *[]*string
}

// CognitoAuthOptions configures a Cognito user pool authorizer. The SPA
// signs in at the hosted UI with the authorization code flow and PKCE and
// sends the ID token as "Authorization: Bearer <token>"; the site's
// /config.json tells it where (Frontend; key "auth").
type CognitoAuthOptions struct {
	// UserPool is an existing user pool whose users may call the API.
	// Default: a new pool: sign-in by e-mail, no self sign-up, passwords
	// of at least 12 characters of four kinds, MFA per Mfa, account
	// recovery by e-mail, removed per the construct's RemovalPolicy (with
	// deletion protection unless DESTROY).
	UserPool awscognito.IUserPool

	// UserPoolClient is the existing pool's public app client the SPA
	// signs in with; it must allow the authorization code flow, have no
	// secret, and list the site's URL (SiteUrl + "/") as a callback and
	// sign-out URL. Only with UserPool.
	// Default: none; /config.json then carries no client, and the SPA
	// cannot sign in by itself.
	UserPoolClient awscognito.IUserPoolClient

	// HostedUiDomain is the existing pool's hosted UI base URL, such as
	// "https://auth.example.com" or
	// "https://shop.auth.eu-west-1.amazoncognito.com". Only with UserPool.
	// Default: none; /config.json then carries no sign-in endpoints.
	HostedUiDomain *string

	// DomainPrefix is the new pool's hosted UI domain:
	// https://<prefix>.auth.<region>.amazoncognito.com. Unique in the
	// region across all AWS accounts; lower-case letters, digits and
	// hyphens, 1 to 63, not starting or ending with a hyphen, and without
	// "aws", "amazon" or "cognito". Not with UserPool.
	// Default: derived from the construct's path, and made unique across
	// accounts with the first 8 hex digits of the stack's ID (known at
	// deploy): <path>-<8 hex>; set it to choose the URL.
	DomainPrefix *string

	// Mfa is the new pool's multi-factor setting (TOTP apps only, no SMS).
	// Not with UserPool.
	// Default: awscognito.Mfa_OPTIONAL.
	Mfa awscognito.Mfa

	// SelfSignUp lets anyone create an account at the hosted UI. Not with
	// UserPool.
	// Default: false; add users in the console or with
	// `aws cognito-idp admin-create-user`.
	SelfSignUp *bool
}

// LambdaAuthorizerType is the kind of a Lambda authorizer.
type LambdaAuthorizerType string

const (
	// LambdaAuthorizerToken passes the function one header's value
	// (IdentitySources[0], Authorization by default).
	LambdaAuthorizerToken LambdaAuthorizerType = "TOKEN"
	// LambdaAuthorizerRequest passes the function the request's headers,
	// query string, stage variables and context.
	LambdaAuthorizerRequest LambdaAuthorizerType = "REQUEST"
)

// LambdaAuthOptions configures a Lambda authorizer.
type LambdaAuthOptions struct {
	// Handler is the authorizer function. Required.
	Handler awslambda.IFunction

	// Type is TOKEN or REQUEST.
	// Default: LambdaAuthorizerToken.
	Type LambdaAuthorizerType

	// IdentitySources are where the caller's identity is read from, as
	// API Gateway writes them: "method.request.header.Authorization",
	// "method.request.querystring.token", and for REQUEST also
	// "stageVariables.x" and "context.x". They are the key of the result
	// cache, and a request missing one is refused with 401 without calling
	// the function. CloudFront forwards every viewer header but Host and
	// the whole query string to the API, so any header or query string
	// works; Host does not. TOKEN takes exactly one header.
	// Default: ["method.request.header.Authorization"].
	IdentitySources *[]*string

	// ResultsCacheTtl is how long API Gateway keeps the function's answer
	// for the same identity sources. Zero turns the cache off; at most one
	// hour, whole seconds.
	// Default: awscdk.Duration_Minutes(jsii.Number(5)).
	ResultsCacheTtl awscdk.Duration
}

// Claim headers an HttpBackend receives.
const (
	// AuthSubjectHeader carries the verified caller: Cognito's sub claim,
	// or a Lambda authorizer's principalId; "anonymous" on public paths.
	AuthSubjectHeader = "X-Auth-Subject"
	// AuthEmailHeader carries Cognito's email claim; "anonymous" on public
	// paths. Not sent with a Lambda authorizer.
	AuthEmailHeader = "X-Auth-Email"
	// anonymous is the claim headers' value on public paths.
	anonymous = "anonymous"
)

var (
	domainPrefixPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)
	identitySource      = regexp.MustCompile(`^(method\.request\.(header|querystring)\.[A-Za-z0-9._~!#$%&'*+^|-]+|stageVariables\.[A-Za-z0-9_]+|context\.[A-Za-z0-9_.]+)$`)
)

// resolvedAuth is AuthOptions after validation.
type resolvedAuth struct {
	*AuthOptions
	public  []routing.PublicPath
	sources []string
	kind    LambdaAuthorizerType // "" for Cognito
}

func (a *resolvedAuth) cognito() bool { return a.Cognito != nil }

// resolveAuth validates Auth; it returns nil when Auth is not set.
func resolveAuth(o *AuthOptions, prefix string) (*resolvedAuth, []error) {
	if o == nil {
		return nil, nil
	}
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	a := &resolvedAuth{AuthOptions: o}
	switch {
	case (o.Cognito == nil) == (o.Lambda == nil):
		add("Auth: set exactly one of Cognito (a user pool authorizer) and Lambda (a Lambda authorizer)")
	case o.Cognito != nil:
		c := o.Cognito
		if c.UserPool == nil {
			if c.UserPoolClient != nil || c.HostedUiDomain != nil {
				add("Auth.Cognito: UserPoolClient and HostedUiDomain describe an existing UserPool; set UserPool too, or leave them out and the construct creates pool, client and domain")
			}
			if c.DomainPrefix != nil && !unresolved(*c.DomainPrefix) {
				if p := *c.DomainPrefix; !domainPrefixPattern.MatchString(p) || forbiddenInPrefix(p) != "" {
					add("Auth.Cognito.DomainPrefix %q is invalid: use 1 to 63 lower-case letters, digits and hyphens, not starting or ending with a hyphen, without \"aws\", \"amazon\" or \"cognito\"", p)
				}
			}
			switch c.Mfa {
			case "", awscognito.Mfa_OFF, awscognito.Mfa_OPTIONAL, awscognito.Mfa_REQUIRED:
			default:
				add("Auth.Cognito.Mfa %q is unknown: use awscognito.Mfa_OFF, Mfa_OPTIONAL or Mfa_REQUIRED", c.Mfa)
			}
		} else if c.DomainPrefix != nil || c.Mfa != "" || c.SelfSignUp != nil {
			add("Auth.Cognito: DomainPrefix, Mfa and SelfSignUp configure a new user pool; an existing UserPool keeps its own settings (set HostedUiDomain to its hosted UI URL)")
		}
		if d := c.HostedUiDomain; d != nil && !unresolved(*d) && (!strings.HasPrefix(*d, "https://") || strings.HasSuffix(*d, "/")) {
			add("Auth.Cognito.HostedUiDomain %q must be the hosted UI's https:// base URL without a trailing \"/\", such as \"https://auth.example.com\"", *d)
		}
	case o.Lambda != nil:
		l := o.Lambda
		a.kind = l.Type
		if a.kind == "" {
			a.kind = LambdaAuthorizerToken
		}
		if l.Handler == nil {
			add("Auth.Lambda.Handler is required: the awslambda.IFunction that authorizes each request")
		}
		if a.kind != LambdaAuthorizerToken && a.kind != LambdaAuthorizerRequest {
			add("Auth.Lambda.Type %q is unknown: use staticsite.LambdaAuthorizerToken or LambdaAuthorizerRequest", a.kind)
		}
		a.sources = []string{"method.request.header.Authorization"}
		if l.IdentitySources != nil {
			a.sources = derefAll(l.IdentitySources)
		}
		for _, s := range a.sources {
			switch {
			case !identitySource.MatchString(s):
				add("Auth.Lambda.IdentitySources: %q is not an identity source; write \"method.request.header.Authorization\", \"method.request.querystring.token\", \"stageVariables.x\" or \"context.x\"", s)
			case strings.EqualFold(s, "method.request.header.Host"):
				add("Auth.Lambda.IdentitySources: CloudFront does not forward the viewer's Host header to the API (it sends the API's own), so %q would key every caller alike (pitfall host-header); use another header", s)
			}
		}
		if a.kind == LambdaAuthorizerToken && (len(a.sources) != 1 || !strings.HasPrefix(a.sources[0], "method.request.header.")) {
			add("Auth.Lambda.IdentitySources: a TOKEN authorizer reads exactly one header, such as [\"method.request.header.Authorization\"]; use LambdaAuthorizerRequest for more")
		}
		if a.kind == LambdaAuthorizerRequest && len(a.sources) == 0 {
			add("Auth.Lambda.IdentitySources: a REQUEST authorizer needs at least one identity source, or every request is refused")
		}
		if ttl := l.ResultsCacheTtl; ttl != nil {
			if sec, known := seconds(ttl); known && (sec < 0 || sec > 3600 || sec != math.Trunc(sec)) {
				add("Auth.Lambda.ResultsCacheTtl %s is out of range: use whole seconds from 0 (no cache) to 3600 (API Gateway's limit)", *ttl.ToHumanString())
			}
		}
	}
	for _, p := range derefAll(o.PublicPaths) {
		pp, err := routing.ParsePublicPath(prefix, p)
		if err != nil {
			add("Auth.PublicPaths: %q is invalid: %v", p, err)
			continue
		}
		if slices.ContainsFunc(a.public, func(q routing.PublicPath) bool { return q.String() == pp.String() }) {
			add("Auth.PublicPaths: %q is listed twice", p)
			continue
		}
		a.public = append(a.public, pp)
	}
	return a, errs
}

// forbiddenInPrefix returns the word Cognito refuses in a domain prefix,
// or "".
func forbiddenInPrefix(p string) string {
	for _, w := range []string{"aws", "amazon", "cognito"} {
		if strings.Contains(p, w) {
			return w
		}
	}
	return ""
}

// siteAuth is what the construct made for Auth.
type siteAuth struct {
	authorizer awsapigateway.Authorizer
	authType   awsapigateway.AuthorizationType
	pool       awscognito.IUserPool
	client     awscognito.IUserPoolClient
	domain     awscognito.UserPoolDomain // nil unless the pool is new
	hostedUi   *string                   // the hosted UI base URL, or nil
	// publicMethods are the ANY methods of PublicPaths.
	publicMethods []awsapigateway.Method
}

// newAuthorizer creates the authorizer and, for a new Cognito pool, pool
// and domain. The app client comes later (newAppClient): its callback
// URLs are the distribution's.
func newAuthorizer(scope constructs.Construct, r *resolved) *siteAuth {
	a := r.auth
	if !a.cognito() {
		l := a.Lambda
		sources := make([]*string, len(a.sources))
		for i := range a.sources {
			sources[i] = &a.sources[i]
		}
		out := &siteAuth{authType: awsapigateway.AuthorizationType_CUSTOM}
		if a.kind == LambdaAuthorizerRequest {
			out.authorizer = awsapigateway.NewRequestAuthorizer(scope, jsii.String("Authorizer"), &awsapigateway.RequestAuthorizerProps{
				Handler: l.Handler, IdentitySources: &sources, ResultsCacheTtl: l.ResultsCacheTtl,
			})
		} else {
			out.authorizer = awsapigateway.NewTokenAuthorizer(scope, jsii.String("Authorizer"), &awsapigateway.TokenAuthorizerProps{
				Handler: l.Handler, IdentitySource: sources[0], ResultsCacheTtl: l.ResultsCacheTtl,
			})
		}
		return out
	}
	c := a.Cognito
	out := &siteAuth{authType: awsapigateway.AuthorizationType_COGNITO, pool: c.UserPool, client: c.UserPoolClient, hostedUi: c.HostedUiDomain}
	if out.pool == nil {
		mfa := c.Mfa
		if mfa == "" {
			mfa = awscognito.Mfa_OPTIONAL
		}
		var second *awscognito.MfaSecondFactor
		if mfa != awscognito.Mfa_OFF {
			second = &awscognito.MfaSecondFactor{Otp: jsii.Bool(true), Sms: jsii.Bool(false)}
		}
		pool := awscognito.NewUserPool(scope, jsii.String("UserPool"), &awscognito.UserPoolProps{
			SelfSignUpEnabled: jsii.Bool(c.SelfSignUp != nil && *c.SelfSignUp),
			SignInAliases:     &awscognito.SignInAliases{Email: jsii.Bool(true)},
			AutoVerify:        &awscognito.AutoVerifiedAttrs{Email: jsii.Bool(true)},
			PasswordPolicy: &awscognito.PasswordPolicy{
				MinLength: jsii.Number(12), RequireDigits: jsii.Bool(true), RequireLowercase: jsii.Bool(true),
				RequireUppercase: jsii.Bool(true), RequireSymbols: jsii.Bool(true),
				TempPasswordValidity: awscdk.Duration_Days(jsii.Number(3)),
			},
			Mfa:                mfa,
			MfaSecondFactor:    second,
			AccountRecovery:    awscognito.AccountRecovery_EMAIL_ONLY,
			RemovalPolicy:      r.removal,
			DeletionProtection: jsii.Bool(r.removal != awscdk.RemovalPolicy_DESTROY),
		})
		prefix := c.DomainPrefix
		if prefix == nil {
			prefix = defaultDomainPrefix(scope)
		}
		out.domain = pool.AddDomain(jsii.String("HostedUi"), &awscognito.UserPoolDomainOptions{
			CognitoDomain: &awscognito.CognitoDomainOptions{DomainPrefix: prefix},
		})
		out.pool = pool
		out.hostedUi = out.domain.BaseUrl(nil)
	}
	out.authorizer = awsapigateway.NewCognitoUserPoolsAuthorizer(scope, jsii.String("Authorizer"), &awsapigateway.CognitoUserPoolsAuthorizerProps{
		CognitoUserPools: &[]awscognito.IUserPool{out.pool},
		IdentitySource:   jsii.String("method.request.header.Authorization"),
	})
	return out
}

// defaultDomainPrefix is a hosted UI prefix unique across AWS accounts, as
// Cognito requires of a prefix in a region: the construct's unique ID
// (its path and a hash of it: the same in every checkout of an app),
// lower-cased and without the words Cognito refuses, then "-" and the
// first 8 hex digits of the stack's UUID (AWS::StackId ends in
// /<uuid>), which CloudFormation fills in. Hex digits never spell a
// refused word.
func defaultDomainPrefix(scope constructs.Construct) *string {
	id := strings.ToLower(*awscdk.Names_UniqueId(scope))
	for w := forbiddenInPrefix(id); w != ""; w = forbiddenInPrefix(id) {
		id = strings.ReplaceAll(id, w, "")
	}
	if len(id) > 54 { // 63 with "-" and 8 hex digits
		id = id[len(id)-54:]
	}
	id = strings.Trim(id, "-")
	uuid := awscdk.Fn_Select(jsii.Number(2), awscdk.Fn_Split(jsii.String("/"), awscdk.Aws_STACK_ID(), nil))
	first := awscdk.Fn_Select(jsii.Number(0), awscdk.Fn_Split(jsii.String("-"), uuid, nil))
	return awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String(id + "-"), first})
}

// newAppClient adds the site's public app client to a new pool: the
// authorization code flow (PKCE, no secret), callbacks on every URL the
// site is served from and on the allowed CORS origins (dev servers).
func (a *siteAuth) newAppClient(scope constructs.Construct, r *resolved, siteUrls []*string) {
	pool, ok := a.pool.(awscognito.UserPool)
	if !ok || a.domain == nil {
		return
	}
	urls := make([]*string, 0, len(siteUrls)+len(r.origins))
	for _, u := range siteUrls {
		urls = append(urls, jsii.String(*u+"/"))
	}
	for _, o := range r.origins {
		if o != "*" && !strings.Contains(o, "*") {
			urls = append(urls, jsii.String(o+"/"))
		}
	}
	scopes := make([]awscognito.OAuthScope, len(upload.AuthScopes))
	for i, s := range upload.AuthScopes {
		scopes[i] = awscognito.OAuthScope_Custom(jsii.String(s))
	}
	a.client = pool.AddClient(jsii.String("SiteClient"), &awscognito.UserPoolClientOptions{
		GenerateSecret:             jsii.Bool(false),
		PreventUserExistenceErrors: jsii.Bool(true),
		SupportedIdentityProviders: &[]awscognito.UserPoolClientIdentityProvider{awscognito.UserPoolClientIdentityProvider_COGNITO()},
		OAuth: &awscognito.OAuthSettings{
			Flows:        &awscognito.OAuthFlows{AuthorizationCodeGrant: jsii.Bool(true)},
			Scopes:       &scopes,
			CallbackUrls: &urls,
			LogoutUrls:   &urls,
		},
		IdTokenValidity:     awscdk.Duration_Hours(jsii.Number(1)),
		AccessTokenValidity: awscdk.Duration_Hours(jsii.Number(1)),
	})
}

// config is config.json's "auth" object.
func (a *siteAuth) config(r *resolved, siteUrl *string) map[string]any {
	c := upload.AuthConfig{Type: upload.AuthLambda}
	for _, p := range r.auth.public {
		c.PublicPaths = append(c.PublicPaths, p.String())
	}
	if r.auth.cognito() {
		c.Type = upload.AuthCognito
		c.UserPoolId = *a.pool.UserPoolId()
		c.Issuer = "https://cognito-idp." + *awscdk.Stack_Of(a.pool).Region() + ".amazonaws.com/" + c.UserPoolId
		if a.client != nil {
			c.ClientId = *a.client.UserPoolClientId()
		}
		if a.hostedUi != nil {
			c.Domain = *a.hostedUi
			c.AuthorizeUrl, c.TokenUrl, c.LogoutUrl = c.Domain+"/oauth2/authorize", c.Domain+"/oauth2/token", c.Domain+"/logout"
		}
		c.RedirectUri = *siteUrl + "/"
		c.Scopes = upload.AuthScopes
	}
	return c.Map()
}

// protectedOptions are the method options of every protected method.
func (a *siteAuth) protectedOptions() awsapigateway.MethodOptions {
	return awsapigateway.MethodOptions{AuthorizationType: a.authType, Authorizer: a.authorizer, ApiKeyRequired: jsii.Bool(true)}
}

// claimHeaders maps the claim headers an HttpBackend receives: the
// verified values on protected methods, "anonymous" on public ones. Either
// way API Gateway overwrites a header of that name from the client.
func (a *siteAuth) claimHeaders(public bool) map[string]*string {
	sub, email := "context.authorizer.claims.sub", "context.authorizer.claims.email"
	if a.authType == awsapigateway.AuthorizationType_CUSTOM {
		sub = "context.authorizer.principalId"
	}
	if public {
		sub, email = "'"+anonymous+"'", "'"+anonymous+"'"
	}
	m := map[string]*string{"integration.request.header." + AuthSubjectHeader: &sub}
	if a.authType == awsapigateway.AuthorizationType_COGNITO {
		m["integration.request.header."+AuthEmailHeader] = &email
	}
	return m
}

// authResponses are API Gateway's error answers the construct sets with
// Auth: the 4XX and 5XX defaults, which every error type without a
// response of its own inherits (an authorizer's 401 UNAUTHORIZED, 403
// ACCESS_DENIED, EXPIRED_TOKEN and INVALID_SIGNATURE, 500
// AUTHORIZER_FAILURE and AUTHORIZER_CONFIGURATION_ERROR, and API
// Gateway's other errors), each keeping its own status code. The body is
// API Gateway's own JSON; the construct adds that no browser or cache may
// store the answer (pitfall errors-cached): one user's refusal is never
// another's.
var authResponses = []struct {
	id  string
	typ func() awsapigateway.ResponseType
}{
	{"Default4xx", awsapigateway.ResponseType_DEFAULT_4XX},
	{"Default5xx", awsapigateway.ResponseType_DEFAULT_5XX},
}

// AuthErrorTemplate is the body of API Gateway's error answers with Auth:
// its message ("Unauthorized", "User is not authorized to access this
// resource", ...) as JSON.
const AuthErrorTemplate = `{"message":$context.error.messageString}`

func addAuthResponses(api awsapigateway.RestApi) {
	for _, resp := range authResponses {
		api.AddGatewayResponse(jsii.String("Auth"+resp.id), &awsapigateway.GatewayResponseOptions{
			Type: resp.typ(),
			ResponseHeaders: &map[string]*string{
				"Cache-Control": jsii.String("'no-store'"),
			},
			Templates: &map[string]*string{"application/json": jsii.String(AuthErrorTemplate)},
		})
	}
}

// withConnectSource adds source to the connect-src directive of csp (or
// adds the directive, next to default-src, when csp has none).
func withConnectSource(csp, source string) string {
	parts := strings.Split(csp, ";")
	for i, p := range parts {
		if f := strings.Fields(p); len(f) > 0 && f[0] == "connect-src" {
			parts[i] = strings.TrimRight(p, " ") + " " + source
			return strings.Join(parts, ";")
		}
	}
	return strings.TrimRight(csp, "; ") + "; connect-src 'self' " + source
}
