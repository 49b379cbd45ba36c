package test

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/constructs/staticsite"
)

// deployment is one Custom::CDKBucketDeployment as the upload Lambda sees it.
type deployment struct {
	id       string
	props    obj
	resource obj
}

func (d deployment) include() []string { return strs(d.props["Include"]) }
func (d deployment) exclude() []string { return strs(d.props["Exclude"]) }
func (d deployment) prunes() bool      { return d.props["Prune"] != false } // the handler's default is to prune
func (d deployment) meta(key string) string {
	m, _ := d.props["SystemMetadata"].(obj)
	s, _ := m[key].(string)
	return s
}

// explicit reports whether the deployment touches only its Include list.
func (d deployment) explicit() bool { return slices.Equal(d.exclude(), []string{"*"}) }

func deployments(tmpl obj) []deployment {
	var out []deployment
	res := tmpl["Resources"].(obj)
	for _, id := range keys(res) {
		r := res[id].(obj)
		if r["Type"] == "Custom::CDKBucketDeployment" {
			out = append(out, deployment{id: id, props: r["Properties"].(obj), resource: r})
		}
	}
	return out
}

// frontendChecks hold the pitfalls of shipping the frontend.
var frontendChecks = map[string]pitfallCheck{
	// One deployment invalidates, waits for it, and runs after every other
	// upload; names that never change revalidate; hashed names are immutable.
	"stale-frontend": func(f *fixture, tmpl obj) error {
		ds := deployments(tmpl)
		var inv []deployment
		for _, d := range ds {
			if d.props["DistributionId"] != nil {
				inv = append(inv, d)
			}
		}
		if len(inv) != 1 {
			return fmt.Errorf("want exactly one deployment that invalidates CloudFront, found %d", len(inv))
		}
		html := inv[0]
		if html.props["WaitForDistributionInvalidation"] != true {
			return errors.New("the invalidation is not waited for")
		}
		paths := strs(html.props["DistributionPaths"])
		if !slices.Contains(paths, "/*") && !(slices.Contains(paths, "/index.html") && slices.Contains(paths, "/config.json")) {
			return fmt.Errorf("invalidation paths %v miss /index.html or /config.json", paths)
		}
		if !slices.Contains(html.include(), "index.html") || html.meta("cache-control") != staticsite.CacheRevalidate {
			return fmt.Errorf("index.html is not uploaded with Cache-Control %q: %s", staticsite.CacheRevalidate, jsonString(html.props))
		}
		deps := strs(html.resource["DependsOn"])
		for _, d := range ds {
			if d.id != html.id && !slices.Contains(deps, d.id) {
				return fmt.Errorf("the invalidating deployment does not wait for %s", d.id)
			}
			for _, k := range d.include() {
				if staticsite.IsHashedFile(k) && d.meta("cache-control") != staticsite.CacheImmutable {
					return fmt.Errorf("%s has a hashed name but Cache-Control %q", k, d.meta("cache-control"))
				}
				if !staticsite.IsHashedFile(k) && strings.Contains(d.meta("cache-control"), "immutable") {
					return fmt.Errorf("%s has no hash in its name but is immutable", k)
				}
			}
			if slices.Contains(d.include(), "config.json") && d.meta("cache-control") != staticsite.CacheRevalidate {
				return fmt.Errorf("config.json has Cache-Control %q", d.meta("cache-control"))
			}
		}
		return nil
	},
	// Each key belongs to one deployment, and none deletes anything (files
	// of earlier builds are superseded, chunk-deleted); the one without an
	// Include list excludes every key the others own, so it never writes
	// over config.json.
	"config-pruned": func(f *fixture, tmpl obj) error {
		owner := map[string]string{}
		var rest []deployment
		for _, d := range deployments(tmpl) {
			if d.prunes() {
				return fmt.Errorf("%s prunes: it deletes every file it does not upload, config.json included", d.id)
			}
			if !d.explicit() {
				rest = append(rest, d)
				continue
			}
			for _, k := range d.include() {
				if prev, dup := owner[k]; dup {
					return fmt.Errorf("%s is written by both %s and %s", k, prev, d.id)
				}
				owner[k] = d.id
			}
		}
		if _, ok := owner["config.json"]; !ok {
			return errors.New("no deployment owns config.json")
		}
		if len(rest) != 1 {
			return fmt.Errorf("want one deployment for the files no other one lists, found %d", len(rest))
		}
		for k, id := range owner {
			if !slices.Contains(rest[0].exclude(), k) {
				return fmt.Errorf("%s would upload %s over what %s writes", rest[0].id, k, id)
			}
		}
		keys, err := supersededKeep(tmpl)
		if err != nil {
			return err
		}
		if !slices.Contains(keys, "config.json") {
			return errors.New("config.json is not among the current build's keys: it would be superseded and expire")
		}
		return nil
	},
	// config.json carries a relative API base for the frontend to use.
	"absolute-base-url": func(f *fixture, tmpl obj) error {
		cfg, err := configJSON(f, tmpl)
		if err != nil {
			return err
		}
		base, _ := cfg["apiBase"].(string)
		if base != f.prefix {
			return fmt.Errorf("config.json apiBase %q, want the relative prefix %q", base, f.prefix)
		}
		return nil
	},
}

