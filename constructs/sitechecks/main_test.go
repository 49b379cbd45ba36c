package sitechecks_test

import (
	"os"
	"testing"

	"github.com/aws/jsii-runtime-go"
)

// TestMain stops the jsii runtime after the tests, which also removes its
// temporary folder (os.Exit skips deferred calls).
func TestMain(m *testing.M) {
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}
