package stacks

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscodebuild"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/pipelines"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/one-origin/staticsitewithapi/constructs/sitechecks"
	"github.com/one-origin/staticsitewithapi/internal/smoke"
)

// PipelineConfig is cdk.json's "pipeline": a CDK Pipelines pipeline in a
// tooling account that deploys the environments, in order, to their own
// accounts, for teams whose CI is AWS-native rather than GitHub Actions.
// The app builds it instead of the stacks themselves only with
// -c pipeline=true (PipelineMode).
type PipelineConfig struct {
	// ConnectionArn is the CodeConnections connection to the repository's
	// host (arn:aws:codeconnections:<region>:<account>:connection/<id>, or
	// the older arn:aws:codestar-connections:...), created and authorized
	// once in the console. Required.
	ConnectionArn string `json:"connectionArn"`
	// Repository is the repository the connection reads, "owner/name".
	// Required.
	Repository string `json:"repository"`
	// Branch is the branch whose pushes run the pipeline. Default: "main".
	Branch string `json:"branch,omitempty"`
	// Account is the tooling account that holds the pipeline. Required.
	Account string `json:"account"`
	// Region is the pipeline's region. Default: DefaultRegion
	// (ap-southeast-2).
	Region string `json:"region,omitempty"`
	// Environments are deployed in this order, each after a manual
	// approval except the first, and each followed by the smoke checks.
	// Each must name its account in its EnvConfig.
	// Default: ["dev", "prod"].
	Environments []string `json:"environments,omitempty"`
}

// PipelineContextKey is the context key that turns on pipeline mode:
// -c pipeline=true.
const PipelineContextKey = "pipeline"

// DefaultPipelineBranch is PipelineConfig.Branch's default.
const DefaultPipelineBranch = "main"

// DefaultPipelineEnvironments is PipelineConfig.Environments' default.
var DefaultPipelineEnvironments = []string{"dev", "prod"}

var (
	connectionArnPattern = regexp.MustCompile(`^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection/[A-Za-z0-9-]+$`)
	accountPattern       = regexp.MustCompile(`^\d{12}$`)
	branchPattern        = regexp.MustCompile(`^[A-Za-z0-9._/-]+$`)
)

// PipelineMode reports whether the app builds the pipeline (-c
// pipeline=true, the context value true or "true") instead of the stacks
// themselves. Any value other than true, false, "true", "false" or "" is an
// error rather than a silent default.
func PipelineMode(app awscdk.App) (bool, error) {
	switch v := app.Node().TryGetContext(jsii.String(PipelineContextKey)); v {
	case nil, false, "false", "":
		return false, nil
	case true, "true":
		return true, nil
	default:
		return false, fmt.Errorf("context %q is %v: use -c %s=true to build the pipeline, or leave it out", PipelineContextKey, v, PipelineContextKey)
	}
}

// PipelineStackName names the pipeline's stack: <StackPrefix>-Pipeline.
func (c *AppConfig) PipelineStackName() string {
	return c.StackPrefix + "-Pipeline"
}

// withDefaults returns a copy of p with its defaults applied.
func (p PipelineConfig) withDefaults() PipelineConfig {
	if p.Branch == "" {
		p.Branch = DefaultPipelineBranch
	}
	if p.Region == "" {
		p.Region = DefaultRegion
	}
	if len(p.Environments) == 0 {
		p.Environments = slices.Clone(DefaultPipelineEnvironments)
	}
	return p
}

// Validate checks the pipeline config, defaults applied, against the app's
// environments; every problem is reported, each naming its field and what
// to change.
func (p PipelineConfig) Validate(cfg *AppConfig) error {
	p = p.withDefaults()
	where := fmt.Sprintf("context.%s.environments", ContextKey)
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	switch {
	case p.ConnectionArn == "":
		add("connectionArn is empty: create a connection to the repository's host (Developer Tools → Settings → Connections), authorize it, and give its ARN (arn:aws:codeconnections:<region>:<account>:connection/<id>)")
	case !connectionArnPattern.MatchString(p.ConnectionArn):
		add("connectionArn %q is not a CodeConnections connection ARN (arn:aws:codeconnections:<region>:<account>:connection/<id>, or arn:aws:codestar-connections:...)", p.ConnectionArn)
	}
	if !repoPattern.MatchString(p.Repository) {
		add("repository %q must be \"owner/name\", the repository the connection reads", p.Repository)
	}
	if !branchPattern.MatchString(p.Branch) {
		add("branch %q is not a branch name, e.g. \"main\"", p.Branch)
	}
	if !accountPattern.MatchString(p.Account) {
		add("account %q must be the 12-digit ID of the tooling account that holds the pipeline", p.Account)
	}
	if !regionPattern.MatchString(p.Region) {
		add("region %q is not an AWS region, e.g. %q", p.Region, DefaultRegion)
	}
	seen := map[string]bool{}
	for _, env := range p.Environments {
		ec, ok := cfg.Environments[env]
		switch {
		case seen[env]:
			add("environments lists %q twice: each environment is deployed once", env)
		case !ok:
			add("environments: %q is not an environment of the app (known: %s; see %s)", env, strings.Join(cfg.Names(), ", "), where)
		case !stageNamePattern.MatchString(env):
			add("environments: %q names a pipeline stage, which must start with a letter and hold only letters, digits, '-', '_' and '.'; rename the environment", env)
		case ec.Account == "":
			add("environment %s has no account: the pipeline deploys across accounts and needs each one explicitly; set \"account\": \"<12-digit account ID>\" in %s.%s", env, where, env)
		case !accountPattern.MatchString(ec.Account):
			add("environment %s: account %q must be a 12-digit account ID (%s.%s.account)", env, ec.Account, where, env)
		}
		seen[env] = true
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("context %q: pipeline: %w", ContextKey, err)
	}
	return nil
}

