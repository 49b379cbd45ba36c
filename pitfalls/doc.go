// Package pitfalls is the catalog of ways a single-page app and a REST API
// fail when they share one CloudFront distribution (S3 for the app, API
// Gateway for the API), and what StaticSiteWithApi does about each.
//
// Every pitfall has a stable ID, such as "edge-methods" or "host-header".
// The same ID names the pitfall everywhere in this module: in the messages
// of the synth-time checks (constructs/sitechecks), in the smoke checker's
// report (cmd/smoke), in the names of the repository's tests and in
// docs/PITFALLS.md, which is generated from this package.
//
// A Pitfall carries what the user sees (Symptom), why it happens (Cause),
// what the construct does so that it cannot happen (Default), one line a
// person can act on (Fix), and which layers find it (FoundBy):
//
//	if p, ok := pitfalls.Lookup("api-cached"); ok {
//		fmt.Println(p.Fix)
//	}
//	fmt.Println(pitfalls.HostHeader.Fix())
//
// All lists the pitfalls in catalog order: first the original ones, seen on
// the first deploy, then the Day-2 ones, seen when a running site is
// redeployed, rotated or destroyed.
//
// The package also names CloudFront's managed cache, origin request and
// response headers policies by ID (CachingDisabled,
// AllViewerExceptHostHeader, ...), because several pitfalls come down to
// which of them a behavior uses, and lists the error responses that
// identify the most common pitfalls byte for byte (Responses).
//
// The package has no dependencies beyond the standard library, so tools
// that only need the catalog do not pull in the CDK.
package pitfalls

//go:generate go run ./internal/gendoc -o ../docs/PITFALLS.md
