package smoke_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/internal/smoke"
)

func TestSiteUrlFromOutputs(t *testing.T) {
	one := `{"StaticSite-dev": {"SiteUrl": "https://d1.cloudfront.net", "DistributionId": "E1", "BucketName": "b", "ApiExecuteUrl": "https://x.execute-api.ap-southeast-2.amazonaws.com/dev/"}}`
	two := `{
	  "StaticSite-dev":  {"SiteUrl": "https://d1.cloudfront.net", "DistributionId": "E1"},
	  "StaticSite-prod": {"SiteUrl": "https://d2.cloudfront.net", "DistributionId": "E2"},
	  "Pipeline":        {"RepoUrl": "https://git.example.com/r"}
	}`
	mixed := `{"Pipeline": {"RepoUrl": "https://git.example.com/r"}, "StaticSite-dev": {"SiteUrl": "https://d1.cloudfront.net"}}`

	tests := []struct {
		name, data, stack string
		want              string
		errs              []string
	}{
		{name: "the only stack", data: one, want: "https://d1.cloudfront.net"},
		{name: "the only stack, named", data: one, stack: "StaticSite-dev", want: "https://d1.cloudfront.net"},
		{name: "the only stack with SiteUrl", data: mixed, want: "https://d1.cloudfront.net"},
		{name: "chosen among several", data: two, stack: "StaticSite-prod", want: "https://d2.cloudfront.net"},
		{name: "several need -stack", data: two, errs: []string{"choose one with -stack", "StaticSite-dev, StaticSite-prod"}},
		{name: "unknown stack", data: two, stack: "StaticSite-test", errs: []string{`"StaticSite-test" is not in the outputs file`, "Pipeline, StaticSite-dev, StaticSite-prod"}},
		{name: "stack without SiteUrl", data: two, stack: "Pipeline", errs: []string{`"Pipeline" has no SiteUrl output`, "StaticSite-dev, StaticSite-prod"}},
		{name: "no SiteUrl anywhere", data: `{"Pipeline": {"RepoUrl": "x"}}`, errs: []string{"no stack has a SiteUrl output", "Pipeline"}},
		{name: "empty file", data: `{}`, errs: []string{"lists no stacks"}},
		{name: "not JSON", data: `SiteUrl=https://d1.cloudfront.net`, errs: []string{"not a cdk outputs file"}},
		{name: "wrong shape", data: `{"StaticSite-dev": "https://d1.cloudfront.net"}`, errs: []string{"not a cdk outputs file"}},
		{name: "SiteUrl not a string", data: `{"S": {"SiteUrl": 42}}`, errs: []string{"SiteUrl output is 42"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := smoke.SiteUrlFromOutputs([]byte(tt.data), tt.stack)
			if tt.errs == nil {
				require.NoError(t, err)
				require.Equal(t, tt.want, got)
				return
			}
			require.Error(t, err)
			for _, want := range tt.errs {
				require.Contains(t, err.Error(), want)
			}
		})
	}
}
