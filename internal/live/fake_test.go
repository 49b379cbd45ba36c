package live

import (
	"os"
	"testing"
	"time"

	"github.com/one-origin/staticsitewithapi/internal/live/fakeaws"
)

// TestMain makes sure no test can reach AWS.
func TestMain(m *testing.M) {
	fakeaws.NoInternet()
	os.Exit(m.Run())
}

// newFake serves the recorded fixtures of testdata/.
func newFake(t *testing.T, fixtures ...string) *fakeaws.Server {
	fakeaws.Credentials(t)
	return fakeaws.Start(t, "testdata", fixtures...)
}

// optionsFor points the reader at the fakes.
func optionsFor(f *fakeaws.Server) Options {
	return Options{CloudFrontEndpoint: f.CloudFront.URL, APIGatewayEndpoint: f.APIGateway.URL, Timeout: 5 * time.Second}
}
