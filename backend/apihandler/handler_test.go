package apihandler_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/backend/apihandler"
)

// fixedNow is in a non-UTC zone so the tests prove the handler converts to UTC.
var fixedNow = time.Date(2024, 5, 6, 9, 8, 7, 123456789, time.FixedZone("CEST", 2*60*60))

const fixedHealthBody = `{"status":"ok","time":"2024-05-06T07:08:07Z"}`

func jsonHeaders() map[string]string {
	return map[string]string{"Content-Type": "application/json"}
}

func TestHandler(t *testing.T) {
	h := &apihandler.Handler{Now: func() time.Time { return fixedNow }}

	tests := []struct {
		name       string
		req        events.APIGatewayProxyRequest
		wantStatus int
		wantBody   string // JSON, or "" for an empty body
		wantAllow  string // expected Allow header, "" if it must be absent
	}{
		{
			name:       "GET health",
			req:        events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/api/health"},
			wantStatus: http.StatusOK,
			wantBody:   fixedHealthBody,
		},
		{
			name:       "GET health with trailing slash",
			req:        events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/api/health/"},
			wantStatus: http.StatusOK,
			wantBody:   fixedHealthBody,
		},
		{
			name:       "HEAD health has no body",
			req:        events.APIGatewayProxyRequest{HTTPMethod: "HEAD", Path: "/api/health"},
			wantStatus: http.StatusOK,
		},
		{
			name:       "POST health is 405",
			req:        events.APIGatewayProxyRequest{HTTPMethod: "POST", Path: "/api/health", Body: "{}"},
			wantStatus: http.StatusMethodNotAllowed,
			wantBody:   `{"error":"method not allowed"}`,
			wantAllow:  "GET, HEAD, OPTIONS",
		},
		{
			name:       "GET echo is 405",
			req:        events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/api/echo"},
			wantStatus: http.StatusMethodNotAllowed,
			wantBody:   `{"error":"method not allowed"}`,
			wantAllow:  "POST, OPTIONS",
		},
		{
			name:       "OPTIONS echo is 204 with Allow",
			req:        events.APIGatewayProxyRequest{HTTPMethod: "OPTIONS", Path: "/api/echo"},
			wantStatus: http.StatusNoContent,
			wantAllow:  "POST, OPTIONS",
		},
		{
			name: "POST echo JSON object",
			req: events.APIGatewayProxyRequest{
				HTTPMethod: "POST", Path: "/api/echo", Headers: jsonHeaders(),
				Body: `{"hello":"world","n":12345678901234567890,"list":[1,true,null]}`,
			},
			wantStatus: http.StatusOK,
			wantBody:   `{"echo":{"hello":"world","n":12345678901234567890,"list":[1,true,null]},"method":"POST","path":"/api/echo","received":{"headers":["content-type"]}}`,
		},
		{
			name: "POST echo names the headers and query it received",
			req: events.APIGatewayProxyRequest{
				HTTPMethod: "POST", Path: "/api/echo", Body: `{}`,
				Headers:               map[string]string{"Content-Type": "application/json", "Authorization": "Bearer secret-token"},
				MultiValueHeaders:     map[string][]string{"X-Probe": {"a", "b"}},
				QueryStringParameters: map[string]string{"page": "2"},
			},
			wantStatus: http.StatusOK,
			wantBody:   `{"echo":{},"method":"POST","path":"/api/echo","received":{"headers":["authorization","content-type","x-probe"],"query":{"page":"2"}}}`,
		},
		{
			name: "POST echo JSON scalar without Content-Type",
			req: events.APIGatewayProxyRequest{
				HTTPMethod: "POST", Path: "/api/echo", Body: ` "just a string" `,
			},
			wantStatus: http.StatusOK,
			wantBody:   `{"echo":"just a string","method":"POST","path":"/api/echo"}`,
		},
		{
			name: "POST echo with charset and lower-case header name",
			req: events.APIGatewayProxyRequest{
				HTTPMethod: "POST", Path: "/api/echo",
				Headers: map[string]string{"content-type": "application/json; charset=utf-8"},
				Body:    `[1,2,3]`,
			},
			wantStatus: http.StatusOK,
			wantBody:   `{"echo":[1,2,3],"method":"POST","path":"/api/echo","received":{"headers":["content-type"]}}`,
		},
		{
			name: "POST echo Content-Type only in multi-value headers",
			req: events.APIGatewayProxyRequest{
				HTTPMethod: "POST", Path: "/api/echo",
				MultiValueHeaders: map[string][]string{"Content-Type": {"text/plain"}},
				Body:              `{"a":1}`,
			},
			wantStatus: http.StatusUnsupportedMediaType,
			wantBody:   `{"error":"Content-Type must be application/json"}`,
		},
		{
			name: "POST echo base64-encoded body",
			req: events.APIGatewayProxyRequest{
				HTTPMethod: "POST", Path: "/api/echo", Headers: jsonHeaders(),
				IsBase64Encoded: true,
				Body:            base64.StdEncoding.EncodeToString([]byte(`{"encoded":"yes <&>"}`)),
			},
			wantStatus: http.StatusOK,
			wantBody:   `{"echo":{"encoded":"yes <&>"},"method":"POST","path":"/api/echo","received":{"headers":["content-type"]}}`,
		},
		{
			name: "POST echo invalid base64 is 400",
			req: events.APIGatewayProxyRequest{
				HTTPMethod: "POST", Path: "/api/echo", Headers: jsonHeaders(),
				IsBase64Encoded: true, Body: "%%%not-base64%%%",
			},
			wantStatus: http.StatusBadRequest,
			wantBody:   `{"error":"request body is not valid base64"}`,
		},
		{
			name: "POST echo invalid JSON is 400",
			req: events.APIGatewayProxyRequest{
				HTTPMethod: "POST", Path: "/api/echo", Headers: jsonHeaders(), Body: `{"a":`,
			},
			wantStatus: http.StatusBadRequest,
			wantBody:   `{"error":"invalid JSON body: unexpected end of JSON input"}`,
		},
		{
			name: "POST echo trailing data is 400",
			req: events.APIGatewayProxyRequest{
				HTTPMethod: "POST", Path: "/api/echo", Headers: jsonHeaders(), Body: `{"a":1} {"b":2}`,
			},
			wantStatus: http.StatusBadRequest,
			wantBody:   `{"error":"invalid JSON body: invalid character '{' after top-level value"}`,
		},
		{
			name: "POST echo empty body is 400",
			req: events.APIGatewayProxyRequest{
				HTTPMethod: "POST", Path: "/api/echo", Headers: jsonHeaders(), Body: "  \n",
			},
			wantStatus: http.StatusBadRequest,
			wantBody:   `{"error":"request body must be a JSON document"}`,
		},
		{
			name: "POST echo non-JSON Content-Type is 415",
			req: events.APIGatewayProxyRequest{
				HTTPMethod: "POST", Path: "/api/echo",
				Headers: map[string]string{"Content-Type": "text/plain; charset=utf-8"},
				Body:    `{"a":1}`,
			},
			wantStatus: http.StatusUnsupportedMediaType,
			wantBody:   `{"error":"Content-Type must be application/json"}`,
		},
		{
			name: "POST echo body over 1 MiB is 413",
			req: events.APIGatewayProxyRequest{
				HTTPMethod: "POST", Path: "/api/echo", Headers: jsonHeaders(),
				Body: `"` + strings.Repeat("a", 1<<20) + `"`,
			},
			wantStatus: http.StatusRequestEntityTooLarge,
			wantBody:   `{"error":"request body exceeds 1048576 bytes"}`,
		},
		{
			name: "POST echo base64 body over 1 MiB is 413",
			req: events.APIGatewayProxyRequest{
				HTTPMethod: "POST", Path: "/api/echo", Headers: jsonHeaders(), IsBase64Encoded: true,
				Body: base64.StdEncoding.EncodeToString([]byte(`"` + strings.Repeat("a", 1<<20) + `"`)),
			},
			wantStatus: http.StatusRequestEntityTooLarge,
			wantBody:   `{"error":"request body exceeds 1048576 bytes"}`,
		},
		{
			name:       "unknown API path is 404 JSON",
			req:        events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/api/nope"},
			wantStatus: http.StatusNotFound,
			wantBody:   `{"error":"not found","path":"/api/nope"}`,
		},
		{
			name:       "prefix root is 404 JSON",
			req:        events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/api"},
			wantStatus: http.StatusNotFound,
			wantBody:   `{"error":"not found","path":"/api"}`,
		},
		{
			name:       "route without prefix is 404 JSON",
			req:        events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/health"},
			wantStatus: http.StatusNotFound,
			wantBody:   `{"error":"not found","path":"/health"}`,
		},
		{
			name:       "prefix must end at a path segment",
			req:        events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/apihealth"},
			wantStatus: http.StatusNotFound,
			wantBody:   `{"error":"not found","path":"/apihealth"}`,
		},
		{
			name:       "unknown path with any method is 404, not 405",
			req:        events.APIGatewayProxyRequest{HTTPMethod: "DELETE", Path: "/index.html"},
			wantStatus: http.StatusNotFound,
			wantBody:   `{"error":"not found","path":"/index.html"}`,
		},
	}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := h.Handle(context.Background(), tc.req)
			require.NoError(t, err, "client mistakes must not become Lambda errors (502)")
			require.Equal(t, tc.wantStatus, resp.StatusCode)
			requireCommonHeaders(t, resp)

			allow, ok := resp.Headers["Allow"]
			if tc.wantAllow == "" {
				require.False(t, ok, "unexpected Allow header %q", allow)
			} else {
				require.Equal(t, tc.wantAllow, allow)
			}

			require.False(t, resp.IsBase64Encoded)
			if tc.wantBody == "" {
				require.Empty(t, resp.Body)
			} else {
				require.JSONEq(t, tc.wantBody, resp.Body)
			}
		})
	}
}

