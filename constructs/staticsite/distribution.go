package staticsite

import (
	_ "embed"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfrontorigins"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/one-origin/staticsitewithapi/internal/routing"
)

//go:embed spa_rewrite.js
var spaRewriteCode string

// newSpaFunction creates the viewer-request function that serves
// /index.html for client-side routes (pitfall spa-deeplink).
func newSpaFunction(scope constructs.Construct) awscloudfront.Function {
	return awscloudfront.NewFunction(scope, jsii.String("SpaRewrite"), &awscloudfront.FunctionProps{
		Code:    awscloudfront.FunctionCode_FromInline(jsii.String(spaRewriteCode)),
		Runtime: awscloudfront.FunctionRuntime_JS_2_0(),
		Comment: jsii.String("Serves /index.html for extension-less paths (SPA deep links)"),
	})
}

// newApiHeadersPolicy makes CloudFront the one layer that sets CORS headers
// on API responses (pitfalls cors-duplicate, cors-errors).
func newApiHeadersPolicy(scope constructs.Construct, r *resolved) awscloudfront.ResponseHeadersPolicy {
	props := &awscloudfront.ResponseHeadersPolicyProps{
		Comment: jsii.String("CORS for " + r.apiPrefix + "/*: CloudFront owns CORS, the backend's CORS headers are replaced"),
		SecurityHeadersBehavior: &awscloudfront.ResponseSecurityHeadersBehavior{
			StrictTransportSecurity: hsts(),
			ContentTypeOptions:      &awscloudfront.ResponseHeadersContentTypeOptions{Override: jsii.Bool(true)},
		},
	}
	if len(r.origins) == 0 {
		props.RemoveHeaders = jsii.Strings(routing.CorsResponseHeaders...)
	} else {
		c := r.Cors
		if c == nil {
			c = &CorsOptions{}
		}
		maxAge := c.MaxAge
		if maxAge == nil {
			maxAge = awscdk.Duration_Seconds(jsii.Number(routing.DefaultCorsMaxAge.Seconds()))
		}
		methods := c.AllowMethods
		if methods == nil {
			methods = jsii.Strings(AllMethods...)
		}
		headers := c.AllowHeaders
		if headers == nil {
			headers = jsii.Strings(routing.DefaultCorsAllowHeaders...)
		}
		props.CorsBehavior = &awscloudfront.ResponseHeadersCorsBehavior{
			AccessControlAllowOrigins:     jsii.Strings(r.origins...),
			AccessControlAllowMethods:     methods,
			AccessControlAllowHeaders:     headers,
			AccessControlExposeHeaders:    c.ExposeHeaders,
			AccessControlAllowCredentials: jsii.Bool(c.AllowCredentials != nil && *c.AllowCredentials),
			AccessControlMaxAge:           maxAge,
			OriginOverride:                jsii.Bool(true),
		}
	}
	return awscloudfront.NewResponseHeadersPolicy(scope, jsii.String("ApiHeaders"), props)
}

// CachedErrorCodes are the origin status codes CloudFront can cache (for
// the Error Caching Minimum TTL, 10 s by default) and lets a distribution
// configure. The distribution sets that TTL to 0 for each of them, with no
// response page, so an error reaches the viewer as the origin sent it and
// is never served to anyone else (pitfall errors-cached), while no error
// is replaced by a page (pitfall error-masked).
var CachedErrorCodes = []float64{400, 403, 404, 405, 414, 500, 501, 502, 503, 504}

func uncachedErrors() *[]*awscloudfront.ErrorResponse {
	out := make([]*awscloudfront.ErrorResponse, len(CachedErrorCodes))
	zero := awscdk.Duration_Seconds(jsii.Number(0))
	for i, code := range CachedErrorCodes {
		out[i] = &awscloudfront.ErrorResponse{HttpStatus: jsii.Number(code), Ttl: zero}
	}
	return &out
}