var (
	regionPattern    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`)
	stageNamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._-]*$`)
)

// Pipeline is what AddPipeline built.
type Pipeline struct {
	// Stack holds the pipeline, in the tooling account.
	Stack awscdk.Stack
	// Pipeline is the CDK Pipelines pipeline, already built (its
	// CodePipeline is Pipeline.Pipeline()): no stage or step can be added.
	Pipeline pipelines.CodePipeline
	// Source is the repository the pipeline reads.
	Source pipelines.CodePipelineSource
	// Stages hold the environments' stacks, in deploy order.
	Stages []awscdk.Stage
}

// goInstall makes sure a CodeBuild step has the Go of go.mod: the
// CodeBuild image's Go, which fetches the go.mod toolchain itself
// (GOTOOLCHAIN=auto, in the step's env), or, on an image without Go, that
// release from go.dev.
var goInstall = []string{
	`command -v go >/dev/null 2>&1 || { v=$(awk '$1 == "go" {print $2; exit}' go.mod); curl -fsSL "https://go.dev/dl/go$v.linux-amd64.tar.gz" | tar -xz -C /usr/local; }`,
	`export PATH="$PATH:/usr/local/go/bin"`,
	`go version`,
}

// goEnv is the environment of the CodeBuild steps that run Go.
var goEnv = map[string]*string{"GOTOOLCHAIN": jsii.String("auto")}

// synthCommand synthesizes the pipeline in CodeBuild, as `cdk deploy`
// does the first time, so that the self-mutation step finds the
// pipeline's own stack and the stages' stacks in cdk.out.
const synthCommand = "npx --yes aws-cdk@2 synth -c " + PipelineContextKey + "=true"

