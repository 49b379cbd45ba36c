// Package smoke checks a deployed StaticSiteWithApi site from the outside and
// names the pitfall (by its ID in docs/PITFALLS.md in this repository) behind
// every failure. It is the engine of the cmd/smoke command, which is how it
// is meant to be used:
//
//	cdk deploy --outputs-file cdk-outputs.json
//	go run ./cmd/smoke -outputs cdk-outputs.json
//
// The package is internal to this module; docs/smoke.md describes the
// checks, the command's flags, its exit codes and its JSON report.
//
// Run sends a handful of ordinary HTTP requests to the site's CloudFront
// URL: the root and a client-side deep link must serve the SPA's
// index.html, and a missing file under /.well-known/ must be looked up as a
// file; the API's health and echo routes must answer JSON, uncached, for
// GET and POST, and a large answer must come compressed; an unknown API
// path must get the API's own JSON error rather than index.html, and that
// error must not come from CloudFront's cache. With previous assets given,
// the files of the build before the last deploy must still be served; with
// an Origin given, a CORS preflight must be answered with exactly one
// matching Access-Control-Allow-Origin, and an API error must carry it too.
//
// Beyond single answers, Run checks what a browser relies on: index.html
// and /config.json revalidate, config.json exists and names the API by a
// relative path, and no absolute API URL is built into the page or its
// scripts; an API answer crossed one CloudFront distribution (Via); the
// viewer's Content-Type reaches the backend; and, given the stage's own
// execute-api URL (Config.ApiExecuteUrl), a request there without
// CloudFront's key is refused.
//
// When /config.json has "auth" (the API has an authorizer), Run also
// checks what a signed-in app relies on: a route behind the authorizer
// (Config.MePath) refuses a request without a token with API Gateway's
// 401 JSON, uncached and with CORS headers for an allowed origin; its
// preflight is answered without a token; the first exact public path
// answers without one; and, given a user's ID token (Config.Token), the
// route answers the caller's claims. The token is never reported.
//
// Each failed response is matched against the known failure signatures
// (CloudFront's "not configured to allow the HTTP request method" page, S3's
// XML errors, API Gateway's "Missing Authentication Token", and so on; the
// recorded responses are in testdata) by Diagnose, a pure function of the
// response.
//
// Names follow the CDK Go bindings' spelling (Api, Cors), as in the rest of
// the project.
package smoke
