package pitfalls_test

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/pitfalls"
	"github.com/one-origin/staticsitewithapi/pitfalls/internal/doc"
)

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)+$`)

// TestCatalog: 17 original pitfalls, then 10 Day-2 ones, each complete.
func TestCatalog(t *testing.T) {
	all := pitfalls.All()
	require.Len(t, all, 27)
	original := 0
	for _, p := range all {
		if !p.Day2 {
			original++
		}
	}
	require.Equal(t, 17, original, "original pitfalls")
	firstDay2 := slices.IndexFunc(all, func(p pitfalls.Pitfall) bool { return p.Day2 })
	require.False(t, slices.ContainsFunc(all[firstDay2:], func(p pitfalls.Pitfall) bool { return !p.Day2 }),
		"the Day-2 pitfalls come after the original ones")

	seen := map[pitfalls.ID]bool{}
	for _, p := range all {
		require.Regexp(t, idPattern, string(p.ID))
		require.False(t, seen[p.ID], "duplicate %s", p.ID)
		seen[p.ID] = true
		for field, text := range map[string]string{"Symptom": p.Symptom, "Cause": p.Cause, "Default": p.Default, "Fix": p.Fix} {
			require.NotEmpty(t, strings.TrimSpace(text), "%s has no %s", p.ID, field)
			require.NotContains(t, text, "\n", "%s: %s must be one line", p.ID, field)
			require.Equal(t, strings.TrimSpace(text), text, "%s: %s has surrounding space", p.ID, field)
		}
		// Fix is printed on terminals and in annotations: plain text.
		require.NotContains(t, p.Fix, "`", "%s: Fix is plain text", p.ID)
		require.NotContains(t, p.Fix, "**", "%s: Fix is plain text", p.ID)
		require.False(t, strings.HasSuffix(p.Fix, "."), "%s: Fix is a clause without a final period", p.ID)
		// Every pitfall is impossible with the defaults and has a test.
		require.True(t, p.FoundBy.Has(pitfalls.Construct|pitfalls.Test), "%s: FoundBy %s", p.ID, p.FoundBy)
	}
}

func TestLookup(t *testing.T) {
	for _, p := range pitfalls.All() {
		got, ok := pitfalls.Lookup(p.ID)
		require.True(t, ok, p.ID)
		require.Equal(t, p, got)
		require.True(t, p.ID.Known())
		require.Equal(t, p.Fix, p.ID.Fix())
		require.Equal(t, string(p.ID), p.ID.String())
	}
	for _, id := range []pitfalls.ID{"", "api-cache", "Edge-Methods", "edge-methods "} {
		_, ok := pitfalls.Lookup(id)
		require.False(t, ok, "%q", id)
		require.False(t, id.Known(), "%q", id)
		require.Empty(t, id.Fix(), "%q", id)
	}
	require.Equal(t, pitfalls.IDs()[0], pitfalls.EdgeMethods)
	require.Equal(t, pitfalls.IDs()[26], pitfalls.ClientIp)
	require.Contains(t, pitfalls.HostHeader.Fix(), string(pitfalls.SecretRotation), "host-header's fix names its other cause")
}

func TestAllIsACopy(t *testing.T) {
	all := pitfalls.All()
	all[0].Fix = "changed"
	require.NotEqual(t, "changed", pitfalls.All()[0].Fix)
	require.NotEqual(t, "changed", pitfalls.EdgeMethods.Fix())
}

func TestLayer(t *testing.T) {
	require.Equal(t, "", pitfalls.Layer(0).String())
	require.Equal(t, "construct, synth, smoke, test", (pitfalls.Test | pitfalls.Smoke | pitfalls.Synth | pitfalls.Construct).String())
	require.Equal(t, "synth, test", (pitfalls.Test | pitfalls.Synth).String())
	l := pitfalls.Construct | pitfalls.Smoke
	require.True(t, l.Has(pitfalls.Smoke))
	require.True(t, l.Has(pitfalls.Construct|pitfalls.Smoke))
	require.False(t, l.Has(pitfalls.Smoke|pitfalls.Synth))
	require.False(t, l.Has(0))

	var smoke []pitfalls.ID
	for _, p := range pitfalls.All() {
		if p.FoundBy.Has(pitfalls.Smoke) {
			smoke = append(smoke, p.ID)
		}
	}
	require.Equal(t, smoke, pitfalls.FoundBy(pitfalls.Smoke))
	require.Len(t, pitfalls.FoundBy(pitfalls.Construct), 27)
}

