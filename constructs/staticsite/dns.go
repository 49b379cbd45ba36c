package staticsite

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// cloudFrontZoneId is the hosted zone of every CloudFront distribution,
// which alias records name as their target's zone (AWS documents it as a
// constant; the China partition has its own).
func cloudFrontZoneId(region string) string {
	if strings.HasPrefix(region, "cn-") {
		return "Z3RFFRIM2A3IF5"
	}
	return "Z2FDTNDATAQYW2"
}

// newAliasRecords points each domain name at the distribution, over IPv4
// and IPv6. They are L1 record sets: the L2 alias target lives in
// awsroute53targets, whose Go package pulls in some thirty others (RDS,
// OpenSearch, AppSync...) that every `go run` would then check.
func newAliasRecords(scope constructs.Construct, r *resolved, dist awscloudfront.Distribution) []awsroute53.CfnRecordSet {
	alias := &awsroute53.CfnRecordSet_AliasTargetProperty{
		DnsName:      dist.DistributionDomainName(),
		HostedZoneId: jsii.String(cloudFrontZoneId(r.region)),
	}
	var records []awsroute53.CfnRecordSet
	for i, name := range derefAll(r.DomainNames) {
		for _, typ := range []string{"A", "AAAA"} {
			records = append(records, awsroute53.NewCfnRecordSet(scope, jsii.String(fmt.Sprintf("Alias%s%d", typ, i)), &awsroute53.CfnRecordSetProps{
				HostedZoneId: r.HostedZone.HostedZoneId(),
				Name:         jsii.String(strings.TrimSuffix(name, ".") + "."),
				Type:         jsii.String(typ),
				AliasTarget:  alias,
			}))
		}
	}
	return records
}
