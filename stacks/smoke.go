package stacks

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/one-origin/staticsitewithapi/constructs/staticsite"
	"github.com/one-origin/staticsitewithapi/internal/smoke"
	"github.com/one-origin/staticsitewithapi/internal/smoke/scheduled"
)

// ScheduledSmokeConfig is an environment's "scheduledSmoke": cmd/smoke's
// checks, run from a Lambda on a schedule, publishing one metric per
// pitfall ID. It needs "monitoring" in the same environment, whose topic
// its alarm notifies.
type ScheduledSmokeConfig struct {
	// RateMinutes is the time between runs, 1 to 60. Default: 5.
	RateMinutes int `json:"rateMinutes,omitempty"`
	// Origin is an allowed CORS origin the checks send, so that the CORS
	// checks run too. Default: none (those checks are skipped).
	Origin string `json:"origin,omitempty"`
}

// smokeTimeout bounds one run: the checks' own deadline (the CLI's), plus
// 15 s for the handler's reserve, in which it still writes its report and
// metrics, and a cold start. It is a function, not a package variable: a
// jsii call at package initialization would start Node.js in every
// program that imports stacks.
func smokeTimeout() awscdk.Duration {
	return awscdk.Duration_Seconds(jsii.Number((smoke.DefaultDeadline + 15*time.Second).Seconds()))
}

// validate checks c for environment env.
func (c *ScheduledSmokeConfig) validate(env string, monitoring bool) error {
	switch {
	case c.RateMinutes != 0 && (c.RateMinutes < 1 || c.RateMinutes > 60):
		return fmt.Errorf("environment %s: scheduledSmoke.rateMinutes %d must be from 1 to 60", env, c.RateMinutes)
	case !monitoring:
		return fmt.Errorf("environment %s: scheduledSmoke needs \"monitoring\" in the same environment: its alarm notifies the monitoring topic", env)
	case c.Origin != "" && (!strings.Contains(c.Origin, "://") || strings.HasSuffix(c.Origin, "/")):
		return fmt.Errorf("environment %s: scheduledSmoke.origin %q must be scheme://host[:port], such as \"https://app.example.com\"", env, c.Origin)
	}
	return nil
}

// newScheduledSmoke adds the Lambda that runs the smoke checks against the
// site every RateMinutes, its log group and role (its own logs only: the
// metrics are Embedded Metric Format lines in its log, no PutMetricData),
// the schedule, and an alarm on the Healthy metric that notifies mon's
// topic. Missing data is breaching: a check that stopped running is a
// check that failed. The dashboard gets the per-pitfall metrics, so
// whoever is paged reads the pitfall ID.
func newScheduledSmoke(stack awscdk.Stack, c *ScheduledSmokeConfig, code awslambda.Code, site *staticsite.StaticSiteWithApi,
	mon *staticsite.SiteMonitoring, cfg EnvConfig, retention awslogs.RetentionDays) awslambda.Function {
	rate := c.RateMinutes
	if rate == 0 {
		rate = 5
	}
	logs := awslogs.NewLogGroup(stack, jsii.String("SmokeFunctionLogs"), &awslogs.LogGroupProps{Retention: retention, RemovalPolicy: cfg.removalPolicy()})
	role := logWriterRole(stack, "SmokeFunctionRole", "Scheduled smoke checks: write their own logs (which carry the metrics) only", logs)
	env := map[string]*string{
		scheduled.EnvSiteURL:       site.SiteUrl(),
		scheduled.EnvApiPrefix:     site.ApiPrefix(),
		scheduled.EnvApiExecuteUrl: site.Api().Url(),
	}
	if c.Origin != "" {
		env[scheduled.EnvOrigin] = jsii.String(c.Origin)
	}
	fn := awslambda.NewFunction(stack, jsii.String("SmokeFunction"), &awslambda.FunctionProps{
		Role:         role,
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      jsii.String("bootstrap"),
		Code:         code,
		MemorySize:   jsii.Number(128),
		Timeout:      smokeTimeout(),
		// One run at a time; a run never retries (a failing check is data).
		RetryAttempts: jsii.Number(0),
		LogGroup:      logs,
		Environment:   &env,
		Description:   jsii.String("Runs the smoke checks against the site; publishes a metric per pitfall ID"),
	})
	awsevents.NewRule(stack, jsii.String("SmokeSchedule"), &awsevents.RuleProps{
		Description: jsii.String(fmt.Sprintf("Smoke-check the site every %d minutes", rate)),
		Schedule:    awsevents.Schedule_Rate(awscdk.Duration_Minutes(jsii.Number(float64(rate)))),
		Targets:     &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(fn, &awseventstargets.LambdaFunctionProps{RetryAttempts: jsii.Number(0)})},
	})

	// The handler's Site dimension: the host of SITE_URL.
	host := site.Distribution().DistributionDomainName()
	if len(cfg.DomainNames) > 0 {
		host = jsii.String(cfg.DomainNames[0])
	}
	period := awscdk.Duration_Minutes(jsii.Number(float64(rate)))
	metric := func(name, statistic string) awscloudwatch.Metric {
		return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
			Namespace: jsii.String(scheduled.Namespace), MetricName: jsii.String(name),
			DimensionsMap: &map[string]*string{scheduled.DimensionSite: host},
			Statistic:     jsii.String(statistic), Period: period,
		})
	}
	alarm := awscloudwatch.NewAlarm(stack, jsii.String("SmokeUnhealthy"), &awscloudwatch.AlarmProps{
		AlarmDescription: jsii.String("A scheduled smoke check failed, or the checks stopped running. The failing pitfall ID is the " +
			scheduled.Namespace + " metric at 1 (dashboard: Smoke checks failing); the function's log has the report. " +
			"Fixes: docs/PITFALLS.md. Runbook: docs/operations.md#smokeunhealthy"),
		Metric:             metric(scheduled.MetricHealthy, "Minimum"),
		Threshold:          jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_LESS_THAN_THRESHOLD,
		// Two failing runs in a row: one lost request is not a page.
		EvaluationPeriods: jsii.Number(2),
		DatapointsToAlarm: jsii.Number(2),
		TreatMissingData:  awscloudwatch.TreatMissingData_BREACHING,
	})
	action := awscloudwatchactions.NewSnsAction(mon.Topic())
	alarm.AddAlarmAction(action)
	alarm.AddOkAction(action)

	var failing []awscloudwatch.IMetric
	for _, id := range scheduled.PitfallMetrics() {
		failing = append(failing, metric(id, "Maximum"))
	}
	mon.Dashboard().AddWidgets(awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{
		Title: jsii.String("Smoke checks failing (1 = the pitfall is back)"), Left: &failing, Width: jsii.Number(24),
	}))
	return fn
}
