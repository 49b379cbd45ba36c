package sitechecks

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/one-origin/staticsitewithapi/constructs/sitechecks/engine"
)

// Options configures the checks. Every field is optional; nil Options check
// with the defaults.
type Options struct {
	// ApiDomainNames are host names that serve a REST API but do not contain
	// "execute-api", such as an API Gateway custom domain
	// ("api.example.com") used as a CloudFront origin. Behaviors with such an
	// origin are checked as API behaviors, except for the stage in the origin
	// path (a custom domain's base path mapping picks the stage).
	// Default: none; only execute-api domains and RestApis of the stack count.
	ApiDomainNames *[]*string

	// IntegrationTimeout is the longest time API Gateway may take to
	// answer; an API origin whose read timeout is shorter gets the
	// origin-timeout warning.
	// Default: 29 seconds, or the largest TimeoutInMillis of the API's
	// integrations.
	IntegrationTimeout awscdk.Duration
}

func (o *Options) config() (engine.Config, error) {
	var cfg engine.Config
	if o == nil {
		return cfg, nil
	}
	var errs []error
	if o.ApiDomainNames != nil {
		for _, d := range *o.ApiDomainNames {
			cfg.ApiDomainNames = append(cfg.ApiDomainNames, deref(d))
		}
	}
	if t := o.IntegrationTimeout; t != nil {
		if *t.IsUnresolved() {
			errs = append(errs, errors.New("IntegrationTimeout must be a literal duration, not a token: the checks compare it at synth"))
		} else if ms := *t.ToMilliseconds(nil); ms <= 0 {
			errs = append(errs, fmt.Errorf("IntegrationTimeout %s must be above 0; leave it nil for 29 seconds", *t.ToHumanString()))
		} else {
			cfg.IntegrationTimeout = time.Duration(ms) * time.Millisecond
		}
	}
	// The engine validates the domain names.
	if err := cfg.Validate(); err != nil {
		errs = append([]error{err}, errs...)
	}
	return cfg, errors.Join(errs...)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Checks is the aspect. Create it with New and add it with
// awscdk.Aspects_Of(scope).Add.
type Checks struct {
	cfg  engine.Config
	done map[awscdk.Stack]bool
}

// New returns the checks as an aspect. Invalid options panic with an error
// that names each problem.
func New(opts *Options) *Checks {
	cfg, err := opts.config()
	if err != nil {
		panic(fmt.Errorf("sitechecks.New: %w", err))
	}
	return &Checks{cfg: cfg, done: map[awscdk.Stack]bool{}}
}

// MarkerId is the ID of the childless construct that AddTo adds to a
// stack.
const MarkerId = "SiteChecks"

// AddTo checks each of stacks with a single visit. Added to an app with
// Aspects_Of, an aspect is called for every construct, and each call
// crosses from aws-cdk-lib into Go; AddTo instead adds it to one childless
// MarkerId ("SiteChecks") construct per stack, which checks that whole
// stack. The findings are the same. Call it after the stack's constructs
// are added.
//
// AddTo is idempotent: a stack that already has the marker, from this
// Checks or another, is left as it is, so each finding is reported once.
func (c *Checks) AddTo(stacks ...awscdk.Stack) {
	for _, st := range stacks {
		if st.Node().TryFindChild(jsii.String(MarkerId)) != nil {
			continue
		}
		marker := constructs.NewConstruct(st, jsii.String(MarkerId))
		awscdk.Aspects_Of(marker).Add(&stackVisit{c}, nil)
	}
}

// stackVisit checks the stack of whatever it visits.
type stackVisit struct{ c *Checks }

// Visit implements awscdk.IAspect.
func (v *stackVisit) Visit(node constructs.IConstruct) { v.c.checkStack(awscdk.Stack_Of(node)) }

// Visit implements awscdk.IAspect. A stack is checked as a whole when the
// aspect reaches it; when the aspect was added below a stack, the first
// distribution or REST API it reaches checks that stack.
func (c *Checks) Visit(node constructs.IConstruct) {
	switch n := node.(type) {
	case awscdk.Stack:
		c.checkStack(n)
	case awscloudfront.CfnDistribution, awsapigateway.CfnRestApi:
		c.checkStack(awscdk.Stack_Of(n))
	}
}

// candidate is an L1 resource the analysis reads.
type candidate struct {
	r    awscdk.CfnResource
	typ  string
	path string
}

func (c *Checks) checkStack(st awscdk.Stack) {
	if c.done[st] {
		return
	}
	c.done[st] = true
	defer func() {
		// A bug in the checks must not stop the user's synth; it says so instead.
		if e := recover(); e != nil {
			awscdk.Annotations_Of(st).AddWarningV2(jsii.String(WarningIdPrefix+"internal"),
				jsii.String(fmt.Sprintf("[sitechecks] %s: the checks could not analyze this stack: %v", *st.Node().Path(), e)))
		}
	}()

	cands := collect(st)
	var list []engine.Resource
	byId := map[string]candidate{}
	for i, v := range resolveAll(st, cands) {
		if id, props, ok := engine.ResolvedProperties(v); ok {
			byId[id] = cands[i]
			list = append(list, engine.Resource{LogicalId: id, Type: cands[i].typ, Path: cands[i].path, Properties: props})
		}
	}
	found, err := engine.Analyze(list, c.cfg)
	if err != nil {
		panic(err) // New validated the configuration
	}
	for _, f := range found {
		cand, ok := byId[f.LogicalId]
		if !ok || isSuppressed(cand.r, f.Rule) {
			continue
		}
		msg := f.Message
		if f.Level == LevelError {
			awscdk.Annotations_Of(cand.r).AddError(&msg)
		} else {
			awscdk.Annotations_Of(cand.r).AddWarningV2(jsii.String(WarningIdPrefix+string(f.Rule)), &msg)
		}
	}
}

// collect finds the stack's L1 resources of the relevant types, leaving out
// nested stacks (the aspect checks those on its own).
func collect(st awscdk.Stack) []candidate {
	var nested []string
	var cands []candidate
	for i, n := range *st.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		if i == 0 {
			continue // the stack itself
		}
		if _, ok := n.(awscdk.Stack); ok {
			nested = append(nested, *n.Node().Path()+"/")
			continue
		}
		r, ok := n.(awscdk.CfnResource)
		if !ok {
			continue
		}
		typ, known := l1Type(n)
		if !known {
			typ = *r.CfnResourceType()
		}
		if !engine.Relevant(typ) {
			continue
		}
		path := *r.Node().Path()
		inNested := false
		for _, p := range nested {
			inNested = inNested || strings.HasPrefix(path, p)
		}
		if !inNested {
			cands = append(cands, candidate{r: r, typ: typ, path: path})
		}
	}
	return cands
}

