package staticsite_test

import (
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/jsii-runtime-go"

	"github.com/one-origin/staticsitewithapi/constructs/sitechecks"
	"github.com/one-origin/staticsitewithapi/constructs/staticsite"
)

// The examples build the site and print what the construct exposes. They
// do not call app.Synth(): NewStaticSiteWithApi validates its props when
// it is called and panics on bad ones, and a real app synthesizes once, at
// the end of main.

// newStack is the app and stack every example starts from. A fixed account
// and region keep the examples independent of the machine they run on.
func newStack(region string) awscdk.Stack {
	app := awscdk.NewApp(nil)
	// The synth-time pitfall checks; they report when the app synthesizes.
	awscdk.Aspects_Of(app).Add(sitechecks.New(nil), nil)
	return awscdk.NewStack(app, jsii.String("Shop"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String(region)},
	})
}

// The smallest site: only Backend is required. Here the API is an existing
// HTTPS service; everything else keeps its default.
func ExampleNewStaticSiteWithApi() {
	stack := newStack("ap-southeast-2")
	site := staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
		Backend: staticsite.HttpBackend("https://orders.example.com"),
	})
	// The URL is known at deploy time: make it a stack output.
	awscdk.NewCfnOutput(stack, jsii.String("SiteUrl"), &awscdk.CfnOutputProps{Value: site.SiteUrl()})

	fmt.Println("construct:", *site.Node().Path())
	fmt.Println("API under:", *site.ApiPrefix()+"/*")
	fmt.Println("distribution:", site.Distribution() != nil)
	fmt.Println("access log bucket:", site.LogBucket() != nil)
	fmt.Println("frontend uploads:", len(site.Deployments()))
	// Output:
	// construct: Shop/Site
	// API under: /api/*
	// distribution: true
	// access log bucket: true
	// frontend uploads: 0
}

// A Lambda function serves the API. It receives API Gateway's proxy event
// with the viewer's full path: a browser's /api/v1/orders/42 arrives as
// event.path "/api/v1/orders/42".
func ExampleLambdaBackend() {
	stack := newStack("ap-southeast-2")
	fn := awslambda.NewFunction(stack, jsii.String("Api"), &awslambda.FunctionProps{
		Runtime: awslambda.Runtime_NODEJS_22_X(),
		Handler: jsii.String("index.handler"),
		Code: awslambda.Code_FromInline(jsii.String(`exports.handler = async (event) => ({
  statusCode: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ path: event.path }),
});`)),
	})
	site := staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
		Backend:   staticsite.LambdaBackend(fn),
		ApiPrefix: jsii.String("/api/v1"),
		// The stage is CloudFront's origin path, never seen by browsers.
		StageName: jsii.String("live"),
	})

	fmt.Println("construct:", *site.Node().Path())
	fmt.Println("API under:", *site.ApiPrefix()+"/*")
	// Output:
	// construct: Shop/Site
	// API under: /api/v1/*
}

// An existing HTTPS service serves the API, such as a Spring Boot app
// mapped to /api/**: it receives /api/... unchanged, with the query string.
// The base URL may hold a token, for example
// "https://" + *alb.LoadBalancerDnsName(). A service that only speaks plain
// http:// needs staticsite.InsecureHttpBackend instead, which says so in
// the code: requests then travel unencrypted between API Gateway and it.
func ExampleHttpBackend() {
	stack := newStack("ap-southeast-2")
	site := staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
		Backend: staticsite.HttpBackend("https://orders.example.com"),
	})

	// The service gets this in x-api-key instead of the origin secret that
	// CloudFront sends to API Gateway.
	fmt.Println("x-api-key at the service:", staticsite.KeyPlaceholder)
	fmt.Println("API under:", *site.ApiPrefix()+"/*")

	// http:// with HttpBackend is refused, with the way out in the message.
	err := (&staticsite.StaticSiteWithApiProps{Backend: staticsite.HttpBackend("http://orders.example.com")}).Validate()
	fmt.Println(err != nil)
	err = (&staticsite.StaticSiteWithApiProps{Backend: staticsite.InsecureHttpBackend("http://orders.example.com")}).Validate()
	fmt.Println(err)
	// Output:
	// x-api-key at the service: verified-by-api-gateway
	// API under: /api/*
	// true
	// <nil>
}

