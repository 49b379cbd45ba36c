// Package sitechecks is a CDK Aspect that finds, at synth time, the ways a
// single-page app and a REST API behind one CloudFront distribution fail
// once deployed: the pitfalls of package pitfalls (docs/PITFALLS.md in this
// repository), by their IDs.
//
// It works on any CDK app, not only on StaticSiteWithApi: it reads the L1
// resources of each stack (AWS::CloudFront::Distribution and its cache,
// origin request and response headers policies; AWS::ApiGateway::RestApi
// with its resources, methods, stages and gateway responses), resolves
// their tokens, and reports each problem on the resource that has it:
//
//	app := awscdk.NewApp(nil)
//	awscdk.Aspects_Of(app).Add(sitechecks.New(nil), nil)
//
// A behavior is an API behavior when its origin domain is API Gateway's
// (it contains ".execute-api." or refers to a RestApi of the stack, or is
// listed in Options.ApiDomainNames); an origin is S3 when it has an
// S3OriginConfig, an ".s3." domain, or refers to a bucket of the stack.
//
// Findings that break the deployed site are errors (Annotations.AddError:
// `cdk deploy` refuses the stack); findings that are probably wrong are
// warnings (Annotations.AddWarningV2 with the id "sitechecks:<rule>").
// Every message starts with the rule's ID, e.g. "[edge-methods]", names the
// construct path and ends with the fix: the catalog's one line
// (pitfalls.ID.Fix), or a more specific one where the rule knows more about
// the resource at fault. Rules lists them all.
//
// A rule that does not apply to one resource is suppressed there, with a
// reason, by Suppress; the suppression covers the construct and everything
// below it.
//
// Limits: the checks see each stack as it is when the aspect visits it, so
// property overrides (AddPropertyOverride) and changes made later by other
// aspects are not seen; an API in another stack is recognized by its
// execute-api domain, but its routes and stages are not checked.
package sitechecks
