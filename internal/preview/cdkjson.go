package preview

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
)

// contextKey is the cdk.json context key of the app's configuration
// (stacks.ContextKey; test/preview_parity_test.go keeps them equal). The
// preview reads cdk.json itself rather than through package stacks, which
// would link all of aws-cdk-lib into a development server.
const contextKey = "staticsite"

// Environment is what the preview takes from one environment of cdk.json:
// the keys the app adds to the site's /config.json and the folder it
// uploads.
type Environment struct {
	// Name is the environment's name, written to /config.json as
	// "environment" (Options.Env).
	Name string
	// FrontendConfig is the environment's frontendConfig: the keys the app
	// adds to /config.json after "environment" (Options.RuntimeConfig).
	FrontendConfig map[string]any
	// WebDir is the environment's webDir, relative to the folder of
	// cdk.json; nil when cdk.json does not set it (the app then uploads
	// web/), "" when the environment uploads nothing.
	WebDir *string
	// CorsAllowOrigins is the environment's corsAllowOrigins
	// (Options.CorsAllowOrigins).
	CorsAllowOrigins []string
	// Auth is the environment's "auth", nil when it has none.
	Auth *EnvironmentAuth
}

// EnvironmentAuth is what the preview takes from an environment's "auth":
// which authorizer it has and its public paths. The rest (the pool, the
// Lambda function) is the deployment's; the preview stands in for Cognito
// with its local issuer and cannot run a Lambda authorizer.
type EnvironmentAuth struct {
	// Cognito is true when "auth" has a "cognito" object: a Cognito user
	// pool authorizer.
	Cognito bool
	// PublicPaths is "auth.publicPaths" (AuthOptions.PublicPaths).
	PublicPaths []string
}

// AuthOptions returns the local issuer's options for the environment: nil
// unless its auth is a Cognito authorizer, which the issuer stands in for.
func (e Environment) AuthOptions() *AuthOptions {
	if e.Auth == nil || !e.Auth.Cognito {
		return nil
	}
	return &AuthOptions{PublicPaths: e.Auth.PublicPaths}
}

// LoadEnvironment reads environment env from the cdk.json file at path,
// as the app reads its configuration (context.staticsite.environments).
// An unknown environment is an error that lists the known ones.
func LoadEnvironment(path, env string) (Environment, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return Environment{}, err
	}
	var file struct {
		Context map[string]json.RawMessage `json:"context"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		return Environment{}, fmt.Errorf("%s: %w", path, err)
	}
	var app struct {
		Environments map[string]struct {
			WebDir           *string        `json:"webDir"`
			FrontendConfig   map[string]any `json:"frontendConfig"`
			CorsAllowOrigins []string       `json:"corsAllowOrigins"`
			Auth             *struct {
				PublicPaths []string        `json:"publicPaths"`
				Cognito     json.RawMessage `json:"cognito"`
			} `json:"auth"`
		} `json:"environments"`
	}
	if c, ok := file.Context[contextKey]; !ok {
		return Environment{}, fmt.Errorf("%s has no context.%s", path, contextKey)
	} else if err := json.Unmarshal(c, &app); err != nil {
		return Environment{}, fmt.Errorf("%s: context.%s: %w", path, contextKey, err)
	}
	e, ok := app.Environments[env]
	if !ok {
		names := slices.Sorted(maps.Keys(app.Environments))
		return Environment{}, fmt.Errorf("unknown environment %q: %s knows %s (context.%s.environments)", env, path, strings.Join(names, ", "), contextKey)
	}
	out := Environment{Name: env, FrontendConfig: e.FrontendConfig, WebDir: e.WebDir, CorsAllowOrigins: e.CorsAllowOrigins}
	if e.Auth != nil {
		c := strings.TrimSpace(string(e.Auth.Cognito))
		out.Auth = &EnvironmentAuth{Cognito: strings.HasPrefix(c, "{"), PublicPaths: e.Auth.PublicPaths}
	}
	return out, nil
}
