// Package engine is the analysis behind the pitfall checks: pure Go over
// CloudFormation resources, with no jsii and no AWS call. It names each
// problem by its pitfall ID (package pitfalls, docs/PITFALLS.md in this
// repository).
//
// Its front ends are the CDK aspect of package sitechecks (the resolved
// properties of a stack's L1 resources), cmd/sitecheck (templates from any
// tool, a cloud assembly, or a deployed distribution read by
// internal/live), and CheckTemplate for a template in Go.
package engine

//go:generate go run ./internal/gendoc -o ../../../docs/checks.md
