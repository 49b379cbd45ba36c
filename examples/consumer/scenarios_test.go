package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/one-origin/staticsitewithapi/constructs/staticsite"
)

// What a team meets first when it puts the construct into its own app:
// each of these either works as documented or stops with an error that
// names the prop and the fix. The library is used only through its
// exported API, as another module does.
func TestFirstDayScenarios(t *testing.T) {
	env := &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("eu-west-1")}
	for _, row := range []struct {
		name string
		// build adds the site(s) to stack.
		build func(stack awscdk.Stack)
		// env of the stack; nil for an environment-agnostic stack.
		env *awscdk.Environment
		// panics is what the constructor's error must say; "" when it must
		// not panic.
		panics []string
		// check looks at the synthesized stack when there is no panic.
		check func(t *testing.T, tmpl assertions.Template, ann assertions.Annotations)
	}{
		{
			name: "backend URL known only at deploy",
			env:  env,
			build: func(stack awscdk.Stack) {
				host := awscdk.Fn_ImportValue(jsii.String("OrdersAlbDns"))
				staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
					Backend: staticsite.HttpBackend("https://" + *host),
				})
			},
			check: func(t *testing.T, tmpl assertions.Template, _ assertions.Annotations) {
				tmpl.HasResourceProperties(jsii.String("AWS::ApiGateway::Method"), map[string]any{
					"HttpMethod": "ANY",
					"Integration": assertions.Match_ObjectLike(&map[string]any{
						"Uri": map[string]any{"Fn::Join": []any{"", []any{"https://", map[string]any{"Fn::ImportValue": "OrdersAlbDns"}, "/{proxy}"}}},
					}),
				})
			},
		},
		{
			name: "plain http backend without opting in",
			env:  env,
			build: func(stack awscdk.Stack) {
				staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
					Backend: staticsite.HttpBackend("http://legacy.example.com"),
				})
			},
			panics: []string{`HttpBackend URL "http://legacy.example.com" is plain http://`, "InsecureHttpBackend"},
		},
		{
			name: "WAF preset on a stack with no environment",
			build: func(stack awscdk.Stack) {
				staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
					Backend:   staticsite.HttpBackend("https://orders.example.com"),
					WafPreset: &staticsite.WafPresetOptions{},
				})
			},
			check: func(t *testing.T, tmpl assertions.Template, _ assertions.Annotations) {
				rules := *tmpl.ToJSON()
				require(t, strings.Contains(fmt.Sprint(rules["Rules"]), "us-east-1"), "a CloudFormation rule refuses a deploy outside us-east-1: %v", rules["Rules"])
			},
		},
		{
			name: "BucketProps that would weaken the bucket",
			env:  env,
			build: func(stack awscdk.Stack) {
				staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
					Backend:     staticsite.HttpBackend("https://orders.example.com"),
					BucketProps: &awss3.BucketProps{EnforceSSL: jsii.Bool(false), PublicReadAccess: jsii.Bool(true)},
				})
			},
			panics: []string{"BucketProps.EnforceSSL must not be false", "BucketProps.PublicReadAccess must not be true"},
		},
		{
			name: "imported bucket",
			env:  env,
			build: func(stack awscdk.Stack) {
				staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
					Backend: staticsite.HttpBackend("https://orders.example.com"),
					Bucket:  awss3.Bucket_FromBucketName(stack, jsii.String("Existing"), jsii.String("shop-site")),
				})
			},
			check: func(t *testing.T, _ assertions.Template, ann assertions.Annotations) {
				var all []string
				for _, m := range *ann.FindWarning(jsii.String("*"), assertions.Match_AnyValue()) {
					all = append(all, fmt.Sprint(m.Entry.Data))
				}
				text := strings.Join(all, "\n")
				require(t, strings.Contains(text, "site.OriginAccessStatement()") && strings.Contains(text, "arn:aws:s3:::shop-site/*"),
					"the warning says which statement to add to which bucket: %s", text)
				require(t, !strings.Contains(text, "module's README"), "no pointer to another library's README: %s", text)
			},
		},
		{
			name: "two sites in one stack",
			env:  env,
			build: func(stack awscdk.Stack) {
				for _, id := range []string{"Shop", "Admin"} {
					staticsite.NewStaticSiteWithApi(stack, jsii.String(id), &staticsite.StaticSiteWithApiProps{
						Backend: staticsite.HttpBackend("https://" + strings.ToLower(id) + ".example.com"),
					})
				}
			},
			check: func(t *testing.T, tmpl assertions.Template, _ assertions.Annotations) {
				tmpl.ResourceCountIs(jsii.String("AWS::CloudFront::Distribution"), jsii.Number(2))
				tmpl.ResourceCountIs(jsii.String("AWS::ApiGateway::RestApi"), jsii.Number(2))
				tmpl.ResourceCountIs(jsii.String("AWS::ApiGateway::Account"), jsii.Number(1))
			},
		},
	} {
		t.Run(row.name, func(t *testing.T) {
			app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
			stack := awscdk.NewStack(app, jsii.String("Shop"), &awscdk.StackProps{Env: row.env})
			err := recovered(func() { row.build(stack) })
			if len(row.panics) > 0 {
				require(t, err != nil, "NewStaticSiteWithApi accepted what it must refuse")
				for _, want := range row.panics {
					require(t, strings.Contains(err.Error(), want), "error %q does not say %q", err, want)
				}
				return
			}
			require(t, err == nil, "unexpected error: %v", err)
			row.check(t, assertions.Template_FromStack(stack, nil), assertions.Annotations_FromStack(stack))
		})
	}
}

func recovered(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	f()
	return nil
}

func require(t *testing.T, ok bool, format string, args ...any) {
	t.Helper()
	if !ok {
		t.Fatalf(format, args...)
	}
}
