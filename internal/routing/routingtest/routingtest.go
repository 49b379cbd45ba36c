// Package routingtest reads the routing table that every implementation of
// the routing rule is tested with, test/testdata/routing-cases.json: the Go
// rule (internal/routing), the CloudFront Function in Node
// (test/spa_function_test.go) and the preview server (internal/preview).
package routingtest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"

	"github.com/one-origin/staticsitewithapi/internal/routing"
)

// Case is one row of the table.
type Case struct {
	// URI is the request path, without the query string.
	URI string `json:"uri"`
	// Prefix is the API prefix; "" in the file means routing.DefaultPrefix.
	Prefix string `json:"prefix,omitempty"`
	// QueryString is the query in the CloudFront Function event's form:
	// {"name": {"value": "v", "multiValue": [{"value": "v"}, ...]}}.
	QueryString map[string]any `json:"querystring,omitempty"`
	// Target is "api", "page" or "file" (routing.Target's String).
	Target string `json:"target"`
	// Want is the path the target sees: URI, or routing.IndexPath.
	Want string `json:"want"`
	// Why the row is there.
	Why string `json:"why"`
}

// S3 reports whether the row goes to the S3 behavior, where the
// viewer-request function runs.
func (c Case) S3() bool { return c.Target != routing.API.String() }

// Query returns the query string as url.Values.
func (c Case) Query() url.Values {
	q := url.Values{}
	for k, v := range c.QueryString {
		m, _ := v.(map[string]any)
		if multi, ok := m["multiValue"].([]any); ok {
			for _, e := range multi {
				if em, ok := e.(map[string]any); ok {
					q.Add(k, fmt.Sprint(em["value"]))
				}
			}
			continue
		}
		q.Add(k, fmt.Sprint(m["value"]))
	}
	return q
}

// Path is the table's file, found from this source file's location, so
// tests of any package can read it.
func Path() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "test", "testdata", "routing-cases.json")
}

// Load reads the table and fills in the default prefix. It refuses an
// empty table and a row without a known target or a want.
func Load() ([]Case, error) {
	raw, err := os.ReadFile(Path())
	if err != nil {
		return nil, err
	}
	var cases []Case
	if err := json.Unmarshal(raw, &cases); err != nil {
		return nil, fmt.Errorf("%s: %w", Path(), err)
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("%s: no rows", Path())
	}
	for i := range cases {
		c := &cases[i]
		if c.Prefix == "" {
			c.Prefix = routing.DefaultPrefix
		}
		switch c.Target {
		case routing.API.String(), routing.Page.String(), routing.File.String():
		default:
			return nil, fmt.Errorf("%s: row %q: target %q is not api, page or file", Path(), c.URI, c.Target)
		}
		if c.Want == "" {
			return nil, fmt.Errorf("%s: row %q has no want", Path(), c.URI)
		}
	}
	return cases, nil
}
