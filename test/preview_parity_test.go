package test

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/constructs/staticsite"
	"github.com/one-origin/staticsitewithapi/internal/preview"
	"github.com/one-origin/staticsitewithapi/internal/routing"
	"github.com/one-origin/staticsitewithapi/internal/upload"
)

// TestPreviewServesWhatIsUploaded: the preview server (cmd/preview) claims
// to serve a folder as a deploy does. For the dev stack of cdk.json (web/,
// with the environment's config as cmd/preview -env dev reads it) and the
// construct uploading testdata/dist (a Vite-shaped build), every file is
// served with the Cache-Control and Content-Type of the BucketDeployment
// that uploads it in the synthesized template, and /config.json with the
// deployed body, siteUrl aside (the deploy fills in the distribution's).
func TestPreviewServesWhatIsUploaded(t *testing.T) {
	root := repoRoot(t)
	env, err := preview.LoadEnvironment(filepath.Join(root, "cdk.json"), "dev")
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		f    *fixture
		opts preview.Options
	}{
		{"dev stack", envStack(t, "dev"), preview.Options{Dir: filepath.Join(root, "web"), Env: env.Name, RuntimeConfig: env.FrontendConfig, Auth: env.AuthOptions()}},
		{"construct with testdata/dist", frontendSite(t), preview.Options{Dir: filepath.Join("testdata", "dist"), Env: "test",
			RuntimeConfig: map[string]any{"featureFlags": map[string]any{"beta": true}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := preview.New(tc.opts)
			get := func(p string) *http.Response {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, (&url.URL{Path: p}).String(), nil))
				return rec.Result()
			}

			byKey := map[string]deployment{}
			var rest []deployment
			for _, d := range deployments(tc.f.template) {
				if !d.explicit() {
					rest = append(rest, d)
					continue
				}
				for _, k := range d.include() {
					require.NotContains(t, byKey, k, "two deployments upload %s", k)
					byKey[k] = d
				}
			}
			require.Len(t, rest, 1, "one deployment uploads the files without a list")

			keys, err := upload.Keys(tc.opts.Dir)
			require.NoError(t, err)
			require.NotEmpty(t, keys)
			for k := range byKey {
				require.True(t, k == upload.ConfigKey || slices.Contains(keys, k), "the template uploads %s, which the folder does not have", k)
			}
			served := 0
			for _, key := range keys {
				if target, _ := routing.Route("/"+key, routing.DefaultPrefix); target != routing.File {
					continue // the distribution serves the page there too
				}
				d, ok := byKey[key]
				if !ok {
					d = rest[0]
					require.NotContains(t, d.exclude(), key, "%s is uploaded by no deployment", key)
				}
				resp := get("/" + key)
				require.Equal(t, http.StatusOK, resp.StatusCode, key)
				require.Equal(t, d.meta("cache-control"), resp.Header.Get("Cache-Control"), "%s: Cache-Control", key)
				if ct := d.meta("content-type"); ct != "" {
					require.Equal(t, ct, resp.Header.Get("Content-Type"), "%s: Content-Type", key)
				} else if guesses, ok := staticsite.GuessedContentTypes[path.Ext(key)]; ok {
					require.Contains(t, guesses, resp.Header.Get("Content-Type"), "%s: the upload's guess", key)
				} else {
					require.NotEmpty(t, resp.Header.Get("Content-Type"), key)
				}
				served++
			}
			require.Greater(t, served, 3)

			// config.json: the deployed body, and its headers.
			want, err := configJSON(tc.f, tc.f.template)
			require.NoError(t, err)
			resp := get("/config.json")
			require.Equal(t, http.StatusOK, resp.StatusCode)
			var got obj
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
			require.Contains(t, want, "siteUrl")
			require.Contains(t, got, "siteUrl")
			delete(want, "siteUrl")
			delete(got, "siteUrl")
			// auth: the deploy's Cognito values are known at deploy, the
			// preview's are its local issuer's; the shape and the
			// values both know now must agree.
			if wantAuth, ok := want[upload.ConfigAuth].(obj); ok {
				gotAuth, ok := got[upload.ConfigAuth].(obj)
				require.True(t, ok, "the deploy's config.json has auth, the preview's has %v", got[upload.ConfigAuth])
				require.ElementsMatch(t, slices.Collect(maps.Keys(wantAuth)), slices.Collect(maps.Keys(gotAuth)), "auth keys")
				for _, k := range []string{"type", "publicPaths", "scopes"} {
					require.Equal(t, wantAuth[k], gotAuth[k], "auth.%s", k)
				}
				delete(want, upload.ConfigAuth)
				delete(got, upload.ConfigAuth)
			}
			require.Equal(t, want, got)
			d := byKey[upload.ConfigKey]
			require.Equal(t, d.meta("cache-control"), resp.Header.Get("Cache-Control"))
			require.Equal(t, d.meta("content-type"), resp.Header.Get("Content-Type"))
		})
	}
}

// TestPreviewReadsCdkJSONAsTheApp: cmd/preview -env reads each
// environment's frontendConfig, webDir, CORS origins and auth from
// cdk.json as the app does.
func TestPreviewReadsCdkJSONAsTheApp(t *testing.T) {
	cfg := appConfig(t)
	require.NotEmpty(t, cfg.Environments)
	for name, ec := range cfg.Environments {
		e, err := preview.LoadEnvironment(filepath.Join(repoRoot(t), "cdk.json"), name)
		require.NoError(t, err, name)
		require.Equal(t, name, e.Name)
		require.Equal(t, ec.FrontendConfig, e.FrontendConfig, name)
		require.Equal(t, ec.WebDir, e.WebDir, name)
		require.Equal(t, ec.CorsAllowOrigins, e.CorsAllowOrigins, name)
		// The preview's authorizer exempts the paths the deployed one does.
		require.Equal(t, ec.Auth != nil, e.Auth != nil, name)
		if ec.Auth != nil {
			require.Equal(t, ec.Auth.PublicPaths, e.Auth.PublicPaths, name)
			require.Equal(t, ec.Auth.Cognito != nil, e.Auth.Cognito, name)
		}
	}
}
