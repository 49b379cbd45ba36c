package pitfalls_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/pitfalls"
)

// TestNoSecondCopyOfAPolicyId: outside this package's policies.go, Go code
// (tests aside) refers to managed policies by constant, never by UUID.
func TestNoSecondCopyOfAPolicyId(t *testing.T) {
	known := map[string]bool{}
	for _, p := range pitfalls.ManagedPolicies() {
		known[p.ID] = true
	}
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	self, err := filepath.Abs("policies.go")
	require.NoError(t, err)
	var copies []string
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (strings.HasPrefix(n, ".") || n == "node_modules" || n == "testdata" || n == "cdk.out" || n == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || path == self {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range uuidPattern.FindAllString(string(src), -1) {
			if known[m] {
				copies = append(copies, strings.TrimPrefix(path, root+"/")+": "+m)
			}
		}
		return nil
	})
	require.NoError(t, err)
	require.Empty(t, copies, "use the constants of package pitfalls instead")
}
