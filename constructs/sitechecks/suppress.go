package sitechecks

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/one-origin/staticsitewithapi/constructs/sitechecks/engine"
	"github.com/one-origin/staticsitewithapi/pitfalls"
)

// SuppressionMetadataType is the construct metadata type under which
// Suppress records a suppression. It appears, with the rule and the reason,
// in the cloud assembly, so every suppression stays visible to reviewers.
const SuppressionMetadataType = "sitechecks:suppress"

// Suppress turns rule off for scope and every construct below it, for the
// reason given. Suppress the resource the finding names (an L2 construct
// such as a Distribution covers its L1), not more.
//
// A suppression without a reason, or of an unknown rule, is not recorded:
// it is reported as an error on scope, starting with "[suppression]".
func Suppress(scope constructs.IConstruct, rule pitfalls.ID, reason string) {
	path := *scope.Node().Path()
	switch {
	case !engine.KnownRule(rule):
		awscdk.Annotations_Of(scope).AddError(jsii.String(fmt.Sprintf(
			"[suppression] %s: sitechecks.Suppress names the unknown rule %q, so nothing is suppressed. Fix: use one of %s.",
			path, rule, strings.Join(engine.RuleIds(), ", "))))
	case strings.TrimSpace(reason) == "":
		awscdk.Annotations_Of(scope).AddError(jsii.String(fmt.Sprintf(
			"[suppression] %s: sitechecks.Suppress of %q has no reason, so it is ignored. Fix: say why %s does not apply here, e.g. sitechecks.Suppress(x, %q, \"read-only API, GET and HEAD only\").",
			path, rule, rule, rule)))
	default:
		scope.Node().AddMetadata(jsii.String(SuppressionMetadataType), map[string]any{"rule": string(rule), "reason": reason}, nil)
	}
}

// isSuppressed looks for a suppression of rule on node and its ancestors.
func isSuppressed(node constructs.IConstruct, rule pitfalls.ID) bool {
	for n := node; n != nil; n = n.Node().Scope() {
		for _, e := range *n.Node().Metadata() {
			if e == nil || e.Type == nil || *e.Type != SuppressionMetadataType {
				continue
			}
			data, _ := e.Data.(map[string]any)
			reason, _ := data["reason"].(string)
			if data["rule"] == string(rule) && strings.TrimSpace(reason) != "" {
				return true
			}
		}
	}
	return false
}
