package test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/constructs/staticsite"
	"github.com/one-origin/staticsitewithapi/stacks"
)

// alarmsOf returns the alarms of a template by the name the construct
// gives them (the logical ID after "Monitoring").
func alarmsOf(tmpl obj) map[string]obj {
	out := map[string]obj{}
	for id, a := range resourcesOf(tmpl, "AWS::CloudWatch::Alarm") {
		at := strings.Index(id, "Monitoring")
		if at < 0 {
			continue // not one of AddMonitoring's
		}
		name := id[at+len("Monitoring"):]
		out[name[:len(name)-8]] = a // the logical ID ends in an 8-character hash
	}
	return out
}

// TestProdAlarms: the shipped prod environment alarms on the API's 5XX
// rate, 4XX spikes and p99 latency near the integration timeout, on the Go
// Lambda's errors, throttles and duration near its timeout, and on the
// frontend upload failing; each notifies the topic on ALARM and OK, and no
// traffic is no alarm.
func TestProdAlarms(t *testing.T) {
	tmpl := envStack(t, "prod").template
	alarms := alarmsOf(tmpl)
	topics := resourcesOf(tmpl, "AWS::SNS::Topic")
	require.Len(t, topics, 1)
	var topic string
	for id := range topics {
		topic = id
	}
	type want struct {
		ns, metric, stat       string
		threshold, period      float64
		evaluations, datapoint float64
		dims                   []string
	}
	api := []string{"ApiName", "Stage"}
	fn := []string{"FunctionName"}
	for name, w := range map[string]want{
		"ApiServerErrors": {"AWS/ApiGateway", "5XXError", "Average", 0.01, 60, 3, 2, api},
		"ApiClientErrors": {"AWS/ApiGateway", "4XXError", "Average", 0.25, 300, 3, 2, api},
		"ApiLatency":      {"AWS/ApiGateway", "Latency", "p99", 23200, 300, 3, 2, api},
		"LambdaErrors":    {"AWS/Lambda", "Errors", "Sum", 1, 300, 3, 2, fn},
		"LambdaThrottles": {"AWS/Lambda", "Throttles", "Sum", 1, 300, 3, 2, fn},
		"LambdaDuration":  {"AWS/Lambda", "Duration", "p99", 20000, 300, 3, 2, fn},
		"UploadErrors":    {"AWS/Lambda", "Errors", "Sum", 1, 300, 1, 1, fn},
	} {
		a := alarms[name]
		require.NotNil(t, a, "no alarm %s; have %v", name, keys(alarms))
		require.Equal(t, w.ns, a["Namespace"], name)
		require.Equal(t, w.metric, a["MetricName"], name)
		stat := a["Statistic"]
		if stat == nil {
			stat = a["ExtendedStatistic"]
		}
		require.Equal(t, w.stat, stat, name)
		require.Equal(t, w.threshold, a["Threshold"], name)
		require.Equal(t, w.period, a["Period"], name)
		require.Equal(t, w.evaluations, a["EvaluationPeriods"], name)
		require.Equal(t, w.datapoint, a["DatapointsToAlarm"], name)
		require.Equal(t, "GreaterThanOrEqualToThreshold", a["ComparisonOperator"], name)
		require.Equal(t, "notBreaching", a["TreatMissingData"], name)
		var dims []string
		for _, d := range a["Dimensions"].([]any) {
			dims = append(dims, d.(obj)["Name"].(string))
		}
		require.ElementsMatch(t, w.dims, dims, name)
		require.Equal(t, []any{obj{"Ref": topic}}, a["AlarmActions"], name)
		require.Equal(t, []any{obj{"Ref": topic}}, a["OKActions"], name)
		require.Contains(t, a["AlarmDescription"], "Runbook: docs/operations.md#"+strings.ToLower(name), name)
	}
	require.Len(t, alarms, 7, "CloudFront's alarm only in us-east-1: %v", keys(alarms))
	// The Lambda alarms watch the API's function, the upload alarm the
	// upload's.
	require.NotEqual(t, jsonString(alarms["LambdaErrors"]["Dimensions"]), jsonString(alarms["UploadErrors"]["Dimensions"]))

	// The topic refuses requests without TLS.
	for _, p := range resourcesOf(tmpl, "AWS::SNS::TopicPolicy") {
		require.Contains(t, jsonString(p), `"aws:SecureTransport":"false"`)
	}
	// The dashboard shows the alarms and CloudFront's metrics from us-east-1.
	dashboards := resourcesOf(tmpl, "AWS::CloudWatch::Dashboard")
	require.Len(t, dashboards, 1)
	for _, d := range dashboards {
		body := joined(d["DashboardBody"])
		for _, s := range []string{`"type":"alarm"`, `"AWS/CloudFront","5xxErrorRate"`, `"region":"us-east-1"`, `"AWS/ApiGateway","Latency"`} {
			require.Contains(t, body, s)
		}
	}
	require.Contains(t, jsonString(tmpl["Outputs"]), "AlarmTopicArn")

	require.Empty(t, resourcesOf(envStack(t, "dev").template, "AWS::CloudWatch::Alarm"), "dev has no monitoring")
}

