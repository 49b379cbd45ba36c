// Package fakeaws serves recorded CloudFront (REST-XML) and API Gateway
// (REST-JSON) responses from local servers, for the tests of the live
// reader (internal/live) and of the command that uses it (cmd/sitecheck).
// It fails the test on any request that is not one of the reads the
// reader is meant to make.
package fakeaws

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// NoInternet makes sure no request leaves the machine: every request to a
// host that is not the loopback goes to a proxy that does not exist (Go
// never proxies loopback requests, which is where the fakes listen). Call
// it from TestMain.
func NoInternet() {
	for _, k := range []string{"HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"} {
		os.Setenv(k, "http://127.0.0.1:9")
	}
	os.Unsetenv("NO_PROXY")
	os.Unsetenv("no_proxy")
}

// Credentials gives the SDK's standard chain static fake credentials
// and nothing else to find: no profile files, no instance metadata.
func Credentials(t *testing.T) {
	t.Helper()
	none := filepath.Join(t.TempDir(), "none")
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":            "AKIDLIVETEST",
		"AWS_SECRET_ACCESS_KEY":        "live-test-secret",
		"AWS_SESSION_TOKEN":            "",
		"AWS_PROFILE":                  "",
		"AWS_DEFAULT_PROFILE":          "",
		"AWS_REGION":                   "us-east-1",
		"AWS_DEFAULT_REGION":           "",
		"AWS_CONFIG_FILE":              none,
		"AWS_SHARED_CREDENTIALS_FILE":  none,
		"AWS_EC2_METADATA_DISABLED":    "true",
		"AWS_ENDPOINT_URL":             "",
		"AWS_ENDPOINT_URL_CLOUDFRONT":  "",
		"AWS_ENDPOINT_URL_API_GATEWAY": "",
	} {
		t.Setenv(k, v)
	}
}

// Route maps a request the reader may send to the IAM action it needs.
type Route struct {
	Service string // "cloudfront" or "apigateway"
	Path    *regexp.Regexp
	Action  string
	Query   map[string]string // query parameters the real API needs for this use
}

// Routes are every request the reader may send.
var Routes = []Route{
	{"cloudfront", regexp.MustCompile(`^/2020-05-31/distribution$`), "cloudfront:ListDistributions", nil},
	{"cloudfront", regexp.MustCompile(`^/2020-05-31/distribution/[A-Z0-9]+/config$`), "cloudfront:GetDistributionConfig", nil},
	{"cloudfront", regexp.MustCompile(`^/2020-05-31/cache-policy/[0-9a-f-]+$`), "cloudfront:GetCachePolicy", nil},
	{"cloudfront", regexp.MustCompile(`^/2020-05-31/origin-request-policy/[0-9a-f-]+$`), "cloudfront:GetOriginRequestPolicy", nil},
	{"cloudfront", regexp.MustCompile(`^/2020-05-31/response-headers-policy/[0-9a-f-]+$`), "cloudfront:GetResponseHeadersPolicy", nil},
	{"cloudfront", regexp.MustCompile(`^/2020-05-31/function/[^/]+/describe$`), "cloudfront:DescribeFunction", map[string]string{"Stage": "LIVE"}},
	{"cloudfront", regexp.MustCompile(`^/2020-05-31/function/[^/]+$`), "cloudfront:GetFunction", map[string]string{"Stage": "LIVE"}},
	{"apigateway", regexp.MustCompile(`^/restapis/[a-z0-9]+$`), "apigateway:GET", nil},
	{"apigateway", regexp.MustCompile(`^/restapis/[a-z0-9]+/resources$`), "apigateway:GET", map[string]string{"embed": "methods"}},
	{"apigateway", regexp.MustCompile(`^/restapis/[a-z0-9]+/resources/[a-z0-9]+/methods/[A-Z]+$`), "apigateway:GET", nil},
	{"apigateway", regexp.MustCompile(`^/restapis/[a-z0-9]+/stages$`), "apigateway:GET", nil},
	{"apigateway", regexp.MustCompile(`^/restapis/[a-z0-9]+/gatewayresponses$`), "apigateway:GET", nil},
}

