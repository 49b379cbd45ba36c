package sitechecks

import (
	"fmt"

	"github.com/one-origin/staticsitewithapi/constructs/sitechecks/engine"
	"github.com/one-origin/staticsitewithapi/pitfalls"
)

// Level is how bad a finding is: LevelError or LevelWarning.
type Level = engine.Level

// The levels, as the aspect reports them: an error with
// Annotations.AddError (`cdk deploy` refuses the stack), a warning with
// Annotations.AddWarningV2 under the id WarningIdPrefix + rule.
const (
	LevelError   = engine.LevelError
	LevelWarning = engine.LevelWarning
)

// WarningIdPrefix starts the acknowledgeable id of every warning:
// "sitechecks:api-cached" for the rule api-cached.
const WarningIdPrefix = "sitechecks:"

// Rule describes one check.
type Rule = engine.Rule

// Rules lists every rule, errors first.
func Rules() []Rule { return engine.Rules() }

// Finding is one pitfall found by CheckTemplate.
type Finding = engine.Finding

// Rule IDs, for Suppress: the IDs of the pitfalls a rule can see, from
// package pitfalls (docs/PITFALLS.md), where the catalog marks each of them
// with pitfalls.Synth.
const (
	EdgeMethods        = pitfalls.EdgeMethods
	S3Origin           = pitfalls.S3Origin
	ApiRoute           = pitfalls.ApiRoute
	HostHeader         = pitfalls.HostHeader
	PreflightAuth      = pitfalls.PreflightAuth
	ErrorMasked        = pitfalls.ErrorMasked
	ApiCached          = pitfalls.ApiCached
	HeadersDropped     = pitfalls.HeadersDropped
	EdgeOptimized      = pitfalls.EdgeOptimized
	OriginTimeout      = pitfalls.OriginTimeout
	CorsDuplicate      = pitfalls.CorsDuplicate
	SpaDeeplink        = pitfalls.SpaDeeplink
	DirectAccess       = pitfalls.DirectAccess
	CorsErrors         = pitfalls.CorsErrors
	StaleFrontend      = pitfalls.StaleFrontend
	ConfigPruned       = pitfalls.ConfigPruned
	ErrorsCached       = pitfalls.ErrorsCached
	ChunkDeleted       = pitfalls.ChunkDeleted
	SecretRotation     = pitfalls.SecretRotation
	SecretExposed      = pitfalls.SecretExposed
	ApiUncompressed    = pitfalls.ApiUncompressed
	DestroyBlocked     = pitfalls.DestroyBlocked
	AccountSingleton   = pitfalls.AccountSingleton
	WellknownRewritten = pitfalls.WellknownRewritten
)

// CheckTemplate runs the same checks as the aspect on a CloudFormation
// template (JSON): the final template of a cloud assembly, after every
// aspect and property override, or one written by hand or by another
// tool. Suppress records suppressions in the construct tree, which a
// template does not carry, so none apply here. engine.CheckTemplate does
// the same without jsii (and without this package's aws-cdk-lib import).
//
// Findings come in a stable order: by logical ID, then rule.
func CheckTemplate(template []byte, opts *Options) ([]Finding, error) {
	cfg, err := opts.config()
	if err != nil {
		return nil, fmt.Errorf("sitechecks.CheckTemplate: %w", err)
	}
	found, err := engine.CheckTemplate(template, cfg)
	if err != nil {
		return nil, fmt.Errorf("sitechecks.CheckTemplate: %w", err)
	}
	return found, nil
}
