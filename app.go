// Command app synthesizes one StaticSiteWithApi stack per environment
// configured in cdk.json (context key "staticsite"). Select environments
// with -c envs=dev,prod; the default is all of them. Every stack is checked
// at synth by cdk-nag's AwsSolutions pack (skip it with -c nag=false while
// iterating) and by the pitfall checks. The app reads cdk.json's context
// (the feature flags among it) itself, so `go run .` synthesizes what
// `cdk synth` does. stacks.SynthApp holds the wiring, so that tests build
// exactly this app.
package main

import (
	"fmt"
	"os"

	"github.com/aws/jsii-runtime-go"

	"github.com/one-origin/staticsitewithapi/stacks"
)

func main() {
	defer jsii.Close()
	if err := stacks.SynthApp("."); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		jsii.Close()
		os.Exit(1)
	}
}
