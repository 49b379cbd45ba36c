package test

import (
	"debug/elf"
	"encoding/json"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/one-origin/staticsitewithapi/constructs/staticsite"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/stacks"
)

func TestShippedConfigHasDevAndProd(t *testing.T) {
	cfg := appConfig(t)
	require.Equal(t, []string{"dev", "prod"}, cfg.Names())
	require.Equal(t, "StaticSite", cfg.StackPrefix)
}

func TestUnknownEnvironmentListsKnownOnes(t *testing.T) {
	_, err := appConfig(t).Select([]string{"dev", "staging"})
	require.EqualError(t, err, `unknown environment "staging": known environments are dev, prod (see context.staticsite.environments in cdk.json)`)

	all, err := appConfig(t).Select(nil)
	require.NoError(t, err)
	require.Equal(t, []string{"dev", "prod"}, all)
}

func TestConfigRejectsUnknownFields(t *testing.T) {
	_, err := stacks.ParseConfig([]byte(`{"stackPrefix":"S","environments":{"dev":{"regoin":"us-east-1"}}}`))
	require.ErrorContains(t, err, `unknown field "regoin"`)
	_, err = stacks.ParseConfig([]byte(`{"environments":{"dev":{}}}`))
	require.ErrorContains(t, err, "stackPrefix is empty")
	_, err = stacks.ParseConfig([]byte(`{"stackPrefix":"S"}`))
	require.ErrorContains(t, err, "environments is empty")
}

func TestEnvDefaults(t *testing.T) {
	t.Setenv("CDK_DEFAULT_ACCOUNT", "")
	env := stacks.EnvConfig{}.Env()
	require.Equal(t, "ap-southeast-2", *env.Region)
	require.Nil(t, env.Account, "synth must not need an account")

	t.Setenv("CDK_DEFAULT_ACCOUNT", "210987654321")
	require.Equal(t, "210987654321", *stacks.EnvConfig{Region: "eu-west-1"}.Env().Account)
	require.Equal(t, "eu-west-1", *stacks.EnvConfig{Region: "eu-west-1"}.Env().Region)
	require.Equal(t, "111111111111", *stacks.EnvConfig{Account: "111111111111"}.Env().Account)
}

// Context given to the CLI (-c staticsite=...) wins over cdk.json's
// context, which the app passes as AppProps.Context; aws-cdk-lib ranks both
// -c and PostCliContext above that, and PostCliContext stands in for -c
// here (the CLI hands -c over in the jsii runtime's environment).
func TestContextOverridesCdkJson(t *testing.T) {
	app := newTestApp(&awscdk.AppProps{
		Context: shippedContext(t),
		PostCliContext: &map[string]any{
			"staticsite": map[string]any{"stackPrefix": "Mine", "environments": map[string]any{"qa": map[string]any{}}},
		},
	})
	cfg, err := stacks.LoadConfig(app)
	require.NoError(t, err)
	require.Equal(t, "Mine", cfg.StackPrefix)
	require.Equal(t, []string{"qa"}, cfg.Names())
}

func TestNoConfigSaysWhere(t *testing.T) {
	_, err := stacks.LoadConfig(newTestApp(nil))
	require.EqualError(t, err, `no "staticsite" context in the app: run it with the CDK CLI, or give it cdk.json's context (stacks.CdkJsonContext)`)
}

