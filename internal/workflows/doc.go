// Package workflows holds no code, only a test of the repository's GitHub
// Actions workflows (.github/workflows): nothing runs them on a developer's
// machine or in this repository's own checks, so the test is where a broken
// workflow is caught before it reaches GitHub.
//
// The test lints every workflow file with actionlint, used as a Go library
// (no binary to install, no network), and then asserts what a reviewer
// relies on in the deploy and CI workflows: prod deploys only after dev and
// in the GitHub environment "production" (whose required reviewers are the
// approval gate), both deploy jobs get AWS credentials through OIDC
// (id-token: write) and never from long-lived keys, CI runs .ci/run, and no
// workflow asks for write-all. Run it with
//
//	go test ./internal/workflows
//
// The workflows and how to set up their AWS and GitHub side are described
// in docs/operations.md.
package workflows
