// Package smoke checks a deployed StaticSiteWithApi site from the outside and
// names the pitfall (by its ID in PITFALLS.md) behind every failure.
//
// It sends a handful of ordinary HTTP requests to the site's CloudFront URL:
// the root and a client-side deep link must serve the SPA's index.html; the
// API's health and echo routes must answer JSON, uncached, for GET and POST;
// an unknown API path must get the API's own JSON error rather than
// index.html; and, when an Origin is given, a CORS preflight must be answered
// with exactly one matching Access-Control-Allow-Origin. Each failed response
// is matched against the signatures the field note recorded (CloudFront's
// "not configured to allow the HTTP request method" page, S3's XML errors, API
// Gateway's "Missing Authentication Token", and so on) by Diagnose, a pure
// function of the response.
//
// Use it from Go:
//
//	rep := smoke.Run(ctx, smoke.Config{BaseURL: "https://d111111abcdef8.cloudfront.net"}, http.DefaultClient)
//	for _, c := range rep.Checks {
//		fmt.Println(c.Name, c.OK, c.Pitfall, c.Detail, c.Fix)
//	}
//
// or after a deploy with the command in cmd/smoke:
//
//	cdk deploy --outputs-file cdk-outputs.json
//	go run ./cmd/smoke -outputs cdk-outputs.json
//
// Names follow the CDK Go bindings' spelling (Api, Cors), as in the rest of
// the project.
package smoke
