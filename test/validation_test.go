package test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/constructs/staticsite"
)

// TestValidation has one row per bad prop: the constructor must panic with
// an error that names the prop and the fix, before creating anything.
func TestValidation(t *testing.T) {
	app := newTestApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Validation"), &awscdk.StackProps{Env: testEnv})
	fn := inlineFunction(stack)
	cert := awscertificatemanager.Certificate_FromCertificateArn(stack, jsii.String("Cert"),
		jsii.String("arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"))
	euCert := awscertificatemanager.Certificate_FromCertificateArn(stack, jsii.String("EuCert"),
		jsii.String("arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"))
	zone := awsroute53.HostedZone_FromHostedZoneAttributes(stack, jsii.String("Zone"), &awsroute53.HostedZoneAttributes{
		HostedZoneId: jsii.String("Z0123456789ABC"), ZoneName: jsii.String("example.com"),
	})
	existing := awss3.Bucket_FromBucketName(stack, jsii.String("Existing"), jsii.String("existing-bucket"))
	ok := func(mod func(p *staticsite.StaticSiteWithApiProps)) *staticsite.StaticSiteWithApiProps {
		p := &staticsite.StaticSiteWithApiProps{Backend: staticsite.LambdaBackend(fn)}
		mod(p)
		return p
	}
	cors := func(c staticsite.CorsOptions) func(p *staticsite.StaticSiteWithApiProps) {
		return func(p *staticsite.StaticSiteWithApiProps) { p.Cors = &c }
	}

	rows := []struct {
		name  string
		props *staticsite.StaticSiteWithApiProps
		want  []string
	}{
		{"nil props", nil, []string{"Backend is required", "LambdaBackend(fn)", "HttpBackend("}},
		{"missing backend", &staticsite.StaticSiteWithApiProps{}, []string{"Backend is required"}},
		{"nil lambda", &staticsite.StaticSiteWithApiProps{Backend: staticsite.LambdaBackend(nil)}, []string{"Backend: LambdaBackend was given a nil function"}},
		{"http backend without scheme", &staticsite.StaticSiteWithApiProps{Backend: staticsite.HttpBackend("backend.example.com")}, []string{`Backend: HttpBackend URL "backend.example.com" must start with https://`}},
		{"http backend trailing slash", &staticsite.StaticSiteWithApiProps{Backend: staticsite.HttpBackend("https://backend.example.com/")}, []string{`must not end with "/"`}},
		{"http backend query", &staticsite.StaticSiteWithApiProps{Backend: staticsite.HttpBackend("https://backend.example.com?a=1")}, []string{"must not carry a query string"}},
		{"prefix without slash", ok(func(p *staticsite.StaticSiteWithApiProps) { p.ApiPrefix = jsii.String("api") }), []string{`ApiPrefix "api" is invalid`, `must start with "/"`}},
		{"prefix with wildcard", ok(func(p *staticsite.StaticSiteWithApiProps) { p.ApiPrefix = jsii.String("/api/*") }), []string{`ApiPrefix "/api/*" is invalid`, `contain "*"`}},
		{"prefix with trailing slash", ok(func(p *staticsite.StaticSiteWithApiProps) { p.ApiPrefix = jsii.String("/api/") }), []string{`ApiPrefix "/api/" is invalid`}},
		{"prefix root", ok(func(p *staticsite.StaticSiteWithApiProps) { p.ApiPrefix = jsii.String("/") }), []string{`ApiPrefix "/" is invalid`}},
		{"stage name", ok(func(p *staticsite.StaticSiteWithApiProps) { p.StageName = jsii.String("my stage") }), []string{`StageName "my stage" is invalid`}},
		{"origin timeout below integration timeout", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.OriginReadTimeout = awscdk.Duration_Seconds(jsii.Number(10))
		}),
			[]string{"OriginReadTimeout 10 seconds is out of range", "use whole seconds from 29 to 180"}},
		{"origin timeout in fractions", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.OriginReadTimeout = awscdk.Duration_Millis(jsii.Number(30500))
		}),
			[]string{"OriginReadTimeout 30 seconds 500 millis is out of range"}},
		{"snapshot removal", ok(func(p *staticsite.StaticSiteWithApiProps) { p.RemovalPolicy = awscdk.RemovalPolicy_SNAPSHOT }),
			[]string{`RemovalPolicy awscdk.RemovalPolicy_SNAPSHOT is not supported`, "use awscdk.RemovalPolicy_RETAIN"}},
		{"two removal policies", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.RemovalPolicy = awscdk.RemovalPolicy_DESTROY
			p.BucketProps = &awss3.BucketProps{RemovalPolicy: awscdk.RemovalPolicy_RETAIN}
		}), []string{`RemovalPolicy (awscdk.RemovalPolicy_DESTROY) and BucketProps.RemovalPolicy (awscdk.RemovalPolicy_RETAIN) differ`}},
		{"bucket and bucket props", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.Bucket = existing
			p.BucketProps = &awss3.BucketProps{}
		}), []string{"Bucket and BucketProps are both set"}},
		{"website hosting", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.BucketProps = &awss3.BucketProps{WebsiteIndexDocument: jsii.String("index.html")}
		}), []string{"BucketProps: website hosting is not supported", "remove the Website* fields"}},
		{"public read", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.BucketProps = &awss3.BucketProps{PublicReadAccess: jsii.Bool(true)}
		}), []string{"BucketProps.PublicReadAccess must not be true"}},
		{"auto delete without destroy", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.BucketProps = &awss3.BucketProps{AutoDeleteObjects: jsii.Bool(true)}
		}), []string{"BucketProps.AutoDeleteObjects needs RemovalPolicy set to awscdk.RemovalPolicy_DESTROY"}},
		{"certificate without domain names", ok(func(p *staticsite.StaticSiteWithApiProps) { p.Certificate = cert }), []string{"Certificate is set but DomainNames is empty"}},
		{"domain names without certificate", ok(func(p *staticsite.StaticSiteWithApiProps) { p.DomainNames = jsii.Strings("www.example.com") }), []string{"DomainNames needs Certificate", "www.example.com"}},
		{"domain name with scheme", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.DomainNames = jsii.Strings("https://www.example.com")
			p.Certificate = cert
		}), []string{`DomainNames: "https://www.example.com" is not a domain name`}},
		{"wildcard with credentials", ok(cors(staticsite.CorsOptions{AllowOrigins: jsii.Strings("*"), AllowCredentials: jsii.Bool(true)})), []string{`"*" cannot be combined with Cors.AllowCredentials`}},
		{"wildcard among origins", ok(cors(staticsite.CorsOptions{AllowOrigins: jsii.Strings("*", "https://a.example.com")})), []string{`"*" already allows every origin`}},
		{"origin with path", ok(cors(staticsite.CorsOptions{AllowOrigins: jsii.Strings("https://app.example.com/app")})), []string{`Cors.AllowOrigins: "https://app.example.com/app" must be only scheme://host[:port]`, `use "https://app.example.com"`}},
		{"origin with trailing slash", ok(cors(staticsite.CorsOptions{AllowOrigins: jsii.Strings("http://localhost:5173/")})), []string{`"http://localhost:5173/" must be only scheme://host[:port]`, `use "http://localhost:5173"`}},
		{"origin without scheme", ok(cors(staticsite.CorsOptions{AllowOrigins: jsii.Strings("app.example.com")})), []string{`Cors.AllowOrigins: "app.example.com" is not an origin`}},
		{"unknown cors method", ok(cors(staticsite.CorsOptions{AllowOrigins: jsii.Strings("https://a.example.com"), AllowMethods: jsii.Strings("FETCH")})), []string{`Cors.AllowMethods: "FETCH" is not one of`}},
		{"frontend without folder", ok(func(p *staticsite.StaticSiteWithApiProps) { p.Frontend = &staticsite.FrontendOptions{} }), []string{"Frontend.SourceDir is required"}},
		{"frontend folder missing", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.Frontend = &staticsite.FrontendOptions{SourceDir: jsii.String("testdata/no-such-dist")}
		}), []string{`Frontend.SourceDir "testdata/no-such-dist" is not a folder`}},
		{"frontend folder without index.html", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.Frontend = &staticsite.FrontendOptions{SourceDir: jsii.String("testdata/dist/assets")}
		}), []string{`Frontend.SourceDir "testdata/dist/assets" has no index.html`}},
		{"runtime config overrides apiBase", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.Frontend = &staticsite.FrontendOptions{SourceDir: jsii.String("testdata/dist"), RuntimeConfig: &map[string]interface{}{"apiBase": "https://api.example.com"}}
		}), []string{`Frontend.RuntimeConfig must not set "apiBase"`}},
		{"bad hashed-name pattern", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.Frontend = &staticsite.FrontendOptions{SourceDir: jsii.String("testdata/dist"), HashedNamePattern: jsii.String("([")}
		}), []string{`Frontend.HashedNamePattern "([" is not a regular expression`}},
		{"upload memory", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.Frontend = &staticsite.FrontendOptions{SourceDir: jsii.String("testdata/dist"), MemoryLimitMiB: jsii.Number(64)}
		}), []string{"Frontend.MemoryLimitMiB 64 is out of range"}},
		{"certificate outside us-east-1", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.DomainNames = jsii.Strings("www.example.com")
			p.Certificate = euCert
		}), []string{"Certificate is in eu-west-1: CloudFront only uses ACM certificates from us-east-1"}},
		{"hosted zone without domain names", ok(func(p *staticsite.StaticSiteWithApiProps) { p.HostedZone = zone }), []string{"HostedZone is set but DomainNames is empty"}},
		{"throttling rate not positive", ok(func(p *staticsite.StaticSiteWithApiProps) { p.ThrottlingRateLimit = jsii.Number(0) }), []string{"ThrottlingRateLimit 0 must be greater than 0"}},
		{"throttling burst negative", ok(func(p *staticsite.StaticSiteWithApiProps) { p.ThrottlingBurstLimit = jsii.Number(-5) }), []string{"ThrottlingBurstLimit -5 must be greater than 0"}},
		{"unknown log retention", ok(func(p *staticsite.StaticSiteWithApiProps) { p.LogRetention = awslogs.RetentionDays("FORTY_FIVE_DAYS") }), []string{`LogRetention "FORTY_FIVE_DAYS" is not a CloudWatch Logs retention period`}},
		{"log expiration", ok(func(p *staticsite.StaticSiteWithApiProps) { p.LogExpiration = awscdk.Duration_Hours(jsii.Number(36)) }),
			[]string{"LogExpiration 1 day 12 hours must be a whole number of days from 1"}},
		{"empty CSP", ok(func(p *staticsite.StaticSiteWithApiProps) { p.ContentSecurityPolicy = jsii.String("  ") }), []string{"ContentSecurityPolicy is empty"}},
		{"web ACL not an ARN", ok(func(p *staticsite.StaticSiteWithApiProps) { p.WebAclArn = jsii.String("my-acl") }), []string{`WebAclArn "my-acl" is not an ARN`}},
		{"WAF preset outside us-east-1", ok(func(p *staticsite.StaticSiteWithApiProps) { p.WafPreset = &staticsite.WafPresetOptions{} }),
			[]string{"WafPreset needs the stack in us-east-1 (CloudFront web ACLs live there), not ap-southeast-2"}},
		{"WAF preset and ARN", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.WafPreset = &staticsite.WafPresetOptions{}
			p.WebAclArn = jsii.String("arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/1")
		}), []string{"WafPreset and WebAclArn are both set"}},
		{"auth with neither authorizer", ok(func(p *staticsite.StaticSiteWithApiProps) { p.Auth = &staticsite.AuthOptions{} }),
			[]string{"Auth: set exactly one of Cognito (a user pool authorizer) and Lambda (a Lambda authorizer)"}},
		{"auth with both authorizers", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.Auth = &staticsite.AuthOptions{Cognito: &staticsite.CognitoAuthOptions{}, Lambda: &staticsite.LambdaAuthOptions{Handler: fn}}
		}), []string{"Auth: set exactly one of Cognito"}},
		{"public path outside the prefix", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.Auth = &staticsite.AuthOptions{Cognito: &staticsite.CognitoAuthOptions{}, PublicPaths: jsii.Strings("/health", "/api/pub*", "/api/health", "/api/health")}
		}), []string{`Auth.PublicPaths: "/health" is invalid: it is not under the API prefix "/api"`, `"/api/pub*" is invalid`, `Auth.PublicPaths: "/api/health" is listed twice`}},
		{"hosted UI prefix with a forbidden word", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.Auth = &staticsite.AuthOptions{Cognito: &staticsite.CognitoAuthOptions{DomainPrefix: jsii.String("my-aws-shop")}}
		}), []string{`Auth.Cognito.DomainPrefix "my-aws-shop" is invalid`}},
		{"new-pool settings on an existing pool", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.Auth = &staticsite.AuthOptions{Cognito: &staticsite.CognitoAuthOptions{
				UserPool: awscognito.UserPool_FromUserPoolId(stack, jsii.String("Pool"), jsii.String("ap-southeast-2_Ab")), Mfa: awscognito.Mfa_REQUIRED,
			}}
		}), []string{"Auth.Cognito: DomainPrefix, Mfa and SelfSignUp configure a new user pool"}},
		{"hosted UI domain without pool", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.Auth = &staticsite.AuthOptions{Cognito: &staticsite.CognitoAuthOptions{HostedUiDomain: jsii.String("auth.example.com")}}
		}), []string{"UserPoolClient and HostedUiDomain describe an existing UserPool", `Auth.Cognito.HostedUiDomain "auth.example.com" must be the hosted UI's https:// base URL`}},
		{"lambda authorizer without function", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.Auth = &staticsite.AuthOptions{Lambda: &staticsite.LambdaAuthOptions{}}
		}), []string{"Auth.Lambda.Handler is required"}},
		{"token authorizer with two sources", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.Auth = &staticsite.AuthOptions{Lambda: &staticsite.LambdaAuthOptions{Handler: fn, IdentitySources: jsii.Strings("method.request.header.Authorization", "method.request.header.X-Tenant")}}
		}), []string{"a TOKEN authorizer reads exactly one header"}},
		{"authorizer keyed on Host", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.Auth = &staticsite.AuthOptions{Lambda: &staticsite.LambdaAuthOptions{Handler: fn, Type: staticsite.LambdaAuthorizerRequest, IdentitySources: jsii.Strings("method.request.header.Host", "header.X")}}
		}), []string{`CloudFront does not forward the viewer's Host header`, `"header.X" is not an identity source`}},
		{"authorizer cache too long", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.Auth = &staticsite.AuthOptions{Lambda: &staticsite.LambdaAuthOptions{Handler: fn, ResultsCacheTtl: awscdk.Duration_Hours(jsii.Number(2))}}
		}), []string{"Auth.Lambda.ResultsCacheTtl 2 hours is out of range"}},
		{"runtime config sets auth", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.Auth = &staticsite.AuthOptions{Cognito: &staticsite.CognitoAuthOptions{}}
			p.Frontend = &staticsite.FrontendOptions{SourceDir: jsii.String("testdata/dist"), RuntimeConfig: &map[string]interface{}{"auth": map[string]any{}}}
		}), []string{`Frontend.RuntimeConfig must not set "auth" when Auth is set`}},
		{"every problem at once", &staticsite.StaticSiteWithApiProps{ApiPrefix: jsii.String("api"), DomainNames: jsii.Strings("www.example.com")},
			[]string{"Backend is required", `ApiPrefix "api" is invalid`, "DomainNames needs Certificate"}},
		{"plain http backend", &staticsite.StaticSiteWithApiProps{Backend: staticsite.HttpBackend("http://legacy.example.com")},
			[]string{`HttpBackend URL "http://legacy.example.com" is plain http://`, "staticsite.InsecureHttpBackend(url)"}},
		{"plain http backend with a token host", &staticsite.StaticSiteWithApiProps{Backend: staticsite.HttpBackend("http://" + *awscdk.Fn_ImportValue(jsii.String("AlbDns")))},
			[]string{"is plain http://"}},
		{"backend URL that is all token", &staticsite.StaticSiteWithApiProps{Backend: staticsite.HttpBackend(*awscdk.Fn_ImportValue(jsii.String("BackendUrl")))},
			[]string{"must start with a literal https://"}},
		{"token prefix", ok(func(p *staticsite.StaticSiteWithApiProps) { p.ApiPrefix = awscdk.Fn_ImportValue(jsii.String("Prefix")) }),
			[]string{"ApiPrefix and StageName must be literal strings, not tokens"}},
		{"public access not all blocked", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.BucketProps = &awss3.BucketProps{BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ACLS_ONLY()}
		}), []string{"BucketProps.BlockPublicAccess must block all public access"}},
		{"TLS not enforced", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.BucketProps = &awss3.BucketProps{EnforceSSL: jsii.Bool(false)}
		}),
			[]string{"BucketProps.EnforceSSL must not be false"}},
		{"ACLs on", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.BucketProps = &awss3.BucketProps{ObjectOwnership: awss3.ObjectOwnership_BUCKET_OWNER_PREFERRED}
		}), []string{`BucketProps.ObjectOwnership "BUCKET_OWNER_PREFERRED" is not supported`}},
		{"secret generation not whole", ok(func(p *staticsite.StaticSiteWithApiProps) { p.OriginSecretGeneration = jsii.Number(0) }),
			[]string{"OriginSecretGeneration 0 is invalid: use a whole number from 1"}},
		{"compression size", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.MinCompressionSize = awscdk.Size_Mebibytes(jsii.Number(11))
		}),
			[]string{"MinCompressionSize 1.1534336e+07 bytes is out of range"}},
		{"log bucket without access logs", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.AccessLogs = jsii.Bool(false)
			p.LogBucket = existing
		}), []string{"LogBucket is set but AccessLogs is false"}},
		{"noncurrent expiry without versions", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.NoncurrentVersionExpiration = awscdk.Duration_Days(jsii.Number(10))
		}),
			[]string{"NoncurrentVersionExpiration is set but the site bucket is not versioned"}},
		{"no retention of superseded files", ok(func(p *staticsite.StaticSiteWithApiProps) {
			p.Frontend = &staticsite.FrontendOptions{SourceDir: jsii.String("testdata/dist"), SupersededRetention: awscdk.Duration_Minutes(jsii.Number(0))}
		}), []string{"Frontend.SupersededRetention 0 minutes must be a whole number of days from 1"}},
	}
	for i, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			id := fmt.Sprintf("Site%d", i)
			err := panicError(t, func() { staticsite.NewStaticSiteWithApi(stack, jsii.String(id), row.props) })
			require.ErrorContains(t, err, "StaticSiteWithApi "+id+": ")
			for _, w := range row.want {
				require.ErrorContains(t, err, w)
			}
			require.Nil(t, stack.Node().TryFindChild(jsii.String(id)), "a resource was created before validation failed")
			if row.props != nil && row.props.WafPreset == nil { // the region check needs the stack
				verr := row.props.Validate()
				for _, w := range row.want {
					require.ErrorContains(t, verr, w, "Validate must say what the constructor says")
				}
			}
		})
	}
	require.NoError(t, ok(func(p *staticsite.StaticSiteWithApiProps) {}).Validate())
}

