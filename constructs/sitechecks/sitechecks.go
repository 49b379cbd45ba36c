package sitechecks

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
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

func (o *Options) config() (config, error) {
	var cfg config
	if o == nil {
		return cfg, nil
	}
	var errs []error
	if o.ApiDomainNames != nil {
		for _, d := range *o.ApiDomainNames {
			switch {
			case d == nil || *d == "" || strings.ContainsAny(*d, "/: "):
				errs = append(errs, fmt.Errorf("ApiDomainNames: %q is not a host name; write it like \"api.example.com\"", deref(d)))
			default:
				cfg.apiDomains = append(cfg.apiDomains, strings.ToLower(*d))
			}
		}
	}
	if t := o.IntegrationTimeout; t != nil {
		switch {
		case *t.IsUnresolved():
			errs = append(errs, errors.New("IntegrationTimeout must be a literal duration, not a token: the checks compare it at synth"))
		case *t.ToMilliseconds(nil) <= 0:
			errs = append(errs, fmt.Errorf("IntegrationTimeout %s must be above 0; leave it nil for 29 seconds", *t.ToHumanString()))
		default:
			cfg.integrationTimeout = *t.ToMilliseconds(nil) / 1000
		}
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
	cfg  config
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
	resources := resolveAll(st, cands)
	byId := map[string]candidate{}
	for i, r := range resources {
		if r != nil {
			byId[r.id] = cands[i]
		}
	}
	var list []*resource
	for _, r := range resources {
		if r != nil {
			list = append(list, r)
		}
	}
	for _, f := range analyze(list, c.cfg) {
		cand, ok := byId[f.target]
		if !ok || isSuppressed(cand.r, f.rule) {
			continue
		}
		msg := f.message(cand.path)
		if f.level == LevelError {
			awscdk.Annotations_Of(cand.r).AddError(&msg)
		} else {
			awscdk.Annotations_Of(cand.r).AddWarningV2(jsii.String(WarningIdPrefix+string(f.rule)), &msg)
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
		if !relevantTypes[typ] {
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
	"*awscloudfront.jsiiProxy_CfnDistribution":          typeDistribution,
	"*awscloudfront.jsiiProxy_CfnCachePolicy":           typeCachePolicy,
	"*awscloudfront.jsiiProxy_CfnOriginRequestPolicy":   typeRequestPolicy,
	"*awscloudfront.jsiiProxy_CfnResponseHeadersPolicy": typeHeadersPolicy,
	"*awsapigateway.jsiiProxy_CfnRestApi":               typeRestApi,
	"*awsapigateway.jsiiProxy_CfnResource":              typeApiResource,
	"*awsapigateway.jsiiProxy_CfnMethod":                typeMethod,
	"*awsapigateway.jsiiProxy_CfnStage":                 typeStage,
	"*awsapigateway.jsiiProxy_CfnDeployment":            typeDeployment,
	"*awsapigateway.jsiiProxy_CfnGatewayResponse":       typeGatewayResponse,
	"*awss3.jsiiProxy_CfnBucket":                        typeBucket,
	"*awscloudfront.jsiiProxy_CfnFunction":              typeFunction,
	"*awsapigateway.jsiiProxy_CfnApiKey":                typeApiKey,
	"*awsapigateway.jsiiProxy_CfnAccount":               typeAccount,
	"*awswafv2.jsiiProxy_CfnWebACLAssociation":          typeWebAclAssoc,
	"*awssecretsmanager.jsiiProxy_CfnRotationSchedule":  typeRotation,
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
// one, leaving out those that cannot be resolved.
func resolveAll(st awscdk.Stack, cands []candidate) []*resource {
	reqs := make([]any, len(cands))
	for i, c := range cands {
		reqs[i] = request(c)
	}
	out := make([]*resource, len(cands))
	if all, ok := tryResolve(st, reqs); ok {
		if list, isList := all.([]any); isList && len(list) == len(cands) {
			for i, v := range list {
				out[i] = toResource(cands[i], v)
			}
			return out
		}
	}
	for i := range cands {
		if v, ok := tryResolve(st, reqs[i]); ok {
			out[i] = toResource(cands[i], v)
		}
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

func toResource(c candidate, v any) *resource {
	m := asObj(lowerKeys(v))
	id, ok := asString(m["id"])
	if !ok {
		return nil
	}
	props := asObj(m["props"])
	if props == nil {
		props = asObj(get(m, "inspector", "attributes", "aws:cdk:cloudformation:props"))
	}
	if props == nil {
		props = obj{}
	}
	return &resource{id: id, typ: c.typ, path: c.path, props: props}
}
