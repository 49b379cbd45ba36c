package live

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"
)

// The IAM actions the reader needs, one per kind of call. API Gateway
// authorizes every read of its management API as apigateway:GET on the
// resource's ARN (arn:aws:apigateway:<region>::/restapis/<id>/...).
const (
	actListDistributions        = "cloudfront:ListDistributions"
	actGetDistributionConfig    = "cloudfront:GetDistributionConfig"
	actGetCachePolicy           = "cloudfront:GetCachePolicy"
	actGetOriginRequestPolicy   = "cloudfront:GetOriginRequestPolicy"
	actGetResponseHeadersPolicy = "cloudfront:GetResponseHeadersPolicy"
	actDescribeFunction         = "cloudfront:DescribeFunction"
	actGetFunction              = "cloudfront:GetFunction"
	actApiGatewayGet            = "apigateway:GET"
)

// Actions lists every IAM action the reader may call, for the policy in
// docs/live-check-policy.json (its test checks that the policy grants
// each).
func Actions() []string {
	return []string{
		actListDistributions, actGetDistributionConfig, actGetCachePolicy, actGetOriginRequestPolicy,
		actGetResponseHeadersPolicy, actDescribeFunction, actGetFunction, actApiGatewayGet,
	}
}

// callInfo names one AWS call for errors: the operation with what it
// reads ("GetDistributionConfig E2ABC"), and the IAM action (and, for API
// Gateway, the resource ARN) it needs.
type callInfo struct {
	op       string
	action   string
	resource string // ARN, when the action alone does not say enough
}

// call runs one AWS call with the per-call timeout and turns its error
// into one that says what to do.
func call[T any](ctx context.Context, r *reader, c callInfo, f func(context.Context) (T, error)) (T, error) {
	cctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	out, err := f(cctx)
	if err != nil {
		err = explain(ctx, cctx, r.opts, c, err)
	}
	return out, err
}

// accessDeniedCodes are the error codes with which CloudFront (REST-XML:
// AccessDenied) and API Gateway (REST-JSON: AccessDeniedException) refuse
// an identity that lacks a permission.
var accessDeniedCodes = map[string]bool{"AccessDenied": true, "AccessDeniedException": true}

func explain(parent, cctx context.Context, opts Options, c callInfo, err error) error {
	permission := c.action
	if c.resource != "" {
		permission += " on " + c.resource
	}
	if parent.Err() == nil && errors.Is(cctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("live: %s: no answer within %s (the timeout of each AWS call); check the network and the endpoint, or allow more time: %w",
			c.op, opts.Timeout, err)
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		if accessDeniedCodes[apiErr.ErrorCode()] {
			return wrapped{fmt.Sprintf("live: %s: %s is not allowed for this identity; add it (docs/live-check.md has the whole read-only policy). AWS said: %s",
				c.op, permission, apiErr.ErrorMessage()), err}
		}
		return wrapped{fmt.Sprintf("live: %s (needs %s): %s: %s", c.op, permission, apiErr.ErrorCode(), apiErr.ErrorMessage()), err}
	}
	msg := err.Error()
	if strings.Contains(msg, "failed to retrieve credentials") || strings.Contains(msg, "no EC2 IMDS role found") {
		return fmt.Errorf("live: %s: no AWS credentials: the standard SDK chain (AWS_PROFILE, AWS_ACCESS_KEY_ID, SSO, instance roles) found none; "+
			"log in (aws sso login, or export a profile) and try again: %w", c.op, err)
	}
	return fmt.Errorf("live: %s (needs %s): %w", c.op, permission, err)
}

// wrapped is an error with a message of its own that still unwraps to
// the SDK's, so callers can tell error codes apart.
type wrapped struct {
	msg   string
	cause error
}

func (w wrapped) Error() string { return w.msg }
func (w wrapped) Unwrap() error { return w.cause }

// errorCode returns the AWS error code of err, or "".
func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}