// TestTokensAreValues: values known only at deploy time (a load balancer's
// DNS name, imported values) pass validation and reach the template; what
// they leave literal is still checked (the rows of TestValidation).
func TestTokensAreValues(t *testing.T) {
	m, _ := siteFixture(t, func(stack awscdk.Stack) *staticsite.StaticSiteWithApiProps {
		imported := func(name string) *string { return awscdk.Fn_ImportValue(jsii.String(name)) }
		return &staticsite.StaticSiteWithApiProps{
			Backend:     staticsite.HttpBackend("https://" + *imported("AlbDnsName") + "/v1"),
			DomainNames: &[]*string{imported("SiteDomain")},
			Certificate: awscertificatemanager.Certificate_FromCertificateArn(stack, jsii.String("Cert"), imported("CertArn")),
			Cors:        &staticsite.CorsOptions{AllowOrigins: &[]*string{imported("PartnerOrigin")}},
			WebAclArn:   imported("WebAclArn"),
		}
	})
	require.Contains(t, jsonString(methods(m)["/{proxy+} ANY"]["Integration"]), `"Fn::ImportValue":"AlbDnsName"`)
	dc, err := distributionConfig(m)
	require.NoError(t, err)
	require.Equal(t, `[{"Fn::ImportValue":"SiteDomain"}]`, jsonString(dc["Aliases"]))
	require.Equal(t, `{"Fn::ImportValue":"WebAclArn"}`, jsonString(dc["WebACLId"]))
}

