package stacks

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/one-origin/staticsitewithapi/constructs/sitechecks"
	"github.com/one-origin/staticsitewithapi/constructs/staticsite"
)

// SynthApp builds and synthesizes the app that app.go runs, from the
// cdk.json in dir (the module root): the stacks AddStacks adds.
func SynthApp(dir string) error {
	ctx, err := CdkJsonContext(filepath.Join(dir, "cdk.json"))
	if err != nil {
		return err
	}
	app := NewApp(&awscdk.AppProps{Context: &ctx})
	cfg, err := LoadConfig(app)
	if err != nil {
		return err
	}
	root, err := ModuleRoot(dir)
	if err != nil {
		return err
	}
	if err := AddStacks(app, cfg, root); err != nil {
		return err
	}
	app.Synth(nil)
	return nil
}

// AddStacks adds the app's stacks to app. By default they are one site
// stack per selected environment (SelectedEnvs), the account stacks they
// need (AddSiteStacks) and the deploy-access stacks of deployAccess
// (AddDeployAccessStacks). With -c pipeline=true (PipelineMode) it is
// instead the CDK Pipelines stack of cfg.Pipeline, which deploys the same
// environment stacks from its own stages (AddPipeline).
func AddStacks(app awscdk.App, cfg *AppConfig, moduleRoot string) error {
	pipeline, err := PipelineMode(app)
	if err != nil {
		return err
	}
	if pipeline {
		_, err := AddPipeline(app, cfg, moduleRoot)
		return err
	}
	names, err := SelectedEnvs(app, cfg)
	if err != nil {
		return err
	}
	if _, err := AddSiteStacks(app, cfg, names, moduleRoot); err != nil {
		return err
	}
	_, err = AddDeployAccessStacks(app, cfg, names)
	return err
}

// NewApp creates the CDK app that app.go synthesizes, with its app-wide
// settings:
//
//   - cdk-nag's AwsSolutions pack on every stack, unless the context key
//     "nag" is "false" (-c nag=false);
//   - aws-cdk-lib's built-in template validation, unchanged, but with its
//     engine created here, first (see validationPlugin);
//   - no construct creation stack traces (context key
//     aws:cdk:disable-creation-stack-traces, which aws-cdk-lib offers for
//     speed): in a Go app they hold only jsii runtime frames, never a line
//     of Go. `cdk synth --debug` records them anyway.
//
// props may be nil; its Context takes precedence over these defaults.
func NewApp(props *awscdk.AppProps) awscdk.App {
	var p awscdk.AppProps
	if props != nil {
		p = *props
	}
	ctx := map[string]any{disableCreationStackTraces: true}
	if p.Context != nil {
		maps.Copy(ctx, *p.Context)
	}
	p.Context = &ctx
	app := awscdk.NewApp(&p)
	if (p.BuiltinCloudFormationValidation == nil || *p.BuiltinCloudFormationValidation) &&
		os.Getenv("CDK_VALIDATION") != "false" {
		awscdk.Validations_Of(app).AddPlugins(validationPlugin())
	}
	if v := app.Node().TryGetContext(jsii.String("nag")); v != "false" && v != false {
		awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	}
	return app
}

const disableCreationStackTraces = "aws:cdk:disable-creation-stack-traces"

// plugin is the process's one validation plugin, shared by every App that
// NewApp creates: its engine costs about a second to build.
var plugin awscdk.CloudFormationValidatePlugin

// validationPlugin returns the same CloudFormation validation that
// aws-cdk-lib registers by itself (its default rules, errors reported as
// warnings unless @aws-cdk/core:validateAgainstDefaultRules is set), and
// builds its engine now. aws-cdk-lib builds it lazily, at the end of
// synthesis, when the JavaScript heap holds both stacks and cdk-nag; the
// same engine then takes about 0.3 s longer to build on a 2-core machine
// (see scripts/bench.sh). An explicitly registered plugin replaces the
// automatic one, so templates are still validated once. CDK_VALIDATION=false
// (what `cdk synth --no-validation` sets) turns both off.
func validationPlugin() awscdk.CloudFormationValidatePlugin {
	if plugin == nil {
		plugin = awscdk.NewCloudFormationValidatePlugin(nil)
	}
	return plugin
}