// configJSON reads the generated config.json from the cloud assembly.
func configJSON(f *fixture, tmpl obj) (obj, error) {
	for _, d := range deployments(tmpl) {
		if !slices.Contains(d.include(), "config.json") {
			continue
		}
		keys := strs(d.props["SourceObjectKeys"])
		if len(keys) != 1 {
			return nil, fmt.Errorf("config deployment has sources %v", keys)
		}
		raw, err := os.ReadFile(filepath.Join(f.outdir, "asset."+strings.TrimSuffix(keys[0], ".zip"), "config.json"))
		if err != nil {
			return nil, err
		}
		// A token stands in the file as a bare marker that the upload
		// replaces with a JSON value; quote it to parse the rest.
		raw = markerPattern.ReplaceAll(raw, []byte(`"$0"`))
		var cfg obj
		if err := json.Unmarshal(raw, &cfg); err != nil {
			return nil, fmt.Errorf("config.json: %w", err)
		}
		return cfg, nil
	}
	return nil, errors.New("no deployment writes config.json")
}

var markerPattern = regexp.MustCompile(`<<marker:0xbaba:\d+>>`)

func frontendFixtures(t *testing.T) []*fixture {
	return []*fixture{frontendSite(t), envStack(t, "dev"), envStack(t, "prod")}
}

func TestFrontendPitfalls(t *testing.T) {
	runChecks(t, frontendChecks, frontendFixtures(t))
}

// TestFrontendChecksFail breaks a good template each pitfall's way.
func TestFrontendChecksFail(t *testing.T) {
	f := frontendSite(t)
	find := func(tmpl obj, match func(d deployment) bool) obj {
		for _, d := range deployments(tmpl) {
			if match(d) {
				return d.props
			}
		}
		t.Fatal("no such deployment")
		return nil
	}
	isHtml := func(d deployment) bool { return slices.Contains(d.include(), "index.html") }
	isRest := func(d deployment) bool { return !d.explicit() }
	// Each breakage names the pitfall sitechecks.CheckTemplate must report
	// for it, usually its own; "" where it breaks what only this project's
	// upload does (its invalidation wait, its order, its supersede step)
	// or what only this project forbids.
	type breakage struct {
		do        func(tmpl obj)
		sitecheck string
	}
	breakages := map[string][]breakage{
		"stale-frontend": {
			{func(tmpl obj) { delete(find(tmpl, isHtml), "DistributionId") }, "stale-frontend"},
			{func(tmpl obj) { find(tmpl, isHtml)["WaitForDistributionInvalidation"] = false }, ""},
			{func(tmpl obj) {
				find(tmpl, isHtml)["SystemMetadata"].(obj)["cache-control"] = "public, max-age=86400"
			}, "stale-frontend"},
			{func(tmpl obj) {
				for _, d := range deployments(tmpl) {
					if isHtml(d) {
						d.resource["DependsOn"] = []any{}
					}
				}
			}, ""},
		},
		"config-pruned": {
			// A second BucketDeployment, as CDK writes one by default:
			// prune with no filters.
			{func(tmpl obj) {
				tmpl["Resources"].(obj)["Second"] = obj{"Type": "Custom::CDKBucketDeployment", "Properties": obj{
					"Prune": true, "DestinationBucketName": find(tmpl, isHtml)["DestinationBucketName"]}}
			}, "config-pruned"},
			// Overlapping keys, but nothing prunes: only this project's
			// rule that one deployment owns each key objects.
			{func(tmpl obj) { find(tmpl, isRest)["Exclude"] = []any{} }, ""},
			// Pruning under an Include filter deletes only matching keys (aws
			// s3 sync --delete honours the filters): our rule forbids it,
			// sitechecks rightly sees no other deployment's files at risk.
			{func(tmpl obj) { find(tmpl, isHtml)["Prune"] = true }, ""},
			// The handler's default prunes: the HTML and config.json are
			// excluded, so what goes is the previous build's files.
			{func(tmpl obj) { delete(find(tmpl, isRest), "Prune") }, "chunk-deleted"},
			{func(tmpl obj) {
				for _, cr := range resourcesOf(tmpl, "Custom::StaticSiteSupersede") {
					cr["Keys"] = slices.DeleteFunc(asSlice(cr["Keys"]), func(k any) bool { return k == "config.json" })
				}
			}, ""},
		},
	}
	for id, breaks := range breakages {
		for i, b := range breaks {
			broken := deepCopy(t, f.template)
			b.do(broken)
			require.Error(t, frontendChecks[id](f, broken), "%s breakage %d was accepted", id, i)
			if b.sitecheck != "" {
				require.Contains(t, templateFindings(t, broken), b.sitecheck, "sitechecks.CheckTemplate missed %s breakage %d", id, i)
			}
		}
	}
	// absolute-base-url: the field note's absolute base URL.
	require.ErrorContains(t, frontendChecks["absolute-base-url"](&fixture{prefix: "https://d2luynvj2paf55.cloudfront.net/api", outdir: f.outdir}, f.template),
		`want the relative prefix "https://d2luynvj2paf55.cloudfront.net/api"`)
}

