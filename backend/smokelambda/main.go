// Command smokelambda is the entry point of the scheduled smoke-check
// Lambda function: an EventBridge schedule invokes it every few minutes,
// it runs cmd/smoke's checks against the site (package
// internal/smoke/scheduled), logs the same report, and publishes one
// CloudWatch metric per pitfall ID through its log (the embedded metric
// format), so it needs no permission beyond its own log group.
//
// It reads SITE_URL (required) and the optional SMOKE_* variables listed
// in internal/smoke/scheduled; it never signs in. Build it like the API's
// function, for the provided.al2023 runtime on arm64, as an executable
// named bootstrap:
//
//	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -tags lambda.norpc -trimpath -o bootstrap ./backend/smokelambda
//
// Give the function a timeout of smoke.DefaultDeadline (2 min) plus a few
// seconds: the checks stop 3 s before the invocation's deadline to write
// the report and the metrics.
package main

import (
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/one-origin/staticsitewithapi/internal/smoke/scheduled"
)

func main() {
	// The event (an EventBridge scheduled event) is not read: Handle
	// takes only the context, whose deadline bounds the run.
	lambda.Start(handler().Handle)
}

// handler is the function's handler: the process's environment, and
// standard output, which the runtime sends to the function's log group.
func handler() *scheduled.Handler {
	return &scheduled.Handler{Getenv: os.Getenv, Out: os.Stdout}
}