// AddSiteStacks adds one stack per named environment of cfg to app, named
// <StackPrefix>-<env>, and the synth-time pitfall checks to each. Unless
// cfg.ManageApiGatewayAccount is false, it also adds one account stack per
// account and region of those environments (AccountStackName), which sets
// API Gateway's account-level CloudWatch role once (pitfall
// account-singleton) and which their site stacks depend on. moduleRoot is
// the directory of this repository's go.mod.
func AddSiteStacks(app awscdk.App, cfg *AppConfig, names []string, moduleRoot string) ([]awscdk.Stack, error) {
	checks := sitechecks.New(nil)
	accounts := map[string]awscdk.Stack{}
	var out []awscdk.Stack
	for _, name := range names {
		built, err := addEnvStacks(app, cfg, name, moduleRoot, accounts, checks)
		if err != nil {
			return nil, err
		}
		out = append(out, built...)
	}
	return out, nil
}

// addEnvStacks adds environment name's stacks to scope, the app or a
// pipeline stage: its account stack, unless cfg leaves API Gateway's
// account setting alone or accounts (the account stacks already in scope,
// by name) holds it, and its site stack, <StackPrefix>-<name>, with the
// pitfall checks. It returns the stacks it created, the site stack last.
// Each stack's CloudFormation name is its ID, also in a stage (whose
// stacks are otherwise named <stage>-<ID>), so that both modes deploy the
// same CloudFormation stacks.
func addEnvStacks(scope constructs.Construct, cfg *AppConfig, name, moduleRoot string, accounts map[string]awscdk.Stack, checks *sitechecks.Checks) ([]awscdk.Stack, error) {
	ec := cfg.Environments[name]
	var out []awscdk.Stack
	var account awscdk.Stack
	if cfg.ManageApiGatewayAccount == nil || *cfg.ManageApiGatewayAccount {
		stackName := cfg.AccountStackName(ec)
		if account = accounts[stackName]; account == nil {
			account = NewAccountStack(scope, stackName, ec.Env())
			accounts[stackName] = account
			out = append(out, account)
		}
	}
	id := cfg.StackPrefix + "-" + name
	stack, err := NewSiteStack(scope, id, &SiteStackProps{
		StackProps:   awscdk.StackProps{StackName: &id},
		EnvName:      name,
		Config:       ec,
		ModuleRoot:   moduleRoot,
		AccountStack: account,
	})
	if err != nil {
		return nil, fmt.Errorf("environment %s: %w", name, err)
	}
	checks.AddTo(stack)
	return append(out, stack), nil
}

// NewAccountStack is the stack that sets API Gateway's account-level
// CloudWatch role in env's account and region, in scope (the app or a
// stage), named name. It is kept when a site stack is destroyed: every
// REST API of the account and region logs through it.
func NewAccountStack(scope constructs.Construct, name string, env *awscdk.Environment) awscdk.Stack {
	stack := awscdk.NewStack(scope, &name, &awscdk.StackProps{
		StackName:   &name,
		Env:         env,
		Description: jsii.String("API Gateway's account-level CloudWatch role, one per account and region, for the site stacks' execution logs"),
	})
	staticsite.NewApiGatewayAccount(stack, jsii.String("ApiGatewayAccount"))
	return stack
}

// SelectedEnvs returns the environment names given with -c envs=a,b (all
// of cfg's when unset), checked against cfg.
func SelectedEnvs(app awscdk.App, cfg *AppConfig) ([]string, error) {
	var names []string
	if v, ok := app.Node().TryGetContext(jsii.String("envs")).(string); ok && v != "" {
		names = strings.Split(v, ",")
	}
	return cfg.Select(names)
}
