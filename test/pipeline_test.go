package test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/stacks"
)

// The pipeline's fixed accounts: tooling, dev, prod.
const (
	toolingAccount = "111111111111"
	devAccount     = "222222222222"
	prodAccount    = "333333333333"
	testConnection = "arn:aws:codeconnections:ap-southeast-2:111111111111:connection/0f8e4d8b-1234-4cde-9abc-0123456789ab"
)

// pipelineConfig is the shipped config with dev and prod in accounts of
// their own and a pipeline in the tooling account.
func pipelineConfig(t *testing.T) *stacks.AppConfig {
	t.Helper()
	cfg := appConfig(t)
	for env, account := range map[string]string{"dev": devAccount, "prod": prodAccount} {
		ec := cfg.Environments[env]
		ec.Account = account
		cfg.Environments[env] = ec
	}
	cfg.Pipeline = &stacks.PipelineConfig{
		ConnectionArn: testConnection,
		Repository:    "one-origin/staticsitewithapi",
		Account:       toolingAccount,
	}
	return cfg
}

// pipelineContext is cdk.json's context (its feature flags) with
// -c pipeline=true.
func pipelineContext(t *testing.T) *map[string]any {
	t.Helper()
	ctx := *shippedContext(t)
	ctx[stacks.PipelineContextKey] = "true"
	return &ctx
}

// pipelineApp is the app that app.go builds with -c pipeline=true
// (stacks.NewApp: cdk-nag and template validation on), in fixed accounts,
// synthesized once: its cloud assembly, the pipeline stack's template and
// the app's top-level constructs.
func pipelineApp(t *testing.T) *fixture {
	return cached(t, "pipeline", func(t *testing.T) *fixture {
		out := keptDir(t)
		app := stacks.NewApp(&awscdk.AppProps{Outdir: jsii.String(out), Context: pipelineContext(t)})
		cfg := pipelineConfig(t)
		require.NoError(t, stacks.AddStacks(app, cfg, repoRoot(t)))
		stack, ok := app.Node().TryFindChild(jsii.String(cfg.PipelineStackName())).(awscdk.Stack)
		require.True(t, ok, "no stack %s", cfg.PipelineStackName())
		require.Equal(t, toolingAccount, *stack.Account())
		children := appChildren(app)
		// The shipped flags make an unsuppressed nag error stop synth
		// (TestAppStopsOnNagErrors).
		require.NotPanics(t, func() { app.Synth(nil) })
		return &fixture{outdir: out, children: children,
			template: readTemplate(t, filepath.Join(out, cfg.PipelineStackName()+".template.json"))}
	})
}

// pipelineStack is the pipeline stack's template (pipelineApp).
func pipelineStack(t *testing.T) obj {
	return pipelineApp(t).template
}