// TestInsecureHttpBackend: plain http:// is an explicit choice.
func TestInsecureHttpBackend(t *testing.T) {
	m, _ := siteFixture(t, func(stack awscdk.Stack) *staticsite.StaticSiteWithApiProps {
		return &staticsite.StaticSiteWithApiProps{Backend: staticsite.InsecureHttpBackend("http://legacy.example.com:8080")}
	})
	require.Equal(t, "http://legacy.example.com:8080/{proxy}", methods(m)["/{proxy+} ANY"]["Integration"].(obj)["Uri"])
}

// TestWafPresetWithoutRegion: a stack with no region cannot be checked at
// synth, so CloudFormation checks it before changing anything.
func TestWafPresetWithoutRegion(t *testing.T) {
	app := newTestApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Agnostic"), nil)
	staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
		Backend: staticsite.LambdaBackend(inlineFunction(stack)), WafPreset: &staticsite.WafPresetOptions{},
	})
	m := toMap(t, assertions.Template_FromStack(stack, nil))
	rules := jsonString(m["Rules"])
	require.Contains(t, rules, `"Assert":{"Fn::Equals":[{"Ref":"AWS::Region"},"us-east-1"]}`)
	require.Contains(t, rules, "must be in us-east-1")
}

func panicError(t *testing.T, f func()) (err error) {
	t.Helper()
	defer func() {
		r := recover()
		require.NotNil(t, r, "expected a panic")
		e, ok := r.(error)
		require.True(t, ok, "panic value is %T, want error: %v", r, r)
		err = e
	}()
	f()
	return nil
}