// requireCommonHeaders checks the headers every response must carry and
// that no CORS header is set (CloudFront owns CORS).
func requireCommonHeaders(t *testing.T, resp events.APIGatewayProxyResponse) {
	t.Helper()
	require.Equal(t, "application/json; charset=utf-8", resp.Headers["Content-Type"])
	require.Equal(t, "no-store", resp.Headers["Cache-Control"])
	for k := range resp.Headers {
		require.False(t, strings.HasPrefix(strings.ToLower(k), "access-control-"), "unexpected CORS header %q", k)
	}
	for k := range resp.MultiValueHeaders {
		require.False(t, strings.HasPrefix(strings.ToLower(k), "access-control-"), "unexpected CORS header %q", k)
	}
}

func TestHandlerCustomPrefixAndLimit(t *testing.T) {
	h := &apihandler.Handler{Prefix: "/v1/", Now: func() time.Time { return fixedNow }, MaxBodyBytes: 8}

	resp, err := h.Handle(context.Background(), events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/v1/health"})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.JSONEq(t, fixedHealthBody, resp.Body)

	resp, err = h.Handle(context.Background(), events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/api/health"})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, resp.StatusCode)

	resp, err = h.Handle(context.Background(), events.APIGatewayProxyRequest{HTTPMethod: "POST", Path: "/v1/echo", Body: `"123456789"`})
	require.NoError(t, err)
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	require.JSONEq(t, `{"error":"request body exceeds 8 bytes"}`, resp.Body)

	root := &apihandler.Handler{Prefix: "/", Now: func() time.Time { return fixedNow }}
	resp, err = root.Handle(context.Background(), events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/health"})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.JSONEq(t, fixedHealthBody, resp.Body)
}

func TestHandleUsesDefaultHandler(t *testing.T) {
	before := time.Now().UTC().Truncate(time.Second)
	resp, err := apihandler.Handle(context.Background(), events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/api/health"})
	after := time.Now().UTC()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	requireCommonHeaders(t, resp)

	var body struct {
		Status string `json:"status"`
		Time   string `json:"time"`
	}
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &body))
	require.Equal(t, "ok", body.Status)
	ts, err := time.Parse(time.RFC3339, body.Time)
	require.NoError(t, err)
	require.True(t, strings.HasSuffix(body.Time, "Z"), "time %q is not UTC", body.Time)
	require.False(t, ts.Before(before) || ts.After(after), "time %s not within [%s, %s]", ts, before, after)
}

// TestViewerIP (pitfall client-ip): behind CloudFront, sourceIp is the edge
// server; the viewer is the entry CloudFront appended to X-Forwarded-For,
// before the one API Gateway appends, whatever the client put in front.
func TestViewerIP(t *testing.T) {
	const edge = "130.176.1.5"
	for name, c := range map[string]struct {
		xff  []string // header lines
		want string
	}{
		"viewer then edge":                          {[]string{"203.0.113.7, " + edge}, "203.0.113.7"},
		"forged entries in front are ignored":       {[]string{"10.0.0.1, 198.51.100.1, 203.0.113.7, " + edge}, "203.0.113.7"},
		"repeated header lines":                     {[]string{"198.51.100.1", "203.0.113.7, " + edge}, "203.0.113.7"},
		"without API Gateway's entry":               {[]string{"203.0.113.7"}, "203.0.113.7"},
		"IPv6 viewer":                               {[]string{"2001:db8::1, " + edge}, "2001:db8::1"},
		"no header":                                 {nil, ""},
		"only the edge (no CloudFront in front)":    {[]string{edge}, edge},
		"not an address where the viewer should be": {[]string{"unknown, " + edge}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			req := events.APIGatewayProxyRequest{
				MultiValueHeaders: map[string][]string{"X-Forwarded-For": c.xff},
				RequestContext:    events.APIGatewayProxyRequestContext{Identity: events.APIGatewayRequestIdentity{SourceIP: edge}},
			}
			require.Equal(t, c.want, apihandler.ViewerIP(req))
		})
	}
}

// TestRequestLog: one line per request with the viewer's IP (client-ip),
// and nothing of the origin-verify key, which the event carries in two
// places (secret-exposed).
func TestRequestLog(t *testing.T) {
	const key = "Kq8s0dN3vT7wYb2mZc5xLr9pHj4fGe6aUi1oQy8tWs3kMn0v"
	var out strings.Builder
	h := &apihandler.Handler{Now: func() time.Time { return fixedNow }, Log: &out}
	req := events.APIGatewayProxyRequest{
		HTTPMethod: "POST", Path: "/api/echo", Body: `{"a":1}`,
		Headers: map[string]string{"Content-Type": "application/json", "x-api-key": key, "X-Amz-Cf-Id": "cf-123", "X-Forwarded-For": "203.0.113.7, 130.176.1.5"},
		RequestContext: events.APIGatewayProxyRequestContext{
			RequestID: "req-1",
			Identity:  events.APIGatewayRequestIdentity{SourceIP: "130.176.1.5", APIKey: key, APIKeyID: "abc123"},
		},
	}
	resp, err := h.Handle(context.Background(), req)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NotContains(t, resp.Body, key)
	// Header names reach the echo, never values, and not the key's name.
	require.JSONEq(t, `{"echo":{"a":1},"method":"POST","path":"/api/echo","viewerIp":"203.0.113.7",
		"received":{"headers":["content-type","x-amz-cf-id","x-forwarded-for"]}}`, resp.Body)
	require.NotContains(t, resp.Body, "x-api-key")
	require.JSONEq(t, `{"requestId":"req-1","cloudFrontId":"cf-123","viewerIp":"203.0.113.7","method":"POST","path":"/api/echo","status":200}`, out.String())
	require.NotContains(t, out.String(), key)
	require.True(t, strings.HasSuffix(out.String(), "}\n"), "one line per request")
}

// TestMe: GET /me returns the verified caller as API Gateway hands it
// over, from events decoded as Lambda decodes them, and refuses a caller
// that no authorizer verified.
func TestMe(t *testing.T) {
	h := &apihandler.Handler{Now: func() time.Time { return fixedNow }}
	decode := func(ev string) events.APIGatewayProxyRequest {
		t.Helper()
		var req events.APIGatewayProxyRequest
		require.NoError(t, json.Unmarshal([]byte(ev), &req))
		return req
	}
	serve := func(req events.APIGatewayProxyRequest) events.APIGatewayProxyResponse {
		t.Helper()
		resp, err := h.Handle(context.Background(), req)
		require.NoError(t, err)
		requireCommonHeaders(t, resp)
		return resp
	}

	t.Run("Cognito claims", func(t *testing.T) {
		resp := serve(decode(`{"httpMethod":"GET","path":"/api/me","requestContext":{
			"identity":{"apiKey":"origin-secret","sourceIp":"192.0.2.1"},
			"authorizer":{"claims":{"sub":"5f1c","email":"jane@example.com","token_use":"id",
				"exp":"Mon May 06 08:08:07 UTC 2024","cognito:username":"jane"}}}}`))
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.JSONEq(t, `{"claims":{"sub":"5f1c","email":"jane@example.com","token_use":"id",
			"exp":"Mon May 06 08:08:07 UTC 2024","cognito:username":"jane"}}`, resp.Body)
		require.NotContains(t, resp.Body, "origin-secret", "requestContext.identity holds the origin-verify key")
	})

	t.Run("Lambda authorizer context", func(t *testing.T) {
		resp := serve(decode(`{"httpMethod":"GET","path":"/api/me/","requestContext":{
			"authorizer":{"principalId":"user-42","tenant":"acme","admin":false,"integrationLatency":12}}}`))
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.JSONEq(t, `{"claims":{"principalId":"user-42","tenant":"acme","admin":false}}`, resp.Body)

		// A Lambda authorizer's context key named "claims" is a string,
		// not Cognito's map: it is one entry among the others.
		resp = serve(decode(`{"httpMethod":"GET","path":"/api/me","requestContext":{
			"authorizer":{"principalId":"p","claims":"none"}}}`))
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.JSONEq(t, `{"claims":{"principalId":"p","claims":"none"}}`, resp.Body)
	})

	for name, ev := range map[string]string{
		"no authorizer":           `{"httpMethod":"GET","path":"/api/me","requestContext":{}}`,
		"null authorizer":         `{"httpMethod":"GET","path":"/api/me","requestContext":{"authorizer":null}}`,
		"empty Cognito claims":    `{"httpMethod":"GET","path":"/api/me","requestContext":{"authorizer":{"claims":{}}}}`,
		"only integrationLatency": `{"httpMethod":"GET","path":"/api/me","requestContext":{"authorizer":{"integrationLatency":0}}}`,
	} {
		t.Run(name, func(t *testing.T) {
			resp := serve(decode(ev))
			require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			var body map[string]string
			require.NoError(t, json.Unmarshal([]byte(resp.Body), &body))
			require.Contains(t, body["message"], "no verified caller")
			require.Contains(t, body["message"], "authorizer")
			require.Len(t, body, 1, "only a message: %s", resp.Body)
		})
	}

	t.Run("methods", func(t *testing.T) {
		for _, m := range []string{"POST", "PUT", "DELETE", "HEAD"} {
			resp := serve(events.APIGatewayProxyRequest{HTTPMethod: m, Path: "/api/me",
				RequestContext: events.APIGatewayProxyRequestContext{Authorizer: map[string]any{"principalId": "p"}}})
			require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode, m)
			require.Equal(t, "GET, OPTIONS", resp.Headers["Allow"], m)
		}
		resp := serve(events.APIGatewayProxyRequest{HTTPMethod: "OPTIONS", Path: "/api/me"})
		require.Equal(t, http.StatusNoContent, resp.StatusCode, "a preflight has no token and must not be refused")
		require.Equal(t, "GET, OPTIONS", resp.Headers["Allow"])
	})
}
