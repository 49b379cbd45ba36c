// Command app synthesizes one StaticSiteWithApi stack per environment
// configured in cdk.json (context key "staticsite"). Select environments
// with -c envs=dev,prod; the default is all of them. Every stack is checked
// at synth by cdk-nag's AwsSolutions pack (skip it with -c nag=false, about
// half a second, while iterating) and by the pitfall checks.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/one-origin/staticsitewithapi/constructs/sitechecks"
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
	app := awscdk.NewApp(nil)
	if v := app.Node().TryGetContext(jsii.String("nag")); v != "false" && v != false {
		awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	}
	cfg, err := stacks.LoadConfig(app, "cdk.json")
	if err != nil {
		return err
	}
	var names []string
	if v, ok := app.Node().TryGetContext(jsii.String("envs")).(string); ok && v != "" {
		names = strings.Split(v, ",")
	}
	names, err = cfg.Select(names)
	if err != nil {
		return err
	}
	root, err := stacks.ModuleRoot(".")
	if err != nil {
		return err
	}
	// Synth-time pitfall checks on every stack: ours must have none.
	checks := sitechecks.New(nil)
	for _, name := range names {
		stack, err := stacks.NewSiteStack(app, cfg.StackPrefix+"-"+name, &stacks.SiteStackProps{
			EnvName:    name,
			Config:     cfg.Environments[name],
			ModuleRoot: root,
		})
		if err != nil {
			return fmt.Errorf("environment %s: %w", name, err)
		}
		checks.AddTo(stack)
	}
	app.Synth(nil)
	return nil
}