func TestFrontendUploadDetails(t *testing.T) {
	f := frontendSite(t)
	byKey := map[string]deployment{}
	for _, d := range deployments(f.template) {
		for _, k := range d.include() {
			byKey[k] = d
		}
	}
	// "" is left to the upload's guess, which is right for these
	// (TestGuessedContentTypes).
	wantType := map[string]string{
		"assets/index-BxT4e1Ab.js":     "",
		"assets/chunk-9fK2mQ7a.mjs":    "text/javascript; charset=utf-8",
		"assets/index-D8kq2PzQ.css":    "",
		"assets/index-BxT4e1Ab.js.map": "application/json",
		"config.json":                  "application/json",
		"assets/logo-4f8a9c2d.svg":     "",
		"app.wasm":                     "application/wasm",
		"fonts/inter-3b2c1d0e.woff2":   "font/woff2",
		"index.html":                   "text/html; charset=utf-8",
		// wellknown-rewritten: iOS reads it as JSON; it has no extension.
		".well-known/apple-app-site-association": "application/json",
		"legal.html":                             "text/html; charset=utf-8",
	}
	for k, ct := range wantType {
		require.Contains(t, byKey, k)
		require.Equal(t, ct, byKey[k].meta("content-type"), k)
		if ct == "" {
			require.Contains(t, staticsite.GuessedContentTypes, path.Ext(k), "%s: no explicit type, and not one the upload guesses right", k)
		}
	}
	require.NotContains(t, byKey, "vite.svg", "an unhashed svg goes with the pruning upload")
	require.Equal(t, staticsite.CacheModerate, byKey["app.wasm"].meta("cache-control"))
	require.Equal(t, staticsite.CacheImmutable, byKey["assets/index-BxT4e1Ab.js"].meta("cache-control"))

	// robots.txt and vite.svg are left to the pruning deployment
	// (moderate, type guessed).
	for _, d := range deployments(f.template) {
		if !d.explicit() {
			require.NotContains(t, d.exclude(), "robots.txt")
			require.NotContains(t, d.exclude(), "vite.svg")
			require.Equal(t, staticsite.CacheModerate, d.meta("cache-control"))
			require.Empty(t, d.meta("content-type"))
		}
	}

	cfg, err := configJSON(f, f.template)
	require.NoError(t, err)
	require.Equal(t, "/api", cfg["apiBase"])
	require.Equal(t, "test", cfg["environment"])
	require.Equal(t, map[string]any{"beta": true}, cfg["featureFlags"])
	require.Regexp(t, `^<<marker:0xbaba:\d+>>$`, cfg["siteUrl"], "siteUrl is filled in at deploy time")
	require.Contains(t, jsonString(byKey["config.json"].props["SourceMarkers"]), `"\"https://",{"Fn::GetAtt":["SiteDistribution`)
}

// TestOneAwsCliLayer: the uploads share one function, so they need one AWS
// CLI layer, the one that function uses; aws-cdk-lib adds one per
// deployment (aws/aws-cdk#32907), and unused ones would be published on
// every deploy.
func TestOneAwsCliLayer(t *testing.T) {
	for _, f := range []*fixture{frontendSite(t), envStack(t, "dev"), envStack(t, "prod")} {
		require.Greater(t, len(deployments(f.template)), 1, f.name)
		layers := resourcesOf(f.template, "AWS::Lambda::LayerVersion")
		require.Len(t, layers, 1, f.name)
		var used []string
		for _, fn := range resourcesOf(f.template, "AWS::Lambda::Function") {
			for _, l := range asSlice(fn["Layers"]) {
				used = append(used, refTarget(l))
			}
		}
		require.Equal(t, slices.Collect(maps.Keys(layers)), used, f.name)
	}
}

