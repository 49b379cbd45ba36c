package workflows_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"github.com/stretchr/testify/require"
)

// workflowsDir is the repository's .github/workflows, from this package.
var workflowsDir = filepath.Join("..", "..", ".github", "workflows")

// newLinter returns an actionlint linter that answers the same on every
// machine. actionlint runs shellcheck and pyflakes on `run:` scripts when
// it is given their paths; they are left empty, so that a machine without
// them (this repository's CI installs neither) is not an error and one with
// them does not lint differently. Action inputs are checked against the
// metadata built into actionlint, so nothing is fetched.
func newLinter(t *testing.T) *actionlint.Linter {
	t.Helper()
	l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{
		Shellcheck: "",
		Pyflakes:   "",
		Color:      actionlint.ColorOptionKindNever,
	})
	require.NoError(t, err)
	return l
}

// lint runs actionlint on src as if it were the file at path. A path that
// does not exist (the snippets below) lints without a project, so no
// .github/actionlint.yaml is read.
func lint(t *testing.T, path string, src []byte) []*actionlint.Error {
	t.Helper()
	errs, err := newLinter(t).Lint(path, src, nil)
	require.NoError(t, err)
	return errs
}

// workflowFiles returns every workflow file of the repository.
func workflowFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{"*.yml", "*.yaml"} {
		m, err := filepath.Glob(filepath.Join(workflowsDir, pattern))
		require.NoError(t, err)
		files = append(files, m...)
	}
	slices.Sort(files)
	for _, want := range []string{"ci.yml", "deploy.yml"} {
		require.Contains(t, files, filepath.Join(workflowsDir, want))
	}
	return files
}

func readWorkflow(t *testing.T, name string) []byte {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(workflowsDir, name))
	require.NoError(t, err)
	return src
}

// parse reads a workflow with actionlint's own parser, which is what
// GitHub's syntax is checked against above.
func parse(t *testing.T, src []byte) *actionlint.Workflow {
	t.Helper()
	wf, errs := actionlint.Parse(src)
	require.Empty(t, errs, "the workflow does not parse")
	require.NotNil(t, wf)
	return wf
}

func TestWorkflowsPassActionlint(t *testing.T) {
	for _, path := range workflowFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			require.NoError(t, err)
			errs := lint(t, path, src)
			require.Empty(t, errs, "actionlint:\n%s", formatErrors(errs))
		})
	}
}

