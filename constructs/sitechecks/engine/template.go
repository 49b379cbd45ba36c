package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/one-origin/staticsitewithapi/pitfalls"
)

// Finding is one pitfall found by Analyze or CheckTemplate.
type Finding struct {
	// Rule is the pitfall ID, such as "edge-methods".
	Rule pitfalls.ID
	// Level says how bad it is.
	Level Level
	// LogicalId is the template resource the finding is about.
	LogicalId string
	// Message is the text the aspect reports: "[rule] path: problem Fix: fix".
	Message string
	// Problem and Fix are the two sentences of Message.
	Problem, Fix string
}

// CheckTemplate runs the checks on a CloudFormation template (JSON): the
// final template of a cloud assembly, after every aspect and property
// override, or one written by hand or by another tool. Intrinsic functions
// are evaluated as far as the template alone allows.
//
// Findings come in a stable order: by logical ID, then rule. Resources are
// named by their aws:cdk:path metadata when the template has it.
func CheckTemplate(template []byte, cfg Config) ([]Finding, error) {
	var doc struct {
		Resources map[string]struct {
			Type       string
			Properties map[string]any
			Metadata   map[string]any
		}
	}
	if err := json.Unmarshal(template, &doc); err != nil {
		return nil, fmt.Errorf("not a CloudFormation JSON template: %w", err)
	}
	var list []Resource
	for _, id := range sortedKeys(doc.Resources) {
		r := doc.Resources[id]
		path, _ := r.Metadata["aws:cdk:path"].(string)
		if path == "" {
			path = id
		}
		list = append(list, Resource{LogicalId: id, Type: r.Type, Path: path, Properties: r.Properties})
	}
	out, err := Analyze(list, cfg)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b Finding) int {
		if a.LogicalId != b.LogicalId {
			return strings.Compare(a.LogicalId, b.LogicalId)
		}
		return strings.Compare(string(a.Rule), string(b.Rule))
	})
	return out, nil
}

// Resource is one CloudFormation resource to analyze.
type Resource struct {
	// LogicalId is its logical ID, which the findings name.
	LogicalId string
	// Type is its CloudFormation type, such as "AWS::CloudFront::Distribution".
	Type string
	// Path names it in messages: a construct path, or the logical ID.
	Path string
	// Properties are its properties, as in a template (any key case).
	Properties any
}

// Relevant reports whether the analysis reads resources of type typ;
// others may be left out of Analyze.
func Relevant(typ string) bool { return relevantTypes[typ] }

// Config adjusts the analysis. The zero Config is the default.
type Config struct {
	// ApiDomainNames are host names that serve a REST API but do not
	// contain "execute-api", such as an API Gateway custom domain
	// ("api.example.com") used as a CloudFront origin.
	ApiDomainNames []string
	// IntegrationTimeout is the longest time API Gateway may take to
	// answer; zero means 29 s, or the largest TimeoutInMillis of the
	// API's integrations.
	IntegrationTimeout time.Duration
}

// Validate reports every problem with the configuration, joined, or nil:
// what Analyze and CheckTemplate would fail with.
func (c Config) Validate() error {
	_, err := c.internal()
	return err
}

func (c Config) internal() (config, error) {
	var cfg config
	var errs []error
	for _, d := range c.ApiDomainNames {
		if d == "" || strings.ContainsAny(d, "/: ") {
			errs = append(errs, fmt.Errorf("ApiDomainNames: %q is not a host name; write it like \"api.example.com\"", d))
			continue
		}
		cfg.apiDomains = append(cfg.apiDomains, strings.ToLower(d))
	}
	if c.IntegrationTimeout < 0 {
		errs = append(errs, fmt.Errorf("IntegrationTimeout %v must be above 0; leave it unset for 29 seconds", c.IntegrationTimeout))
	}
	cfg.integrationTimeout = c.IntegrationTimeout.Seconds()
	return cfg, errors.Join(errs...)
}

// Analyze runs every rule on the resources of one stack or template and
// returns the findings, in the order the rules find them.
func Analyze(resources []Resource, cfg Config) ([]Finding, error) {
	c, err := cfg.internal()
	if err != nil {
		return nil, err
	}
	var list []*resource
	paths := map[string]string{}
	for _, r := range resources {
		if !relevantTypes[r.Type] {
			continue
		}
		props := asObj(lowerKeys(r.Properties))
		if props == nil {
			props = obj{}
		}
		paths[r.LogicalId] = r.Path
		list = append(list, &resource{id: r.LogicalId, typ: r.Type, path: r.Path, props: props})
	}
	var out []Finding
	for _, f := range analyze(list, c) {
		out = append(out, Finding{Rule: f.rule, Level: f.level, LogicalId: f.target, Message: f.message(paths[f.target]), Problem: f.text, Fix: f.fix})
	}
	return out, nil
}

// ResolvedProperties reads the properties out of what the CDK aspect
// resolves for an L1 resource: {"id": ..., "props": ...}, or a tree
// inspector's attributes. ok is false without a logical ID.
func ResolvedProperties(v any) (logicalId string, props any, ok bool) {
	m := asObj(lowerKeys(v))
	id, ok := asString(m["id"])
	if !ok {
		return "", nil, false
	}
	p := asObj(m["props"])
	if p == nil {
		p = asObj(get(m, "inspector", "attributes", "aws:cdk:cloudformation:props"))
	}
	return id, p, true
}

// message is how a finding reads wherever it is reported.
func (f finding) message(path string) string {
	return fmt.Sprintf("[%s] %s: %s Fix: %s", f.rule, displayPath(path), f.text, f.fix)
}
