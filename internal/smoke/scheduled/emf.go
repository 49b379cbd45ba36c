package scheduled

import (
	"encoding/json"
	"time"

	"github.com/one-origin/staticsitewithapi/internal/smoke"
	"github.com/one-origin/staticsitewithapi/pitfalls"
)

// The metrics, for the CDK side's alarms. Every run publishes a datapoint
// of every one of them, so an alarm can treat missing data as breaching:
// no datapoint means the function did not run or was misconfigured.
const (
	// Namespace holds the smoke metrics.
	Namespace = "StaticSiteWithApi/Smoke"
	// DimensionSite is the one dimension of every metric: the host of the
	// site checked, such as "d111111abcdef8.cloudfront.net". One
	// dimension keeps the alarms simple and the metrics few.
	DimensionSite = "Site"
	// MetricChecksFailed counts the checks that failed, whether or not a
	// failure names a pitfall (unit Count).
	MetricChecksFailed = "ChecksFailed"
	// MetricHealthy is 1 when every check passed, else 0 (unit None).
	// Alarm on it below 1 to be paged for any failure, including those
	// that match no known pitfall (a 502, a timeout).
	MetricHealthy = "Healthy"
)

// Units of the metrics: the pitfall metrics and MetricHealthy are flags.
const (
	// UnitPitfall is the unit of every pitfall metric and of MetricHealthy.
	UnitPitfall = "None"
	// UnitChecksFailed is the unit of MetricChecksFailed.
	UnitChecksFailed = "Count"
)

// PitfallMetrics returns the names of the pitfall metrics: the IDs of the
// pitfalls the smoke layer can detect (pitfalls.Smoke), in catalog order,
// such as "edge-methods". Each is 1 when a failing check named that
// pitfall, else 0.
func PitfallMetrics() []string {
	ids := pitfalls.FoundBy(pitfalls.Smoke)
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = string(id)
	}
	return names
}

// emf returns rep's metrics as one log line in CloudWatch's embedded metric
// format (EMF), which CloudWatch Logs turns into metrics with no
// PutMetricData call. The shape follows the AWS page "Specification:
// Embedded metric format"
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
// a root member "_aws" holding Timestamp (milliseconds since the epoch)
// and CloudWatchMetrics, one directive with Namespace, Dimensions (one
// dimension set) and Metrics (Name and Unit each, at most 100); and every
// dimension and metric named there as a member of the root, holding its
// value (a string for a dimension, a number for a metric). Other root
// members are logged but make no metrics: Pitfalls and FailedChecks are
// there for CloudWatch Logs Insights.
func emf(rep smoke.Report, site string, at time.Time) ([]byte, error) {
	failed := 0
	var failedChecks []string
	for _, c := range rep.Checks {
		if !c.OK {
			failed++
			failedChecks = append(failedChecks, c.Name)
		}
	}
	named := rep.Pitfalls()

	root := map[string]any{DimensionSite: site}
	var metrics []map[string]string
	add := func(name, unit string, value float64) {
		metrics = append(metrics, map[string]string{"Name": name, "Unit": unit})
		root[name] = value
	}
	for _, name := range PitfallMetrics() {
		add(name, UnitPitfall, 0)
	}
	for _, id := range named {
		// A check may name a pitfall that the catalog does not mark as
		// the smoke layer's (package smoke's tests keep the two equal);
		// it still gets its metric rather than disappearing.
		if _, listed := root[string(id)]; !listed {
			add(string(id), UnitPitfall, 0)
		}
		root[string(id)] = 1.0
	}
	add(MetricChecksFailed, UnitChecksFailed, float64(failed))
	healthy := 0.0
	if rep.OK {
		healthy = 1
	}
	add(MetricHealthy, UnitPitfall, healthy)

	ids := make([]string, len(named))
	for i, id := range named {
		ids[i] = string(id)
	}
	root["Pitfalls"] = ids
	root["FailedChecks"] = append([]string{}, failedChecks...)
	root["_aws"] = map[string]any{
		"Timestamp": at.UnixMilli(),
		"CloudWatchMetrics": []map[string]any{{
			"Namespace":  Namespace,
			"Dimensions": [][]string{{DimensionSite}},
			"Metrics":    metrics,
		}},
	}
	return json.Marshal(root)
}