// TestDevDestroysAndProdRetains checks the per-environment data policy:
// dev leaves nothing behind on cdk destroy, prod keeps every bucket.
func TestDevDestroysAndProdRetains(t *testing.T) {
	dev, prod := envStack(t, "dev").template, envStack(t, "prod").template
	emptied := map[string]bool{}
	for _, cr := range resourcesOf(dev, "Custom::S3AutoDeleteObjects") {
		emptied[refTarget(cr["BucketName"])] = true
	}
	require.Len(t, resourcesOf(dev, "AWS::S3::Bucket"), 1, "the site bucket; no log bucket (destroy-blocked)")
	for id := range resourcesOf(dev, "AWS::S3::Bucket") {
		require.Equal(t, "Delete", resourceEntry(dev, id)["DeletionPolicy"], id)
		require.True(t, emptied[id], "dev empties %s on destroy", id)
	}
	for _, typ := range []string{"AWS::Logs::LogGroup", "AWS::SecretsManager::Secret"} {
		for id := range resourcesOf(dev, typ) {
			require.Equal(t, "Delete", resourceEntry(dev, id)["DeletionPolicy"], id)
		}
	}

	require.Empty(t, resourcesOf(prod, "Custom::S3AutoDeleteObjects"))
	for _, typ := range []string{"AWS::S3::Bucket", "AWS::Logs::LogGroup"} {
		for id := range resourcesOf(prod, typ) {
			require.Equal(t, "Retain", resourceEntry(prod, id)["DeletionPolicy"], id)
		}
	}
	// The origin secret only lets CloudFront into this stack's API, and a
	// rotated-out generation must go with its API key.
	for id := range resourcesOf(prod, "AWS::SecretsManager::Secret") {
		require.Equal(t, "Delete", resourceEntry(prod, id)["DeletionPolicy"], id)
	}
	site := resourceEntry(prod, siteBucketID(prod))
	require.Equal(t, `{"Status":"Enabled"}`, jsonString(site["Properties"].(obj)["VersioningConfiguration"]))
}

// TestVersionsExpire: each deploy replaces objects of the versioned prod
// bucket; their old versions, and the delete markers that expiring
// superseded files leaves, must not pile up forever.
func TestVersionsExpire(t *testing.T) {
	prod := envStack(t, "prod").template
	rules := map[string]obj{}
	for _, r := range asSlice(asMap(resource(prod, siteBucketID(prod))["LifecycleConfiguration"])["Rules"]) {
		rules[r.(obj)["Id"].(string)] = r.(obj)
	}
	require.Equal(t, `{"NoncurrentDays":30}`, jsonString(rules["expire-noncurrent-versions"]["NoncurrentVersionExpiration"]))
	require.Equal(t, true, rules["remove-expired-delete-markers"]["ExpiredObjectDeleteMarker"])
	require.Contains(t, rules, "expire-superseded-files")

	dev := envStack(t, "dev").template
	for _, r := range asSlice(asMap(resource(dev, siteBucketID(dev))["LifecycleConfiguration"])["Rules"]) {
		require.Nil(t, r.(obj)["NoncurrentVersionExpiration"], "dev is not versioned")
	}
}

func TestStackOutputsAndTags(t *testing.T) {
	for _, env := range []string{"dev", "prod"} {
		tmpl := envStack(t, env).template
		outputs := tmpl["Outputs"].(obj)
		for _, name := range []string{"SiteUrl", "DistributionId", "BucketName", "ApiExecuteUrl"} {
			require.Contains(t, outputs, name, env)
		}
		require.Contains(t, jsonString(outputs["SiteUrl"]), `"https://",{"Fn::GetAtt":[`)
		require.Contains(t, jsonString(outputs["ApiExecuteUrl"]), ".execute-api.ap-southeast-2.")
		dist, err := only(tmpl, "AWS::CloudFront::Distribution")
		require.NoError(t, err)
		require.Contains(t, jsonString(dist["Tags"]), `{"Key":"environment","Value":"`+env+`"}`)
	}
}