// TestIsHashedFile (pitfall asset-cache-class): names as bundlers make
// them, and the public files people name by hand.
func TestIsHashedFile(t *testing.T) {
	for name, want := range map[string]bool{
		"assets/index-BxT4e1Ab.js":                 true, // Vite
		"assets/util-3-BQuZ7-fs.js":                true, // Vite, "-" inside the hash
		"assets/view-DrhB0vs-.js":                  true, // Vite, hash ends with "-"
		"assets/dashboard-2024-133-XFcONglq.js":    true,
		"assets/vendor-abcdefgh.js":                false, // a word, not a hash (no bundler makes this)
		"assets/og-image-1200x630.png":             false, // public/assets/, a dimension
		"assets/screenshot-20240115.png":           false, // public/assets/, a date
		"assets/bg-pattern1.png":                   false, // public/assets/, a word and a digit
		"assets/brand/logo-DarkMode.svg":           false, // Vite's output is flat in assets/
		"og-image-1200x630.png":                    false,
		"images/photo-12345678.jpg":                false,
		"chunk-5RAUNXPL.js":                        true, // esbuild, Angular
		"billing-history-162-ILIHEJE4.js.map":      true,
		"media/logo-ZQ4XJ2MN.png":                  true,
		"main.8995c813.js":                         true, // Create React App
		"static/js/1231.ed89a96c.chunk.js":         true,
		"5338.22f3da8fa69264af3685.js.LICENSE.txt": true,  // webpack
		"02a0356730b537d0d45e.png":                 true,  // webpack asset module
		"release-notes.20240115.txt":               false, // a date, not hex by intent
		"jquery-3.7.1.min.js":                      false,
		"vendor/chart-4.4.1.umd.js":                false,
		"logo-v2.1.0.svg":                          false,
		"analytics2024.js":                         false,
		"index.html":                               false,
		"favicon.ico":                              false,
		".well-known/apple-app-site-association":   false,
	} {
		require.Equal(t, want, staticsite.IsHashedFile(name), name)
	}
}

// bundlerBuild is one real build listed in testdata/bundlers (made by
// scripts/bundler-fixtures).
type bundlerBuild struct {
	Bundler string `json:"bundler"`
	Files   []struct {
		Path   string `json:"path"`
		Hashed bool   `json:"hashed"`
	} `json:"files"`
	Manifest *struct {
		Path    string          `json:"path"`
		Content json.RawMessage `json:"content"`
	} `json:"manifest"`
}

func bundlerBuilds(t *testing.T) map[string]bundlerBuild {
	t.Helper()
	out, err := readBundlerBuilds()
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(out), 5)
	return out
}

func readBundlerBuilds() (map[string]bundlerBuild, error) {
	paths, err := filepath.Glob(filepath.Join("testdata", "bundlers", "*.json"))
	if err != nil {
		return nil, err
	}
	out := map[string]bundlerBuild{}
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		var b bundlerBuild
		if err := json.Unmarshal(raw, &b); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		out[strings.TrimSuffix(filepath.Base(p), ".json")] = b
	}
	return out, nil
}

// materializeBundlerBuilds writes each build's files (empty, but
// index.html and the manifest) into a folder of its own, as the upload
// would find them, and returns the folders by build name.
func materializeBundlerBuilds() (map[string]string, error) {
	builds, err := readBundlerBuilds()
	if err != nil {
		return nil, err
	}
	root, err := os.MkdirTemp("", "staticsite-bundlers-")
	if err != nil {
		return nil, err
	}
	keep(root)
	dirs := map[string]string{}
	for name, b := range builds {
		dir := filepath.Join(root, name)
		for _, f := range b.Files {
			p := filepath.Join(dir, filepath.FromSlash(f.Path))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return nil, err
			}
			content := []byte(f.Path)
			if b.Manifest != nil && f.Path == b.Manifest.Path {
				content = b.Manifest.Content
			}
			if err := os.WriteFile(p, content, 0o644); err != nil {
				return nil, err
			}
		}
		dirs[name] = dir
	}
	return dirs, nil
}