// appChildren returns the IDs of app's top-level constructs, sorted, a
// stage's as "stage <ID>". Call it before synth, which adds one (Tree).
func appChildren(app awscdk.App) []string {
	var ids []string
	for _, c := range *app.Node().Children() {
		id := *c.Node().Id()
		if _, stage := c.(awscdk.Stage); stage {
			id = "stage " + id
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// pipelineStage is one stage of the template's CodePipeline.
type pipelineStage struct {
	name    string
	actions []obj
}

// pipelineStages returns the stages of the template's one pipeline, in
// order, and the pipeline's properties.
func pipelineStages(t *testing.T, tmpl obj) ([]pipelineStage, obj) {
	t.Helper()
	p, err := only(tmpl, "AWS::CodePipeline::Pipeline")
	require.NoError(t, err)
	var out []pipelineStage
	for _, s := range p["Stages"].([]any) {
		s := s.(obj)
		st := pipelineStage{name: s["Name"].(string)}
		for _, a := range s["Actions"].([]any) {
			st.actions = append(st.actions, a.(obj))
		}
		out = append(out, st)
	}
	return out, p
}

// actionsOf returns a stage's actions of a category ("Source", "Build",
// "Deploy", "Approval").
func (s pipelineStage) actionsOf(category string) []obj {
	var out []obj
	for _, a := range s.actions {
		if asMap(a["ActionTypeId"])["Category"] == category {
			out = append(out, a)
		}
	}
	return out
}

// runOrders are the RunOrders of actions.
func runOrders(actions []obj) []float64 {
	var out []float64
	for _, a := range actions {
		out = append(out, a["RunOrder"].(float64))
	}
	return out
}

// buildCommands are the commands, install phase first, of the CodeBuild
// project a CodeBuild action runs.
func buildCommands(t *testing.T, tmpl obj, action obj) []string {
	t.Helper()
	require.Equal(t, "CodeBuild", asMap(action["ActionTypeId"])["Provider"], action["Name"])
	project := resource(tmpl, refTarget(asMap(action["Configuration"])["ProjectName"]))
	require.NotNil(t, project, "the action's project is in the template")
	var spec struct {
		Phases map[string]struct{ Commands []string }
	}
	require.NoError(t, json.Unmarshal([]byte(asMap(project["Source"])["BuildSpec"].(string)), &spec))
	return append(spec.Phases["install"].Commands, spec.Phases["build"].Commands...)
}

// TestPipelineStructure: the pipeline reads the repository through the
// connection, synthesizes, updates itself, then deploys dev, smoke-checks
// it, waits for a person, and deploys and smoke-checks prod, each in its
// own account through that account's CDK bootstrap roles, with artifacts
// encrypted by a key those accounts may use.
func TestPipelineStructure(t *testing.T) {
	tmpl := pipelineStack(t)
	stages, props := pipelineStages(t, tmpl)
	var names []string
	for _, s := range stages {
		names = append(names, s.name)
	}
	// Assets is CDK Pipelines' own stage: it publishes the Lambda code and
	// the frontend to the environments' bootstrap buckets.
	require.Equal(t, []string{"Source", "Build", "UpdatePipeline", "Assets", "dev", "prod"}, names)

	source := stages[0].actionsOf("Source")
	require.Len(t, source, 1)
	require.Equal(t, obj{"Category": "Source", "Owner": "AWS", "Provider": "CodeStarSourceConnection", "Version": "1"}, source[0]["ActionTypeId"])
	cfg := asMap(source[0]["Configuration"])
	require.Equal(t, testConnection, cfg["ConnectionArn"])
	require.Equal(t, "one-origin/staticsitewithapi", cfg["FullRepositoryId"])
	require.Equal(t, "main", cfg["BranchName"], "the default branch")

	synth := stages[1].actionsOf("Build")
	require.Len(t, synth, 1)
	commands := buildCommands(t, tmpl, synth[0])
	require.Equal(t, "npx --yes aws-cdk@2 synth -c pipeline=true", commands[len(commands)-1], "synthesizes the pipeline itself, for self-mutation")
	require.Contains(t, commands[0], "command -v go", "installs Go when the image lacks it")

	mutate := stages[2].actionsOf("Build")
	require.Len(t, mutate, 1)
	require.Contains(t, buildCommands(t, tmpl, mutate[0]), "cdk -a . deploy StaticSite-Pipeline --require-approval=never --verbose", "self-mutation deploys the pipeline's stack")

	for _, tc := range []struct {
		stage, account string
		approval       bool
	}{{"dev", devAccount, false}, {"prod", prodAccount, true}} {
		t.Run(tc.stage, func(t *testing.T) {
			var st pipelineStage
			for _, s := range stages {
				if s.name == tc.stage {
					st = s
				}
			}
			deploys := st.actionsOf("Deploy")
			stacksDeployed := map[string]bool{}
			for _, d := range deploys {
				require.Equal(t, "CloudFormation", asMap(d["ActionTypeId"])["Provider"])
				c := asMap(d["Configuration"])
				stacksDeployed[c["StackName"].(string)] = true
				region := "ap-southeast-2"
				require.Equal(t, "arn:${AWS::Partition}:iam::"+tc.account+":role/cdk-hnb659fds-deploy-role-"+tc.account+"-"+region, joined(d["RoleArn"]),
					"the action assumes the %s account's CDK deploy role (cross-account)", tc.stage)
				if c["ActionMode"] == "CHANGE_SET_REPLACE" {
					require.Equal(t, "arn:${AWS::Partition}:iam::"+tc.account+":role/cdk-hnb659fds-cfn-exec-role-"+tc.account+"-"+region, joined(c["RoleArn"]),
						"CloudFormation deploys with the %s account's execution role", tc.stage)
				}
			}
			require.Equal(t, map[string]bool{
				"StaticSite-ApiGatewayAccount-" + tc.account + "-ap-southeast-2": true,
				"StaticSite-" + tc.stage: true,
			}, stacksDeployed, "the same CloudFormation stack names as without the pipeline")

			approvals := st.actionsOf("Approval")
			if !tc.approval {
				require.Empty(t, approvals)
			} else {
				require.Len(t, approvals, 1)
				require.Equal(t, "Manual", asMap(approvals[0]["ActionTypeId"])["Provider"])
				require.Less(t, approvals[0]["RunOrder"].(float64), slices.Min(runOrders(deploys)), "approved before any deploy of %s", tc.stage)
			}

			smoke := st.actionsOf("Build")
			require.Len(t, smoke, 1, "the smoke checks")
			require.Greater(t, smoke[0]["RunOrder"].(float64), slices.Max(runOrders(deploys)), "after every deploy of %s", tc.stage)
			require.Contains(t, buildCommands(t, tmpl, smoke[0]), `go run ./cmd/smoke -api-execute-url "$API_EXECUTE_URL" "$SITE_URL"`)
			vars := asMap(smoke[0]["Configuration"])["EnvironmentVariables"].(string)
			require.Regexp(t, `"name":"SITE_URL","type":"PLAINTEXT","value":"#\{[A-Za-z0-9]+\.SiteUrl\}"`, vars, "the stage's SiteUrl output")
			require.Regexp(t, `"name":"API_EXECUTE_URL","type":"PLAINTEXT","value":"#\{[A-Za-z0-9]+\.ApiExecuteUrl\}"`, vars)
		})
	}

	store := asMap(props["ArtifactStore"])
	key := asMap(store["EncryptionKey"])
	require.Equal(t, "KMS", key["Type"], "CrossAccountKeys: artifacts encrypted with a customer managed key")
	keyId := asMap(key["Id"])["Fn::GetAtt"].([]any)[0].(string)
	keyProps := resource(tmpl, keyId)
	require.Equal(t, true, keyProps["EnableKeyRotation"])
	policy := jsonString(keyProps["KeyPolicy"])
	for _, account := range []string{devAccount, prodAccount} {
		require.Contains(t, policy, ":iam::"+account+":role/cdk-hnb659fds-deploy-role-"+account, "the %s deploy role may decrypt artifacts", account)
	}
}

// TestPipelineModeSwitch: without -c pipeline=true the app builds the
// stacks themselves and no pipeline, even with a pipeline configured;
// with it, the pipeline stack and one stage per environment, nothing else.
func TestPipelineModeSwitch(t *testing.T) {
	// Construction only: no synth, and no asset bundling.
	ctx := *shippedContext(t)
	ctx["aws:cdk:bundling-stacks"] = []any{}
	app := newTestApp(&awscdk.AppProps{Context: &ctx})
	require.NoError(t, stacks.AddStacks(app, pipelineConfig(t), repoRoot(t)))
	plain := appChildren(app)
	require.Contains(t, plain, "StaticSite-dev")
	require.Contains(t, plain, "StaticSite-prod")
	for _, id := range plain {
		require.NotContains(t, id, "Pipeline")
		require.False(t, strings.HasPrefix(id, "stage "), id)
	}
	// -c pipeline=false is the same as no value (TestPipelineModeContext).
	require.Equal(t, []string{"StaticSite-Pipeline", "stage dev", "stage prod"}, pipelineApp(t).children)
}

func TestPipelineModeContext(t *testing.T) {
	for v, want := range map[any]bool{"true": true, true: true, "false": false, false: false} {
		on, err := stacks.PipelineMode(newTestApp(&awscdk.AppProps{Context: &map[string]any{"pipeline": v}}))
		require.NoError(t, err, "%v", v)
		require.Equal(t, want, on, "%v", v)
	}
	on, err := stacks.PipelineMode(newTestApp(nil))
	require.NoError(t, err)
	require.False(t, on, "off unless asked for")
	_, err = stacks.PipelineMode(newTestApp(&awscdk.AppProps{Context: &map[string]any{"pipeline": "yes"}}))
	require.ErrorContains(t, err, `context "pipeline" is yes: use -c pipeline=true`)
}

// TestPipelineConfigErrors: a config the pipeline cannot deploy from is
// refused, naming the field and the fix, before any stack exists.
func TestPipelineConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(cfg *stacks.AppConfig)
		ctx    map[string]any
		want   []string
	}{
		{name: "no pipeline config", change: func(cfg *stacks.AppConfig) { cfg.Pipeline = nil },
			want: []string{"-c pipeline=true needs context.staticsite.pipeline in cdk.json"}},
		{name: "missing connectionArn", change: func(cfg *stacks.AppConfig) { cfg.Pipeline.ConnectionArn = "" },
			want: []string{`context "staticsite": pipeline: connectionArn is empty`, "give its ARN (arn:aws:codeconnections:"}},
		{name: "not a connection", change: func(cfg *stacks.AppConfig) {
			cfg.Pipeline.ConnectionArn = "arn:aws:codecommit:ap-southeast-2:111111111111:staticsitewithapi"
		}, want: []string{`connectionArn "arn:aws:codecommit:ap-southeast-2:111111111111:staticsitewithapi" is not a CodeConnections connection ARN`}},
		{name: "env without account", change: func(cfg *stacks.AppConfig) {
			ec := cfg.Environments["prod"]
			ec.Account = ""
			cfg.Environments["prod"] = ec
		}, want: []string{`environment prod has no account`, `set "account": "<12-digit account ID>" in context.staticsite.environments.prod`}},
		{name: "unknown env", change: func(cfg *stacks.AppConfig) { cfg.Pipeline.Environments = []string{"dev", "staging"} },
			want: []string{`environments: "staging" is not an environment of the app (known: dev, prod`}},
		{name: "every problem at once", change: func(cfg *stacks.AppConfig) {
			cfg.Pipeline.Repository = "staticsitewithapi"
			cfg.Pipeline.Account = "tooling"
			cfg.Pipeline.Environments = []string{"dev", "dev"}
		}, want: []string{`repository "staticsitewithapi" must be "owner/name"`, `account "tooling" must be the 12-digit ID`, `environments lists "dev" twice`}},
		{name: "envs selection", change: func(*stacks.AppConfig) {}, ctx: map[string]any{"envs": "dev"},
			want: []string{"-c envs=dev does not apply with -c pipeline=true"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := pipelineConfig(t)
			tc.change(cfg)
			ctx := *pipelineContext(t)
			for k, v := range tc.ctx {
				ctx[k] = v
			}
			app := newTestApp(&awscdk.AppProps{Context: &ctx})
			err := stacks.AddStacks(app, cfg, repoRoot(t))
			require.Error(t, err)
			for _, w := range tc.want {
				require.ErrorContains(t, err, w)
			}
			require.Empty(t, *app.Node().Children(), "refused before any stack exists")
		})
	}
	require.NoError(t, pipelineConfig(t).Pipeline.Validate(pipelineConfig(t)), "control: the fixed config is valid")
}

// TestPipelineIsNagClean: the pipeline app as app.go synthesizes it
// (stacks.NewApp: cdk-nag's AwsSolutions pack and template validation)
// has no finding left, in the pipeline's stack or in the stages' stacks,
// which cdk-nag checks too; every suppression of a wildcard names the
// findings it covers.
func TestPipelineIsNagClean(t *testing.T) {
	out := pipelineApp(t).outdir
	require.Empty(t, validationReport(t, out), "validation findings")
	var metas []string
	require.NoError(t, filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".metadata.json") {
			metas = append(metas, path)
		}
		return err
	}))
	require.Len(t, metas, 5, "the pipeline's stack and, per stage, an account and a site stack")
	reports, err := filepath.Glob(filepath.Join(out, "AwsSolutions-*-NagReport.csv"))
	require.NoError(t, err)
	require.Len(t, reports, 5, "cdk-nag checked the stages' stacks too: %v", reports)
	for _, m := range metas {
		raw, err := os.ReadFile(m)
		require.NoError(t, err)
		require.NotContains(t, string(raw), `"aws:cdk:error"`, m)
		require.NotContains(t, string(raw), `"aws:cdk:warning"`, m)
	}

	var suppressions int
	for _, r := range pipelineStack(t)["Resources"].(obj) {
		for _, s := range asSlice(asMap(asMap(asMap(r)["Metadata"])["cdk_nag"])["rules_to_suppress"]) {
			s := asMap(s)
			suppressions++
			require.NotEmpty(t, s["reason"])
			if s["id"] == "AwsSolutions-IAM5" {
				require.NotEmpty(t, s["applies_to"], "an IAM5 suppression names its findings")
			}
		}
	}
	require.Positive(t, suppressions)
}

// TestPipelineBuildLogsExpire: every CodeBuild project of the pipeline
// logs to one log group with a retention, not to CodeBuild's own groups,
// which would keep every build's log forever.
func TestPipelineBuildLogsExpire(t *testing.T) {
	tmpl := pipelineStack(t)
	groups := resourcesOf(tmpl, "AWS::Logs::LogGroup")
	require.Len(t, groups, 1)
	var id string
	for gid, g := range groups {
		id = gid
		require.Equal(t, 90.0, g["RetentionInDays"])
	}
	projects := resourcesOf(tmpl, "AWS::CodeBuild::Project")
	require.NotEmpty(t, projects)
	for pid, p := range projects {
		cw := asMap(asMap(p["LogsConfig"])["CloudWatchLogs"])
		require.Equal(t, "ENABLED", cw["Status"], pid)
		require.Equal(t, obj{"Ref": id}, cw["GroupName"], pid)
	}
}