// TestDefaultBackendIsGoLambda checks the function and the binary the local
// bundler built for it.
func TestDefaultBackendIsGoLambda(t *testing.T) {
	fn, err := apiFunction(envStack(t, "prod").template)
	require.NoError(t, err)
	require.Equal(t, "provided.al2023", fn["Runtime"])
	require.Equal(t, []any{"arm64"}, fn["Architectures"])
	require.Equal(t, "bootstrap", fn["Handler"])
	require.Less(t, fn["Timeout"].(float64), 29.0, "the function must end before API Gateway's integration timeout")

	// Synthesize into a folder we keep, and inspect the bundled binary.
	out := t.TempDir()
	app := newTestApp(&awscdk.AppProps{Outdir: jsii.String(out), Context: shippedContext(t)})
	cfg := appConfig(t)
	_, err = stacks.NewSiteStack(app, "Bundle", &stacks.SiteStackProps{EnvName: "dev", Config: cfg.Environments["dev"], ModuleRoot: repoRoot(t)})
	require.NoError(t, err)
	app.Synth(nil)
	key := fn["Code"].(obj)["S3Key"].(string)
	bin := filepath.Join(out, "asset."+strings.TrimSuffix(key, ".zip"), "bootstrap")
	f, err := elf.Open(bin)
	require.NoError(t, err, "bundled bootstrap at %s", bin)
	defer f.Close()
	require.Equal(t, elf.EM_AARCH64, f.Machine)
	info, err := os.Stat(bin)
	require.NoError(t, err)
	require.NotZero(t, info.Mode()&0o111, "bootstrap must be executable")
}

// TestHttpBackendFromConfig switches an environment to an existing HTTP
// service without code changes.
func TestHttpBackendFromConfig(t *testing.T) {
	app := newTestApp(nil)
	ec := stacks.EnvConfig{Account: "123456789012", BackendUrl: "https://spring.internal.example.com", WebDir: jsii.String("")}
	stack, err := stacks.NewSiteStack(app, "Http", &stacks.SiteStackProps{EnvName: "qa", Config: ec, ModuleRoot: repoRoot(t)})
	require.NoError(t, err)
	tmpl := assertions.Template_FromStack(stack, nil)
	_, err = apiFunction(toMap(t, tmpl))
	require.ErrorContains(t, err, "found 0", "no Go Lambda with an HTTP backend")
	tmpl.HasResourceProperties(jsii.String("AWS::ApiGateway::Method"), map[string]any{
		"HttpMethod": "ANY",
		"Integration": map[string]any{
			"Type":                  "HTTP_PROXY",
			"IntegrationHttpMethod": "ANY",
			"Uri":                   "https://spring.internal.example.com/{proxy}",
		},
	})
	f := &fixture{prefix: "/api", http: true, template: toMap(t, tmpl)}
	for _, id := range keys(pitfallChecks) {
		require.NoError(t, pitfallChecks[id](f, f.template), id)
	}
}

// TestAppSynthIsClean synthesizes both shipped stacks in the app that
// app.go builds (cdk-nag and the pitfall checks included), and wants
// aws-cdk-lib's own template validation and the annotations free of
// warnings and errors: users see them on every synth.
func TestAppSynthIsClean(t *testing.T) {
	out, cfg := shippedApp(t)

	// A plugin with nothing to say, not even an acknowledged finding, is
	// left out of the report.
	require.Empty(t, validationReport(t, out), "validation findings in our templates")

	// The control, that the same validation does report a finding (an
	// empty stack), is TestAppValidatesTemplatesOnce: it shares this
	// app's validation engine, which takes seconds to build.

	for _, env := range cfg.Names() {
		meta, err := os.ReadFile(filepath.Join(out, cfg.StackPrefix+"-"+env+".metadata.json"))
		require.NoError(t, err)
		require.NotContains(t, string(meta), `"aws:cdk:warning"`, env)
		require.NotContains(t, string(meta), `"aws:cdk:error"`, env)
	}
}

var shippedAppDir string

// shippedApp synthesizes, once per test binary, the app that app.go builds,
// with every environment in one fixed account, and returns its cloud
// assembly folder and config.
func shippedApp(t *testing.T) (string, *stacks.AppConfig) {
	t.Helper()
	cfg := appConfig(t)
	for _, env := range cfg.Names() {
		ec := cfg.Environments[env]
		ec.Account = *testEnv.Account
		cfg.Environments[env] = ec
	}
	if shippedAppDir != "" {
		return shippedAppDir, cfg
	}
	out := keptDir(t)
	app := stacks.NewApp(&awscdk.AppProps{Outdir: jsii.String(out), Context: shippedContext(t)})
	_, err := stacks.AddSiteStacks(app, cfg, cfg.Names(), repoRoot(t))
	require.NoError(t, err)
	app.Synth(nil)
	shippedAppDir = out
	return out, cfg
}