// request returns what to resolve for one candidate: its logical ID and its
// properties. L1 classes hand their properties to a TreeInspector, which is
// resolved on the JavaScript side as a whole; reading them into Go first
// would turn their lazy values into opaque references.
// l1Types are the generated L1 classes the analysis reads, by the Go type
// of their jsii proxy.
var l1Types = map[string]string{
	"*awscloudfront.jsiiProxy_CfnDistribution":          "AWS::CloudFront::Distribution",
	"*awscloudfront.jsiiProxy_CfnCachePolicy":           "AWS::CloudFront::CachePolicy",
	"*awscloudfront.jsiiProxy_CfnOriginRequestPolicy":   "AWS::CloudFront::OriginRequestPolicy",
	"*awscloudfront.jsiiProxy_CfnResponseHeadersPolicy": "AWS::CloudFront::ResponseHeadersPolicy",
	"*awsapigateway.jsiiProxy_CfnRestApi":               "AWS::ApiGateway::RestApi",
	"*awsapigateway.jsiiProxy_CfnResource":              "AWS::ApiGateway::Resource",
	"*awsapigateway.jsiiProxy_CfnMethod":                "AWS::ApiGateway::Method",
	"*awsapigateway.jsiiProxy_CfnStage":                 "AWS::ApiGateway::Stage",
	"*awsapigateway.jsiiProxy_CfnDeployment":            "AWS::ApiGateway::Deployment",
	"*awsapigateway.jsiiProxy_CfnGatewayResponse":       "AWS::ApiGateway::GatewayResponse",
	"*awss3.jsiiProxy_CfnBucket":                        "AWS::S3::Bucket",
	"*awscloudfront.jsiiProxy_CfnFunction":              "AWS::CloudFront::Function",
	"*awsapigateway.jsiiProxy_CfnApiKey":                "AWS::ApiGateway::ApiKey",
	"*awsapigateway.jsiiProxy_CfnAccount":               "AWS::ApiGateway::Account",
	"*awswafv2.jsiiProxy_CfnWebACLAssociation":          "AWS::WAFv2::WebACLAssociation",
	"*awssecretsmanager.jsiiProxy_CfnRotationSchedule":  "AWS::SecretsManager::RotationSchedule",
}

// l1Type names a resource's CloudFormation type without asking aws-cdk-lib
// (a stack has dozens of L1s, and each question is a round trip): from the
// Go type of a generated L1's proxy. known is false for a raw CfnResource
// or a Go subclass, whose type must be read.
func l1Type(n any) (typ string, known bool) {
	name := reflect.TypeOf(n).String()
	if typ, ok := l1Types[name]; ok {
		return typ, true
	}
	generated := strings.Contains(name, ".jsiiProxy_Cfn") && name != "*awscdk.jsiiProxy_CfnResource"
	return "", generated
}

func request(c candidate) map[string]any {
	entry := map[string]any{"id": c.r.LogicalId()}
	if in, ok := c.r.(awscdk.IInspectable); ok {
		ti := awscdk.NewTreeInspector()
		in.Inspect(ti)
		entry["inspector"] = ti
	} else {
		entry["props"] = c.r.CfnProperties()
	}
	return entry
}

// resolveAll resolves every candidate in one call; if that fails, one by
// one, leaving nil for those that cannot be resolved.
func resolveAll(st awscdk.Stack, cands []candidate) []any {
	reqs := make([]any, len(cands))
	for i, c := range cands {
		reqs[i] = request(c)
	}
	if all, ok := tryResolve(st, reqs); ok {
		if list, isList := all.([]any); isList && len(list) == len(cands) {
			return list
		}
	}
	out := make([]any, len(cands))
	for i := range cands {
		out[i], _ = tryResolve(st, reqs[i])
	}
	return out
}

func tryResolve(st awscdk.Stack, v any) (res any, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return st.Resolve(v), true
}
