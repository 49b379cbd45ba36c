package test

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
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
				if staticsite.IsHashedName(filepath.Base(k)) && d.meta("cache-control") != staticsite.CacheImmutable {
					return fmt.Errorf("%s has a hashed name but Cache-Control %q", k, d.meta("cache-control"))
				}
				if !staticsite.IsHashedName(filepath.Base(k)) && strings.Contains(d.meta("cache-control"), "immutable") {
					return fmt.Errorf("%s has no hash in its name but is immutable", k)
				}
			}
			if slices.Contains(d.include(), "config.json") && d.meta("cache-control") != staticsite.CacheRevalidate {
				return fmt.Errorf("config.json has Cache-Control %q", d.meta("cache-control"))
			}
		}
		return nil
	},
	// Each key belongs to one deployment; the one that prunes excludes
	// every key the others own, so config.json survives and stale files go.
	"config-pruned": func(f *fixture, tmpl obj) error {
		var pruners []deployment
		owner := map[string]string{}
		for _, d := range deployments(tmpl) {
			if !d.explicit() {
				if d.prunes() {
					pruners = append(pruners, d)
				}
				continue
			}
			if d.prunes() {
				return fmt.Errorf("%s prunes: an Include-only deployment must not delete anything", d.id)
			}
			for _, k := range d.include() {
				if prev, dup := owner[k]; dup {
					return fmt.Errorf("%s is written by both %s and %s", k, prev, d.id)
				}
				owner[k] = d.id
			}
		}
		if len(pruners) != 1 {
			return fmt.Errorf("want exactly one pruning deployment (stale files of old builds go), found %d", len(pruners))
		}
		if _, ok := owner["config.json"]; !ok {
			return errors.New("no deployment owns config.json")
		}
		for k, id := range owner {
			if !slices.Contains(pruners[0].exclude(), k) {
				return fmt.Errorf("the pruning deployment would delete %s, which %s writes", k, id)
			}
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
	breakages := map[string][]func(tmpl obj){
		"stale-frontend": {
			func(tmpl obj) { delete(find(tmpl, isHtml), "DistributionId") },
			func(tmpl obj) { find(tmpl, isHtml)["WaitForDistributionInvalidation"] = false },
			func(tmpl obj) {
				find(tmpl, isHtml)["SystemMetadata"].(obj)["cache-control"] = "public, max-age=86400"
			},
			func(tmpl obj) {
				for _, d := range deployments(tmpl) {
					if isHtml(d) {
						d.resource["DependsOn"] = []any{}
					}
				}
			},
		},
		"config-pruned": {
			// The field note's second BucketDeployment: prune with no filters.
			func(tmpl obj) {
				tmpl["Resources"].(obj)["Second"] = obj{"Type": "Custom::CDKBucketDeployment", "Properties": obj{"Prune": true}}
			},
			func(tmpl obj) { find(tmpl, isRest)["Exclude"] = []any{} },
			func(tmpl obj) { find(tmpl, isHtml)["Prune"] = true },
		},
	}
	for id, breaks := range breakages {
		for i, b := range breaks {
			broken := deepCopy(t, f.template)
			b(broken)
			require.Error(t, frontendChecks[id](f, broken), "%s breakage %d was accepted", id, i)
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
		"legal.html":                   "text/html; charset=utf-8",
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

func TestIsHashedName(t *testing.T) {
	for name, want := range map[string]bool{
		"index-BxT4e1Ab.js":            true,
		"main.3f9a2c1b4d5e6f70.js":     true,
		"812.a1b2c3d4.js":              true,
		"index-BxT4e1Ab.js.map":        true,
		"app.js":                       false,
		"logo.svg":                     false,
		"jquery-3.7.1.min.js":          false,
		"analytics2024.js":             false,
		"index.html":                   false,
		"vendor-abcdefgh.js":           false, // no digit: a word, not a hash
		"inter-latin-400-normal.woff2": false,
	} {
		require.Equal(t, want, staticsite.IsHashedName(name), name)
	}
}

// TestNoFrontendNoDeployments: a caller who uploads from its own pipeline
// gets no deployment resources.
func TestNoFrontendNoDeployments(t *testing.T) {
	for _, f := range []*fixture{lambdaSite(t), httpSite(t)} {
		require.Empty(t, deployments(f.template), f.name)
		require.Empty(t, resourcesOf(f.template, "AWS::Lambda::LayerVersion"), f.name)
	}
}

// TestGuessedContentTypes checks, with Python's own mimetypes (which the
// AWS CLI in the upload Lambda uses), that the extensions left to the guess
// get the right type. Python 3.13 runs there; any Python 3 agrees on these.
func TestGuessedContentTypes(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	for _, e := range keys(staticsite.GuessedContentTypes) {
		got, err := exec.Command(py, "-c", `import mimetypes, sys; print(mimetypes.guess_type("f" + sys.argv[1])[0])`, e).Output()
		require.NoError(t, err)
		require.Contains(t, staticsite.GuessedContentTypes[e], strings.TrimSpace(string(got)), e)
	}
}
