// Command app synthesizes one StaticSiteWithApi stack per environment
// configured in cdk.json (context key "staticsite"). Select environments
// with -c envs=dev,prod; the default is all of them. Every stack is checked
// at synth by cdk-nag's AwsSolutions pack (skip it with -c nag=false while
// iterating) and by the pitfall checks. The app reads cdk.json's context
// (the feature flags among it) itself, so `go run .` synthesizes what
// `cdk synth` does. stacks.NewApp and stacks.AddSiteStacks hold the wiring,
// so that tests build exactly this app.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/one-origin/staticsitewithapi/stacks"
)

func main() {
	defer jsii.Close()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		jsii.Close()
		os.Exit(1)
	}
}

func run() error {
	ctx, err := stacks.CdkJsonContext("cdk.json")
	if err != nil {
		return err
	}
	app := stacks.NewApp(&awscdk.AppProps{Context: &ctx})
	cfg, err := stacks.LoadConfig(app)
	if err != nil {
		return err
	}
	names, err := stacks.SelectedEnvs(app, cfg)
	if err != nil {
		return err
	}
	root, err := stacks.ModuleRoot(".")
	if err != nil {
		return err
	}
	if _, err := stacks.AddSiteStacks(app, cfg, names, root); err != nil {
		return err
	}
	app.Synth(nil)
	return nil
}
