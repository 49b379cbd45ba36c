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