// TestAssetCacheClass (pitfall asset-cache-class): on the real output of
// Vite 7 (Rollup) and 8 (Rolldown), esbuild, webpack 5, Create React App
// and Angular, exactly the bundler's content-hashed files are immutable,
// and none of the public files (og-image-1200x630.png,
// screenshot-20240115.png, release-notes.20240115.txt, ...).
func TestAssetCacheClass(t *testing.T) {
	dirs := materialized.get(t)
	for name, b := range bundlerBuilds(t) {
		t.Run(name, func(t *testing.T) {
			hashed, err := staticsite.HashedFiles(dirs[name])
			require.NoError(t, err)
			n := 0
			for _, f := range b.Files {
				if f.Hashed {
					n++
				}
			}
			require.GreaterOrEqual(t, n, 250, "%s: too few hashed names to measure", b.Bundler)
			require.Empty(t, b.misclassified(hashed), "%s: misclassified", b.Bundler)
		})
	}
}

// misclassified lists the files rule gets wrong.
func (b bundlerBuild) misclassified(rule func(key string) bool) []string {
	var wrong []string
	for _, f := range b.Files {
		if rule(f.Path) != f.Hashed {
			wrong = append(wrong, fmt.Sprintf("%s (hashed: %v)", f.Path, f.Hashed))
		}
	}
	return wrong
}

// digitRule is how file names were classed before: a part after the first
// "-" or "." of 8 or more letters, digits and "_" with a digit in it. It is
// the defect TestAssetCacheClass must catch.
func digitRule(key string) bool {
	base := path.Base(key)
	parts := strings.FieldsFunc(strings.TrimSuffix(base, path.Ext(base)), func(r rune) bool { return r == '.' || r == '-' })
	for i, p := range parts {
		if i > 0 && len(p) >= 8 && regexp.MustCompile(`^[A-Za-z0-9_]*[0-9][A-Za-z0-9_]*$`).MatchString(p) {
			return true
		}
	}
	return false
}

// TestAssetCacheClassCatchesNameGuessing: the fixtures tell the digit rule
// apart from the bundlers' truth, both ways: Vite hashes without a digit or
// with a "-" are missed, and public files with dates and sizes are made
// immutable.
func TestAssetCacheClassCatchesNameGuessing(t *testing.T) {
	builds := bundlerBuilds(t)
	for _, name := range []string{"vite8", "vite7", "esbuild", "angular"} {
		wrong := builds[name].misclassified(digitRule)
		require.NotEmpty(t, wrong, name)
		require.Contains(t, wrong, "og-image-1200x630.png (hashed: false)", name)
		require.Contains(t, wrong, "screenshot-20240115.png (hashed: false)", name)
	}
}

// TestManifestDecides: with the bundler's manifest, a public file that looks
// hashed is not, wherever it is, and a listed file is, wherever it is.
func TestManifestDecides(t *testing.T) {
	dir := t.TempDir()
	for p, content := range map[string]string{
		staticsite.ViteManifest:       `{"src/main.tsx":{"file":"static/main-BxT4e1Ab.js","css":["static/main-D8kq2PzQ.css"],"assets":["static/logo-4f8a9c2d.svg"]}}`,
		"static/main-BxT4e1Ab.js":     "",
		"static/main-BxT4e1Ab.js.map": "",
		"assets/hero-Mountain.jpg":    "",
		"static/logo-4f8a9c2d.svg":    "",
		"index.html":                  "",
	} {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, p), []byte(content), 0o644))
	}
	hashed, err := staticsite.HashedFiles(dir)
	require.NoError(t, err)
	require.True(t, hashed("static/main-BxT4e1Ab.js"), "listed, outside assets/")
	require.True(t, hashed("static/main-BxT4e1Ab.js.map"), "the listed file's source map")
	require.True(t, hashed("static/logo-4f8a9c2d.svg"))
	require.False(t, hashed("assets/hero-Mountain.jpg"), "looks hashed, but the manifest does not list it")
	require.False(t, hashed("index.html"))

	require.NoError(t, os.WriteFile(filepath.Join(dir, staticsite.ViteManifest), []byte("not json"), 0o644))
	_, err = staticsite.HashedFiles(dir)
	require.ErrorContains(t, err, "is not a Vite manifest")
}

// TestNoFrontendNoDeployments: a caller who uploads from its own pipeline
// gets no deployment resources.
func TestNoFrontendNoDeployments(t *testing.T) {
	for _, f := range []*fixture{lambdaSite(t), httpSite(t)} {
		require.Empty(t, deployments(f.template), f.name)
		require.Empty(t, resourcesOf(f.template, "AWS::Lambda::LayerVersion"), f.name)
	}
}
