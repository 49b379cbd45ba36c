package test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden templates in testdata/ (go test ./test -run Snapshot -update)")

// TestSnapshot compares each shipped environment's template with its golden
// file. A reviewer reads the golden diff in a pull request; regenerate it
// with: go test ./test -run Snapshot -update
func TestSnapshot(t *testing.T) {
	for _, env := range []string{"dev", "prod"} {
		t.Run(env, func(t *testing.T) {
			got, err := json.MarshalIndent(envStack(t, env).template, "", "  ")
			require.NoError(t, err)
			got = append(got, '\n')
			golden := filepath.Join("testdata", "StaticSite-"+env+".template.json")
			if *update {
				require.NoError(t, os.WriteFile(golden, got, 0o644))
				return
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "no golden file; create it with: go test ./test -run Snapshot -update")
			require.Equal(t, string(want), string(got), "template changed; if intended, run: go test ./test -run Snapshot -update")
		})
	}
}