// idConstants reads the exported constants of type ID from the package's
// source: name -> value.
func idConstants(t *testing.T) map[string]pitfalls.ID {
	t.Helper()
	fset := token.NewFileSet()
	consts := map[string]pitfalls.ID{}
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				if typ, ok := vs.Type.(*ast.Ident); !ok || typ.Name != "ID" {
					continue
				}
				for i, n := range vs.Names {
					lit, ok := vs.Values[i].(*ast.BasicLit)
					require.True(t, ok, "%s is not a literal", n.Name)
					v, err := strconv.Unquote(lit.Value)
					require.NoError(t, err)
					if n.IsExported() {
						consts[n.Name] = pitfalls.ID(v)
					}
				}
			}
		}
	}
	return consts
}

// TestOneConstantPerPitfall: every ID of the catalog has an exported
// constant, and every constant is in the catalog.
func TestOneConstantPerPitfall(t *testing.T) {
	consts := idConstants(t)
	var values []pitfalls.ID
	for _, v := range consts {
		values = append(values, v)
	}
	ids := pitfalls.IDs()
	require.ElementsMatch(t, ids, values)
	require.Len(t, consts, len(ids))
	for _, name := range []string{"EdgeMethods", "S3Origin", "ApiRoute", "HostHeader", "AbsoluteBaseUrl", "ErrorsCached", "WellknownRewritten", "ClientIp"} {
		require.Contains(t, consts, name)
	}
}

var uuidPattern = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

func TestManagedPolicies(t *testing.T) {
	policies := pitfalls.ManagedPolicies()
	require.Len(t, policies, 20)
	ids := map[string]bool{}
	names := map[string]bool{}
	for _, p := range policies {
		require.Regexp(t, "^"+uuidPattern.String()+"$", p.ID, p.Name)
		require.False(t, ids[p.ID], "duplicate ID %s", p.ID)
		require.False(t, names[string(p.Kind)+p.Name], "duplicate name %s", p.Name)
		ids[p.ID], names[string(p.Kind)+p.Name] = true, true
		require.Regexp(t, `^awscloudfront\.(CachePolicy|OriginRequestPolicy|ResponseHeadersPolicy)_[A-Z0-9_]+$`, p.CDK)
		prefix := map[pitfalls.PolicyKind]string{pitfalls.CachePolicy: "CachePolicy_", pitfalls.OriginRequestPolicy: "OriginRequestPolicy_", pitfalls.ResponseHeadersPolicy: "ResponseHeadersPolicy_"}[p.Kind]
		require.True(t, strings.HasPrefix(p.CDK, "awscloudfront."+prefix), "%s: %s does not match kind %s", p.Name, p.CDK, p.Kind)
		name, ok := pitfalls.PolicyName(p.Kind, p.ID)
		require.True(t, ok)
		require.Equal(t, p.Name, name)
	}
	for id, want := range map[string]string{
		pitfalls.CachingDisabled:           "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
		pitfalls.CachingOptimized:          "658327ea-f89d-4fab-a63d-7e88639e58f6",
		pitfalls.AllViewerExceptHostHeader: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
		pitfalls.AllViewer:                 "216adef6-5c7f-47e4-b989-5492eafa07d3",
		pitfalls.SecurityHeadersPolicy:     "67f7725c-6f97-4210-82d7-5512b31e9d03",
	} {
		require.Equal(t, want, id)
	}
	_, ok := pitfalls.PolicyName(pitfalls.OriginRequestPolicy, pitfalls.CachingDisabled)
	require.False(t, ok, "a cache policy is not an origin request policy")
}

// TestFixesDoNotRepeatPolicyIds: a fix that names a managed policy by ID
// takes it from the constants; the check is that every UUID in a fix is one
// of them (a typo would not be).
func TestFixesDoNotRepeatPolicyIds(t *testing.T) {
	known := map[string]bool{}
	for _, p := range pitfalls.ManagedPolicies() {
		known[p.ID] = true
	}
	mentioned := 0
	for _, p := range pitfalls.All() {
		for _, m := range uuidPattern.FindAllString(p.Fix, -1) {
			require.True(t, known[m], "%s names the unknown policy %s", p.ID, m)
			mentioned++
		}
	}
	require.NotZero(t, mentioned)
}

