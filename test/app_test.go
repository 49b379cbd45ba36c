package test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/stacks"
)

// pluginReports returns the plugin reports of validation-report.json
// (validationReport) by plugin name, each with its violations' rule IDs.
func pluginReports(t *testing.T, outdir string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	text := validationReport(t, outdir)
	if text == "" {
		return out
	}
	var reports []struct {
		PluginName string `json:"pluginName"`
		Violations []struct {
			RuleName string `json:"ruleName"`
		} `json:"violations"`
	}
	require.NoError(t, json.Unmarshal([]byte(text), &reports))
	for _, r := range reports {
		var ids []string
		for _, v := range r.Violations {
			ids = append(ids, v.RuleName)
		}
		out[r.PluginName] = append(out[r.PluginName], ids...)
	}
	return out
}

// The app registers aws-cdk-lib's template validation itself (to build its
// engine early); templates must still be validated, and exactly once.
func TestAppValidatesTemplatesOnce(t *testing.T) {
	out := t.TempDir()
	app := stacks.NewApp(&awscdk.AppProps{Outdir: jsii.String(out)})
	awscdk.NewStack(app, jsii.String("Empty"), nil) // F0001: no resources
	app.Synth(nil)

	reports := pluginReports(t, out)
	require.Len(t, reports, 1, "one validation report, not one per registered plugin: %v", reports)
	var f0001 int
	for name, ids := range reports {
		require.Equal(t, "CloudFormation Validate", name)
		for _, id := range ids {
			if strings.Contains(id, "F0001") {
				f0001++
			}
		}
	}
	require.Equal(t, 1, f0001, "the empty stack's finding, once: %v", reports)
}

func TestAppValidationCanBeTurnedOff(t *testing.T) {
	out := t.TempDir()
	app := stacks.NewApp(&awscdk.AppProps{
		Outdir:                          jsii.String(out),
		BuiltinCloudFormationValidation: jsii.Bool(false),
	})
	awscdk.NewStack(app, jsii.String("Empty"), nil)
	app.Synth(nil)
	_, err := os.Stat(filepath.Join(out, "validation-report.json"))
	require.ErrorIs(t, err, os.ErrNotExist, "no validation, no report")
}

func TestAppAppliesNagUnlessTurnedOff(t *testing.T) {
	on := stacks.NewApp(nil)
	require.Len(t, *awscdk.Aspects_Of(on).All(), 1, "cdk-nag's AwsSolutions pack by default")

	off := stacks.NewApp(&awscdk.AppProps{Context: &map[string]any{"nag": "false"}})
	require.Empty(t, *awscdk.Aspects_Of(off).All(), "-c nag=false")
}

// Creation stack traces in a Go app hold only jsii runtime frames; the app
// leaves them out of the cloud assembly unless asked.
func TestAppLeavesOutStackTraces(t *testing.T) {
	trace := func(props *awscdk.AppProps) string {
		out := t.TempDir()
		props.Outdir = jsii.String(out)
		if props.Context == nil {
			props.Context = &map[string]any{}
		}
		(*props.Context)["nag"] = "false"
		app := stacks.NewApp(props)
		awssns.NewTopic(awscdk.NewStack(app, jsii.String("S"), nil), jsii.String("T"), nil)
		app.Synth(nil)
		meta, err := os.ReadFile(filepath.Join(out, "S.metadata.json"))
		require.NoError(t, err)
		return string(meta)
	}
	require.NotContains(t, trace(&awscdk.AppProps{}), "aws:cdk:creationStack")
	// Control: the same app asked for traces has them.
	ctl := &awscdk.AppProps{Context: &map[string]any{"aws:cdk:disable-creation-stack-traces": false}}
	require.Contains(t, trace(ctl), "aws:cdk:creationStack")
}

func TestSelectedEnvs(t *testing.T) {
	cfg := appConfig(t)
	pick := func(ctx map[string]any) ([]string, error) {
		return stacks.SelectedEnvs(newTestApp(&awscdk.AppProps{Context: &ctx}), cfg)
	}
	all, err := pick(map[string]any{})
	require.NoError(t, err)
	require.Equal(t, []string{"dev", "prod"}, all)

	one, err := pick(map[string]any{"envs": "prod"})
	require.NoError(t, err)
	require.Equal(t, []string{"prod"}, one)

	_, err = pick(map[string]any{"envs": "dev,staging"})
	require.ErrorContains(t, err, `unknown environment "staging": known environments are dev, prod`)
}

// `cdk synth --no-validation` sets CDK_VALIDATION=false for the app process;
// the app must then not register its validation plugin either. The
// variable has to be there when the jsii runtime starts (it starts as the
// Go packages initialize), so the app runs in a process of its own, as
// under the CLI: this test binary again (started with the tests, see
// startBackground), with an empty stack, which any validation would report
// (F0001, as in TestAppValidatesTemplatesOnce).
func TestAppHonoursNoValidation(t *testing.T) {
	if out := os.Getenv(appChildEnv); out != "" {
		app := stacks.NewApp(&awscdk.AppProps{Outdir: &out})
		awscdk.NewStack(app, jsii.String("Empty"), nil)
		app.Synth(nil)
		return
	}
	run := noValidationRun.get(t)
	require.NoError(t, run.err, "%s", run.output)
	require.FileExists(t, filepath.Join(run.outdir, "Empty.template.json"))
	require.NoFileExists(t, filepath.Join(run.outdir, "validation-report.json"))
}

// appChildEnv gives the child process of TestAppHonoursNoValidation its
// output folder.
const appChildEnv = "STATICSITE_TEST_APP_CHILD"

type noValidationResult struct {
	outdir string
	output []byte
	err    error
}

func runNoValidationChild() (noValidationResult, error) {
	out, err := os.MkdirTemp("", "staticsite-novalidation-")
	if err != nil {
		return noValidationResult{}, err
	}
	keep(out)
	cmd := exec.Command(os.Args[0], "-test.run=^TestAppHonoursNoValidation$", "-test.count=1")
	cmd.Env = append(os.Environ(), appChildEnv+"="+out, "CDK_VALIDATION=false")
	msg, err := cmd.CombinedOutput()
	return noValidationResult{outdir: out, output: msg, err: err}, nil
}

// With the shipped feature flags (@aws-cdk/core:annotationsInValidationReport)
// an unsuppressed cdk-nag error stops `cdk synth`, before any deploy.
func TestAppStopsOnNagErrors(t *testing.T) {
	out := t.TempDir()
	app := stacks.NewApp(&awscdk.AppProps{Outdir: jsii.String(out), Context: shippedContext(t)})
	stack := awscdk.NewStack(app, jsii.String("Bare"), &awscdk.StackProps{Env: testEnv})
	awss3.NewBucket(stack, jsii.String("Plain"), nil) // no access logs, no TLS-only policy
	require.PanicsWithError(t, "ValidationFailed: Validation failed. A copy of this report can be found in: "+filepath.Join(out, "validation-report.json"),
		func() { app.Synth(nil) })
	report := validationReport(t, out)
	require.Contains(t, report, `"pluginName":"Construct Annotations"`)
	require.Contains(t, report, `"description":"AwsSolutions-S1: The S3 Bucket has server access logs disabled`)
}