// TestActionlintCatchesBrokenWorkflows proves that the lint above can
// fail: each snippet has one mistake, and actionlint must report it as an
// error of the expected kind (the name of the actionlint rule).
func TestActionlintCatchesBrokenWorkflows(t *testing.T) {
	tests := []struct {
		name     string
		kind     string
		workflow string
	}{
		{
			name: "unknown action input",
			kind: "action",
			workflow: `
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version-fil: go.mod
`,
		},
		{
			name: "required action input missing",
			kind: "action",
			workflow: `
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: ${{ vars.AWS_DEPLOY_ROLE_ARN }}
`,
		},
		{
			name: "expression syntax",
			kind: "expression",
			workflow: `
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ github.ref == }}"
`,
		},
		{
			name: "unknown context property",
			kind: "expression",
			workflow: `
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ github.branch_name }}"
`,
		},
		{
			name: "missing runs-on",
			kind: "syntax-check",
			workflow: `
on: push
jobs:
  build:
    steps:
      - run: echo hello
`,
		},
		{
			// GitHub does not give steps' if conditions the secrets
			// context: the step would never run.
			name: "secrets where they are not available",
			kind: "expression",
			workflow: `
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - if: secrets.AWS_DEPLOY_ROLE_ARN != ''
        run: echo deploy
`,
		},
		{
			name: "needs an unknown job",
			kind: "job-needs",
			workflow: `
on: push
jobs:
  prod:
    needs: dev
    runs-on: ubuntu-latest
    steps:
      - run: echo prod
`,
		},
		{
			name: "needs in a cycle",
			kind: "job-needs",
			workflow: `
on: push
jobs:
  dev:
    needs: prod
    runs-on: ubuntu-latest
    steps:
      - run: echo dev
  prod:
    needs: dev
    runs-on: ubuntu-latest
    steps:
      - run: echo prod
`,
		},
		{
			// id_token instead of id-token: the OIDC token would never be
			// granted.
			name: "unknown permission scope",
			kind: "permissions",
			workflow: `
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    permissions:
      id_token: write
    steps:
      - run: echo deploy
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join("broken", strings.ReplaceAll(tt.name, " ", "-")+".yml")
			errs := lint(t, path, []byte(tt.workflow))
			require.NotEmpty(t, errs, "actionlint found nothing wrong")
			t.Logf("actionlint:\n%s", formatErrors(errs))
			kinds := make([]string, len(errs))
			for i, e := range errs {
				kinds[i] = e.Kind
			}
			require.Contains(t, kinds, tt.kind, "actionlint:\n%s", formatErrors(errs))
		})
	}
}

func TestDeployWorkflowStructure(t *testing.T) {
	src := readWorkflow(t, "deploy.yml")
	wf := parse(t, src)
	require.Empty(t, deployProblems(wf))
}

func TestCIWorkflowStructure(t *testing.T) {
	src := readWorkflow(t, "ci.yml")
	wf := parse(t, src)
	require.Empty(t, ciProblems(wf))
}

func TestNoWorkflowHasBroadCredentials(t *testing.T) {
	for _, path := range workflowFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Empty(t, credentialProblems(parse(t, src), src))
		})
	}
}

// TestStructureChecksFail proves that the structure checks can fail: each
// case breaks one thing in a real workflow file, which must be reported.
// A case whose text is no longer in the file fails too, to be updated with
// the workflow.
func TestStructureChecksFail(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		old, new string
		want     string
	}{
		{"prod does not wait for dev", "deploy.yml", "    needs: dev\n", "", "needs dev"},
		{"prod without the approval gate", "deploy.yml", "environment: production", "environment: dev", `environment "production"`},
		{"dev without OIDC", "deploy.yml", "permissions:\n      id-token: write", "permissions:\n      id-token: none", "id-token: write"},
		{"role from a secret", "deploy.yml", "role-to-assume: ${{ vars.AWS_DEPLOY_ROLE_ARN }}", "role-to-assume: ${{ secrets.DEPLOY_ROLE }}", "vars.AWS_DEPLOY_ROLE_ARN"},
		{"long-lived keys", "deploy.yml", "role-to-assume: ${{ vars.AWS_DEPLOY_ROLE_ARN }}", "aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}", "AWS_ACCESS_KEY_ID"},
		{"account stack skipped", "deploy.yml", "deploy StaticSite-prod --require-approval", "deploy StaticSite-prod --exclusively --require-approval", "--exclusively"},
		{"no smoke check", "deploy.yml", "go run ./cmd/smoke -outputs cdk-outputs-dev.json -stack StaticSite-dev", "echo done", "smoke"},
		{"overlapping deploys", "deploy.yml", "group: deploy-production", "group: deploy-dev", "concurrency"},
		{"write-all", "ci.yml", "permissions:\n  contents: read\n", "permissions: write-all\n", "write-all"},
		{"CI skips .ci/run", "ci.yml", "run: bash .ci/run", "run: go test ./...", "bash .ci/run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := string(readWorkflow(t, tt.file))
			require.True(t, strings.Contains(src, tt.old), "%q is no longer in %s: update the case with the workflow", tt.old, tt.file)
			broken := []byte(strings.Replace(src, tt.old, tt.new, 1))
			wf := parse(t, broken)
			problems := credentialProblems(wf, broken)
			if tt.file == "deploy.yml" {
				problems = append(problems, deployProblems(wf)...)
			} else {
				problems = append(problems, ciProblems(wf)...)
			}
			require.NotEmpty(t, problems)
			t.Logf("problems:\n%s", strings.Join(problems, "\n"))
			require.Contains(t, strings.Join(problems, "\n"), tt.want)
		})
	}
}

// deployStacks maps each deploy job to its GitHub environment and the CDK
// stack it deploys.
var deployStacks = []struct{ job, environment, stack string }{
	{"dev", "dev", "StaticSite-dev"},
	{"prod", "production", "StaticSite-prod"},
}

// deployProblems returns what is wrong with the deploy workflow, nothing
// when it is as a reviewer expects.
func deployProblems(wf *actionlint.Workflow) []string {
	var p []string
	if !hasEvent(wf, "push") || !hasEvent(wf, "workflow_dispatch") {
		p = append(p, "deploy must run on push (to main) and workflow_dispatch")
	}
	groups := map[string]string{}
	for _, d := range deployStacks {
		job := wf.Jobs[d.job]
		if job == nil {
			p = append(p, fmt.Sprintf("no job %q", d.job))
			continue
		}
		if job.Environment == nil || job.Environment.Name == nil || job.Environment.Name.Value != d.environment {
			p = append(p, fmt.Sprintf("job %s must run in the GitHub environment %q", d.job, d.environment))
		}
		if scope(job.Permissions, "id-token") != "write" {
			p = append(p, fmt.Sprintf("job %s needs permissions id-token: write (OIDC)", d.job))
		}
		p = append(p, writeScopes(d.job, job.Permissions, "id-token")...)

		if job.Concurrency == nil || job.Concurrency.Group == nil || job.Concurrency.Group.Value == "" {
			p = append(p, fmt.Sprintf("job %s needs a concurrency group", d.job))
		} else {
			g := job.Concurrency.Group.Value
			if other, ok := groups[g]; ok {
				p = append(p, fmt.Sprintf("jobs %s and %s share the concurrency group %q: one environment's deploy would wait for the other's", other, d.job, g))
			}
			groups[g] = d.job
			if c := job.Concurrency.CancelInProgress; c != nil && (c.Value || c.Expression != nil) {
				p = append(p, fmt.Sprintf("job %s must not cancel a deploy in progress", d.job))
			}
		}

		creds := steps(job, "aws-actions/configure-aws-credentials@")
		if len(creds) != 1 {
			p = append(p, fmt.Sprintf("job %s needs one aws-actions/configure-aws-credentials step", d.job))
		} else if in := creds[0].Inputs["role-to-assume"]; in == nil || in.Value == nil || in.Value.Value != "${{ vars.AWS_DEPLOY_ROLE_ARN }}" {
			p = append(p, fmt.Sprintf("job %s must assume the environment's role ${{ vars.AWS_DEPLOY_ROLE_ARN }}", d.job))
		}

		outputs := "cdk-outputs-" + d.job + ".json"
		deploy := runIndex(job, "aws-cdk@2 deploy "+d.stack+" ")
		smoke := runIndex(job, "go run ./cmd/smoke -outputs "+outputs+" -stack "+d.stack)
		switch {
		case deploy < 0:
			p = append(p, fmt.Sprintf("job %s must run cdk deploy %s", d.job, d.stack))
		case smoke < deploy:
			p = append(p, fmt.Sprintf("job %s must run the smoke check of %s after deploying it", d.job, d.stack))
		default:
			cmd := run(job.Steps[deploy])
			if !strings.Contains(cmd, "--outputs-file "+outputs) {
				p = append(p, fmt.Sprintf("job %s must write %s, which the smoke check reads", d.job, outputs))
			}
			// --exclusively would skip the account stack the site stack
			// depends on.
			if strings.Contains(cmd, "--exclusively") || regexp.MustCompile(`\s-e(\s|$)`).MatchString(cmd) {
				p = append(p, fmt.Sprintf("job %s: cdk deploy --exclusively skips the account stack %s depends on", d.job, d.stack))
			}
		}
	}
	if prod := wf.Jobs["prod"]; prod != nil && !slices.ContainsFunc(prod.Needs, func(s *actionlint.String) bool { return s.Value == "dev" }) {
		p = append(p, "job prod must have needs dev: prod deploys only what dev checked")
	}
	return p
}

// ciProblems returns what is wrong with the CI workflow.
func ciProblems(wf *actionlint.Workflow) []string {
	var p []string
	if !hasEvent(wf, "push") || !hasEvent(wf, "pull_request") {
		p = append(p, "ci must run on push and pull_request")
	}
	p = append(p, writeScopes("workflow", wf.Permissions)...)
	found := false
	for _, job := range wf.Jobs {
		p = append(p, writeScopes(job.ID.Value, job.Permissions)...)
		if i := runIndex(job, "bash .ci/run"); i >= 0 && run(job.Steps[i]) == "bash .ci/run" {
			found = true
			for _, s := range steps(job, "actions/setup-node@") {
				if in := s.Inputs["node-version"]; in == nil || in.Value == nil || in.Value.Value != "22" {
					p = append(p, "ci must use Node 22 (Node 20 needs JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION)")
				}
			}
			for _, s := range steps(job, "actions/setup-go@") {
				if in := s.Inputs["go-version-file"]; in == nil || in.Value == nil || in.Value.Value != "go.mod" {
					p = append(p, "ci must take Go's version from go.mod")
				}
			}
		}
	}
	if !found {
		p = append(p, "ci must run bash .ci/run")
	}
	return p
}

// longLivedKey finds a long-lived AWS key taken from secrets, in any
// spelling an expression accepts (they are case-insensitive).
var longLivedKey = regexp.MustCompile(`(?i)secrets\s*(\.\s*|\[\s*['"])AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY)`)

// credentialProblems returns what gives a workflow more than it needs:
// write-all, no workflow-level permissions (then the repository's default,
// possibly write, applies), or long-lived AWS keys.
func credentialProblems(wf *actionlint.Workflow, src []byte) []string {
	var p []string
	if wf.Permissions == nil {
		p = append(p, "the workflow must set permissions (least privilege), else the repository's default applies")
	} else if all := wf.Permissions.All; all != nil && all.Value == "write-all" {
		p = append(p, "the workflow has permissions: write-all")
	}
	for id, job := range wf.Jobs {
		if job.Permissions != nil && job.Permissions.All != nil && job.Permissions.All.Value == "write-all" {
			p = append(p, fmt.Sprintf("job %s has permissions: write-all", id))
		}
		for _, s := range steps(job, "aws-actions/configure-aws-credentials@") {
			for _, key := range []string{"aws-access-key-id", "aws-secret-access-key"} {
				if s.Inputs[key] != nil {
					p = append(p, fmt.Sprintf("job %s gives configure-aws-credentials %s: use OIDC and role-to-assume", id, key))
				}
			}
		}
	}
	for _, m := range longLivedKey.FindAll(src, -1) {
		p = append(p, fmt.Sprintf("the workflow uses %s: use OIDC and role-to-assume", m))
	}
	return p
}

// writeScopes reports every scope of perms granted write, but the allowed.
func writeScopes(where string, perms *actionlint.Permissions, allowed ...string) []string {
	if perms == nil {
		return nil
	}
	var p []string
	if perms.All != nil && perms.All.Value != "read-all" && perms.All.Value != "{}" {
		p = append(p, fmt.Sprintf("%s: permissions %s", where, perms.All.Value))
	}
	for name, s := range perms.Scopes {
		if s.Value != nil && s.Value.Value == "write" && !slices.Contains(allowed, name) {
			p = append(p, fmt.Sprintf("%s: permissions %s: write is more than it needs", where, name))
		}
	}
	return p
}

func scope(perms *actionlint.Permissions, name string) string {
	if perms == nil || perms.Scopes[name] == nil || perms.Scopes[name].Value == nil {
		return ""
	}
	return perms.Scopes[name].Value.Value
}

func hasEvent(wf *actionlint.Workflow, name string) bool {
	return slices.ContainsFunc(wf.On, func(e actionlint.Event) bool { return e.EventName() == name })
}

// steps returns the job's steps that use an action whose reference starts
// with prefix.
func steps(job *actionlint.Job, prefix string) []*actionlint.ExecAction {
	var out []*actionlint.ExecAction
	for _, s := range job.Steps {
		if a, ok := s.Exec.(*actionlint.ExecAction); ok && a.Uses != nil && strings.HasPrefix(a.Uses.Value, prefix) {
			out = append(out, a)
		}
	}
	return out
}

// run returns a run step's script, "" for a step that uses an action.
func run(s *actionlint.Step) string {
	if r, ok := s.Exec.(*actionlint.ExecRun); ok && r.Run != nil {
		return strings.TrimSpace(r.Run.Value)
	}
	return ""
}

// runIndex returns the index of the first run step whose script contains
// cmd, or -1.
func runIndex(job *actionlint.Job, cmd string) int {
	return slices.IndexFunc(job.Steps, func(s *actionlint.Step) bool { return strings.Contains(run(s), cmd) })
}

func formatErrors(errs []*actionlint.Error) string {
	lines := make([]string, len(errs))
	for i, e := range errs {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}
