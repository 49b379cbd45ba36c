package sitechecks_test

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfrontorigins"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"

	"github.com/one-origin/staticsitewithapi/constructs/sitechecks"
)

// newSite is the setup of the project's field note, written with plain
// aws-cdk-lib constructs and CDK's defaults for the API behavior.
func newSite(stack awscdk.Stack) awscloudfront.Distribution {
	api := awsapigateway.NewRestApi(stack, jsii.String("Api"), &awsapigateway.RestApiProps{
		EndpointConfiguration: &awsapigateway.EndpointConfiguration{Types: &[]awsapigateway.EndpointType{awsapigateway.EndpointType_REGIONAL}},
	})
	api.Root().AddProxy(&awsapigateway.ProxyResourceOptions{DefaultIntegration: awsapigateway.NewMockIntegration(nil)})
	bucket := awss3.NewBucket(stack, jsii.String("Site"), nil)
	return awscloudfront.NewDistribution(stack, jsii.String("Distribution"), &awscloudfront.DistributionProps{
		DefaultBehavior: &awscloudfront.BehaviorOptions{Origin: awscloudfrontorigins.S3BucketOrigin_WithOriginAccessControl(bucket, nil)},
		AdditionalBehaviors: &map[string]*awscloudfront.BehaviorOptions{"/api/*": {
			Origin:              awscloudfrontorigins.NewRestApiOrigin(api, nil),
			CachePolicy:         awscloudfront.CachePolicy_CACHING_OPTIMIZED(),
			OriginRequestPolicy: awscloudfront.OriginRequestPolicy_ALL_VIEWER_EXCEPT_HOST_HEADER(),
		}},
		ErrorResponses: &[]*awscloudfront.ErrorResponse{
			{HttpStatus: jsii.Number(403), ResponseHttpStatus: jsii.Number(200), ResponsePagePath: jsii.String("/index.html")},
		},
	})
}

// printFindings prints each sitechecks annotation of the stack as level,
// rule and construct path.
func printFindings(stack awscdk.Stack) {
	ann := assertions.Annotations_FromStack(stack)
	sitecheck := assertions.Match_StringLikeRegexp(jsii.String(`^\[`))
	var lines []string
	for level, found := range map[string]*[]*cxapi.SynthesisMessage{
		"error":   ann.FindError(jsii.String("*"), sitecheck),
		"warning": ann.FindWarning(jsii.String("*"), sitecheck),
	} {
		for _, m := range *found {
			msg := fmt.Sprint(m.Entry.Data)
			lines = append(lines, fmt.Sprintf("%-7s %s", level, msg[:strings.Index(msg, ": ")]))
		}
	}
	slices.Sort(lines)
	fmt.Println(strings.Join(lines, "\n"))
}

func ExampleNew() {
	app := awscdk.NewApp(nil)
	awscdk.Aspects_Of(app).Add(sitechecks.New(nil), nil)
	stack := awscdk.NewStack(app, jsii.String("Shop"), nil)
	newSite(stack)

	printFindings(stack)
	// Output:
	// error   [edge-methods] Shop/Distribution
	// error   [error-masked] Shop/Distribution
	// warning [api-cached] Shop/Distribution
}

func ExampleSuppress() {
	app := awscdk.NewApp(nil)
	awscdk.Aspects_Of(app).Add(sitechecks.New(nil), nil)
	stack := awscdk.NewStack(app, jsii.String("Catalog"), nil)
	dist := newSite(stack)
	sitechecks.Suppress(dist, sitechecks.ApiCached, "the API serves a public price list that may be cached for a day")

	printFindings(stack)
	// Output:
	// error   [edge-methods] Catalog/Distribution
	// error   [error-masked] Catalog/Distribution
}

func ExampleRules() {
	for _, r := range sitechecks.Rules() {
		fmt.Printf("%-15s %s\n", r.ID, r.Level)
	}
	// Output:
	// edge-methods    error
	// s3-origin       error
	// api-route       error
	// host-header     error
	// preflight-auth  error
	// error-masked    error
	// api-cached      warning
	// headers-dropped warning
	// edge-optimized  warning
	// origin-timeout  warning
	// cors-duplicate  warning
	// spa-deeplink    warning
}
