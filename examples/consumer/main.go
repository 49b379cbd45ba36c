// Command consumer is a minimal CDK app that uses the library the way an
// application does after
//
//	go get github.com/one-origin/staticsitewithapi
//
// It serves a single-page app and an existing HTTP API from one CloudFront
// domain, and runs the synth-time pitfall checks on every stack.
package main

import (
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/one-origin/staticsitewithapi/constructs/sitechecks"
	"github.com/one-origin/staticsitewithapi/constructs/staticsite"
)

func main() {
	defer jsii.Close()
	app := newApp(nil)
	app.Synth(nil)
}

// newApp builds the whole app; main and the tests share it.
func newApp(props *awscdk.AppProps) awscdk.App {
	app := awscdk.NewApp(props)
	// Report the pitfalls of PITFALLS.md as synth errors and warnings.
	awscdk.Aspects_Of(app).Add(sitechecks.New(nil), nil)
	NewShopStack(app, "Shop", &awscdk.StackProps{Env: &awscdk.Environment{
		Account: envOrNil("CDK_DEFAULT_ACCOUNT"),
		Region:  envOrNil("CDK_DEFAULT_REGION"),
	}})
	return app
}

// NewShopStack is the site: the SPA from a private bucket, /api/* from the
// orders service through API Gateway, and a local dev server allowed to
// call the API cross-origin.
func NewShopStack(scope constructs.Construct, id string, props *awscdk.StackProps) awscdk.Stack {
	stack := awscdk.NewStack(scope, &id, props)
	site := staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
		Backend: staticsite.HttpBackend("https://orders.example.com"),
		Cors:    &staticsite.CorsOptions{AllowOrigins: jsii.Strings("http://localhost:5173")},
	})
	awscdk.NewCfnOutput(stack, jsii.String("SiteUrl"), &awscdk.CfnOutputProps{Value: site.SiteUrl()})
	awscdk.NewCfnOutput(stack, jsii.String("BucketName"), &awscdk.CfnOutputProps{Value: site.Bucket().BucketName()})
	return stack
}

func envOrNil(name string) *string {
	if v := os.Getenv(name); v != "" {
		return &v
	}
	return nil
}
