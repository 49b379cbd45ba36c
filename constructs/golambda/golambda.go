// Package golambda bundles a Go main package as an AWS Lambda function's
// code for the provided.al2023 runtime on arm64, with a local `go build`:
// no Docker, no image pull, and the same asset hash on every machine.
//
//	code, err := golambda.Code(moduleRoot, "./backend/lambda")
//	fn := awslambda.NewFunction(stack, jsii.String("Api"), &awslambda.FunctionProps{
//		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
//		Architecture: awslambda.Architecture_ARM_64(),
//		Handler:      jsii.String("bootstrap"),
//		Code:         code,
//	})
//
// aws-cdk-lib's Go bundling lives in the alpha module
// awscdklambdagoalpha, which needs Docker unless Go is installed and is
// not always served by the Go module proxy; this package needs only the Go
// toolchain that builds the CDK app itself.
package golambda

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/jsii-runtime-go"

	"github.com/one-origin/staticsitewithapi/constructs/golambda/internal/gobuild"
)

// Code bundles the Go main package pkg (relative to moduleRoot, the folder
// of its go.mod, e.g. "./backend/lambda") as a provided.al2023 arm64
// "bootstrap" with a local `go build`. The asset hash is computed from the
// build inputs, not from the binary, so it is the same on every machine
// and changes exactly when the code does: the Go files (tests aside) of
// pkg and of every package of the module it imports, go.mod, go.sum and
// the build settings. A failed build stops synth with the compiler's
// output.
func Code(moduleRoot, pkg string) (awslambda.Code, error) {
	srcDir := filepath.Join(moduleRoot, filepath.FromSlash(strings.TrimPrefix(pkg, "./")))
	hash, err := cachedSourceHash(moduleRoot, pkg)
	if err != nil {
		return nil, err
	}
	return awslambda.Code_FromAsset(jsii.String(srcDir), &awss3assets.AssetOptions{
		AssetHash:     jsii.String(hash),
		AssetHashType: awscdk.AssetHashType_CUSTOM,
		Bundling: &awscdk.BundlingOptions{
			// Never pulled: the local bundler always succeeds or stops synth.
			Image: awscdk.DockerImage_FromRegistry(jsii.String("public.ecr.aws/docker/library/golang:1.26")),
			Local: &goBundler{moduleRoot: moduleRoot, pkg: pkg, hash: hash},
		},
	}), nil
}

var (
	hashMu     sync.Mutex
	hashByTree = map[string]string{}
)

// cachedSourceHash hashes a package once per process: every environment's
// stack bundles the same Lambda.
func cachedSourceHash(moduleRoot, pkg string) (string, error) {
	hashMu.Lock()
	defer hashMu.Unlock()
	key := moduleRoot + "\x00" + pkg
	if h, ok := hashByTree[key]; ok {
		return h, nil
	}
	h, err := gobuild.PackageHash(moduleRoot, pkg)
	if err == nil {
		hashByTree[key] = h
	}
	return h, err
}

// goBundler implements awscdk.ILocalBundling.
type goBundler struct {
	moduleRoot, pkg, hash string
}

// TryBundle puts the bootstrap binary into outputDir. A failed build stops
// synth with the compiler's output rather than falling back to Docker.
//
// Builds are kept in the user cache directory under the asset hash and the
// Go version, so a synth whose Lambda inputs did not change copies the
// binary instead of linking it again (synth runs on every cdk command).
func (g *goBundler) TryBundle(outputDir *string, _ *awscdk.BundlingOptions) *bool {
	dst := filepath.Join(*outputDir, "bootstrap")
	cached := ""
	if dir, err := os.UserCacheDir(); err == nil {
		cached = filepath.Join(dir, "staticsitewithapi", "go-lambda", g.hash+"-"+runtime.Version(), "bootstrap")
		if copyFile(cached, dst) == nil {
			return jsii.Bool(true)
		}
	}
	g.build(dst)
	if cached != "" {
		// Best effort: a cache that cannot be written only costs a rebuild.
		if err := os.MkdirAll(filepath.Dir(cached), 0o755); err == nil {
			tmp := fmt.Sprintf("%s.%d", cached, os.Getpid())
			if copyFile(dst, tmp) == nil {
				_ = os.Rename(tmp, cached)
			}
		}
	}
	return jsii.Bool(true)
}

func (g *goBundler) build(dst string) {
	args := append(slices.Clone(gobuild.Flags), "-o", dst, g.pkg)
	cmd := exec.Command("go", args...)
	cmd.Dir = g.moduleRoot
	cmd.Env = append(os.Environ(), gobuild.Env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		panic(fmt.Errorf("building the Go Lambda %s (go %s): %v\n%s", g.pkg, strings.Join(args, " "), err, out))
	}
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
