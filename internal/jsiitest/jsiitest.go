// Package jsiitest holds the TestMain of this module's test packages that
// use CDK.
package jsiitest

import (
	"os"
	"testing"

	"github.com/aws/jsii-runtime-go"
)

// Main runs the tests, then the cleanups, then stops the jsii runtime,
// which also removes its temporary folder, and exits with the tests'
// status. Call it from TestMain: os.Exit skips deferred calls, so
// `defer jsii.Close()` does not work there.
func Main(m *testing.M, cleanups ...func()) {
	code := m.Run()
	for _, c := range cleanups {
		c()
	}
	jsii.Close()
	os.Exit(code)
}
