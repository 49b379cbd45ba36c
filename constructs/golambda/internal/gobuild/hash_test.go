package gobuild

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// The asset hash is what decides whether a deploy updates the Lambda: it
// must change with the code it builds from (its package, the module's
// packages it imports however deep, the module's dependencies), and with
// nothing else (tests, packages it does not import, other folders, the
// checkout's location).
func TestSourceHashFollowsTheBuildInputs(t *testing.T) {
	module := func(t *testing.T) string {
		root := t.TempDir()
		write(t, root, "go.mod", "module example.com/m\n\ngo 1.26\n")
		write(t, root, "go.sum", "")
		write(t, root, "backend/lambda/main.go", "package main\n\nimport _ \"example.com/m/backend/handler\"\n\nfunc main() {}\n")
		write(t, root, "backend/handler/handler.go", "package handler\n\nimport (\n\t\"fmt\"\n\t\"example.com/m/internal/routing\"\n)\n\nvar _ = fmt.Sprint\nvar _ = routing.X\n")
		write(t, root, "internal/routing/routing.go", "package routing\n\nvar X = 1\n")
		write(t, root, "backend/other/main.go", "package main\n\nfunc main() {}\n")
		write(t, root, "web/app.js", "console.log(1)\n")
		return root
	}
	hash := func(t *testing.T, root string) string {
		h, err := PackageHash(root, "./backend/lambda")
		require.NoError(t, err)
		return h
	}
	a, b := module(t), module(t)
	base := hash(t, a)
	require.Equal(t, base, hash(t, b), "the same sources in another folder hash the same")

	for _, row := range []struct {
		file, content string
		changes       bool
	}{
		{"backend/handler/handler.go", "package handler\n\nimport _ \"example.com/m/internal/routing\"\n\nvar Y = 1\n", true},
		{"internal/routing/routing.go", "package routing\n\nvar X = 2\n", true}, // imported through handler
		{"internal/routing/extra.go", "package routing\n\nvar Z = 3\n", true},
		{"backend/other/main.go", "package main\n\nfunc main() { println() }\n", false}, // not imported
		{"internal/unused/unused.go", "package unused\n", false},
		{"go.sum", "example.com/dep v1.0.0 h1:x=\n", true},
		{"go.mod", "module example.com/m\n\ngo 1.26\n\nrequire example.com/dep v1.0.0\n", true},
		{"backend/handler/handler_test.go", "package handler\n", false},
		{"backend/README.md", "notes\n", false},
		{"web/app.js", "console.log(2)\n", false},
	} {
		t.Run(row.file, func(t *testing.T) {
			root := module(t)
			write(t, root, row.file, row.content)
			if row.changes {
				require.NotEqual(t, base, hash(t, root))
			} else {
				require.Equal(t, base, hash(t, root))
			}
		})
	}
}

func write(t *testing.T, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
}
