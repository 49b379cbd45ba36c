package test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/stacks"
)

// nagErrors applies the AwsSolutions pack to a stack built by build, with
// the shipped feature flags, and returns its unsuppressed errors. (Warnings
// are checked on the whole app, as app.go builds it, by
// TestAppSynthIsClean.) The app itself fails synthesis on an error
// (TestAppStopsOnNagErrors); here errors stay annotations, to be listed.
func nagErrors(t *testing.T, outdir string, build func(app awscdk.App) awscdk.Stack) []string {
	t.Helper()
	stack := build(nagApp(t, outdir))
	ann := assertions.Annotations_FromStack(stack)
	var found []string
	for _, m := range *ann.FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))) {
		found = append(found, *m.Id+": "+strings.SplitN(fmt.Sprint(m.Entry.Data), ".", 2)[0])
	}
	sort.Strings(found)
	return found
}

// nagApp is an app with the shipped feature flags and cdk-nag's
// AwsSolutions pack, whose errors stay annotations instead of stopping
// synth.
func nagApp(t *testing.T, outdir string) awscdk.App {
	t.Helper()
	ctx := *shippedContext(t)
	ctx["@aws-cdk/core:annotationsInValidationReport"] = false
	app := newTestApp(&awscdk.AppProps{Outdir: jsii.String(outdir), Context: &ctx})
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	return app
}

// envStackFor builds an environment's stack, in the fixed test account or,
// with account "", in the account of the environment's config (none for
// the shipped ones, as `cdk synth` without credentials builds them).
func envStackFor(t *testing.T, env, account string) func(app awscdk.App) awscdk.Stack {
	return func(app awscdk.App) awscdk.Stack {
		cfg := appConfig(t)
		ec := cfg.Environments[env]
		if account != "" {
			ec.Account = account
		}
		stack, err := stacks.NewSiteStack(app, cfg.StackPrefix+"-"+env, &stacks.SiteStackProps{EnvName: env, Config: ec, ModuleRoot: repoRoot(t)})
		require.NoError(t, err)
		return stack
	}
}

// TestNagAwsSolutions: both shipped stacks pass the cdk-nag AwsSolutions
// pack, every finding compliant or suppressed, in a known account (the
// shipped app, which cdk-nag checks as app.go builds it) and in none (the
// CDK asset bucket's name then holds <AWS::AccountId>, which the granular
// findings of IAM5 show as such). It reads cdk-nag's own reports; the
// stacks without an account are built in one app, synthesized once.
func TestNagAwsSolutions(t *testing.T) {
	known, cfg := shippedApp(t)
	noAccount := t.TempDir()
	app := nagApp(t, noAccount)
	for _, env := range cfg.Names() {
		envStackFor(t, env, "")(app)
	}
	app.Synth(nil)
	for _, dir := range []string{known, noAccount} {
		for _, env := range cfg.Names() {
			rows := nagReport(t, dir, cfg.StackPrefix+"-"+env)
			require.Greater(t, len(rows), 10, "cdk-nag checked %s", env)
			for _, row := range rows {
				require.Contains(t, []string{"Compliant", "Suppressed"}, row[2], "%s: %v", env, row)
			}
		}
	}
}

// nagReport returns the rows of cdk-nag's AwsSolutions report of a stack,
// without the header: rule ID, resource, compliance, reason, level, info.
func nagReport(t *testing.T, outdir, stack string) [][]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(outdir, "AwsSolutions--"+stack+"-NagReport.csv"))
	require.NoError(t, err)
	rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, rows)
	require.Equal(t, "Compliance", rows[0][2], "the report's columns")
	return rows[1:]
}

// TestNagCatchesErrors proves the harness sees errors: a bare bucket fails
// S1 (no access logs) and S10 (no TLS-only policy).
func TestNagCatchesErrors(t *testing.T) {
	out := t.TempDir()
	found := nagErrors(t, out, func(app awscdk.App) awscdk.Stack {
		stack := awscdk.NewStack(app, jsii.String("Bare"), &awscdk.StackProps{Env: testEnv})
		awss3.NewBucket(stack, jsii.String("Plain"), nil)
		return stack
	})
	require.Contains(t, strings.Join(found, "\n"), "AwsSolutions-S1")
	require.Contains(t, strings.Join(found, "\n"), "AwsSolutions-S10")
	// And cdk-nag's report, which TestNagAwsSolutions reads, says so too.
	var s1 []string
	for _, row := range nagReport(t, out, "Bare") {
		if row[0] == "AwsSolutions-S1" {
			s1 = append(s1, row[2])
		}
	}
	require.Equal(t, []string{"Non-Compliant"}, s1)
}

// TestNagSuppressionsAreScoped: every suppression sits on one resource with
// a reason, and none is stack-wide.
func TestNagSuppressionsAreScoped(t *testing.T) {
	for _, env := range []string{"dev", "prod"} {
		tmpl := envStack(t, env).template
		require.NotContains(t, jsonString(tmpl["Metadata"]), "cdk_nag", "no stack-wide suppression")
		count := 0
		for id, r := range tmpl["Resources"].(obj) {
			meta, _ := r.(obj)["Metadata"].(obj)
			nag, _ := meta["cdk_nag"].(obj)
			for _, rule := range asSlice(nag["rules_to_suppress"]) {
				reason, _ := rule.(obj)["reason"].(string)
				require.Greater(t, len(reason), 30, "%s: suppression %v needs a real reason", id, rule)
				count++
			}
		}
		require.Greater(t, count, 0)
	}
}
