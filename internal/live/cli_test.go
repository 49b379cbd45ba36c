package live

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCommandOnTheFieldNote runs what a console user runs,
// `sitecheck -distribution <id>`, as a built program, against the recorded
// console setup. The AWS SDK finds the fakes through the standard
// service-endpoint variables (AWS_ENDPOINT_URL_CLOUDFRONT,
// AWS_ENDPOINT_URL_API_GATEWAY), and the command must name every pitfall
// of that setup and exit 1.
func TestCommandOnTheFieldNote(t *testing.T) {
	testCredentials(t)
	fake := newFakeAWS(t, "fieldnote")
	bin := filepath.Join(t.TempDir(), "sitecheck")
	build := exec.Command("go", "build", "-o", bin, "github.com/one-origin/staticsitewithapi/cmd/sitecheck")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	cmd := exec.Command(bin, "-json", "-distribution", "E2FIELDNOTE0QZ")
	cmd.Env = append(os.Environ(),
		"AWS_ENDPOINT_URL_CLOUDFRONT="+fake.CloudFront.URL,
		"AWS_ENDPOINT_URL_API_GATEWAY="+fake.APIGateway.URL)
	stdout, err := cmd.Output()
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit) && exit.ExitCode() == 1, "want exit 1 (errors found), got %v:\n%s\nrequests:\n%s", err, stdout, fake.requestLog())

	var rep struct{ Pitfalls []string }
	require.NoError(t, json.Unmarshal(stdout, &rep), "%s", stdout)
	slices.Sort(rep.Pitfalls)
	require.Equal(t, []string{"api-cached", "api-route", "cors-duplicate", "direct-access", "edge-methods", "edge-optimized", "error-masked", "errors-cached"}, rep.Pitfalls)
}
