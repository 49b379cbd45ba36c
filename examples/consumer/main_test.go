package main

import (
	"fmt"
	"os"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"
)

// TestMain stops the jsii runtime after the tests, which also removes its
// temporary folder (os.Exit skips deferred calls).
func TestMain(m *testing.M) {
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}

// TestShop synthesizes the app as main does and checks what a user of the
// library relies on: one distribution whose /api/* behavior reaches the API
// with every method and no caching, and no pitfall reported.
func TestShop(t *testing.T) {
	t.Setenv("CDK_DEFAULT_ACCOUNT", "123456789012")
	t.Setenv("CDK_DEFAULT_REGION", "ap-southeast-2")
	app := newApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	stack := app.Node().FindChild(jsii.String("Shop")).(awscdk.Stack)

	tmpl := assertions.Template_FromStack(stack, nil)
	tmpl.ResourceCountIs(jsii.String("AWS::CloudFront::Distribution"), jsii.Number(1))
	tmpl.HasResourceProperties(jsii.String("AWS::CloudFront::Distribution"), map[string]any{
		"DistributionConfig": assertions.Match_ObjectLike(&map[string]any{
			"CacheBehaviors": []any{assertions.Match_ObjectLike(&map[string]any{
				"PathPattern":           "/api/*",
				"AllowedMethods":        assertions.Match_ArrayWith(&[]any{"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}),
				"CachePolicyId":         "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", // CachingDisabled
				"OriginRequestPolicyId": "b689b0a8-53d0-40ab-baf2-68738e2966ac", // AllViewerExceptHostHeader
			})},
		}),
	})
	tmpl.HasResourceProperties(jsii.String("AWS::ApiGateway::Method"), map[string]any{
		"HttpMethod":  "ANY",
		"Integration": assertions.Match_ObjectLike(&map[string]any{"Type": "HTTP_PROXY", "Uri": "https://orders.example.com/{proxy}"}),
	})

	ann := assertions.Annotations_FromStack(stack)
	finding := assertions.Match_StringLikeRegexp(jsii.String(`^\[[a-z0-9-]+\] `))
	if errs := *ann.FindError(jsii.String("*"), finding); len(errs) > 0 {
		t.Errorf("sitechecks errors: %v", fmtMessages(errs))
	}
	if warns := *ann.FindWarning(jsii.String("*"), finding); len(warns) > 0 {
		t.Errorf("sitechecks warnings: %v", fmtMessages(warns))
	}
}

func fmtMessages(ms []*cxapi.SynthesisMessage) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = fmt.Sprintf("%s: %v", *m.Id, m.Entry.Data)
	}
	return out
}