// TestCloudFrontAlarmInUsEast1: CloudFront's metrics are in us-east-1, and
// an alarm can only watch its own region's: a site stack there gets the
// CloudFront 5XX alarm (a percentage) and, with the additional metrics,
// the origin latency alarm; one elsewhere only graphs them.
func TestCloudFrontAlarmInUsEast1(t *testing.T) {
	for region, want := range map[string]bool{"us-east-1": true, "eu-west-1": false} {
		app := newTestApp(nil)
		stack := awscdk.NewStack(app, jsii.String("Mon"), &awscdk.StackProps{Env: &awscdk.Environment{Account: testEnv.Account, Region: jsii.String(region)}})
		site := staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
			Backend: staticsite.HttpBackend("https://backend.example.com"), CloudFrontAdditionalMetrics: jsii.Bool(true),
		})
		mon := site.AddMonitoring(&staticsite.MonitoringOptions{AlarmEmails: jsii.Strings("ops@example.com"), CloudFrontServerErrorRate: jsii.Number(0.02)})
		tmpl := toMap(t, assertions.Template_FromStack(stack, nil))
		alarms := alarmsOf(tmpl)
		cf, ok := alarms["CloudFrontServerErrors"]
		require.Equal(t, want, ok, region)
		require.Equal(t, want, mon.Alarms()["CloudFrontServerErrors"] != nil, region)
		if want {
			require.Equal(t, "AWS/CloudFront", cf["Namespace"])
			require.Equal(t, "5xxErrorRate", cf["MetricName"])
			require.Equal(t, 2.0, cf["Threshold"], "percent")
			require.Contains(t, jsonString(cf["Dimensions"]), `{"Name":"Region","Value":"Global"}`)

			// Origin latency, published with the additional metrics only.
			ol := alarms["OriginLatency"]
			require.NotNil(t, ol)
			require.Equal(t, "OriginLatency", ol["MetricName"])
			require.Equal(t, "p90", ol["ExtendedStatistic"])
			require.Equal(t, 24000.0, ol["Threshold"], "80 % of the 30 s origin read timeout")
			require.Contains(t, jsonString(ol["Dimensions"]), `{"Name":"Region","Value":"Global"}`)
		} else {
			require.NotContains(t, alarms, "OriginLatency", region)
		}
		require.Len(t, resourcesOf(tmpl, "AWS::CloudFront::MonitoringSubscription"), 1, "the additional metrics are on")
		for _, d := range resourcesOf(tmpl, "AWS::CloudWatch::Dashboard") {
			require.Contains(t, joined(d["DashboardBody"]), `"AWS/CloudFront","OriginLatency"`)
		}
		require.NotContains(t, alarms, "LambdaErrors", "an HttpBackend has no function to watch")
		subs := resourcesOf(tmpl, "AWS::SNS::Subscription")
		require.Len(t, subs, 1)
		for _, s := range subs {
			require.Equal(t, "email", s["Protocol"])
			require.Equal(t, "ops@example.com", s["Endpoint"])
		}
	}
}

func TestMonitoringOptionErrors(t *testing.T) {
	for _, tc := range []struct {
		opts *staticsite.MonitoringOptions
		want string
	}{
		{&staticsite.MonitoringOptions{ApiServerErrorRate: jsii.Number(5)}, "ApiServerErrorRate 5 must be a fraction above 0 and at most 1"},
		{&staticsite.MonitoringOptions{ApiLatencyP99: awscdk.Duration_Seconds(jsii.Number(40))}, "ApiLatencyP99 40 seconds must be above 0 and at most the 29 s integration timeout"},
		{&staticsite.MonitoringOptions{AlarmEmails: jsii.Strings("ops@example.com, dev@example.com")}, `AlarmEmails: "ops@example.com, dev@example.com" is not one e-mail address`},
	} {
		_, site := siteFixture(t, func(stack awscdk.Stack) *staticsite.StaticSiteWithApiProps {
			return &staticsite.StaticSiteWithApiProps{Backend: staticsite.HttpBackend("https://backend.example.com")}
		})
		func() {
			defer func() {
				r := recover()
				require.NotNil(t, r, tc.want)
				require.Contains(t, fmt.Sprint(r), tc.want)
			}()
			site.AddMonitoring(tc.opts)
		}()
	}
}

