package live

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/one-origin/staticsitewithapi/internal/live/fakeaws"

	"github.com/stretchr/testify/require"
)

// policyDoc is an IAM policy; Action and Resource may be a string or a list.
type policyDoc struct {
	Version   string
	Statement []struct {
		Effect   string
		Action   json.RawMessage
		Resource json.RawMessage
	}
}

func stringOrList(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var list []string
	require.NoError(t, json.Unmarshal(raw, &list), "neither a string nor a list: %s", raw)
	return list
}

// iamMatch matches an IAM pattern (* any run of characters, ? one) to s.
func iamMatch(pattern, s string) bool {
	re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(pattern)) + "$"
	return regexp.MustCompile(re).MatchString(s)
}

// allows reports whether the policy allows action on resource.
func (p policyDoc) allows(t *testing.T, action, resource string) bool {
	for _, st := range p.Statement {
		if st.Effect != "Allow" {
			continue
		}
		actionOK, resourceOK := false, false
		for _, a := range stringOrList(t, st.Action) {
			actionOK = actionOK || iamMatch(strings.ToLower(a), strings.ToLower(action))
		}
		for _, r := range stringOrList(t, st.Resource) {
			resourceOK = resourceOK || iamMatch(r, resource)
		}
		if actionOK && resourceOK {
			return true
		}
	}
	return false
}

// The policy in docs/live-check.md is the file docs/live-check-policy.json,
// and it allows every call the reader makes on the resources it reads.
func TestDocumentedPolicy(t *testing.T) {
	md, err := os.ReadFile(filepath.Join("..", "..", "docs", "live-check.md"))
	require.NoError(t, err)
	file, err := os.ReadFile(filepath.Join("..", "..", "docs", "live-check-policy.json"))
	require.NoError(t, err)

	blocks := regexp.MustCompile("(?s)```json\n(.*?)```").FindAllSubmatch(md, -1)
	require.Len(t, blocks, 1, "docs/live-check.md should have exactly one JSON block, the policy")
	require.Equal(t, strings.TrimSpace(string(file)), strings.TrimSpace(string(blocks[0][1])),
		"the policy in docs/live-check.md differs from docs/live-check-policy.json")

	var p policyDoc
	require.NoError(t, json.Unmarshal(file, &p))
	require.Equal(t, "2012-10-17", p.Version)

	// Every action the code may call, on the resources it calls it on.
	region := "ap-southeast-2"
	resources := map[string][]string{
		actApiGatewayGet: {
			apiARN(region, "/restapis/xp91hjk4qh"),
			apiARN(region, "/restapis/xp91hjk4qh/resources"),
			apiARN(region, "/restapis/xp91hjk4qh/resources/k2r7pw/methods/OPTIONS"),
			apiARN(region, "/restapis/xp91hjk4qh/stages"),
			apiARN(region, "/restapis/xp91hjk4qh/gatewayresponses"),
		},
	}
	for _, action := range Actions() {
		arns := resources[action]
		if arns == nil {
			arns = []string{"arn:aws:cloudfront::123456789012:distribution/E2FIELDNOTE0QZ"}
		}
		for _, arn := range arns {
			require.True(t, p.allows(t, action, arn), "the policy does not allow %s on %s", action, arn)
		}
		require.Contains(t, string(md), action, "docs/live-check.md does not name %s", action)
	}
	// Every request the fakes accept needs one of Actions.
	for _, r := range fakeaws.Routes {
		require.Contains(t, Actions(), r.Action, "route %s", r.Path)
	}
	// And the policy only reads, and only what the reader calls: it is the
	// minimal one.
	for _, st := range p.Statement {
		for _, a := range stringOrList(t, st.Action) {
			require.Regexp(t, `^(cloudfront:(Get|List|Describe)[A-Za-z]+|apigateway:GET)$`, a)
			require.Contains(t, Actions(), a, "the policy grants %s, which the reader never calls", a)
		}
	}
}
