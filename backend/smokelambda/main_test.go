package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/internal/smoke/scheduled"
)

// scheduledEvent is what an EventBridge rule's schedule sends.
const scheduledEvent = `{"version":"0","id":"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa","detail-type":"Scheduled Event",` +
	`"source":"aws.events","account":"123456789012","time":"2025-06-01T12:00:00Z","region":"eu-west-1",` +
	`"resources":["arn:aws:events:eu-west-1:123456789012:rule/smoke"],"detail":{}}`

// The handler is one that lambda.Start accepts, it ignores the scheduled
// event, reads SITE_URL from the environment and logs the metrics; a
// failing site is not an invocation error.
func TestHandlerTakesTheScheduledEvent(t *testing.T) {
	site := httptest.NewServer(http.NotFoundHandler()) // every check fails
	defer site.Close()
	t.Setenv(scheduled.EnvSiteURL, site.URL)

	var out strings.Builder
	h := handler()
	h.Out = &out
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	resp, err := lambda.NewHandler(h.Handle).Invoke(ctx, []byte(scheduledEvent))
	require.NoError(t, err)
	require.Equal(t, "null", string(resp))
	require.Contains(t, out.String(), "smoke check of "+site.URL)
	require.Contains(t, out.String(), `"Namespace":"`+scheduled.Namespace+`"`)
	require.Contains(t, out.String(), `"Healthy":0`)
}

// Without SITE_URL the invocation fails, naming the variable.
func TestHandlerWithoutSiteURL(t *testing.T) {
	t.Setenv(scheduled.EnvSiteURL, "")
	h := handler()
	h.Out = &strings.Builder{}
	_, err := lambda.NewHandler(h.Handle).Invoke(context.Background(), []byte(scheduledEvent))
	require.ErrorContains(t, err, "SITE_URL is not set")
}
