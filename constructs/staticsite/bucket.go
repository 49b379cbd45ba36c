package staticsite

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// newBucket creates the private site bucket, or returns the caller's.
func newBucket(scope constructs.Construct, r *resolved, logs awss3.IBucket) awss3.IBucket {
	if r.Bucket != nil {
		return r.Bucket
	}
	p := awss3.BucketProps{}
	if r.BucketProps != nil {
		p = *r.BucketProps
	}
	// Security settings are not optional: validate() rejects website hosting
	// and public read, and the rest is forced here.
	p.BlockPublicAccess = awss3.BlockPublicAccess_BLOCK_ALL()
	p.EnforceSSL = jsii.Bool(true)
	p.ObjectOwnership = awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED
	if p.Encryption == "" && p.EncryptionKey == nil {
		p.Encryption = awss3.BucketEncryption_S3_MANAGED
	}
	if p.ServerAccessLogsBucket == nil {
		p.ServerAccessLogsBucket = logs
		p.ServerAccessLogsPrefix = jsii.String("s3/")
	}
	if p.RemovalPolicy == "" {
		p.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	return awss3.NewBucket(scope, jsii.String("Bucket"), &p)
}