// validationReport returns the plugin reports of a cloud assembly's
// validation-report.json, as JSON text ("" when there are none).
func validationReport(t *testing.T, outdir string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(outdir, "validation-report.json"))
	require.NoError(t, err)
	var report struct {
		PluginReports []any `json:"pluginReports"`
	}
	require.NoError(t, json.Unmarshal(raw, &report))
	if len(report.PluginReports) == 0 {
		return ""
	}
	return jsonString(report.PluginReports)
}

// TestConstructTemplatesValidate: aws-cdk-lib's own template validation
// finds nothing in the construct's templates, whatever the props: default
// with a Lambda, HTTP backend with CORS and another prefix, removed with
// its stack with a frontend, custom domain with the WAF preset. Users see
// its findings on every synth.
func TestConstructTemplatesValidate(t *testing.T) {
	out := t.TempDir()
	// The app's validation (its engine is built once per process and
	// shared with the other validating tests); cdk-nag has its own test.
	app := stacks.NewApp(&awscdk.AppProps{Outdir: jsii.String(out), Context: &map[string]any{"nag": "false"}})
	web := filepath.Join(repoRoot(t), "web")
	for name, props := range map[string]func(stack awscdk.Stack) *staticsite.StaticSiteWithApiProps{
		"Lambda": func(stack awscdk.Stack) *staticsite.StaticSiteWithApiProps {
			return &staticsite.StaticSiteWithApiProps{Backend: staticsite.LambdaBackend(inlineFunction(stack))}
		},
		"Http": func(stack awscdk.Stack) *staticsite.StaticSiteWithApiProps {
			return &staticsite.StaticSiteWithApiProps{
				Backend: staticsite.HttpBackend("https://backend.example.com/base"), ApiPrefix: jsii.String("/service/v1"),
				Cors: &staticsite.CorsOptions{AllowOrigins: jsii.Strings("http://localhost:5173")}, ApiGatewayCloudWatchRole: jsii.Bool(false),
			}
		},
		"Destroyable": func(stack awscdk.Stack) *staticsite.StaticSiteWithApiProps {
			return &staticsite.StaticSiteWithApiProps{
				Backend:     staticsite.LambdaBackend(inlineFunction(stack)),
				BucketProps: &awss3.BucketProps{RemovalPolicy: awscdk.RemovalPolicy_DESTROY, AutoDeleteObjects: jsii.Bool(true)},
				AccessLogs:  jsii.Bool(false), Frontend: &staticsite.FrontendOptions{SourceDir: &web}, ApiGatewayCloudWatchRole: jsii.Bool(false),
			}
		},
		"Domain": func(stack awscdk.Stack) *staticsite.StaticSiteWithApiProps {
			return &staticsite.StaticSiteWithApiProps{
				Backend: staticsite.LambdaBackend(inlineFunction(stack)), DomainNames: jsii.Strings("www.example.com"),
				Certificate: awscertificatemanager.Certificate_FromCertificateArn(stack, jsii.String("Cert"),
					jsii.String("arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555")),
				WafPreset: &staticsite.WafPresetOptions{},
			}
		},
	} {
		env := testEnv
		if name == "Domain" {
			env = &awscdk.Environment{Account: testEnv.Account, Region: jsii.String("us-east-1")}
		}
		stack := awscdk.NewStack(app, jsii.String(name), &awscdk.StackProps{Env: env})
		staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), props(stack))
	}
	app.Synth(nil)
	require.Empty(t, validationReport(t, out), "aws-cdk-lib's validation found something in the construct's templates")
}