// Server serves recorded responses: <dir>/<fixture>/<service>/<path>.http
// holds the raw HTTP response (status line, headers, body) to GET <path>;
// a ListDistributions page after marker M is <path>.after-M.http. Fixtures
// are layered: the first that has the file answers. It fails the test on
// any request that is not a read the reader is meant to make.
type Server struct {
	t        testing.TB
	dir      string
	fixtures []string
	// Delay is how long to wait before answering; the request's end cuts
	// it short. Set it before the first request.
	Delay time.Duration

	mu       sync.Mutex
	actions  map[string]bool
	regions  map[string]map[string]bool // service -> signing regions seen
	requests []string

	// CloudFront and APIGateway are the two services' fake endpoints.
	CloudFront, APIGateway *httptest.Server
}

// Start serves the recorded fixtures under dir, layered (the first that
// has a response answers), until the test ends.
func Start(t testing.TB, dir string, fixtures ...string) *Server {
	f := &Server{t: t, dir: dir, fixtures: fixtures, actions: map[string]bool{}, regions: map[string]map[string]bool{}}
	f.CloudFront = httptest.NewServer(f.handler("cloudfront"))
	f.APIGateway = httptest.NewServer(f.handler("apigateway"))
	t.Cleanup(func() {
		f.CloudFront.Close()
		f.APIGateway.Close()
	})
	return f
}

var credentialScope = regexp.MustCompile(`Credential=AKIDLIVETEST/\d{8}/([a-z0-9-]+)/([a-z]+)/aws4_request`)

func (f *Server) handler(service string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		f.mu.Lock()
		f.requests = append(f.requests, service+" "+req.Method+" "+req.URL.RequestURI())
		f.mu.Unlock()
		if req.Method != http.MethodGet {
			f.t.Errorf("%s: %s %s: the reader must only read", service, req.Method, req.URL)
			http.Error(w, "read-only", http.StatusMethodNotAllowed)
			return
		}
		sig := credentialScope.FindStringSubmatch(req.Header.Get("Authorization"))
		if sig == nil || sig[2] != service {
			f.t.Errorf("%s %s: not signed with the test credentials for %s: %q", service, req.URL, service, req.Header.Get("Authorization"))
		} else {
			f.mu.Lock()
			if f.regions[service] == nil {
				f.regions[service] = map[string]bool{}
			}
			f.regions[service][sig[1]] = true
			f.mu.Unlock()
		}
		var matched *Route
		for i := range Routes {
			if Routes[i].Service == service && Routes[i].Path.MatchString(req.URL.Path) {
				matched = &Routes[i]
				break
			}
		}
		if matched == nil {
			f.t.Errorf("%s: GET %s is no call the reader should make", service, req.URL)
			http.Error(w, "unexpected", http.StatusBadRequest)
			return
		}
		for k, v := range matched.Query {
			if got := req.URL.Query().Get(k); got != v {
				f.t.Errorf("%s: GET %s: query %s=%q, want %q", service, req.URL, k, got, v)
			}
		}
		f.mu.Lock()
		f.actions[matched.Action] = true
		f.mu.Unlock()

		if f.Delay > 0 {
			select {
			case <-time.After(f.Delay):
			case <-req.Context().Done():
				return
			}
		}
		name := filepath.FromSlash(req.URL.Path)
		if m := req.URL.Query().Get("Marker"); m != "" {
			name += ".after-" + m
		}
		for _, fx := range f.fixtures {
			file := filepath.Join(f.dir, fx, service, name+".http")
			if _, err := os.Stat(file); err == nil {
				f.replay(w, file)
				return
			}
		}
		f.t.Errorf("%s: GET %s has no recorded response in %v", service, req.URL, f.fixtures)
		http.Error(w, "not recorded", http.StatusNotImplemented)
	})
}

// replay writes the recorded response in file.
func (f *Server) replay(w http.ResponseWriter, file string) {
	fh, err := os.Open(file)
	if err != nil {
		f.t.Errorf("%s: %v", file, err)
		return
	}
	defer fh.Close()
	resp, err := http.ReadResponse(bufio.NewReader(fh), nil)
	if err != nil {
		f.t.Errorf("%s: not an HTTP response: %v", file, err)
		return
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Errorf("%s: %v", file, err)
		return
	}
	for k, vs := range resp.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(body)
}

// Seen returns the IAM actions the reader's requests needed.
func (f *Server) Seen() map[string]bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]bool{}
	for k := range f.actions {
		out[k] = true
	}
	return out
}

// SigningRegions are the regions requests to service were signed for.
func (f *Server) SigningRegions(service string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for r := range f.regions[service] {
		out = append(out, r)
	}
	return out
}

// RequestLog lists every request, for failure messages.
func (f *Server) RequestLog() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.requests, "\n")
}
