// Command smoke checks a deployed site and names the pitfall (from
// PITFALLS.md) behind every failure.
//
// Usage:
//
//	go run ./cmd/smoke [flags] URL
//	go run ./cmd/smoke [flags] -outputs cdk-outputs.json [-stack NAME]
//
// URL is the site's base, such as https://d111111abcdef8.cloudfront.net;
// -outputs reads it from the SiteUrl output in the file written by
// `cdk deploy --outputs-file`, and the ApiExecuteUrl output for the check
// that the API refuses requests that skip CloudFront (or give
// -api-execute-url). Flags may come before or after URL.
//
// When the site's /config.json has "auth" (the API has an authorizer),
// the -me route must refuse a request without a token; with -token, or
// the SMOKE_TOKEN environment variable when -token is not given, it must
// answer the signed-in user's claims. The token is never printed.
//
// Exit status: 0 when every check passes, 1 when any check fails, 2 for a
// usage error or when the host cannot be reached at all.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"

	"github.com/one-origin/staticsitewithapi/internal/cli"
	"github.com/one-origin/staticsitewithapi/internal/smoke"
)

// Exit codes.
const (
	exitOK     = cli.ExitOK
	exitFailed = 1
	exitUsage  = cli.ExitUsage
)

const (
	progName = "smoke"
	// tokenEnv holds the ID token when -token is not given.
	tokenEnv    = "SMOKE_TOKEN"
	usageHeader = `Usage: go run ./cmd/smoke [flags] URL
       go run ./cmd/smoke [flags] -outputs cdk-outputs.json [-stack NAME]

Checks a deployed site (SPA + API behind one CloudFront domain) and names the
pitfall behind every failure. Exit status: 0 all checks passed, 1 a check
failed, 2 usage error or host unreachable.

Flags:
`
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole command; it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	fs := cli.NewFlagSet(progName, usageHeader, stderr)
	var (
		apiPrefix = fs.String("api-prefix", smoke.DefaultApiPrefix, "path under which CloudFront routes to the API")
		health    = fs.String("health", "", "GET route answering 2xx JSON (default <api-prefix>/health)")
		echo      = fs.String("echo", "", "POST route echoing its JSON body (default <api-prefix>/echo)")
		me        = fs.String("me", "", "GET route behind the authorizer answering the caller's claims, checked when config.json has auth (default <api-prefix>/me)")
		token     = fs.String("token", "", "a signed-in user's ID `token`, sent as Authorization: Bearer to the -me route when config.json has auth (default $"+tokenEnv+"); never printed")
		origin    = fs.String("origin", "", "also check a CORS preflight from this origin, e.g. http://localhost:5173")
		timeout   = fs.Duration("timeout", smoke.DefaultTimeout, "limit for each request")
		retries   = fs.Int("retries", smoke.DefaultRetries, fmt.Sprintf("repeats after a network error or 5xx, 0 to %d", smoke.MaxRetries))
		deadline  = fs.Duration("deadline", smoke.DefaultDeadline, "limit for the whole run")
		asJSON    = fs.Bool("json", false, "print a machine-readable JSON report")
		outputs   = fs.String("outputs", "", "read the site URL from the SiteUrl output in this `file`, written by cdk deploy --outputs-file")
		stack     = fs.String("stack", "", "stack to read from -outputs when several have a SiteUrl")
		execURL   = fs.String("api-execute-url", "", "the API stage's own `URL` (the ApiExecuteUrl output; read from -outputs when not given): it must refuse requests without CloudFront's key")
		previous  []string
	)
	fs.Func("previous-asset", "a `path` of a file of the build before the last deploy (e.g. /assets/index-BxT4e1Ab.js) that must still be served; repeat for more", func(v string) error {
		previous = append(previous, v)
		return nil
	})

	positional, status, exit := cli.ParseArgs(fs, args)
	if exit {
		return status
	}
	usageErr := func(format string, a ...any) int { return cli.UsageError(stderr, progName, format, a...) }

	var base, exec string
	switch {
	case *outputs != "" && len(positional) > 0:
		return usageErr("give either URL or -outputs, not both")
	case *outputs != "":
		data, err := os.ReadFile(*outputs)
		if err != nil {
			return usageErr("-outputs: %v", err)
		}
		outs, err := smoke.StackOutputs(data, *stack)
		if err != nil {
			return usageErr("-outputs %s: %v", *outputs, err)
		}
		base, exec = outs.SiteUrl, outs.ApiExecuteUrl
	case *stack != "":
		return usageErr("-stack needs -outputs")
	case len(positional) == 0:
		return usageErr("missing URL: give the site's URL (e.g. https://d111111abcdef8.cloudfront.net) or -outputs cdk-outputs.json")
	case len(positional) > 1:
		return usageErr("expected one URL, got %d: %s", len(positional), strings.Join(positional, " "))
	default:
		base = positional[0]
	}
	if *execURL != "" {
		exec = *execURL
	}
	if *timeout <= 0 {
		return usageErr("-timeout must be positive, got %s", *timeout)
	}
	if *deadline <= 0 {
		return usageErr("-deadline must be positive, got %s", *deadline)
	}

	// The flag wins, even when given empty; the environment keeps the
	// token out of the shell's history and the process list.
	tokenGiven := false
	fs.Visit(func(f *flag.Flag) { tokenGiven = tokenGiven || f.Name == "token" })
	if !tokenGiven {
		*token = os.Getenv(tokenEnv)
	}

	cfg := smoke.Config{
		BaseURL:    base,
		ApiPrefix:  *apiPrefix,
		HealthPath: *health,
		EchoPath:   *echo,
		MePath:     *me,
		Token:      *token,
		Origin:     *origin,
		// The one request sent to another host: the API's own URL.
		ApiExecuteUrl: exec,
		Timeout:       *timeout,
		// Set only when given, so that the report says what was checked.
		PreviousAssets: previous,
		Retries:        retries,
		Deadline:       *deadline,
	}
	if err := cfg.Validate(); err != nil {
		return usageErr("%s", strings.ReplaceAll(err.Error(), "\n", "; "))
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// No client-wide timeout: Run bounds every attempt and the whole run.
	rep := smoke.Run(ctx, cfg, &http.Client{})

	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false) // details quote HTML and "->"; keep them readable
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", progName, err)
			return exitUsage
		}
	} else {
		smoke.WriteText(stdout, rep)
	}

	switch {
	case rep.Error != "":
		fmt.Fprintf(stderr, "%s: %s\n", progName, rep.Error)
		return exitUsage
	case !rep.OK:
		return exitFailed
	}
	return exitOK
}
