package smoke

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// SiteUrlOutput is the name of the stack output that holds the site's URL.
const SiteUrlOutput = "SiteUrl"

// ApiExecuteUrlOutput is the name of the stack output that holds the API
// stage's own URL, bypassing CloudFront (Config.ApiExecuteUrl).
const ApiExecuteUrlOutput = "ApiExecuteUrl"

// Outputs are the outputs of one stack that the checker uses.
type Outputs struct {
	// Stack is the stack's name.
	Stack string
	// SiteUrl is its SiteUrl output.
	SiteUrl string
	// ApiExecuteUrl is its ApiExecuteUrl output, "" when it has none.
	ApiExecuteUrl string
}

// StackOutputs reads the outputs of one stack from data, choosing the
// stack as SiteUrlFromOutputs does.
func StackOutputs(data []byte, stack string) (Outputs, error) {
	site, name, outs, err := siteUrl(data, stack)
	if err != nil {
		return Outputs{}, err
	}
	o := Outputs{Stack: name, SiteUrl: site}
	if v, ok := outs[ApiExecuteUrlOutput]; ok {
		s, ok := v.(string)
		if !ok || s == "" {
			return Outputs{}, fmt.Errorf("stack %q: %s output is %v, not a URL", name, ApiExecuteUrlOutput, v)
		}
		o.ApiExecuteUrl = s
	}
	return o, nil
}

// SiteUrlFromOutputs returns the SiteUrl output from data, the JSON file
// written by `cdk deploy --outputs-file`:
//
//	{"StaticSite-dev": {"SiteUrl": "https://d111111abcdef8.cloudfront.net", ...}}
//
// stack names the stack to read; when it is empty, the only stack with a
// SiteUrl output is used. The error lists the stacks in the file when the
// choice is missing or ambiguous.
func SiteUrlFromOutputs(data []byte, stack string) (string, error) {
	s, _, _, err := siteUrl(data, stack)
	return s, err
}

// siteUrl is SiteUrlFromOutputs, also returning the stack chosen and its
// outputs.
func siteUrl(data []byte, stack string) (string, string, map[string]any, error) {
	var stacks map[string]map[string]any
	if err := json.Unmarshal(data, &stacks); err != nil {
		return "", "", nil, fmt.Errorf("not a cdk outputs file (want {\"<StackName>\": {\"%s\": \"https://...\"}}): %w", SiteUrlOutput, err)
	}
	names := make([]string, 0, len(stacks))
	var withUrl []string
	for name, outs := range stacks {
		names = append(names, name)
		if _, ok := outs[SiteUrlOutput]; ok {
			withUrl = append(withUrl, name)
		}
	}
	slices.Sort(names)
	slices.Sort(withUrl)
	list := strings.Join(names, ", ")
	if len(names) == 0 {
		return "", "", nil, fmt.Errorf("the outputs file lists no stacks; deploy with `cdk deploy --outputs-file cdk-outputs.json`")
	}

	if stack == "" {
		switch len(withUrl) {
		case 0:
			return "", "", nil, fmt.Errorf("no stack has a %s output; stacks in the file: %s", SiteUrlOutput, list)
		case 1:
			stack = withUrl[0]
		default:
			return "", "", nil, fmt.Errorf("several stacks have a %s output; choose one with -stack: %s", SiteUrlOutput, strings.Join(withUrl, ", "))
		}
	}
	outs, ok := stacks[stack]
	if !ok {
		return "", "", nil, fmt.Errorf("stack %q is not in the outputs file; stacks in the file: %s", stack, list)
	}
	v, ok := outs[SiteUrlOutput]
	if !ok {
		if len(withUrl) == 0 {
			return "", "", nil, fmt.Errorf("stack %q has no %s output, and neither has any other stack in the file", stack, SiteUrlOutput)
		}
		return "", "", nil, fmt.Errorf("stack %q has no %s output; stacks with one: %s", stack, SiteUrlOutput, strings.Join(withUrl, ", "))
	}
	s, ok := v.(string)
	if !ok || s == "" {
		return "", "", nil, fmt.Errorf("stack %q: %s output is %v, not a URL", stack, SiteUrlOutput, v)
	}
	return s, stack, outs, nil
}
