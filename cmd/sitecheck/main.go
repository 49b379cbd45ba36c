// Command sitecheck runs the synth-time checks of package sitechecks on
// CloudFormation templates, and names the pitfall (from PITFALLS.md) behind
// every finding.
//
// Usage:
//
//	go run ./cmd/sitecheck [flags] cdk.out
//	go run ./cmd/sitecheck [flags] template.json|template.yaml ...
//	go run ./cmd/sitecheck [flags] -distribution E2ABCDEF123456 | -site https://d111111abcdef8.cloudfront.net
//
// A directory is a cloud assembly: every stack in its manifest.json is
// checked, stage assemblies included. Any other path is one template, JSON
// or YAML (short-form tags such as !Ref and !GetAtt are understood), from
// CDK in any language, SAM after its transform, or written by hand. In live
// mode the deployed configuration is read from AWS (internal/live) and
// checked the same way. Flags may come before or after the paths.
//
// Exit status: 0 when no finding is an error (warnings allowed unless
// -strict), 1 when a finding is an error (or any finding, with -strict), 2
// for a usage error or when a template cannot be read.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/one-origin/staticsitewithapi/constructs/sitechecks/engine"
	"github.com/one-origin/staticsitewithapi/internal/cli"
	"github.com/one-origin/staticsitewithapi/internal/live"
)

// Exit codes.
const (
	exitOK     = cli.ExitOK
	exitFailed = 1
	exitUsage  = cli.ExitUsage
)

const (
	progName    = "sitecheck"
	usageHeader = `Usage: go run ./cmd/sitecheck [flags] cdk.out
       go run ./cmd/sitecheck [flags] template.json|template.yaml ...
       go run ./cmd/sitecheck [flags] -distribution ID | -site URL [-region REGION]

Checks CloudFormation templates of a SPA + REST API behind one CloudFront
distribution for the known pitfalls (docs/PITFALLS.md): every stack of a cloud
assembly (cdk.out), template files in JSON or YAML, or in live mode the deployed
distribution. Exit status: 0 no error-level finding (warnings allowed unless
-strict), 1 an error-level finding (any finding with -strict), 2 usage error or
a template that could not be read.

Flags:
`
)

// readLive reads a deployed setup as a template; tests replace it.
var readLive = live.Template

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error {
	*m = append(*m, v)
	return nil
}

// run is the whole command; it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	fs := cli.NewFlagSet(progName, usageHeader, stderr)
	var (
		apiDomains   multiFlag
		timeout      = fs.Duration("integration-timeout", 0, "longest time API Gateway may take to answer, e.g. 50s when the quota was raised (default 29s or the largest TimeoutInMillis)")
		strict       = fs.Bool("strict", false, "exit 1 on warnings too")
		asJSON       = fs.Bool("json", false, "print a machine-readable JSON report")
		distribution = fs.String("distribution", "", "live mode: read the deployed distribution with this `ID` (e.g. E2ABCDEF123456) from AWS")
		site         = fs.String("site", "", "live mode: find the deployed distribution by its `URL` (cloudfront.net or alternate domain)")
		region       = fs.String("region", "", "live mode: region of the REST APIs (default: the AWS SDK's, from AWS_REGION or the profile)")
	)
	fs.Var(&apiDomains, "api-domain", "a `host` that serves a REST API without \"execute-api\" in its name, e.g. an API Gateway custom domain api.example.com; repeat for more")

	paths, status, exit := cli.ParseArgs(fs, args)
	if exit {
		return status
	}
	usageErr := func(format string, a ...any) int { return cli.UsageError(stderr, progName, format, a...) }

	liveMode := *distribution != "" || *site != ""
	switch {
	case *distribution != "" && *site != "":
		return usageErr("give either -distribution or -site, not both")
	case *region != "" && !liveMode:
		return usageErr("-region needs -distribution or -site")
	case !liveMode && len(paths) == 0:
		return usageErr("nothing to check: give the cdk.out directory, template files (JSON or YAML), or -distribution / -site for a deployed setup")
	case *timeout < 0:
		return usageErr("-integration-timeout must be positive, got %s", *timeout)
	}

	opts := engine.Config{ApiDomainNames: apiDomains, IntegrationTimeout: *timeout}
	// Check the options once, so that a bad one is a usage error and not
	// an error of every template.
	if err := opts.Validate(); err != nil {
		msg := strings.NewReplacer("ApiDomainNames", "-api-domain", "IntegrationTimeout", "-integration-timeout", "\n", "; ").Replace(err.Error())
		return usageErr("%s", msg)
	}

	var sources []source
	for _, p := range paths {
		sources = append(sources, sourcesOf(p)...)
	}
	if liveMode {
		sources = append(sources, liveSource(live.Options{DistributionID: *distribution, SiteURL: *site, Region: *region}))
	}

	rep := check(sources, opts, *strict)

	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false) // messages quote "->" and <prefix>; keep them readable
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", progName, err)
			return exitUsage
		}
	} else {
		writeText(stdout, rep)
	}

	unread := false
	for _, t := range rep.Templates {
		if t.Error != "" {
			fmt.Fprintf(stderr, "%s: %s: %s\n", progName, t.label(), t.Error)
			unread = true
		}
	}
	switch {
	case unread:
		return exitUsage
	case !rep.OK:
		return exitFailed
	}
	return exitOK
}

// liveSource reads the deployed setup that opts names.
func liveSource(opts live.Options) source {
	name := "distribution " + opts.DistributionID
	if opts.DistributionID == "" {
		name = "site " + opts.SiteURL
	}
	return source{name: name, read: func() ([]byte, error) {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		// A bound on the whole read, well above live's own per-call timeout,
		// so that a hanging credential lookup cannot hang a CI job.
		ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		defer cancel()
		tmpl, err := readLive(ctx, opts)
		if err != nil {
			return nil, fmt.Errorf("reading the deployed setup: %w", err)
		}
		return tmpl, nil
	}}
}
