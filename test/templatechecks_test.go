package test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/constructs/sitechecks"
	"github.com/one-origin/staticsitewithapi/pitfalls"
)

// templateFindings runs sitechecks' template front end on tmpl and returns
// the pitfall IDs it reports.
func templateFindings(t *testing.T, tmpl obj) []string {
	t.Helper()
	b, err := json.Marshal(tmpl)
	require.NoError(t, err)
	found, err := sitechecks.CheckTemplate(b, nil)
	require.NoError(t, err)
	var ids []string
	for _, f := range found {
		ids = append(ids, string(f.Rule))
	}
	return ids
}

// sitechecksRule reports whether sitechecks has a rule for the pitfall id.
func sitechecksRule(id string) bool {
	return slices.ContainsFunc(sitechecks.Rules(), func(r sitechecks.Rule) bool { return r.ID == pitfalls.ID(id) })
}

// templateBlind are the breakages sitechecks rightly does not report, with
// why: the project's own checks hold our templates to more than the
// pitfall.
var templateBlind = map[string]string{
	"cors-duplicate": "the breakage declares Access-Control-Allow-Origin in API Gateway's OPTIONS while CloudFront strips or overrides it: " +
		"against our rule that CloudFront alone owns CORS, but no response carries two values, which is what sitechecks reports",
}

// The final templates of every fixture, the shipped environments included,
// are clean for the template front end too: it sees what the aspect saw.
func TestCheckTemplateOnOurTemplates(t *testing.T) {
	for _, f := range append(allFixtures(t), frontendSite(t), destroyableSite(t)) {
		require.Empty(t, templateFindings(t, f.template), f.name)
	}
}
