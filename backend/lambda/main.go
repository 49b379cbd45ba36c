// Command lambda is the entry point of the default API Lambda function.
//
// It serves apihandler.Handle for the API Gateway REST (v1) proxy
// integration behind CloudFront. The CDK app's local bundler builds it for the
// provided.al2023 runtime on arm64 as an executable named bootstrap, with the
// lambda.norpc build tag (the custom runtime does not need the legacy RPC
// transport):
//
//	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -tags lambda.norpc -trimpath -o bootstrap ./backend/lambda
package main

import (
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/one-origin/staticsitewithapi/backend/apihandler"
)

func main() {
	// One JSON line per request in the function's log group, with the
	// viewer's IP address (API Gateway's access log has only CloudFront's).
	h := *apihandler.Default
	h.Log = os.Stdout
	lambda.Start(h.Handle)
}
