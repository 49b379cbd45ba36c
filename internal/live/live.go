// Package live reads a deployed site's configuration from AWS, read-only:
// a CloudFront distribution with its policies and functions, and the REST
// APIs behind its execute-api origins. It returns it as a CloudFormation
// template, so the checks that read templates (CheckTemplate of package
// constructs/sitechecks/engine) apply unchanged to a setup built in the
// console or by any other tool.
//
// Every AWS call is a read (docs/live-check.md lists them with the IAM
// policy they need). The template mirrors what the checks read:
//
//   - the distribution as AWS::CloudFront::Distribution, its origins,
//     behaviors and error responses as they are deployed;
//   - policies that are not among package pitfalls' managed ones as
//     AWS::CloudFront::CachePolicy, ::OriginRequestPolicy and
//     ::ResponseHeadersPolicy, referenced with {"Ref": ...}; managed ones
//     stay IDs, which the checks know by name;
//   - CloudFront Functions with their LIVE code as AWS::CloudFront::Function;
//   - each REST API behind an execute-api origin as AWS::ApiGateway::RestApi
//     with its resources, methods, stages and customized gateway
//     responses, and the origin's domain as
//     {"Fn::Join": ["", [{"Ref": api}, ".execute-api.<region>.amazonaws.com"]]}
//     so the checks link the behavior to the API.
//
// Every resource carries Metadata "aws:cdk:path" with a readable name in
// the manner of a construct path ("CloudFront/E2ABC", "ApiGateway/shop
// (a1b2c3d4e5)", "ApiGateway/shop (a1b2c3d4e5)/ANY /{proxy+}"), which is
// what the checks' messages name; they add the kind themselves ("cache
// policy CloudFront/ShopSite-ApiCache"). The output is deterministic: same configuration,
// same bytes.
package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
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
	// An execute-api origin is always read in the region its domain
	// names, whatever Region says.
	Region string
	// CloudFrontEndpoint and APIGatewayEndpoint replace the services'
	// endpoints; tests point them at local servers. Default: AWS's.
	CloudFrontEndpoint, APIGatewayEndpoint string
	// Timeout bounds each AWS call. Default: 15 s.
	Timeout time.Duration
}

// DefaultTimeout bounds each AWS call when Options.Timeout is 0.
const DefaultTimeout = 15 * time.Second

// Template reads the deployed configuration that opts names and returns
// it as a CloudFormation template (JSON). Credentials come from the
// standard SDK chain. An error names the AWS call and, when access was
// denied, the IAM permission that is missing.
func Template(ctx context.Context, opts Options) ([]byte, error) {
	if opts.DistributionID == "" && opts.SiteURL == "" {
		return nil, errors.New("live: name the distribution: its ID, or the site's URL")
	}
	if opts.Timeout < 0 {
		return nil, fmt.Errorf("live: Timeout %s is negative; leave it 0 for %s", opts.Timeout, DefaultTimeout)
	}
	if opts.Timeout == 0 {
		opts.Timeout = DefaultTimeout
	}
	cfg, err := loadConfig(ctx, opts)
	if err != nil {
		return nil, err
	}
	r := newReader(cfg, opts)

	id := opts.DistributionID
	if id == "" {
		if id, err = r.findDistribution(ctx, opts.SiteURL); err != nil {
			return nil, err
		}
	}
	if err := r.readDistribution(ctx, id); err != nil {
		return nil, err
	}
	return r.t.render(id)
}

// loadConfig reads the standard SDK configuration: environment, shared
// config and credentials files, SSO, instance roles.
func loadConfig(ctx context.Context, opts Options) (aws.Config, error) {
	var loadOpts []func(*config.LoadOptions) error
	if opts.Region != "" {
		loadOpts = append(loadOpts, config.WithRegion(opts.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return cfg, fmt.Errorf("live: loading the AWS configuration (profile, region, credentials): %w", err)
	}
	return cfg, nil
}

// reader holds the clients and the template being built.
type reader struct {
	opts     Options
	awsCfg   aws.Config
	cf       *cloudfront.Client
	apigw    map[string]*apigateway.Client // by region
	t        *template
	apis     map[string]string // REST API ID -> logical ID
	funcs    map[string]string // function ARN -> logical ID
	policies map[string]string // policy kind + ID -> logical ID
}

func newReader(cfg aws.Config, opts Options) *reader {
	cf := cloudfront.NewFromConfig(cfg, func(o *cloudfront.Options) {
		// CloudFront is a global service, signed for us-east-1 in the aws
		// partition; a profile without a region must still be able to read it.
		if o.Region == "" {
			o.Region = "us-east-1"
		}
		if opts.CloudFrontEndpoint != "" {
			o.BaseEndpoint = aws.String(opts.CloudFrontEndpoint)
		}
	})
	return &reader{
		opts: opts, awsCfg: cfg, cf: cf, apigw: map[string]*apigateway.Client{},
		t: newTemplate(), apis: map[string]string{}, funcs: map[string]string{}, policies: map[string]string{},
	}
}

// apiGateway returns the API Gateway client for region.
func (r *reader) apiGateway(region string) *apigateway.Client {
	if c := r.apigw[region]; c != nil {
		return c
	}
	c := apigateway.NewFromConfig(r.awsCfg, func(o *apigateway.Options) {
		o.Region = region
		if r.opts.APIGatewayEndpoint != "" {
			o.BaseEndpoint = aws.String(r.opts.APIGatewayEndpoint)
		}
	})
	r.apigw[region] = c
	return c
}

// template is the CloudFormation template being built.
type template struct {
	resources map[string]any
	notes     []string
}

func newTemplate() *template { return &template{resources: map[string]any{}} }

// add adds a resource under a logical ID made of parts (letters and digits
// only, as CloudFormation requires), unique within the template, and
// returns that ID. name is the readable name the checks' messages use.
func (t *template) add(parts []string, typ, name string, props map[string]any) string {
	id := logicalID(parts...)
	for n := 2; t.resources[id] != nil; n++ {
		id = fmt.Sprintf("%s%d", logicalID(parts...), n)
	}
	t.resources[id] = map[string]any{
		"Type":       typ,
		"Properties": props,
		"Metadata":   map[string]any{"aws:cdk:path": name},
	}
	return id
}

// note records something the template cannot say, such as an API that
// could not be found; it lands in the template's Metadata.
func (t *template) note(format string, args ...any) {
	t.notes = append(t.notes, fmt.Sprintf(format, args...))
}

func (t *template) render(distributionID string) ([]byte, error) {
	meta := map[string]any{"Source": "read from AWS, read-only, by github.com/one-origin/staticsitewithapi/internal/live"}
	if len(t.notes) > 0 {
		meta["Notes"] = t.notes
	}
	doc := map[string]any{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description": fmt.Sprintf("The deployed configuration of CloudFront distribution %s and the REST APIs behind it, "+
			"for the pitfall checks. A reading, not a deployable template.", distributionID),
		"Metadata":  map[string]any{"live": meta},
		"Resources": t.resources,
	}
	// encoding/json sorts map keys, so the same configuration gives the
	// same bytes.
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("live: rendering the template: %w", err)
	}
	return append(out, '\n'), nil
}

// logicalID joins parts, keeping ASCII letters and digits only.
func logicalID(parts ...string) string {
	var b []byte
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			c := p[i]
			if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
				b = append(b, c)
			}
		}
	}
	if len(b) == 0 {
		return "Resource"
	}
	return string(b)
}
