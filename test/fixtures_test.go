// Package test holds black-box tests of the construct, the stacks and the
// app: template assertions per pitfall ID, validation, snapshots, and the
// CloudFront Function run in Node.
package test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/constructs/staticsite"
	"github.com/one-origin/staticsitewithapi/internal/jsiitest"
	"github.com/one-origin/staticsitewithapi/stacks"
)

// testEnv pins account and region so templates are the same on any machine.
var testEnv = &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("ap-southeast-2")}

// fixture is one synthesized template and what it was built to do.
type fixture struct {
	name     string
	prefix   string   // API prefix the template should route
	origins  []string // CORS origins it should allow; nil means same-origin only
	http     bool     // HTTP backend instead of Lambda
	outdir   string   // cloud assembly folder, where kept
	template map[string]any
	// accounts is how many AWS::ApiGateway::Account the template may hold:
	// 1 where the site sets the account's role itself, 0 where the app's
	// account stack does.
	accounts int
	// destroyable fixtures are removed with their stack (dev): nothing may
	// be retained or left behind.
	destroyable bool
	// children are the app's top-level constructs before synth
	// (appChildren), where a test needs them.
	children []string
}

var fixtureCache = map[string]*fixture{}

// keptDirs are cloud assembly folders that outlive the test that made them
// (fixtures are shared); TestMain removes them.
var keptDirs []string

func keptDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "staticsite-test-")
	require.NoError(t, err)
	keep(dir)
	return dir
}

// keptMu guards keptDirs, which background work appends to too.
var keptMu sync.Mutex

// keep has TestMain remove dir at the end.
func keep(dir string) {
	keptMu.Lock()
	defer keptMu.Unlock()
	keptDirs = append(keptDirs, dir)
}

func TestMain(m *testing.M) {
	flag.Parse()
	if os.Getenv(appChildEnv) == "" {
		startBackground()
	}
	jsiitest.Main(m, func() {
		keptMu.Lock()
		defer keptMu.Unlock()
		for _, d := range keptDirs {
			os.RemoveAll(d)
		}
	})
}

// background is work started with the tests and awaited by the test that
// needs it. jsii runs one Node.js per process and every call waits for it,
// so the tests keep about one core busy; this work, which needs no jsii in
// this process, uses the other one meanwhile.
type background[T any] struct {
	done chan struct{}
	val  T
	err  error
}

func inBackground[T any](work func() (T, error)) *background[T] {
	b := &background[T]{done: make(chan struct{})}
	go func() {
		defer close(b.done)
		b.val, b.err = work()
	}()
	return b
}

func (b *background[T]) get(t *testing.T) T {
	t.Helper()
	<-b.done
	require.NoError(t, b.err)
	return b.val
}

var (
	// noValidationRun is TestAppHonoursNoValidation's child process.
	noValidationRun *background[noValidationResult]
	// materialized holds each bundler build written to a folder.
	materialized *background[map[string]string]
)

func startBackground() {
	noValidationRun = inBackground(runNoValidationChild)
	materialized = inBackground(materializeBundlerBuilds)
}

// cached builds a fixture once per test binary; jsii calls are slow and
// the templates are read-only.
func cached(t *testing.T, name string, build func(t *testing.T) *fixture) *fixture {
	t.Helper()
	if f, ok := fixtureCache[name]; ok {
		return f
	}
	f := build(t)
	f.name = name
	fixtureCache[name] = f
	return f
}

func toMap(t *testing.T, tmpl assertions.Template) map[string]any {
	t.Helper()
	b, err := json.Marshal(tmpl.ToJSON())
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

// newTestApp is an App without aws-cdk-lib's template validation, for
// tests that need a template and nothing else. The engine costs several
// seconds per process and then time on every synth; the validation of
// our templates has tests of its own (TestAppSynthIsClean,
// TestConstructTemplatesValidate, TestAppValidatesTemplatesOnce), which
// use validating apps. props may be nil.
func newTestApp(props *awscdk.AppProps) awscdk.App {
	var p awscdk.AppProps
	if props != nil {
		p = *props
	}
	if p.BuiltinCloudFormationValidation == nil {
		p.BuiltinCloudFormationValidation = jsii.Bool(false)
	}
	return awscdk.NewApp(&p)
}

// siteFixture synthesizes the construct alone in a stack with fixed env.
func siteFixture(t *testing.T, props func(stack awscdk.Stack) *staticsite.StaticSiteWithApiProps) (map[string]any, *staticsite.StaticSiteWithApi) {
	t.Helper()
	app := newTestApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Test"), &awscdk.StackProps{Env: testEnv})
	site := staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), props(stack))
	return toMap(t, assertions.Template_FromStack(stack, nil)), site
}

func inlineFunction(stack awscdk.Stack) awslambda.IFunction {
	return awslambda.NewFunction(stack, jsii.String("Fn"), &awslambda.FunctionProps{
		Runtime: awslambda.Runtime_NODEJS_22_X(),
		Handler: jsii.String("index.handler"),
		Code:    awslambda.Code_FromInline(jsii.String("exports.handler = async () => ({statusCode: 200, body: '{}'})")),
	})
}

