package staticsite

import (
	"maps"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3deployment"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/one-origin/staticsitewithapi/internal/upload"
)

// bucketDeploymentHandler starts the construct ID of the Lambda function
// that aws-cdk-lib adds at the stack's root for every BucketDeployment of
// the stack (one per stack and memory size).
const bucketDeploymentHandler = "Custom::CDKBucketDeployment"

// newDeployments uploads the frontend folder as planned and writes
// config.json. Every key is owned by exactly one deployment; the one
// without a file list excludes every key the others own, and none deletes
// anything (newSupersede does, later). The HTML deployment runs last and
// carries the one CloudFront invalidation, waited for.
func newDeployments(scope constructs.Construct, r *resolved, bucket awss3.IBucket, dist awscloudfront.Distribution, siteUrl *string) []awss3deployment.BucketDeployment {
	f, plan := r.Frontend, r.upload
	memory := jsii.Number(512)
	if f.MemoryLimitMiB != nil {
		memory = f.MemoryLimitMiB
	}
	folder := awss3deployment.Source_Asset(f.SourceDir, nil)
	// The upload Lambda's own log group, so it too has a retention.
	logs := awslogs.NewLogGroup(scope, jsii.String("UploadLogs"), &awslogs.LogGroupProps{
		Retention:     r.logRetention,
		RemovalPolicy: r.removal,
	})
	shared := false
	deploy := func(id string, p *awss3deployment.BucketDeploymentProps) awss3deployment.BucketDeployment {
		p.DestinationBucket = bucket
		p.MemoryLimit = memory
		p.LogGroup = logs
		// Object keys in the response can exceed the 4 KB custom resource limit.
		p.OutputObjectKeys = jsii.Bool(false)
		d := awss3deployment.NewBucketDeployment(scope, jsii.String(id), p)
		// Every BucketDeployment adds its own AWS CLI layer, but they share
		// one upload function, which uses the first deployment's layer only
		// (aws/aws-cdk#32907). Drop the others: each would be published as
		// an unused layer version on every deploy.
		if shared {
			d.Node().TryRemoveChild(jsii.String("AwsCliLayer"))
		}
		shared = true
		return d
	}
	only := func(keys []string) (exclude, include *[]*string) {
		return jsii.Strings("*"), jsii.Strings(keys...)
	}

	// The body the preview server serves too; apiBase is relative, so the
	// same build works on every domain (pitfall absolute-base-url).
	runtime := map[string]any{}
	if f.RuntimeConfig != nil {
		maps.Copy(runtime, *f.RuntimeConfig)
	}
	if r.authConfig != nil {
		runtime[upload.ConfigAuth] = r.authConfig
	}
	config := upload.Config(runtime, r.apiPrefix, siteUrl)
	exclude, include := only([]string{configKey})
	var before []constructs.IDependable
	before = append(before, deploy("UploadConfig", &awss3deployment.BucketDeploymentProps{
		Sources:      &[]awss3deployment.ISource{awss3deployment.Source_JsonData(jsii.String(configKey), config, nil)},
		Exclude:      exclude,
		Include:      include,
		Prune:        jsii.Bool(false),
		CacheControl: &[]awss3deployment.CacheControl{awss3deployment.CacheControl_FromString(jsii.String(CacheRevalidate))},
		ContentType:  jsii.String(upload.ConfigContentType),
	}))

	owned := []string{configKey}
	var html awss3deployment.BucketDeployment
	for _, g := range plan.groups {
		exclude, include := only(g.files)
		p := &awss3deployment.BucketDeploymentProps{
			Sources:      &[]awss3deployment.ISource{folder},
			Exclude:      exclude,
			Include:      include,
			Prune:        jsii.Bool(false),
			CacheControl: &[]awss3deployment.CacheControl{awss3deployment.CacheControl_FromString(jsii.String(g.cacheControl))},
		}
		if g.contentType != "" {
			p.ContentType = jsii.String(g.contentType)
		}
		owned = append(owned, g.files...)
		if g.name == htmlGroup {
			p.Distribution = dist
			p.DistributionPaths = jsii.Strings(plan.invalidate...)
			p.WaitForDistributionInvalidation = jsii.Bool(true)
			html = deploy("Upload"+g.name, p)
			continue
		}
		before = append(before, deploy("Upload"+g.name, p))
	}
	// Nothing prunes: files of earlier builds are superseded, not deleted
	// (newSupersede).
	before = append(before, deploy("UploadRest", &awss3deployment.BucketDeploymentProps{
		Sources:      &[]awss3deployment.ISource{folder},
		Exclude:      jsii.Strings(owned...),
		Prune:        jsii.Bool(false),
		CacheControl: &[]awss3deployment.CacheControl{awss3deployment.CacheControl_FromString(jsii.String(CacheModerate))},
	}))
	// New HTML must not reference assets that are not uploaded yet, and the
	// invalidation must come after every upload.
	html.Node().AddDependency(before...)
	out := []awss3deployment.BucketDeployment{html}
	for _, d := range before {
		out = append(out, d.(awss3deployment.BucketDeployment))
	}
	newSupersede(scope, r, bucket, out)
	return out
}

// newSupersede runs after every upload of a deploy: files of earlier builds
// that this one no longer has are tagged SupersededTag, and deleted by the
// bucket's lifecycle rule Frontend.SupersededRetention later, so open
// tabs can still load them (pitfall chunk-deleted). The handler is
// supersede.js.
func newSupersede(scope constructs.Construct, r *resolved, bucket awss3.IBucket, uploads []awss3deployment.BucketDeployment) {
	fn, role := inlineHandler(scope, "Supersede", supersedeCode, "Keeps earlier builds' files for a while after a deploy (tag, then lifecycle expiry)", r, 256, 10,
		awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings("s3:ListBucket"),
			Resources: jsii.Strings(*bucket.BucketArn()),
		}),
		awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings("s3:GetObject", "s3:PutObject", "s3:GetObjectTagging", "s3:PutObjectTagging", "s3:DeleteObjectTagging"),
			Resources: jsii.Strings(*bucket.BucketArn() + "/*"),
		}),
	)
	if key := bucket.EncryptionKey(); key != nil {
		key.GrantEncryptDecrypt(role)
	}
	suppressOwn(role.Node().FindChild(jsii.String("Resource")), nagSupersedeObjects)
	cr := awscdk.NewCustomResource(scope, jsii.String("SupersedeEarlierBuilds"), &awscdk.CustomResourceProps{
		ServiceToken: fn.FunctionArn(),
		ResourceType: jsii.String("Custom::StaticSiteSupersede"),
		Properties: &map[string]interface{}{
			"Bucket": bucket.BucketName(),
			"Tag":    SupersededTag,
			"Keys":   r.upload.keys,
		},
	})
	deps := make([]constructs.IDependable, len(uploads))
	for i, d := range uploads {
		deps[i] = d
	}
	cr.Node().AddDependency(deps...)
}
