package sitechecks

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/one-origin/staticsitewithapi/pitfalls"
)

// Finding is one pitfall found by CheckTemplate.
type Finding struct {
	// Rule is the pitfall ID, such as "edge-methods".
	Rule pitfalls.ID
	// Level says how bad it is.
	Level Level
	// LogicalId is the template resource the finding is about.
	LogicalId string
	// Message is the text the aspect reports: "[rule] path: problem Fix: fix".
	Message string
}

// CheckTemplate runs the same checks as the aspect on a CloudFormation
// template (JSON): the final template of a cloud assembly, after every
// aspect and property override, or one written by hand or by another
// tool. It needs no jsii. Intrinsic functions are evaluated as far as the
// template alone allows. Suppress records suppressions in the construct
// tree, which a template does not carry, so none apply here.
//
// Findings come in a stable order: by logical ID, then rule. Resources are
// named by their aws:cdk:path metadata when the template has it.
func CheckTemplate(template []byte, opts *Options) ([]Finding, error) {
	cfg, err := opts.config()
	if err != nil {
		return nil, fmt.Errorf("sitechecks.CheckTemplate: %w", err)
	}
	var doc struct {
		Resources map[string]struct {
			Type       string
			Properties map[string]any
			Metadata   map[string]any
		}
	}
	if err := json.Unmarshal(template, &doc); err != nil {
		return nil, fmt.Errorf("sitechecks.CheckTemplate: not a CloudFormation JSON template: %w", err)
	}
	var list []*resource
	paths := map[string]string{}
	for _, id := range sortedKeys(doc.Resources) {
		r := doc.Resources[id]
		if !relevantTypes[r.Type] {
			continue
		}
		path, _ := r.Metadata["aws:cdk:path"].(string)
		if path == "" {
			path = id
		}
		paths[id] = path
		list = append(list, &resource{id: id, typ: r.Type, path: path, props: asObj(lowerKeys(r.Properties))})
	}
	var out []Finding
	for _, f := range analyze(list, cfg) {
		out = append(out, Finding{Rule: f.rule, Level: f.level, LogicalId: f.target, Message: f.message(paths[f.target])})
	}
	slices.SortStableFunc(out, func(a, b Finding) int {
		if a.LogicalId != b.LogicalId {
			return strings.Compare(a.LogicalId, b.LogicalId)
		}
		return strings.Compare(string(a.Rule), string(b.Rule))
	})
	return out, nil
}

// message is how a finding reads wherever it is reported.
func (f finding) message(path string) string {
	return fmt.Sprintf("[%s] %s: %s Fix: %s", f.rule, displayPath(path), f.text, f.fix)
}
