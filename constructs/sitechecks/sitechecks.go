package sitechecks

import (
	"errors"
	"fmt"
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

	// IntegrationTimeoutSeconds is the longest time API Gateway may take to
	// answer; an API origin whose read timeout is shorter gets the
	// origin-timeout warning.
	// Default: 29, or the largest TimeoutInMillis of the API's integrations.
	IntegrationTimeoutSeconds *float64
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
	if t := o.IntegrationTimeoutSeconds; t != nil {
		if *t <= 0 {
			errs = append(errs, fmt.Errorf("IntegrationTimeoutSeconds %v must be above 0; leave it nil for 29 s", *t))
		}
		cfg.integrationTimeout = *t
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
		msg := fmt.Sprintf("[%s] %s: %s Fix: %s", f.rule, displayPath(cand.path), f.text, f.fix)
		if f.level == Error {
			awscdk.Annotations_Of(cand.r).AddError(&msg)
		} else {
			awscdk.Annotations_Of(cand.r).AddWarningV2(jsii.String(WarningIdPrefix+f.rule), &msg)
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
		typ := *r.CfnResourceType()
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
func request(c candidate) map[string]any {
	entry := map[string]any{"id": c.r.LogicalId()}
	if c.typ == typeBucket {
		return entry
	}
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