func TestResponses(t *testing.T) {
	rs := pitfalls.Responses()
	require.NotEmpty(t, rs)
	last := -1
	for _, r := range rs {
		require.True(t, r.ID.Known(), r.ID)
		at := slices.Index(pitfalls.IDs(), r.ID)
		require.GreaterOrEqual(t, at, last, "responses follow the catalog order")
		last = at
		require.NotEmpty(t, r.Title)
		require.GreaterOrEqual(t, r.Status, 400)
		require.NotEmpty(t, r.Body)
		require.NotEmpty(t, r.Method)
	}
}

// TestDocIsGenerated: docs/PITFALLS.md is what the catalog renders.
func TestDocIsGenerated(t *testing.T) {
	want := doc.Markdown()
	got, err := os.ReadFile(filepath.Join("..", doc.Path))
	require.NoError(t, err, "run go generate ./pitfalls")
	if !bytes.Equal(want, got) {
		t.Fatalf("%s is out of date: run go generate ./pitfalls", doc.Path)
	}
}

// TestDocContents: the rendered document has a row per pitfall in the
// right table, the responses and the policies, and escapes what Markdown
// would eat.
func TestDocContents(t *testing.T) {
	md := string(doc.Markdown())
	day2At := strings.Index(md, "\n## Day 2")
	respAt := strings.Index(md, "\n## The error responses")
	polAt := strings.Index(md, "\n## Managed policy IDs")
	matrixAt := strings.Index(md, "\n## Where each pitfall is found")
	require.True(t, 0 < day2At && day2At < matrixAt && matrixAt < respAt && respAt < polAt, "sections in order")
	rows := regexp.MustCompile("(?m)^\\| `([a-z0-9-]+)` \\| (.*) \\| ([a-z, ]+) \\|$")
	found := map[pitfalls.ID]int{}
	for _, m := range rows.FindAllStringSubmatchIndex(md[:matrixAt], -1) {
		id := pitfalls.ID(md[m[2]:m[3]])
		p, ok := pitfalls.Lookup(id)
		require.True(t, ok, "row for unknown %s", id)
		require.Equal(t, p.Day2, m[0] > day2At, "%s is in the wrong table", id)
		require.Equal(t, p.FoundBy.String(), md[m[6]:m[7]], id)
		require.Equal(t, 6, strings.Count(strings.ReplaceAll(md[m[0]:m[1]], `\|`, ""), " | ")+1, "%s: six columns", id)
		found[id]++
	}
	for _, id := range pitfalls.IDs() {
		require.Equal(t, 1, found[id], "rows for %s", id)
	}
	for _, r := range pitfalls.Responses() {
		require.Contains(t, md, r.Body)
	}
	for _, p := range pitfalls.ManagedPolicies() {
		require.Contains(t, md, "| "+p.Name+" | `"+p.ID+"` |")
	}
	require.Contains(t, md, `&lt;prefix>/\*`, "s3-origin's fix shows <prefix>/* escaped")
	// Nor a file outside the repository (the project's own reference notes).
	require.NotContains(t, md, filepath.Join("..", "shared"))
}

// TestTestsNameEveryPitfall: each pitfall marked Test is named in the
// repository's tests (package test): a check keyed by its ID or constant,
// or a test whose comment says "(pitfall <id>)".
func TestTestsNameEveryPitfall(t *testing.T) {
	files, err := filepath.Glob("../test/*_test.go")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var src strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		src.Write(b)
	}
	names := map[pitfalls.ID]string{}
	for name, id := range idConstants(t) {
		names[id] = name
	}
	for _, id := range pitfalls.FoundBy(pitfalls.Test) {
		named := strings.Contains(src.String(), strconv.Quote(string(id))) || // a check keyed by ID
			strings.Contains(src.String(), "pitfalls."+names[id]) || // or by constant
			strings.Contains(src.String(), "(pitfall "+string(id)+")") // or a test documented as its test
		require.True(t, named, "no test in test/ names %s", id)
	}
}

// TestWebHintsNameKnownPitfalls: the sample app's error hints name pitfalls
// by ID; each must exist.
func TestWebHintsNameKnownPitfalls(t *testing.T) {
	src, err := os.ReadFile("../web/app.js")
	require.NoError(t, err)
	require.Empty(t, unknownHints(string(src)))
	require.Equal(t, []string{"no-such-thing"}, unknownHints("x (pitfalls error-masked, no-such-thing)"), "the check itself finds a bad ID")
}

var hint = regexp.MustCompile(`\bpitfalls? ([a-z0-9]+(?:-[a-z0-9]+)+(?:, [a-z0-9]+(?:-[a-z0-9]+)+)*)`)

