package staticsite

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53targets"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// newAliasRecords points each domain name at the distribution, over IPv4
// and IPv6.
func newAliasRecords(scope constructs.Construct, r *resolved, dist awscloudfront.Distribution) {
	target := awsroute53.RecordTarget_FromAlias(awsroute53targets.NewCloudFrontTarget(dist))
	for i, name := range derefAll(r.DomainNames) {
		awsroute53.NewARecord(scope, jsii.String(fmt.Sprintf("AliasA%d", i)), &awsroute53.ARecordProps{
			Zone: r.HostedZone, RecordName: jsii.String(name), Target: target,
		})
		awsroute53.NewAaaaRecord(scope, jsii.String(fmt.Sprintf("AliasAaaa%d", i)), &awsroute53.AaaaRecordProps{
			Zone: r.HostedZone, RecordName: jsii.String(name), Target: target,
		})
	}
}
