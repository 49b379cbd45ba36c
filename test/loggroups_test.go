package test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// fakeLogs is an in-memory CloudWatch Logs with the commands the log group
// handler sends, installed as the @aws-sdk/client-cloudwatch-logs module
// the Lambda runtime provides. globalThis.logs.groups maps a name to its
// retention (null: never expire); globalThis.logs.deny makes a command fail
// as IAM would.
const fakeLogs = `
class Cmd { constructor(input) { this.input = input; } }
for (const n of ['CreateLogGroupCommand', 'PutRetentionPolicyCommand', 'DeleteLogGroupCommand'])
  exports[n] = Object.defineProperty(class extends Cmd {}, 'name', { value: n });
const fail = (name) => Object.assign(new Error(name), { name });
exports.CloudWatchLogsClient = class {
  async send(cmd) {
    const s = globalThis.logs, name = cmd.input.logGroupName;
    if (s.deny === cmd.constructor.name) throw fail('AccessDeniedException');
    switch (cmd.constructor.name) {
      case 'CreateLogGroupCommand':
        if (name in s.groups) throw fail('ResourceAlreadyExistsException');
        s.groups[name] = null; return {};
      case 'PutRetentionPolicyCommand':
        if (!(name in s.groups)) throw fail('ResourceNotFoundException');
        s.groups[name] = cmd.input.retentionInDays; return {};
      case 'DeleteLogGroupCommand':
        if (!(name in s.groups)) throw fail('ResourceNotFoundException');
        delete s.groups[name]; return {};
    }
  }
};
`

// logGroupsHarness sends each event of the plan to the handler, with the
// fake's state before it, and prints each response and the state after.
const logGroupsHarness = `
const http = require('http');
const fs = require('fs');
const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
console.log = (...a) => process.stderr.write(a.join(' ') + '\n');
const handler = require(plan.handler).handler;
const responses = [];
const server = http.createServer((req, res) => {
  let body = ''; req.on('data', (c) => body += c); req.on('end', () => { responses.push(JSON.parse(body)); res.end(); });
});
server.listen(0, '127.0.0.1', async () => {
  const url = 'http://127.0.0.1:' + server.address().port + '/';
  const out = [];
  for (const step of plan.steps) {
    globalThis.logs = { groups: step.groups, deny: step.deny };
    await handler(Object.assign({ ResponseURL: url, StackId: 's', RequestId: 'r', LogicalResourceId: 'L' }, step.event));
    out.push({ response: responses[responses.length - 1], groups: globalThis.logs.groups });
  }
  server.close();
  process.stdout.write(JSON.stringify(out));
});
`

// TestOwnedLogGroups (pitfall destroy-blocked) runs the handler that owns
// the log groups AWS services create by themselves, from the dev template,
// against a fake CloudWatch Logs: a group that already exists (a stack
// deployed before, or the service was first) is adopted, not an error;
// retention is set; the group is deleted with a throw-away stack and kept
// otherwise; a delete never fails the stack's.
func TestOwnedLogGroups(t *testing.T) {
	tmpl := envStack(t, "dev").template
	crs := resourcesOf(tmpl, "Custom::StaticSiteLogGroup")
	require.Len(t, crs, 2, "API execution logs and the auto-delete handler's")
	var id string
	for k := range crs {
		id = k
	}
	dir := t.TempDir()
	module := filepath.Join(dir, "node_modules", "@aws-sdk", "client-cloudwatch-logs")
	require.NoError(t, os.MkdirAll(module, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(module, "index.js"), []byte(fakeLogs), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.js"), []byte(handlerCode(t, tmpl, id)), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "harness.js"), []byte(logGroupsHarness), 0o644))

	const name = "API-Gateway-Execution-Logs_a1b2c3/dev"
	props := func(days int, remove string) map[string]any {
		return map[string]any{"LogGroupName": name, "RetentionInDays": days, "RemoveOnDelete": remove}
	}
	none := map[string]any{}
	existing := map[string]any{name: nil, "other": 3}
	steps := []map[string]any{
		{"event": map[string]any{"RequestType": "Create", "ResourceProperties": props(7, "true")}, "groups": none},
		{"event": map[string]any{"RequestType": "Create", "ResourceProperties": props(7, "true")}, "groups": existing},
		{"event": map[string]any{"RequestType": "Update", "PhysicalResourceId": name, "ResourceProperties": props(30, "true")}, "groups": map[string]any{name: 7}},
		{"event": map[string]any{"RequestType": "Delete", "PhysicalResourceId": name, "ResourceProperties": props(7, "true")}, "groups": existing},
		{"event": map[string]any{"RequestType": "Delete", "PhysicalResourceId": name, "ResourceProperties": props(7, "false")}, "groups": existing},
		{"event": map[string]any{"RequestType": "Delete", "PhysicalResourceId": name, "ResourceProperties": props(7, "true")}, "groups": none},
		{"event": map[string]any{"RequestType": "Delete", "PhysicalResourceId": name, "ResourceProperties": props(7, "true")}, "groups": existing, "deny": "DeleteLogGroupCommand"},
		{"event": map[string]any{"RequestType": "Create", "ResourceProperties": props(7, "true")}, "groups": none, "deny": "CreateLogGroupCommand"},
	}
	plan, err := json.Marshal(map[string]any{"handler": filepath.Join(dir, "index.js"), "steps": steps})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "plan.json"), plan, 0o644))
	out, err := exec.Command("node", filepath.Join(dir, "harness.js"), filepath.Join(dir, "plan.json")).Output()
	require.NoError(t, err, "node: %s", exitStderr(err))
	var got []struct {
		Response struct {
			Status             string
			PhysicalResourceId string
		}
		Groups map[string]any
	}
	require.NoError(t, json.Unmarshal(out, &got))
	require.Len(t, got, len(steps))
	status := func(i int) string { return got[i].Response.Status }

	require.Equal(t, "SUCCESS", status(0))
	require.Equal(t, map[string]any{name: 7.0}, got[0].Groups, "created with its retention")
	require.Equal(t, name, got[0].Response.PhysicalResourceId)
	require.Equal(t, "SUCCESS", status(1), "a group the service made first is adopted")
	require.Equal(t, map[string]any{name: 7.0, "other": 3.0}, got[1].Groups)
	require.Equal(t, map[string]any{name: 30.0}, got[2].Groups, "retention follows the config")
	require.Equal(t, map[string]any{"other": 3.0}, got[3].Groups, "deleted with a throw-away stack")
	require.Equal(t, map[string]any{name: nil, "other": 3.0}, got[4].Groups, "kept with a retained stack")
	require.Equal(t, "SUCCESS", status(5), "already gone")
	require.Equal(t, "SUCCESS", status(6), "a failed delete must not stop the stack's")
	require.Equal(t, "FAILED", status(7), "a group that cannot be made fails the deploy")
}
