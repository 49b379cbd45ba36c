package test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
			if diff := lineDiff(string(want), string(got)); diff != "" {
				t.Fatalf("template changed; if intended, run: go test ./test -run Snapshot -update\n%s", diff)
			}
		})
	}
}

// lineDiff lists the first lines that differ between two texts, with line
// numbers, or "" when they are equal: enough to see what moved without
// printing two whole templates.
func lineDiff(want, got string) string {
	if want == got {
		return ""
	}
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 20; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  golden: %s\n  now:    %s\n", i+1, wl, gl)
			shown++
		}
	}
	fmt.Fprintf(&b, "(golden %d lines, now %d lines)", len(w), len(g))
	return b.String()
}