// unknownHints returns the IDs named after "pitfall"/"pitfalls" in src
// that the catalog does not know; it fails when src names none.
func unknownHints(src string) []string {
	var unknown []string
	ms := hint.FindAllStringSubmatch(src, -1)
	if len(ms) == 0 {
		return []string{"(no pitfall named)"}
	}
	for _, m := range ms {
		for _, id := range strings.Split(m[1], ", ") {
			if !pitfalls.ID(id).Known() {
				unknown = append(unknown, id)
			}
		}
	}
	return unknown
}

// unexplained lists the layers of p that are neither in FoundBy nor
// explained by a reason.
func unexplained(p pitfalls.Pitfall) []pitfalls.Layer {
	var out []pitfalls.Layer
	for _, l := range pitfalls.Layers() {
		if !p.FoundBy.Has(l) && strings.TrimSpace(p.NotFound.For(l)) == "" {
			out = append(out, l)
		}
	}
	return out
}

// TestMatrix: for every pitfall, each of the four layers either prevents
// or finds it, or the catalog says why it cannot; a reason is one plain
// line like a fix.
func TestMatrix(t *testing.T) {
	require.Equal(t, []pitfalls.Layer{pitfalls.Construct, pitfalls.Synth, pitfalls.Smoke, pitfalls.Test}, pitfalls.Layers())
	for _, p := range pitfalls.All() {
		require.Empty(t, unexplained(p), "%s: set these layers in FoundBy or give a reason in NotFound", p.ID)
		for _, l := range pitfalls.Layers() {
			r := p.NotFound.For(l)
			if r == "" || p.FoundBy.Has(l) {
				continue
			}
			require.Equal(t, strings.TrimSpace(r), r, "%s/%s: surrounding space", p.ID, l)
			require.NotContains(t, r, "\n", "%s/%s", p.ID, l)
			require.NotContains(t, r, "`", "%s/%s: plain text", p.ID, l)
			require.False(t, strings.HasSuffix(r, "."), "%s/%s: a clause without a final period", p.ID, l)
		}
	}
	// The check itself finds a layer left unexplained, and accepts a reason.
	p := pitfalls.Pitfall{ID: "x-y", FoundBy: pitfalls.Construct | pitfalls.Test | pitfalls.Synth}
	require.Equal(t, []pitfalls.Layer{pitfalls.Smoke}, unexplained(p))
	p.NotFound.Smoke = "not visible from outside"
	require.Empty(t, unexplained(p))
	require.Equal(t, "not visible from outside", p.NotFound.For(pitfalls.Smoke))
	require.Empty(t, p.NotFound.For(pitfalls.Synth))
	require.Empty(t, p.NotFound.For(pitfalls.Smoke|pitfalls.Synth), "one layer at a time")
}

// TestMatrixInDoc: docs/PITFALLS.md has the matrix, one row per pitfall in
// catalog order, with ✓ or the reason in each of the four cells.
func TestMatrixInDoc(t *testing.T) {
	md := string(doc.Markdown())
	start := strings.Index(md, "\n## Where each pitfall is found")
	end := strings.Index(md, "\n## The error responses")
	require.True(t, 0 < start && start < end)
	section := md[start:end]
	require.Contains(t, section, "| ID | "+strings.Join(doc.MatrixColumns, " | ")+" |\n|---|---|---|---|---|\n")
	row := regexp.MustCompile("(?m)^\\| `([a-z0-9-]+)` \\|(.*)\\|$")
	var ids []pitfalls.ID
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		id := pitfalls.ID(m[1])
		p, ok := pitfalls.Lookup(id)
		require.True(t, ok, id)
		ids = append(ids, id)
		cells := strings.Split(strings.ReplaceAll(m[2], `\|`, "\x00"), " | ")
		require.Len(t, cells, 4, "%s: four layers", id)
		for i, l := range []pitfalls.Layer{pitfalls.Construct, pitfalls.Test, pitfalls.Synth, pitfalls.Smoke} {
			got := strings.ReplaceAll(strings.TrimSpace(cells[i]), "\x00", `\|`)
			require.Equal(t, doc.MatrixCell(p, l), got, "%s, %s", id, l)
			require.NotEqual(t, "?", got, "%s, %s", id, l)
			if p.FoundBy.Has(l) {
				require.Equal(t, "✓", got)
			} else {
				require.NotEqual(t, "✓", got)
			}
		}
	}
	require.Equal(t, pitfalls.IDs(), ids)
	require.Len(t, ids, 27)
}
