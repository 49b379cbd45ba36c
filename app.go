// Command app synthesizes one StaticSiteWithApi stack per environment
// configured in cdk.json (context key "staticsite"). Select environments
// with -c envs=dev,prod; the default is all of them.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

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
	// Synth-time pitfall checks on every stack: our stacks must have none.
	awscdk.Aspects_Of(app).Add(sitechecks.New(nil), nil)
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
	for _, name := range names {
		_, err := stacks.NewSiteStack(app, cfg.StackPrefix+"-"+name, &stacks.SiteStackProps{
			EnvName:    name,
			Config:     cfg.Environments[name],
			ModuleRoot: root,
		})
		if err != nil {
			return fmt.Errorf("environment %s: %w", name, err)
		}
	}
	app.Synth(nil)
	return nil
}
