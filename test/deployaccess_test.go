package test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/stacks"
)

// deployAccess builds the deploy-access stacks of cfg and returns their
// templates by stack name.
func deployAccess(t *testing.T, app awscdk.App, cfg *stacks.AppConfig, names ...string) map[string]obj {
	t.Helper()
	built, err := stacks.AddDeployAccessStacks(app, cfg, names)
	require.NoError(t, err)
	out := map[string]obj{}
	for name, st := range built {
		out[name] = toMap(t, assertions.Template_FromStack(st, nil))
	}
	return out
}

// TestDeployAccessRoles: the shipped deployAccess gives GitHub Actions one
// role per environment that only a job of the repository in that GitHub
// environment can assume (audience sts.amazonaws.com), and that can only
// assume the CDK bootstrap roles of its account and region.
func TestDeployAccessRoles(t *testing.T) {
	cfg := appConfig(t)
	require.NotNil(t, cfg.DeployAccess, "cdk.json ships deployAccess")
	tmpls := deployAccess(t, newTestApp(nil), cfg)
	require.Len(t, tmpls, 1, "dev and prod share the (unnamed) account: one stack, one provider")
	tmpl := tmpls["StaticSite-DeployAccess"]
	require.NotNil(t, tmpl)

	providers := resourcesOf(tmpl, "AWS::IAM::OIDCProvider")
	require.Len(t, providers, 1)
	for id, p := range providers {
		require.Equal(t, "https://token.actions.githubusercontent.com", p["Url"])
		require.Equal(t, []any{"sts.amazonaws.com"}, p["ClientIdList"])
		require.Equal(t, "Retain", tmpl["Resources"].(obj)[id].(obj)["DeletionPolicy"], "other stacks of the account may trust it")
	}

	subs := map[string]bool{}
	for _, r := range resourcesOf(tmpl, "AWS::IAM::Role") {
		stmts := asMap(r["AssumeRolePolicyDocument"])["Statement"].([]any)
		require.Len(t, stmts, 1)
		st := stmts[0].(obj)
		require.Equal(t, "sts:AssumeRoleWithWebIdentity", st["Action"])
		eq := asMap(asMap(st["Condition"])["StringEquals"])
		require.Equal(t, "sts.amazonaws.com", eq["token.actions.githubusercontent.com:aud"])
		require.Len(t, asMap(st["Condition"]), 1, "StringEquals only: no wildcard (StringLike) subjects")
		subs[eq["token.actions.githubusercontent.com:sub"].(string)] = true
		require.Equal(t, 3600.0, r["MaxSessionDuration"])
		require.Nil(t, r["ManagedPolicyArns"], "no managed policies")
	}
	require.Equal(t, map[string]bool{
		"repo:one-origin/staticsitewithapi:environment:dev":        true,
		"repo:one-origin/staticsitewithapi:environment:production": true,
	}, subs)

	policies := resourcesOf(tmpl, "AWS::IAM::Policy")
	require.Len(t, policies, 2)
	for _, p := range policies {
		stmts := asMap(p["PolicyDocument"])["Statement"].([]any)
		require.Len(t, stmts, 1)
		st := stmts[0].(obj)
		require.Equal(t, []any{"sts:AssumeRole", "sts:TagSession"}, st["Action"])
		var res []string
		for _, r := range st["Resource"].([]any) {
			res = append(res, joined(asMap(r)["Fn::Sub"]))
		}
		require.Equal(t, []string{
			"arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-deploy-role-${AWS::AccountId}-ap-southeast-2",
			"arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-file-publishing-role-${AWS::AccountId}-ap-southeast-2",
			"arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-lookup-role-${AWS::AccountId}-ap-southeast-2",
		}, res, "the CDK bootstrap roles and nothing else")
		require.NotContains(t, jsonString(st), `"*"`)
	}
	require.Contains(t, jsonString(tmpl["Outputs"]), "DeployRoleArndev")
	require.Contains(t, jsonString(tmpl["Outputs"]), "DeployRoleArnprod")

	require.Empty(t, nagErrors(t, t.TempDir(), func(app awscdk.App) awscdk.Stack {
		built, err := stacks.AddDeployAccessStacks(app, appConfig(t), nil)
		require.NoError(t, err)
		return built["StaticSite-DeployAccess"]
	}))
}

// TestDeployAccessAcrossAccounts: environments in two accounts get a stack
// each; an existing provider is trusted instead of created; -c envs
// selects the roles.
func TestDeployAccessAcrossAccounts(t *testing.T) {
	cfg := appConfig(t)
	dev, prod := cfg.Environments["dev"], cfg.Environments["prod"]
	dev.Account, prod.Account = "111111111111", "222222222222"
	cfg.Environments["dev"], cfg.Environments["prod"] = dev, prod
	da := *cfg.DeployAccess
	da.OidcProviderArn = "arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com"
	da.CdkQualifier = "shop"
	cfg.DeployAccess = &da

	tmpls := deployAccess(t, newTestApp(nil), cfg)
	require.Len(t, tmpls, 2)
	for name, tmpl := range tmpls {
		require.Empty(t, resourcesOf(tmpl, "AWS::IAM::OIDCProvider"), name)
		require.Contains(t, jsonString(tmpl), da.OidcProviderArn, name)
		require.Contains(t, jsonString(tmpl), "cdk-shop-deploy-role-", name)
	}
	require.Contains(t, tmpls, "StaticSite-DeployAccess-111111111111")
	require.Contains(t, tmpls, "StaticSite-DeployAccess-222222222222")

	only := deployAccess(t, newTestApp(nil), cfg, "dev")
	require.Len(t, only, 1)
	require.Contains(t, only, "StaticSite-DeployAccess-111111111111")
}

func TestDeployAccessConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		da   stacks.DeployAccessConfig
		want string
	}{
		{stacks.DeployAccessConfig{Repository: "staticsitewithapi", Environments: map[string]string{"dev": "dev"}}, `repository "staticsitewithapi" must be "owner/name"`},
		{stacks.DeployAccessConfig{Repository: "o/r"}, "environments is empty"},
		{stacks.DeployAccessConfig{Repository: "o/r", Environments: map[string]string{"staging": "staging"}}, `"staging" is not an environment of the app (known: dev, prod)`},
		{stacks.DeployAccessConfig{Repository: "o/r", Environments: map[string]string{"prod": "*"}}, `prod maps to "*", which is not a GitHub environment name`},
		{stacks.DeployAccessConfig{Repository: "o/r", Environments: map[string]string{"dev": "dev"}, OidcProviderArn: "arn:aws:iam::123:oidc-provider/x"}, "is not a GitHub OIDC provider ARN"},
		{stacks.DeployAccessConfig{Repository: "o/r", Environments: map[string]string{"dev": "dev"}, CdkQualifier: "Not-Valid"}, `cdkQualifier "Not-Valid"`},
	} {
		cfg := appConfig(t)
		cfg.DeployAccess = &tc.da
		app := newTestApp(nil)
		_, err := stacks.AddDeployAccessStacks(app, cfg, nil)
		require.ErrorContains(t, err, tc.want)
		require.True(t, strings.HasPrefix(err.Error(), `context "staticsite": deployAccess: `), err.Error())
		require.Empty(t, *app.Node().Children(), "refused before any stack exists")
	}
}
