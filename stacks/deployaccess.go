package stacks

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"
)

// DeployAccessConfig is cdk.json's "deployAccess": what lets GitHub Actions
// deploy the site stacks with OIDC, without long-lived keys.
type DeployAccessConfig struct {
	// Repository is the GitHub repository allowed to deploy, "owner/name".
	// Required.
	Repository string `json:"repository"`
	// Environments maps each app environment the workflow deploys to the
	// GitHub environment its job runs in ("prod": "production"). Only a
	// job in that GitHub environment of Repository can assume the
	// environment's role; restrict the GitHub environment to the main
	// branch and give it required reviewers in the repository's settings.
	// Required.
	Environments map[string]string `json:"environments"`
	// OidcProviderArn is the account's existing GitHub OIDC provider
	// (arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com);
	// an account has at most one per URL. Default: the stack creates it.
	OidcProviderArn string `json:"oidcProviderArn,omitempty"`
	// CdkQualifier is the qualifier of the accounts' CDK bootstrap
	// (cdk bootstrap --qualifier). Default: "hnb659fds", the CDK's.
	CdkQualifier string `json:"cdkQualifier,omitempty"`
}

// GitHub's OIDC issuer and the audience configure-aws-credentials asks
// for.
const (
	githubIssuerHost = "token.actions.githubusercontent.com"
	githubAudience   = "sts.amazonaws.com"
	defaultQualifier = "hnb659fds"
)

var (
	repoPattern      = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)
	qualifierPattern = regexp.MustCompile(`^[a-z0-9]{1,10}$`)
	providerArn      = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:oidc-provider/token\.actions\.githubusercontent\.com$`)
)

// validate checks the config against the app's environments.
func (d *DeployAccessConfig) validate(cfg *AppConfig) error {
	var errs []string
	if !repoPattern.MatchString(d.Repository) {
		errs = append(errs, fmt.Sprintf("repository %q must be \"owner/name\"", d.Repository))
	}
	if len(d.Environments) == 0 {
		errs = append(errs, `environments is empty: map each app environment the workflow deploys to its GitHub environment, e.g. {"prod": "production"}`)
	}
	for _, env := range slices.Sorted(maps.Keys(d.Environments)) {
		if _, ok := cfg.Environments[env]; !ok {
			errs = append(errs, fmt.Sprintf("environments: %q is not an environment of the app (known: %s)", env, strings.Join(cfg.Names(), ", ")))
		}
		if gh := d.Environments[env]; gh == "" || strings.ContainsAny(gh, "\"*:") {
			errs = append(errs, fmt.Sprintf("environments: %s maps to %q, which is not a GitHub environment name", env, gh))
		}
	}
	if d.OidcProviderArn != "" && !providerArn.MatchString(d.OidcProviderArn) {
		errs = append(errs, fmt.Sprintf("oidcProviderArn %q is not a GitHub OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/%s)", d.OidcProviderArn, githubIssuerHost))
	}
	if d.CdkQualifier != "" && !qualifierPattern.MatchString(d.CdkQualifier) {
		errs = append(errs, fmt.Sprintf("cdkQualifier %q is not a CDK bootstrap qualifier (up to 10 lower-case letters and digits)", d.CdkQualifier))
	}
	if len(errs) > 0 {
		return fmt.Errorf("context %q: deployAccess: %s", ContextKey, strings.Join(errs, "; "))
	}
	return nil
}

// DeployAccessStackName names the deploy-access stack of an account:
// <StackPrefix>-DeployAccess, with "-<account>" when the environment names
// one.
func (c *AppConfig) DeployAccessStackName(e EnvConfig) string {
	name := c.StackPrefix + "-DeployAccess"
	if e.Account != "" {
		name += "-" + e.Account
	}
	return name
}

// AddDeployAccessStacks adds, when cfg.DeployAccess is set, one stack per
// account of the environments it names: GitHub's OIDC provider (unless
// given) and, per environment, a role that only a job of the repository
// running in the environment's GitHub environment can assume, and that
// can do nothing but assume the CDK bootstrap roles of the environment's
// account and region (deploy, file publishing, lookup). CloudFormation
// deploys with the bootstrap's own execution role, so the workflow's role
// holds no other permission. Only the environments among names get a
// role (all of them when names is empty). The stacks are returned by name.
func AddDeployAccessStacks(app awscdk.App, cfg *AppConfig, names []string) (map[string]awscdk.Stack, error) {
	d := cfg.DeployAccess
	if d == nil {
		return nil, nil
	}
	if err := d.validate(cfg); err != nil {
		return nil, err
	}
	qualifier := d.CdkQualifier
	if qualifier == "" {
		qualifier = defaultQualifier
	}
	stacks := map[string]awscdk.Stack{}
	providers := map[string]*string{}
	for _, env := range slices.Sorted(maps.Keys(d.Environments)) {
		if len(names) > 0 && !slices.Contains(names, env) {
			continue
		}
		ec := cfg.Environments[env]
		name := cfg.DeployAccessStackName(ec)
		stack := stacks[name]
		if stack == nil {
			stack = awscdk.NewStack(app, &name, &awscdk.StackProps{
				Env:         ec.Env(),
				Description: jsii.String("GitHub Actions OIDC deploy roles for " + d.Repository + ": each can only assume the CDK bootstrap roles of its environment"),
			})
			stacks[name] = stack
			if d.OidcProviderArn != "" {
				providers[name] = &d.OidcProviderArn
			} else {
				p := awsiam.NewOidcProviderNative(stack, jsii.String("GitHubOidc"), &awsiam.OidcProviderNativeProps{
					Url:           jsii.String("https://" + githubIssuerHost),
					ClientIds:     jsii.Strings(githubAudience),
					RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
				})
				providers[name] = p.OidcProviderArn()
			}
		}
		region := *ec.Env().Region
		role := awsiam.NewRole(stack, jsii.String("Deploy-"+env), &awsiam.RoleProps{
			Description: jsii.String(fmt.Sprintf("GitHub Actions deploys %s from %s (GitHub environment %s)", env, d.Repository, d.Environments[env])),
			AssumedBy: awsiam.NewWebIdentityPrincipal(providers[name], &map[string]any{
				"StringEquals": map[string]any{
					githubIssuerHost + ":aud": githubAudience,
					githubIssuerHost + ":sub": "repo:" + d.Repository + ":environment:" + d.Environments[env],
				},
			}),
			MaxSessionDuration: awscdk.Duration_Hours(jsii.Number(1)),
		})
		var arns []*string
		for _, kind := range []string{"deploy", "file-publishing", "lookup"} {
			arns = append(arns, awscdk.Fn_Sub(jsii.String(
				"arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-"+qualifier+"-"+kind+"-role-${AWS::AccountId}-"+region), nil))
		}
		role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("AssumeCdkBootstrapRoles"),
			Actions:   jsii.Strings("sts:AssumeRole", "sts:TagSession"),
			Resources: &arns,
		}))
		awscdk.NewCfnOutput(stack, jsii.String("DeployRoleArn"+exportSafe(env)), &awscdk.CfnOutputProps{
			Value:       role.RoleArn(),
			Description: jsii.String("AWS_DEPLOY_ROLE_ARN of the GitHub environment " + d.Environments[env]),
		})
	}
	return stacks, nil
}

// exportSafe turns an environment name into letters and digits for an
// output's logical ID.
func exportSafe(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}
