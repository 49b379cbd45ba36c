package test

import (
	"fmt"
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
func nagErrors(t *testing.T, build func(app awscdk.App) awscdk.Stack) []string {
	t.Helper()
	ctx := *shippedContext(t)
	ctx["@aws-cdk/core:annotationsInValidationReport"] = false
	app := newTestApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir()), Context: &ctx})
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	stack := build(app)
	ann := assertions.Annotations_FromStack(stack)
	var found []string
	for _, m := range *ann.FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))) {
		found = append(found, *m.Id+": "+strings.SplitN(fmt.Sprint(m.Entry.Data), ".", 2)[0])
	}
	sort.Strings(found)
	return found
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
// pack with no unsuppressed error, in a known account and in none (the
// CDK asset bucket's name then holds <AWS::AccountId>, which the granular
// findings of IAM5 show as such).
func TestNagAwsSolutions(t *testing.T) {
	for _, env := range []string{"dev", "prod"} {
		for name, account := range map[string]string{"known-account": *testEnv.Account, "no-account": ""} {
			t.Run(env+"/"+name, func(t *testing.T) {
				require.Empty(t, nagErrors(t, envStackFor(t, env, account)))
			})
		}
	}
}

// TestNagCatchesErrors proves the harness sees errors: a bare bucket fails
// S1 (no access logs) and S10 (no TLS-only policy).
func TestNagCatchesErrors(t *testing.T) {
	found := nagErrors(t, func(app awscdk.App) awscdk.Stack {
		stack := awscdk.NewStack(app, jsii.String("Bare"), &awscdk.StackProps{Env: testEnv})
		awss3.NewBucket(stack, jsii.String("Plain"), nil)
		return stack
	})
	require.Contains(t, strings.Join(found, "\n"), "AwsSolutions-S1")
	require.Contains(t, strings.Join(found, "\n"), "AwsSolutions-S10")
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