// Frontend uploads a built single-page app on every deploy: per-file
// Cache-Control, a generated /config.json and one CloudFront invalidation.
// SourceDir is relative to the working directory of the app (cdk.json's
// folder under `cdk synth`); this example uploads the repository's sample
// app. RuntimeConfig adds keys to /config.json, next to apiBase and siteUrl.
func ExampleNewStaticSiteWithApi_frontend() {
	stack := newStack("ap-southeast-2")
	site := staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
		Backend: staticsite.HttpBackend("https://orders.example.com"),
		Frontend: &staticsite.FrontendOptions{
			SourceDir: jsii.String("../../web"),
			RuntimeConfig: &map[string]interface{}{
				"environment":  "dev",
				"supportEmail": "help@example.com",
			},
		},
	})

	fmt.Println("uploads:", len(site.Deployments()) > 0)
	fmt.Println("config.json apiBase:", *site.ApiPrefix())
	// Output:
	// uploads: true
	// config.json apiBase: /api
}

// The site on your own domain. The ACM certificate must be in us-east-1,
// whatever the stack's region; the hosted zone gets A and AAAA alias
// records for each domain name. Both are imported with fixed values here,
// so nothing is looked up at synth. CORS then allows https://<name> for
// each domain name.
func ExampleNewStaticSiteWithApi_customDomain() {
	stack := newStack("ap-southeast-2")
	cert := awscertificatemanager.Certificate_FromCertificateArn(stack, jsii.String("Certificate"),
		jsii.String("arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"))
	zone := awsroute53.HostedZone_FromHostedZoneAttributes(stack, jsii.String("Zone"), &awsroute53.HostedZoneAttributes{
		HostedZoneId: jsii.String("Z0123456789ABCDEFGHIJ"),
		ZoneName:     jsii.String("example.com"),
	})
	site := staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
		Backend:     staticsite.HttpBackend("https://orders.example.com"),
		DomainNames: jsii.Strings("www.example.com", "example.com"),
		Certificate: cert,
		HostedZone:  zone,
	})

	// SiteUrl is the first domain name; each name gets an A and an AAAA
	// record.
	fmt.Println(*site.SiteUrl())
	fmt.Println("alias records:", len(site.AliasRecords()))
	// Output:
	// https://www.example.com
	// alias records: 4
}

// A dev server on another origin calls the deployed API. CloudFront owns
// CORS: it adds the headers to every API response, API Gateway's own errors
// included, and API Gateway answers the preflight without authorization.
// Same-origin calls from the site itself need no CORS at all.
func ExampleNewStaticSiteWithApi_cors() {
	stack := newStack("ap-southeast-2")
	site := staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
		Backend: staticsite.HttpBackend("https://orders.example.com"),
		Cors: &staticsite.CorsOptions{
			AllowOrigins: jsii.Strings("http://localhost:5173"),
		},
	})
	fmt.Println("API under:", *site.ApiPrefix()+"/*")

	// An origin is scheme://host[:port]; anything else is refused, with
	// the fix.
	err := (&staticsite.StaticSiteWithApiProps{
		Backend: staticsite.HttpBackend("https://orders.example.com"),
		Cors:    &staticsite.CorsOptions{AllowOrigins: jsii.Strings("http://localhost:5173/")},
	}).Validate()
	fmt.Println(err)
	// Output:
	// API under: /api/*
	// Cors.AllowOrigins: "http://localhost:5173/" must be only scheme://host[:port], with no path, query or trailing slash; use "http://localhost:5173"
}

