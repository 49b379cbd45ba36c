// Package staticsite provides StaticSiteWithApi, an AWS CDK construct that
// serves a single-page application from a private S3 bucket and its REST API
// from API Gateway behind one CloudFront domain.
//
// The defaults exist to make the failures catalogued in docs/PITFALLS.md in
// this repository impossible: the API behavior allows all seven methods,
// never caches, forwards every viewer header except Host, and reaches a
// REGIONAL API through its stage; deep links are rewritten to /index.html by a
// viewer-request CloudFront Function on the S3 behavior only; the OPTIONS
// preflight is answered by API Gateway itself with no authorization; and
// CloudFront is the one layer that owns CORS.
//
// Typical use:
//
//	site := staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
//		Backend: staticsite.LambdaBackend(fn),
//	})
//	awscdk.NewCfnOutput(stack, jsii.String("Url"), &awscdk.CfnOutputProps{Value: site.SiteUrl()})
//
// Props are validated before any resource is created; invalid props panic
// with an error that names every offending prop and how to fix it, and
// StaticSiteWithApiProps.Validate returns the same error without panicking.
// The examples show each backend, a frontend upload, a custom domain, CORS
// for a dev server and the WAF preset.
package staticsite