// newDistribution creates the one distribution with its two behaviors.
func newDistribution(scope constructs.Construct, r *resolved, bucket, logs awss3.IBucket, api awsapigateway.RestApi, originHeaders map[string]*string, fn awscloudfront.Function) awscloudfront.Distribution {
	site := &awscloudfront.BehaviorOptions{
		Origin: awscloudfrontorigins.S3BucketOrigin_WithOriginAccessControl(bucket, nil),
		// S3 only ever serves reads; a POST reaching it is the s3-origin
		// pitfall, which the API behavior below prevents.
		AllowedMethods:       awscloudfront.AllowedMethods_ALLOW_GET_HEAD(),
		CachedMethods:        awscloudfront.CachedMethods_CACHE_GET_HEAD(),
		CachePolicy:          awscloudfront.CachePolicy_CACHING_OPTIMIZED(),
		Compress:             jsii.Bool(true),
		ViewerProtocolPolicy: awscloudfront.ViewerProtocolPolicy_REDIRECT_TO_HTTPS,
		FunctionAssociations: &[]*awscloudfront.FunctionAssociation{{
			EventType: awscloudfront.FunctionEventType_VIEWER_REQUEST,
			Function:  fn,
		}},
		ResponseHeadersPolicy: newSiteHeadersPolicy(scope, r),
	}
	apiBehavior := &awscloudfront.BehaviorOptions{
		// RestApiOrigin uses the stage as origin path, so /api/x reaches the
		// API as /<stage>/api/x (pitfall api-route).
		Origin: awscloudfrontorigins.NewRestApiOrigin(api, &awscloudfrontorigins.RestApiOriginProps{
			ReadTimeout:   r.readTimeout,
			CustomHeaders: &originHeaders,
		}),
		AllowedMethods:        awscloudfront.AllowedMethods_ALLOW_ALL(),
		CachePolicy:           awscloudfront.CachePolicy_CACHING_DISABLED(),
		OriginRequestPolicy:   awscloudfront.OriginRequestPolicy_ALL_VIEWER_EXCEPT_HOST_HEADER(),
		ResponseHeadersPolicy: newApiHeadersPolicy(scope, r),
		ViewerProtocolPolicy:  awscloudfront.ViewerProtocolPolicy_HTTPS_ONLY,
		// CloudFront never compresses under CachingDisabled (its TTLs are
		// 0), so Compress would be a no-op here. API Gateway compresses
		// instead (MinCompressionSize), and CloudFront passes the
		// compressed response through (pitfall api-uncompressed).
		Compress: jsii.Bool(false),
	}
	comment := r.Comment
	if comment == nil {
		comment = jsii.String("StaticSiteWithApi " + *constructs.Node_Of(scope).Path())
	}
	props := &awscloudfront.DistributionProps{
		Comment:             comment,
		DefaultBehavior:     site,
		AdditionalBehaviors: &map[string]*awscloudfront.BehaviorOptions{r.apiPrefix + "/*": apiBehavior},
		DefaultRootObject:   jsii.String("index.html"),
		HttpVersion:         awscloudfront.HttpVersion_HTTP2_AND_3,
		EnableIpv6:          jsii.Bool(true),
		PriceClass:          r.PriceClass,
		DomainNames:         r.DomainNames,
		Certificate:         r.Certificate,
		WebAclId:            r.WebAclArn,
		ErrorResponses:      uncachedErrors(),
		// Origin latency and the per-status error rates; billed per metric.
		PublishAdditionalMetrics: r.CloudFrontAdditionalMetrics,
	}
	if logs != nil {
		props.EnableLogging, props.LogBucket, props.LogFilePrefix = jsii.Bool(true), logs, jsii.String("cloudfront/")
	}
	if r.Certificate != nil {
		props.MinimumProtocolVersion = awscloudfront.SecurityPolicyProtocol_TLS_V1_2_2021
	}
	return awscloudfront.NewDistribution(scope, jsii.String("Distribution"), props)
}