// WafPreset creates an AWS WAF web ACL for the distribution: AWS's common
// rule set, a per-IP rate limit and a body-size limit that exempts the API
// prefix, so JSON POSTs are not blocked. CloudFront web ACLs live in
// us-east-1, so the stack must be there; from another region, create the
// web ACL in a us-east-1 stack and pass its ARN as WebAclArn.
func ExampleNewStaticSiteWithApi_waf() {
	stack := newStack("us-east-1")
	site := staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
		Backend: staticsite.HttpBackend("https://orders.example.com"),
		WafPreset: &staticsite.WafPresetOptions{
			RateLimit: jsii.Number(1000), // requests per IP in 5 minutes
		},
	})
	fmt.Println("region:", *awscdk.Stack_Of(site).Region())
	fmt.Println("web ACL:", site.WebAcl() != nil)

	// The preset and your own web ACL exclude each other.
	err := (&staticsite.StaticSiteWithApiProps{
		Backend:   staticsite.HttpBackend("https://orders.example.com"),
		WafPreset: &staticsite.WafPresetOptions{},
		WebAclArn: jsii.String("arn:aws:wafv2:us-east-1:123456789012:global/webacl/site/abc"),
	}).Validate()
	fmt.Println(err)
	// Output:
	// region: us-east-1
	// web ACL: true
	// WafPreset and WebAclArn are both set: use the preset or your own web ACL, not both
}

// Signed-in users: a new Cognito user pool with a hosted UI and a public
// app client for the SPA (authorization code flow with PKCE) guards every
// API path but the public ones. Preflights (OPTIONS) never need a token.
// With Frontend, /config.json tells the SPA where to sign in.
func ExampleAuthOptions() {
	stack := newStack("ap-southeast-2")
	site := staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
		Backend: staticsite.HttpBackend("https://orders.example.com"),
		Auth: &staticsite.AuthOptions{
			Cognito:     &staticsite.CognitoAuthOptions{DomainPrefix: jsii.String("orders-shop")},
			PublicPaths: jsii.Strings("/api/health", "/api/catalog/*"),
		},
	})
	awscdk.NewCfnOutput(stack, jsii.String("UserPoolId"), &awscdk.CfnOutputProps{Value: site.UserPool().UserPoolId()})
	fmt.Println("user pool:", site.UserPool() != nil)
	fmt.Println("app client:", site.UserPoolClient() != nil)
	fmt.Println("hosted UI:", site.UserPoolDomain() != nil)

	// A public path is under the API prefix.
	err := (&staticsite.StaticSiteWithApiProps{
		Backend: staticsite.HttpBackend("https://orders.example.com"),
		Auth:    &staticsite.AuthOptions{Cognito: &staticsite.CognitoAuthOptions{}, PublicPaths: jsii.Strings("/health")},
	}).Validate()
	fmt.Println(err)
	// Output:
	// user pool: true
	// app client: true
	// hosted UI: true
	// Auth.PublicPaths: "/health" is invalid: it is not under the API prefix "/api": only API paths need a public exception; for example "/api/health" or "/api/public/*"
}

// Alarms, their SNS topic and a dashboard: the API's 5XX rate, 4XX
// spikes and p99 latency near the 29 s integration timeout, a Lambda
// backend's errors, throttles and duration, the frontend upload, and (in
// us-east-1, where CloudFront's metrics are) CloudFront's 5XX rate.
func ExampleStaticSiteWithApi_AddMonitoring() {
	stack := newStack("ap-southeast-2")
	site := staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
		Backend: staticsite.HttpBackend("https://orders.example.com"),
	})
	mon := site.AddMonitoring(&staticsite.MonitoringOptions{
		AlarmEmails:        jsii.Strings("oncall@example.com"),
		ApiServerErrorRate: jsii.Number(0.02), // 2 % of requests
	})
	awscdk.NewCfnOutput(stack, jsii.String("AlarmTopicArn"), &awscdk.CfnOutputProps{Value: mon.Topic().TopicArn()})
	for _, name := range slices.Sorted(maps.Keys(mon.Alarms())) {
		fmt.Println(name)
	}
	// Output:
	// ApiClientErrors
	// ApiLatency
	// ApiServerErrors
}

// Validate reports what NewStaticSiteWithApi would panic with, every
// problem at once, so that a configuration can be tested without a panic.
func ExampleStaticSiteWithApiProps_Validate() {
	err := (&staticsite.StaticSiteWithApiProps{
		Backend:   staticsite.HttpBackend("https://orders.example.com"),
		ApiPrefix: jsii.String("/api/"),
	}).Validate()
	fmt.Println(err != nil)
	fmt.Println((&staticsite.StaticSiteWithApiProps{}).Validate())
	// Output:
	// true
	// Backend is required: set it to staticsite.LambdaBackend(fn) or staticsite.HttpBackend("https://service.example.com")
}
