package staticsite

import (
	"fmt"
	"maps"
	"net/url"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"
)

// Backend is where API Gateway sends every request under the API prefix.
// Build one with LambdaBackend or HttpBackend; the zero value is invalid.
//
// Either way the backend receives the viewer's path unchanged: a browser's
// /api/items/42 reaches CloudFront, which forwards /<stage>/api/items/42 to
// API Gateway, whose {proxy+} resource hands /api/items/42 to the backend.
type Backend struct {
	fn       awslambda.IFunction
	baseUrl  string
	kind     backendKind
	insecure bool // plain http:// allowed
}

type backendKind int

const (
	backendNone backendKind = iota
	backendLambda
	backendHttp
)

// LambdaBackend sends every API request to fn through a Lambda proxy
// integration. The function receives the full path (for example
// /api/health) in the event's path field.
func LambdaBackend(fn awslambda.IFunction) *Backend {
	return &Backend{fn: fn, kind: backendLambda}
}

// HttpBackend sends every API request to an existing HTTPS service through
// an HTTP proxy integration. baseUrl is the service's https:// URL with
// host and optional base path, without a trailing slash, for example
// "https://api.internal.example.com". It may hold tokens, such as a load
// balancer's DNS name: "https://" + *alb.LoadBalancerDnsName(). The viewer
// path is appended unchanged, so a Spring Boot app mapped to /api/**
// receives /api/** as it expects. The service gets
// "x-api-key: verified-by-api-gateway" instead of the origin secret.
func HttpBackend(baseUrl string) *Backend {
	return &Backend{baseUrl: baseUrl, kind: backendHttp}
}

// InsecureHttpBackend is HttpBackend for a service reachable over plain
// http:// only. Requests travel unencrypted between API Gateway and the
// service, over the internet: use it knowingly, for a service you cannot
// give a certificate yet.
func InsecureHttpBackend(baseUrl string) *Backend {
	return &Backend{baseUrl: baseUrl, kind: backendHttp, insecure: true}
}

func (b *Backend) validate() error {
	switch {
	case b == nil || b.kind == backendNone:
		return fmt.Errorf("Backend is required: set it to staticsite.LambdaBackend(fn) or staticsite.HttpBackend(\"https://service.example.com\")")
	case b.kind == backendLambda && b.fn == nil:
		return fmt.Errorf("Backend: LambdaBackend was given a nil function; pass the awslambda.IFunction that serves the API")
	case b.kind == backendHttp:
		return validateBaseUrl(b.baseUrl, b.insecure)
	}
	return nil
}

// validateBaseUrl checks what can be known of an HTTP backend's URL at
// synth: all of it when it is a literal; when it holds a token (a load
// balancer's DNS name, an imported value), its literal scheme and end.
func validateBaseUrl(raw string, insecure bool) error {
	scheme, _, hasScheme := strings.Cut(raw, "://")
	if unresolved(raw) {
		switch {
		case !hasScheme || unresolved(scheme):
			return fmt.Errorf("Backend: HttpBackend URL %q must start with a literal https://, followed by the host (which may be a token such as a load balancer's DNS name)", raw)
		case scheme == "http" && !insecure:
			return insecureError(raw)
		case scheme != "https" && scheme != "http":
			return fmt.Errorf("Backend: HttpBackend URL %q must start with https://", raw)
		case strings.HasSuffix(raw, "/"):
			return fmt.Errorf("Backend: HttpBackend URL %q must not end with \"/\"; the viewer path (which starts with /) is appended to it", raw)
		}
		return nil
	}
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		return fmt.Errorf("Backend: HttpBackend needs a base URL such as \"https://service.example.com\"")
	case err != nil:
		return fmt.Errorf("Backend: HttpBackend URL %q does not parse (%v); use a URL such as \"https://service.example.com\"", raw, err)
	case u.Scheme == "http" && !insecure:
		return insecureError(raw)
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("Backend: HttpBackend URL %q must start with https://", raw)
	case u.Host == "":
		return fmt.Errorf("Backend: HttpBackend URL %q has no host; use a URL such as \"https://service.example.com\"", raw)
	case u.RawQuery != "" || u.Fragment != "" || strings.Contains(raw, "#"):
		return fmt.Errorf("Backend: HttpBackend URL %q must not carry a query string or fragment; API Gateway passes the viewer's own query string through", raw)
	case strings.HasSuffix(raw, "/"):
		return fmt.Errorf("Backend: HttpBackend URL %q must not end with \"/\"; the viewer path (which starts with /) is appended to it", raw)
	case strings.ContainsAny(u.Path, "{}"):
		return fmt.Errorf("Backend: HttpBackend URL %q must not contain path parameters; the construct appends {proxy} itself", raw)
	}
	return nil
}

// An HTTP proxy integration passes every request header on, the
// origin-verify API key that CloudFront adds among them. REST APIs cannot
// remove a header, so the integration overwrites it with a fixed, public
// value: the secret stops at API Gateway (pitfall secret-exposed).
const (
	keyParameter   = "integration.request.header." + OriginVerifyHeader
	keyPlaceholder = "'" + KeyPlaceholder + "'"
)

// KeyPlaceholder is the value an HttpBackend receives in the x-api-key
// header instead of the origin-verify secret.
const KeyPlaceholder = "verified-by-api-gateway"

// integration returns the integration of the API resource at path ("/"
// for the root, "/api/health"), or of its {proxy+} child when greedy.
// A Lambda gets every request as it is; an HTTP service gets the same path
// under its base URL, with the origin secret replaced (keyParameter) and
// headers added.
func (b *Backend) integration(path string, greedy bool, headers map[string]*string) awsapigateway.Integration {
	if b.kind == backendLambda {
		// One permission lets this API (any of its methods, paths and
		// stages, nothing else) invoke the function, instead of one per
		// method and one more per method for the console's test button:
		// with Auth's public paths there are up to a dozen methods.
		return awsapigateway.NewLambdaIntegration(b.fn, &awsapigateway.LambdaIntegrationOptions{
			Proxy:                   jsii.Bool(true),
			ScopePermissionToMethod: jsii.Bool(false),
		})
	}
	params := map[string]*string{keyParameter: jsii.String(keyPlaceholder)}
	maps.Copy(params, headers)
	url := b.baseUrl + path
	if greedy {
		url = b.baseUrl + strings.TrimSuffix(path, "/") + "/{proxy}"
		params["integration.request.path.proxy"] = jsii.String("method.request.path.proxy")
	}
	return awsapigateway.NewHttpIntegration(jsii.String(url), &awsapigateway.HttpIntegrationProps{
		Proxy:      jsii.Bool(true),
		HttpMethod: jsii.String("ANY"),
		Options:    &awsapigateway.IntegrationOptions{RequestParameters: &params},
	})
}

func insecureError(raw string) error {
	return fmt.Errorf("Backend: HttpBackend URL %q is plain http://: requests would travel unencrypted between API Gateway and the service. Use https://, or staticsite.InsecureHttpBackend(url) if the service has no certificate yet", raw)
}
