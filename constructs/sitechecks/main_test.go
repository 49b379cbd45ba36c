package sitechecks_test

import (
	"testing"

	"github.com/one-origin/staticsitewithapi/internal/jsiitest"
)

func TestMain(m *testing.M) { jsiitest.Main(m) }
