// Package gobuild holds what decides a Go Lambda's build: the flags and
// environment of `go build`, and the hash of its inputs that names the
// asset. It is plain Go, so its tests need no CDK.
package gobuild

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Flags are the arguments of `go build` (before -o). They make the binary
// independent of the machine and checkout it was built on; lambda.norpc
// drops the legacy RPC mode that provided.al2023 does not use.
var Flags = []string{"build", "-tags", "lambda.norpc", "-trimpath", "-buildvcs=false", "-ldflags=-s -w -buildid="}

// Env is the build's environment on top of the caller's: Linux on arm64
// (Graviton), statically linked.
var Env = []string{"GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0"}

// SourceHash hashes every file under tree (the Lambda's packages), plus
// go.mod, go.sum and the build settings.
func SourceHash(moduleRoot, tree string) (string, error) {
	var files []string
	err := filepath.WalkDir(tree, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hashing Lambda sources: %w", err)
	}
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