// TestScheduledSmoke: prod runs the smoke checks every 5 minutes from a Go
// Lambda whose role may only write its own log group (the metrics are
// Embedded Metric Format lines in it), and alarms when the Healthy metric
// drops below 1 or stops arriving; the dashboard graphs one metric per
// pitfall ID.
func TestScheduledSmoke(t *testing.T) {
	tmpl := envStack(t, "prod").template
	var fnID string
	for id, fn := range resourcesOf(tmpl, "AWS::Lambda::Function") {
		if strings.HasPrefix(id, "SmokeFunction") {
			fnID = id
			require.Equal(t, "provided.al2023", fn["Runtime"])
			require.Equal(t, []any{"arm64"}, fn["Architectures"])
			require.Equal(t, 135.0, fn["Timeout"])
			vars := asMap(asMap(fn["Environment"])["Variables"])
			require.Contains(t, joined(vars["SITE_URL"]), "https://${SiteDistribution")
			require.Equal(t, "/api", vars["SMOKE_API_PREFIX"])
			require.NotContains(t, jsonString(vars), "TOKEN", "the scheduled run never signs in")
			role := asMap(fn["Role"])["Fn::GetAtt"].([]any)[0].(string)
			policies := resourcesOf(tmpl, "AWS::IAM::Role")[role]["Policies"]
			require.Equal(t, 1, len(policies.([]any)))
			doc := jsonString(policies)
			require.Contains(t, doc, `"logs:CreateLogStream","logs:PutLogEvents"`)
			require.NotContains(t, doc, `"*"`)
			require.NotContains(t, doc, "cloudwatch:PutMetricData", "metrics travel in the log")
			require.Nil(t, resourcesOf(tmpl, "AWS::IAM::Role")[role]["ManagedPolicyArns"])
		}
	}
	require.NotEmpty(t, fnID, "prod has the smoke function")

	rules := resourcesOf(tmpl, "AWS::Events::Rule")
	require.Len(t, rules, 1)
	for _, r := range rules {
		require.Equal(t, "rate(5 minutes)", r["ScheduleExpression"])
		require.Contains(t, jsonString(r["Targets"]), `"Fn::GetAtt":["`+fnID+`","Arn"]`)
	}
	invokers := 0
	for _, p := range resourcesOf(tmpl, "AWS::Lambda::Permission") {
		if p["Principal"] == "events.amazonaws.com" {
			invokers++
			require.Contains(t, jsonString(p["FunctionName"]), fnID)
		}
	}
	require.Equal(t, 1, invokers)

	var alarm obj
	for id, a := range resourcesOf(tmpl, "AWS::CloudWatch::Alarm") {
		if strings.HasPrefix(id, "SmokeUnhealthy") {
			alarm = a
		}
	}
	require.NotNil(t, alarm)
	require.Equal(t, "StaticSiteWithApi/Smoke", alarm["Namespace"])
	require.Equal(t, "Healthy", alarm["MetricName"])
	require.Equal(t, "Minimum", alarm["Statistic"])
	require.Equal(t, "LessThanThreshold", alarm["ComparisonOperator"])
	require.Equal(t, 1.0, alarm["Threshold"])
	require.Equal(t, "breaching", alarm["TreatMissingData"])
	require.Contains(t, jsonString(alarm["Dimensions"]), `"Name":"Site","Value":{"Fn::GetAtt":["SiteDistribution`)
	require.NotEmpty(t, alarm["AlarmActions"])
	require.Equal(t, alarm["AlarmActions"], alarm["OKActions"])
	require.Contains(t, alarm["AlarmDescription"], "pitfall ID")

	for _, d := range resourcesOf(tmpl, "AWS::CloudWatch::Dashboard") {
		body := joined(d["DashboardBody"])
		for _, id := range []string{"edge-methods", "api-cached", "preflight-auth"} {
			require.Contains(t, body, `"StaticSiteWithApi/Smoke","`+id+`"`)
		}
	}
}

func TestScheduledSmokeConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		mod  func(*stacks.EnvConfig)
		want string
	}{
		{func(e *stacks.EnvConfig) { e.Monitoring = nil }, `scheduledSmoke needs "monitoring" in the same environment`},
		{func(e *stacks.EnvConfig) { e.ScheduledSmoke = &stacks.ScheduledSmokeConfig{RateMinutes: 90} }, "scheduledSmoke.rateMinutes 90 must be from 1 to 60"},
		{func(e *stacks.EnvConfig) { e.ScheduledSmoke = &stacks.ScheduledSmokeConfig{Origin: "app.example.com"} }, `scheduledSmoke.origin "app.example.com" must be scheme://host[:port]`},
	} {
		cfg := appConfig(t).Environments["prod"]
		tc.mod(&cfg)
		app := newTestApp(nil)
		_, err := stacks.NewSiteStack(app, "Bad", &stacks.SiteStackProps{EnvName: "prod", Config: cfg, ModuleRoot: repoRoot(t)})
		require.ErrorContains(t, err, tc.want)
		require.Empty(t, *app.Node().Children(), "refused before any stack exists")
	}
}
