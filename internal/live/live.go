// Package live reads a deployed site's configuration from AWS, read-only:
// a CloudFront distribution with its policies and functions, and the REST
// APIs behind its execute-api origins. It returns it as a CloudFormation
// template, so the checks that read templates (sitechecks.CheckTemplate)
// apply unchanged to a setup built in the console or by any other tool.
package live

import (
	"context"
	"errors"
	"time"
)

// Options says what to read and how.
type Options struct {
	// DistributionID is the distribution to read, such as "E2ABCDEF123456".
	DistributionID string
	// SiteURL finds the distribution by its domain instead: its
	// cloudfront.net domain or one of its alternate domain names
	// ("https://www.example.com"). Used when DistributionID is empty.
	SiteURL string
	// Region is the region of the REST APIs; their execute-api domains
	// name it too. Default: the SDK's (AWS_REGION, the profile).
	Region string
	// CloudFrontEndpoint and APIGatewayEndpoint replace the services'
	// endpoints; tests point them at local servers. Default: AWS's.
	CloudFrontEndpoint, APIGatewayEndpoint string
	// Timeout bounds each AWS call. Default: 15 s.
	Timeout time.Duration
}

// Template reads the deployed configuration that opts names and returns
// it as a CloudFormation template (JSON). Credentials come from the
// standard SDK chain. An error names the AWS call and, when access was
// denied, the IAM permission that is missing.
func Template(ctx context.Context, opts Options) ([]byte, error) {
	return nil, errors.New("live: not implemented yet")
}