// lambdaSite is the construct with every default and a Lambda backend.
func lambdaSite(t *testing.T) *fixture {
	return cached(t, "construct-lambda", func(t *testing.T) *fixture {
		m, _ := siteFixture(t, func(stack awscdk.Stack) *staticsite.StaticSiteWithApiProps {
			return &staticsite.StaticSiteWithApiProps{Backend: staticsite.LambdaBackend(inlineFunction(stack))}
		})
		return &fixture{prefix: "/api", template: m, accounts: 1}
	})
}

// destroyableSite is the construct removed with its stack, as a throw-away
// environment sets it, with the default access logs and a frontend.
func destroyableSite(t *testing.T) *fixture {
	return cached(t, "construct-destroyable", func(t *testing.T) *fixture {
		dir, err := filepath.Abs(filepath.Join("testdata", "dist"))
		require.NoError(t, err)
		m, _ := siteFixture(t, func(stack awscdk.Stack) *staticsite.StaticSiteWithApiProps {
			return &staticsite.StaticSiteWithApiProps{
				Backend:       staticsite.LambdaBackend(inlineFunction(stack)),
				RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
				Frontend:      &staticsite.FrontendOptions{SourceDir: &dir},
			}
		})
		return &fixture{prefix: "/api", template: m, accounts: 1}
	})
}

// httpSite is the construct with an HTTP backend, a custom prefix and CORS.
func httpSite(t *testing.T) *fixture {
	return cached(t, "construct-http", func(t *testing.T) *fixture {
		m, _ := siteFixture(t, func(stack awscdk.Stack) *staticsite.StaticSiteWithApiProps {
			return &staticsite.StaticSiteWithApiProps{
				Backend:   staticsite.HttpBackend("https://backend.example.com/base"),
				ApiPrefix: jsii.String("/service/v1"),
				StageName: jsii.String("live"),
				Cors:      &staticsite.CorsOptions{AllowOrigins: jsii.Strings("https://app.example.com", "http://localhost:5173")},
			}
		})
		return &fixture{prefix: "/service/v1", origins: []string{"https://app.example.com", "http://localhost:5173"}, http: true, template: m, accounts: 1}
	})
}

// repoRoot is the module root, found from the test's working directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	require.NoError(t, err)
	root, err := stacks.ModuleRoot(wd)
	require.NoError(t, err)
	return root
}

// appConfig is the shipped cdk.json configuration.
func appConfig(t *testing.T) *stacks.AppConfig {
	t.Helper()
	cfg, err := stacks.LoadConfig(newTestApp(&awscdk.AppProps{Context: shippedContext(t)}))
	require.NoError(t, err)
	return cfg
}

// shippedContext is cdk.json's context, which the CLI passes to the app:
// the environments and the feature flags. Stacks built with it match what
// `cdk synth` writes; construct tests keep aws-cdk-lib's default flags, as
// a library user's app may.
func shippedContext(t *testing.T) *map[string]any {
	t.Helper()
	ctx, err := stacks.CdkJsonContext(filepath.Join(repoRoot(t), "cdk.json"))
	require.NoError(t, err)
	return &ctx
}

// envStack is the shipped environment's stack as the app that app.go
// builds synthesizes it (shippedApp: cdk-nag, the pitfall checks and
// template validation on, every environment in a fixed account), read
// from its cloud assembly: the template a user reviews and deploys, made
// once for every test that needs it.
func envStack(t *testing.T, env string) *fixture {
	return cached(t, "stack-"+env, func(t *testing.T) *fixture {
		out, cfg := shippedApp(t)
		ec, ok := cfg.Environments[env]
		require.True(t, ok, "cdk.json has no environment %q", env)
		raw, err := os.ReadFile(filepath.Join(out, cfg.StackPrefix+"-"+env+".template.json"))
		require.NoError(t, err)
		var tmpl obj
		require.NoError(t, json.Unmarshal(raw, &tmpl))
		return &fixture{prefix: "/api", origins: ec.CorsAllowOrigins, http: ec.BackendUrl != "",
			template: tmpl, outdir: out, destroyable: ec.DestroyOnDelete}
	})
}

// allFixtures is every template the pitfall checks must pass on.
func allFixtures(t *testing.T) []*fixture {
	return []*fixture{lambdaSite(t), httpSite(t), envStack(t, "dev"), envStack(t, "prod")}
}

// frontendSite is the construct uploading testdata/dist, a folder shaped
// like a Vite build, with its synthesized assembly kept for inspection.
func frontendSite(t *testing.T) *fixture {
	return cached(t, "construct-frontend", func(t *testing.T) *fixture {
		dir, err := filepath.Abs(filepath.Join("testdata", "dist"))
		require.NoError(t, err)
		out := keptDir(t)
		app := newTestApp(&awscdk.AppProps{Outdir: jsii.String(out)})
		stack := awscdk.NewStack(app, jsii.String("Test"), &awscdk.StackProps{Env: testEnv})
		staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
			Backend:  staticsite.LambdaBackend(inlineFunction(stack)),
			Frontend: &staticsite.FrontendOptions{SourceDir: &dir, RuntimeConfig: &map[string]interface{}{"environment": "test", "featureFlags": map[string]any{"beta": true}}},
		})
		tmpl := toMap(t, assertions.Template_FromStack(stack, nil))
		return &fixture{prefix: "/api", template: tmpl, outdir: out, accounts: 1}
	})
}
