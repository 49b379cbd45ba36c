package staticsite

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// newBucket creates the private site bucket, or returns the caller's.
func newBucket(scope constructs.Construct, r *resolved, logs awss3.IBucket) awss3.IBucket {
	rules := lifecycleRules(r)
	if r.Bucket != nil {
		if len(rules) > 0 {
			addRules(scope, r.Bucket, rules)
		}
		return r.Bucket
	}
	p := awss3.BucketProps{}
	if r.BucketProps != nil {
		p = *r.BucketProps
	}
	// The secure defaults, where the caller left them unset; validate()
	// rejects a value that would weaken them.
	if p.BlockPublicAccess == nil {
		p.BlockPublicAccess = awss3.BlockPublicAccess_BLOCK_ALL()
	}
	if p.EnforceSSL == nil {
		p.EnforceSSL = jsii.Bool(true)
	}
	if p.ObjectOwnership == "" {
		p.ObjectOwnership = awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED
	}
	if p.Encryption == "" && p.EncryptionKey == nil {
		p.Encryption = awss3.BucketEncryption_S3_MANAGED
	}
	if p.ServerAccessLogsBucket == nil && logs != nil {
		p.ServerAccessLogsBucket = logs
		p.ServerAccessLogsPrefix = jsii.String("s3/")
	}
	p.RemovalPolicy = r.removal
	if r.autoDelete {
		p.AutoDeleteObjects = jsii.Bool(true)
	}
	if len(rules) > 0 {
		all := rules
		if p.LifecycleRules != nil {
			all = append(append([]*awss3.LifecycleRule{}, *p.LifecycleRules...), rules...)
		}
		p.LifecycleRules = &all
	}
	return awss3.NewBucket(scope, jsii.String("Bucket"), &p)
}

// SupersededTag is the object tag the frontend upload puts on files that an
// earlier build uploaded and the current one no longer has. They stay
// served for Frontend.SupersededRetention, so pages that are already
// open can still load them, then a lifecycle rule deletes them (pitfall
// chunk-deleted).
const SupersededTag = "staticsite:superseded"

// SupersededExpiry is the lifecycle rule that deletes superseded files
// retention after they were superseded (whole days). The construct adds it
// to the site bucket; add it yourself to an imported Bucket (see
// Frontend.SupersededRetention).
func SupersededExpiry(retention awscdk.Duration) *awss3.LifecycleRule {
	return &awss3.LifecycleRule{
		Id:         jsii.String("expire-superseded-files"),
		TagFilters: &map[string]interface{}{SupersededTag: "true"},
		Expiration: retention,
	}
}

// lifecycleRules are the rules the site bucket needs: superseded files of
// earlier builds expire, and in a versioned bucket old versions (each
// deploy makes some) do not pile up forever.
func lifecycleRules(r *resolved) []*awss3.LifecycleRule {
	var rules []*awss3.LifecycleRule
	if r.upload != nil {
		rules = append(rules, SupersededExpiry(r.upload.retention))
	}
	if r.versioned() {
		rules = append(rules,
			&awss3.LifecycleRule{
				Id:                                  jsii.String("expire-noncurrent-versions"),
				NoncurrentVersionExpiration:         r.noncurrent,
				AbortIncompleteMultipartUploadAfter: awscdk.Duration_Days(jsii.Number(1)),
			},
			// Expiring a file in a versioned bucket leaves a delete marker;
			// this removes the marker once no version is left under it.
			&awss3.LifecycleRule{
				Id:                        jsii.String("remove-expired-delete-markers"),
				ExpiredObjectDeleteMarker: jsii.Bool(true),
			},
		)
	}
	return rules
}

// addRules adds lifecycle rules to a bucket passed in props: possible when
// it was created in this app, impossible for an imported one, whose owner is
// told what to add.
func addRules(scope constructs.Construct, bucket awss3.IBucket, rules []*awss3.LifecycleRule) {
	if b, ok := bucket.(awss3.Bucket); ok {
		for _, rule := range rules {
			b.AddLifecycleRule(rule)
		}
		return
	}
	awscdk.Annotations_Of(scope).AddWarningV2(jsii.String("staticsite:bucket-lifecycle"), jsii.String(fmt.Sprintf(
		"[chunk-deleted] the imported Bucket cannot get the lifecycle rule that deletes superseded files: "+
			"add one to it that expires objects tagged %s=true after the retention (staticsite.SupersededExpiry), "+
			"or superseded files of earlier builds are kept forever.", SupersededTag)))
}
