package main

import (
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunRejectsBadFlags(t *testing.T) {
	assert.ErrorContains(t, run([]string{"-dir", t.TempDir() + "/missing"}), "is not a folder")
	assert.ErrorContains(t, run([]string{"-dir", t.TempDir(), "-api-prefix", "/"}), "-api-prefix")
	// The construct's rule: it refuses a trailing slash, so the preview does.
	assert.ErrorContains(t, run([]string{"-dir", t.TempDir(), "-api-prefix", "/backend/"}), `-api-prefix "/backend/" is invalid: it must start with "/", must not end with "/"`)
	assert.ErrorContains(t, run([]string{"-dir", t.TempDir(), "extra"}), "unexpected arguments")
}

// TestEnvFromCdkJSON: -env takes the environment's frontendConfig and
// webDir from cdk.json, as the app does.
func TestEnvFromCdkJSON(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"web", "frontend/dist", "other"} {
		require.NoError(t, os.MkdirAll(filepath.Join(root, d), 0o755))
	}
	cdkJSON := filepath.Join(root, "cdk.json")
	require.NoError(t, os.WriteFile(cdkJSON, []byte(`{"context": {"staticsite": {"stackPrefix": "S", "environments": {
		"dev": {"region": "ap-southeast-2", "frontendConfig": {"featureFlags": {"beta": true}, "environment": "development"}},
		"prod": {"webDir": "frontend/dist"},
		"api-only": {"webDir": ""}
	}}}}`), 0o644))

	opts, addr, err := parse([]string{"-cdk-json", cdkJSON, "-env", "dev"})
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:8080", addr)
	assert.Equal(t, "dev", opts.Env)
	assert.Equal(t, map[string]any{"featureFlags": map[string]any{"beta": true}, "environment": "development"}, opts.RuntimeConfig)
	assert.Equal(t, filepath.Join(root, "web"), opts.Dir, "no webDir: the app uploads web/")

	opts, _, err = parse([]string{"-cdk-json", cdkJSON, "-env", "prod"})
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(root, "frontend", "dist"), opts.Dir)
	assert.Nil(t, opts.RuntimeConfig)

	other := filepath.Join(root, "other")
	opts, _, err = parse([]string{"-cdk-json", cdkJSON, "-env", "prod", "-dir", other})
	require.NoError(t, err)
	assert.Equal(t, other, opts.Dir, "-dir wins")

	_, _, err = parse([]string{"-cdk-json", cdkJSON, "-env", "staging"})
	assert.ErrorContains(t, err, `-env "staging": unknown environment "staging"`)
	assert.ErrorContains(t, err, "knows api-only, dev, prod")

	_, _, err = parse([]string{"-cdk-json", filepath.Join(root, "missing.json"), "-env", "dev"})
	assert.ErrorContains(t, err, "missing.json")

	// -env local needs no cdk.json.
	opts, _, err = parse([]string{"-cdk-json", filepath.Join(root, "missing.json"), "-dir", other})
	require.NoError(t, err)
	assert.Equal(t, "local", opts.Env)
	assert.Nil(t, opts.RuntimeConfig)
}

// TestEnvFromRepositoryCdkJSON reads the repository's own cdk.json.
func TestEnvFromRepositoryCdkJSON(t *testing.T) {
	root := filepath.Join("..", "..")
	opts, _, err := parse([]string{"-cdk-json", filepath.Join(root, "cdk.json"), "-env", "dev"})
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(root, "web"), opts.Dir)
}

func TestDisplayHost(t *testing.T) {
	assert.Equal(t, "127.0.0.1:8080", displayHost(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}))
	assert.Equal(t, "localhost:8080", displayHost(&net.TCPAddr{IP: net.IPv4zero, Port: 8080}))
	assert.Equal(t, "localhost:9000", displayHost(&net.TCPAddr{IP: net.IPv6unspecified, Port: 9000}))
	assert.Equal(t, "[::1]:9000", displayHost(&net.TCPAddr{IP: net.IPv6loopback, Port: 9000}))
}

// TestAuthFromCdkJSON: an environment whose auth has cognito gets the
// local issuer with its public paths, and its CORS origins; -auth=false
// turns the issuer off; a Lambda authorizer cannot be previewed.
func TestAuthFromCdkJSON(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "web"), 0o755))
	cdkJSON := filepath.Join(root, "cdk.json")
	require.NoError(t, os.WriteFile(cdkJSON, []byte(`{"context": {"staticsite": {"environments": {
		"dev": {"corsAllowOrigins": ["http://localhost:5173"], "auth": {"publicPaths": ["/api/health", "/api/public/*"], "cognito": {"selfSignUp": true}}},
		"lambda": {"auth": {"lambda": {"functionArn": "arn:aws:lambda:ap-southeast-2:111111111111:function:authz"}}},
		"open": {}
	}}}}`), 0o644))

	opts, _, err := parse([]string{"-cdk-json", cdkJSON, "-env", "dev"})
	require.NoError(t, err)
	require.NotNil(t, opts.Auth, "auth.cognito turns the local issuer on")
	assert.Equal(t, []string{"/api/health", "/api/public/*"}, opts.Auth.PublicPaths)
	assert.Equal(t, []string{"http://localhost:5173"}, opts.CorsAllowOrigins)

	opts, _, err = parse([]string{"-cdk-json", cdkJSON, "-env", "dev", "-auth=false"})
	require.NoError(t, err)
	assert.Nil(t, opts.Auth)
	assert.Equal(t, []string{"http://localhost:5173"}, opts.CorsAllowOrigins, "-auth=false keeps CORS")

	opts, _, err = parse([]string{"-cdk-json", cdkJSON, "-env", "open"})
	require.NoError(t, err)
	assert.Nil(t, opts.Auth)
	assert.Nil(t, opts.CorsAllowOrigins)

	_, _, err = parse([]string{"-cdk-json", cdkJSON, "-env", "lambda"})
	assert.ErrorContains(t, err, "-auth=false")
	opts, _, err = parse([]string{"-cdk-json", cdkJSON, "-env", "lambda", "-auth=false"})
	require.NoError(t, err)
	assert.Nil(t, opts.Auth)

	// A public path outside the API prefix is refused, as the construct
	// refuses it.
	_, _, err = parse([]string{"-cdk-json", cdkJSON, "-env", "dev", "-api-prefix", "/v1"})
	assert.ErrorContains(t, err, `Auth.PublicPaths: "/api/health"`)
}