// AddPipeline adds to app the stack <StackPrefix>-Pipeline (in the
// pipeline's account and region) with a self-mutating CDK Pipelines
// pipeline: source (the CodeConnections connection), synth, self-mutation,
// then one stage per environment of cfg.Pipeline, in order. A stage holds
// its environment's account stack (when the app manages it) and site
// stack, built as AddSiteStacks builds them; a manual approval precedes
// every stage but the first, and the smoke checker (cmd/smoke) runs
// against each stage's SiteUrl output after it deploys. The pipeline's
// artifacts are encrypted with a KMS key that the environments' accounts
// can use (CrossAccountKeys), and each deploy assumes the CDK bootstrap
// roles of its account, which must trust the tooling account (cdk
// bootstrap --trust). The config is checked before any construct exists.
func AddPipeline(app awscdk.App, cfg *AppConfig, moduleRoot string) (*Pipeline, error) {
	if cfg.Pipeline == nil {
		return nil, fmt.Errorf("-c %s=true needs context.%s.pipeline in cdk.json: at least connectionArn, repository and account (see docs/operations.md, CDK Pipelines)", PipelineContextKey, ContextKey)
	}
	if err := cfg.Pipeline.Validate(cfg); err != nil {
		return nil, err
	}
	if v, ok := app.Node().TryGetContext(jsii.String("envs")).(string); ok && v != "" {
		return nil, fmt.Errorf("-c envs=%s does not apply with -c %s=true: the pipeline deploys context.%s.pipeline.environments", v, PipelineContextKey, ContextKey)
	}
	p := cfg.Pipeline.withDefaults()

	stack := awscdk.NewStack(app, jsii.String(cfg.PipelineStackName()), &awscdk.StackProps{
		Env:         &awscdk.Environment{Account: jsii.String(p.Account), Region: jsii.String(p.Region)},
		Description: jsii.String("CDK Pipelines pipeline deploying " + strings.Join(p.Environments, ", then ") + " from " + p.Repository + "@" + p.Branch),
	})
	source := pipelines.CodePipelineSource_Connection(jsii.String(p.Repository), jsii.String(p.Branch), &pipelines.ConnectionSourceOptions{
		ConnectionArn: jsii.String(p.ConnectionArn),
	})
	// Every CodeBuild project of the pipeline (synth, self-mutation,
	// assets, smoke steps) logs here, with a retention: CodeBuild's own
	// log groups would keep every build's log forever.
	buildLogs := awslogs.NewLogGroup(stack, jsii.String("BuildLogs"), &awslogs.LogGroupProps{
		Retention:     awslogs.RetentionDays_THREE_MONTHS,
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	pipeline := pipelines.NewCodePipeline(stack, jsii.String("Pipeline"), &pipelines.CodePipelineProps{
		PipelineName: jsii.String(cfg.StackPrefix),
		CodeBuildDefaults: &pipelines.CodeBuildOptions{
			Logging: &awscodebuild.LoggingOptions{CloudWatch: &awscodebuild.CloudWatchLoggingOptions{LogGroup: buildLogs}},
		},
		SelfMutation:      jsii.Bool(true),
		CrossAccountKeys:  jsii.Bool(true),
		EnableKeyRotation: jsii.Bool(true),
		Synth: pipelines.NewShellStep(jsii.String("Synth"), &pipelines.ShellStepProps{
			Input:           source,
			Env:             &goEnv,
			InstallCommands: jsii.Strings(goInstall...),
			Commands:        jsii.Strings(synthCommand),
		}),
	})

	out := &Pipeline{Stack: stack, Pipeline: pipeline, Source: source}
	checks := sitechecks.New(nil)
	for i, env := range p.Environments {
		ec := cfg.Environments[env]
		stage := awscdk.NewStage(app, jsii.String(env), &awscdk.StageProps{Env: ec.Env()})
		inheritAspects(app, stage)
		built, err := addEnvStacks(stage, cfg, env, moduleRoot, map[string]awscdk.Stack{}, checks)
		if err != nil {
			return nil, err
		}
		smoke, err := smokeStep(built[len(built)-1], source)
		if err != nil {
			return nil, fmt.Errorf("environment %s: %w", env, err)
		}
		opts := &pipelines.AddStageOpts{Post: &[]pipelines.Step{smoke}}
		if i > 0 {
			opts.Pre = &[]pipelines.Step{pipelines.NewManualApprovalStep(jsii.String("Approve"), &pipelines.ManualApprovalStepProps{
				Comment: jsii.String(fmt.Sprintf("Deploy %s? %s passed its smoke checks.", env, p.Environments[i-1])),
			})}
		}
		pipeline.AddStage(stage, opts)
		out.Stages = append(out.Stages, stage)
	}
	// Built now, not at synth, so that its resources exist for the
	// suppressions; nothing is added to it afterwards.
	pipeline.BuildPipeline()
	suppressPipelineNag(stack, pipeline)
	return out, nil
}

// inheritAspects gives a stage the aspects of the app, such as cdk-nag's
// (NewApp): aws-cdk-lib applies an app's aspects to the app's own stacks
// only, not across a stage boundary, and a stage's stacks should be
// checked as they are in the app.
func inheritAspects(app awscdk.App, stage awscdk.Stage) {
	for _, a := range *awscdk.Aspects_Of(app).All() {
		awscdk.Aspects_Of(stage).Add(a, nil)
	}
}

// smokeStep runs cmd/smoke against the site stack's SiteUrl, and checks
// that its ApiExecuteUrl refuses requests that skip CloudFront, from the
// repository's source.
func smokeStep(site awscdk.Stack, source pipelines.IFileSetProducer) (pipelines.Step, error) {
	output := func(id string) (awscdk.CfnOutput, error) {
		o, ok := site.Node().TryFindChild(jsii.String(id)).(awscdk.CfnOutput)
		if !ok {
			return nil, fmt.Errorf("stack %s has no output %s for the smoke checks", *site.StackName(), id)
		}
		return o, nil
	}
	siteUrl, err := output(smoke.SiteUrlOutput)
	if err != nil {
		return nil, err
	}
	execUrl, err := output(smoke.ApiExecuteUrlOutput)
	if err != nil {
		return nil, err
	}
	return pipelines.NewShellStep(jsii.String("Smoke"), &pipelines.ShellStepProps{
		Input:           source,
		Env:             &goEnv,
		InstallCommands: jsii.Strings(goInstall...),
		EnvFromCfnOutputs: &map[string]awscdk.CfnOutput{
			"SITE_URL":        siteUrl,
			"API_EXECUTE_URL": execUrl,
		},
		Commands: jsii.Strings(`go run ./cmd/smoke -api-execute-url "$API_EXECUTE_URL" "$SITE_URL"`),
	}), nil
}

// pipelineNag is a cdk-nag rule that a resource CDK Pipelines makes does
// not follow, with the reason, on the resources whose construct path
// contains under ("" for every one of type on).
type pipelineNag struct {
	id, reason string
	on, under  string
	// appliesTo narrows an IAM5 suppression to the findings it matches.
	appliesTo string
}

// suppressPipelineNag records, on each resource of the pipeline's stack
// that cdk-nag's AwsSolutions pack flags, why it is left as CDK Pipelines
// makes it. Every IAM5 suppression names the findings it covers.
func suppressPipelineNag(stack awscdk.Stack, pipeline pipelines.CodePipeline) {
	bucket := pipeline.Pipeline().ArtifactBucket().Node().DefaultChild().(awscdk.CfnResource)
	var projects []string
	var resources []awscdk.CfnResource
	for _, c := range *stack.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		if r, ok := c.(awscdk.CfnResource); ok {
			resources = append(resources, r)
			if *r.CfnResourceType() == "AWS::CodeBuild::Project" {
				projects = append(projects, regexp.QuoteMeta(*stack.GetLogicalId(r)))
			}
		}
	}
	project := "<(" + strings.Join(projects, "|") + ")>"
	rules := []pipelineNag{
		{id: "AwsSolutions-S1", on: "AWS::S3::Bucket",
			reason: "The pipeline's artifact bucket: written and read only by the pipeline's roles and the environments' CDK bootstrap roles, encrypted with the pipeline's KMS key; CodePipeline's execution history and CloudTrail record its use."},
		{id: "AwsSolutions-IAM5", on: "AWS::IAM::Policy",
			reason:    "CDK Pipelines' grants on the pipeline's own artifact bucket and KMS key: object-level wildcards on that one bucket, and the key's GenerateDataKey*/ReEncrypt* for encrypting artifacts.",
			appliesTo: `/^(Action::s3:(Abort|DeleteObject|GetBucket|GetObject|List)\*|Action::kms:(GenerateDataKey|ReEncrypt)\*|Resource::<` + regexp.QuoteMeta(*stack.GetLogicalId(bucket)) + `\.Arn>\/\*)$/`},
		{id: "AwsSolutions-IAM5", on: "AWS::IAM::Policy",
			reason:    "A CodeBuild project of the pipeline writes its own log streams and test reports, named after the project.",
			appliesTo: `/^Resource::arn:[^:]+:(logs:[^:]+:\d{12}:log-group:\/aws\/codebuild\/` + project + `:\*|codebuild:[^:]+:\d{12}:report-group\/` + project + `-\*)$/`},
		{id: "AwsSolutions-IAM5", on: "AWS::IAM::Policy", under: "/Assets/FileRole/",
			reason:    "One role for every asset-publishing project of the pipeline (one per asset, created with it): CDK Pipelines grants the logs and reports of the tooling account's CodeBuild projects, and CodePipeline starts those projects with this role, rather than naming each.",
			appliesTo: `/^Resource::(\*|arn:[^:]+:logs:[^:]+:\d{12}:log-group:\/aws\/codebuild\/\*|arn:[^:]+:codebuild:[^:]+:\d{12}:report-group\/\*)$/`},
		{id: "AwsSolutions-IAM5", on: "AWS::IAM::Policy", under: "/UpdatePipeline/SelfMutation/",
			reason:    "Self-mutation is `cdk deploy` of the pipeline stack: it may assume only the tooling account's roles tagged aws-cdk:bootstrap-role deploy, file-publishing or image-publishing (the policy's condition), and reads stacks (cloudformation:DescribeStacks) and bucket listings (s3:ListBucket) to find the bootstrap stack.",
			appliesTo: `/^Resource::(\*|arn:\*:iam::\d{12}:role\/\*)$/`},
	}
	for _, r := range resources {
		path := *r.Node().Path()
		var found []*cdknag.NagPackSuppression
		for _, rule := range rules {
			if *r.CfnResourceType() != rule.on || !strings.Contains(path, rule.under) {
				continue
			}
			if rule.on == "AWS::S3::Bucket" && path != *bucket.Node().Path() {
				continue
			}
			s := &cdknag.NagPackSuppression{Id: jsii.String(rule.id), Reason: jsii.String(rule.reason)}
			if rule.appliesTo != "" {
				s.AppliesTo = &[]any{&cdknag.RegexAppliesTo{Regex: jsii.String(rule.appliesTo)}}
			}
			found = append(found, s)
		}
		if len(found) > 0 {
			cdknag.NagSuppressions_AddResourceSuppressions(r, &found, jsii.Bool(false))
		}
	}
}
