// Package gobuild holds what decides a Go Lambda's build: the flags and
// environment of `go build`, and the hash of its inputs that names the
// asset. It is plain Go, so its tests need no CDK.
package gobuild

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Flags are the arguments of `go build` (before -o). They make the binary
// independent of the machine and checkout it was built on; lambda.norpc
// drops the legacy RPC mode that provided.al2023 does not use.
var Flags = []string{"build", "-tags", "lambda.norpc", "-trimpath", "-buildvcs=false", "-ldflags=-s -w -buildid="}

// Env is the build's environment on top of the caller's: Linux on arm64
// (Graviton), statically linked.
var Env = []string{"GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0"}

// PackageHash hashes what `go build` of the main package pkg (a path
// relative to moduleRoot, "./backend/lambda") reads from the module: the
// Go files (tests aside) of pkg and of every package of the module it
// imports, directly or not, plus go.mod, go.sum (the other modules) and
// the build settings. A package of the module that the Lambda does not
// import changes nothing. Imports are read from the files themselves
// (go/parser, import clauses only), whatever their build constraints, so a
// file for another platform counts too: at worst a needless redeploy.
// Files embedded with //go:embed are not followed.
func PackageHash(moduleRoot, pkg string) (string, error) {
	modPath, err := modulePath(moduleRoot)
	if err != nil {
		return "", err
	}
	var files []string
	seen := map[string]bool{}
	queue := []string{filepath.Join(moduleRoot, filepath.FromSlash(strings.TrimPrefix(pkg, "./")))}
	for len(queue) > 0 {
		dir := queue[0]
		queue = queue[1:]
		if seen[dir] {
			continue
		}
		seen[dir] = true
		entries, err := os.ReadDir(dir)
		if err != nil {
			return "", fmt.Errorf("hashing Lambda sources: %w", err)
		}
		found := false
		for _, e := range entries {
			name := e.Name()
			if !e.Type().IsRegular() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
				continue
			}
			found = true
			p := filepath.Join(dir, name)
			files = append(files, p)
			f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
			if err != nil {
				return "", fmt.Errorf("hashing Lambda sources: %w", err)
			}
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if rest, ok := strings.CutPrefix(path, modPath+"/"); ok {
					queue = append(queue, filepath.Join(moduleRoot, filepath.FromSlash(rest)))
				}
			}
		}
		if !found {
			return "", fmt.Errorf("hashing Lambda sources: %s has no Go files", dir)
		}
	}
	return hashFiles(moduleRoot, files)
}

// modulePath is the module path that go.mod in moduleRoot declares.
func modulePath(moduleRoot string) (string, error) {
	b, err := os.ReadFile(filepath.Join(moduleRoot, "go.mod"))
	if err != nil {
		return "", fmt.Errorf("hashing Lambda sources: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	return "", fmt.Errorf("hashing Lambda sources: %s/go.mod declares no module", moduleRoot)
}

// hashFiles hashes files, go.mod, go.sum and the build settings.
func hashFiles(moduleRoot string, files []string) (string, error) {
	files = append(files, filepath.Join(moduleRoot, "go.mod"), filepath.Join(moduleRoot, "go.sum"))
	slices.Sort(files)
	h := sha256.New()
	fmt.Fprintf(h, "%q %q\n", Flags, Env)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("hashing Lambda sources: %w", err)
		}
		rel, _ := filepath.Rel(moduleRoot, f)
		fmt.Fprintf(h, "%s %d\n", filepath.ToSlash(rel), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
