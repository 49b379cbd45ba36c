package staticsite_test

import (
	"encoding/json"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/one-origin/staticsitewithapi/constructs/sitechecks"
	"github.com/one-origin/staticsitewithapi/constructs/staticsite"
)

// A site whose API is an existing HTTP service, checked for the pitfalls.
func ExampleNewStaticSiteWithApi() {
	app := awscdk.NewApp(nil)
	awscdk.Aspects_Of(app).Add(sitechecks.New(nil), nil)
	stack := awscdk.NewStack(app, jsii.String("Shop"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("ap-southeast-2")},
	})

	site := staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
		Backend: staticsite.HttpBackend("https://orders.internal.example.com"),
	})
	awscdk.NewCfnOutput(stack, jsii.String("Url"), &awscdk.CfnOutputProps{Value: site.SiteUrl()})

	// What the distribution does with requests under the API prefix.
	var tmpl struct {
		Resources map[string]struct {
			Type       string
			Properties struct {
				DistributionConfig struct {
					CacheBehaviors []struct {
						PathPattern    string
						AllowedMethods []string
						CachePolicyId  string
					}
				}
			}
		}
	}
	b, _ := json.Marshal(assertions.Template_FromStack(stack, nil).ToJSON())
	_ = json.Unmarshal(b, &tmpl)
	for _, r := range tmpl.Resources {
		if r.Type == "AWS::CloudFront::Distribution" {
			for _, cb := range r.Properties.DistributionConfig.CacheBehaviors {
				fmt.Printf("%s: %d methods, cache policy %s\n", cb.PathPattern, len(cb.AllowedMethods), cb.CachePolicyId)
			}
		}
	}
	fmt.Println("API prefix:", *site.ApiPrefix())
	ann := assertions.Annotations_FromStack(stack)
	finding := assertions.Match_StringLikeRegexp(jsii.String(`^\[[a-z0-9-]+\] `))
	fmt.Println("sitechecks findings:", len(*ann.FindError(jsii.String("*"), finding))+len(*ann.FindWarning(jsii.String("*"), finding)))
	// Output:
	// /api/*: 7 methods, cache policy 4135ea2d-6df8-44a3-9df3-4b5a84be39ad
	// API prefix: /api
	// sitechecks findings: 0
}
