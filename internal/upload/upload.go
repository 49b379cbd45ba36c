// Package upload decides how each file of a built site is stored in the
// site bucket, and what /config.json holds, written once for both sides
// that must agree: the construct's upload (constructs/staticsite, which
// groups the files into BucketDeployments by these decisions) and the
// preview server (internal/preview, which serves each file with them).
//
//   - Decide: the Cache-Control and explicit Content-Type of one key.
//   - Object.ServedContentType: the Content-Type a deployed key is served
//     with, the explicit one or the upload's guess.
//   - Keys: the keys a folder uploads.
//   - Config: the body of /config.json.
//   - HashedFiles, IsHashedFile: which files carry a content hash.
package upload

import (
	"fmt"
	"io/fs"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/one-origin/staticsitewithapi/internal/routing"
)

// Cache-Control values, by how a file may change between deploys.
const (
	// CacheRevalidate is for files whose name never changes but whose
	// content does: HTML and config.json. Browsers and CloudFront check
	// back every time (pitfall stale-frontend).
	CacheRevalidate = "no-cache"
	// CacheImmutable is for files whose name carries a content hash: a new
	// build gives them a new name, so the old content never goes stale.
	CacheImmutable = "public, max-age=31536000, immutable"
	// CacheModerate is for other assets (favicon, images without a hash):
	// an hour in browsers; CloudFront's copy is invalidated on deploy.
	CacheModerate = "public, max-age=3600"
)

// ConfigKey is the generated runtime configuration. A file of that name in
// the build is never uploaded: the generated one replaces it.
const ConfigKey = "config.json"

// ConfigContentType is config.json's Content-Type.
const ConfigContentType = "application/json"

// HTMLContentType is set on HTML, which has its own upload anyway.
const HTMLContentType = "text/html; charset=utf-8"

// DefaultContentType is what S3 stores for an object uploaded without one,
// which is what the upload does when it cannot guess the type.
const DefaultContentType = "binary/octet-stream"

// ExplicitContentTypes are set explicitly, by extension, where the upload's
// own guess could be wrong. The upload Lambda runs the AWS CLI on Python
// 3.13, whose mimetypes table gets .html, .js, .css, .json and .svg right
// (GuessedContentTypes), so those are left to it (each explicit type costs
// a BucketDeployment); for the newer types a missing entry would mean
// binary/octet-stream, and a module script or wasm module served that way
// does not load.
var ExplicitContentTypes = map[string]string{
	".mjs":         "text/javascript; charset=utf-8",
	".map":         "application/json",
	".wasm":        "application/wasm",
	".woff2":       "font/woff2",
	".woff":        "font/woff",
	".webmanifest": "application/manifest+json",
}

// GuessedContentTypes are the extensions whose Content-Type the upload
// leaves to its guess because the guess is right, and what it guesses
// (Python's mimetypes, as the AWS CLI uses it): Python 3.13's answer first,
// then older Pythons'.
var GuessedContentTypes = map[string][]string{
	".html": {"text/html"},
	".js":   {"text/javascript", "application/javascript"},
	".css":  {"text/css"},
	".json": {"application/json"},
	".svg":  {"image/svg+xml"},
}

// pythonGuesses are what Python 3.13's built-in mimetypes table (without
// the machine's /etc/mime.types) answers for other extensions a site has.
// An extension in neither table is stored without a type, as
// DefaultContentType.
var pythonGuesses = map[string]string{
	".htm":  "text/html",
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".gif":  "image/gif",
	".webp": "image/webp",
	".avif": "image/avif",
	".ico":  "image/vnd.microsoft.icon",
	".txt":  "text/plain",
	".csv":  "text/csv",
	".md":   "text/markdown",
	".xml":  "text/xml",
	".pdf":  "application/pdf",
	".zip":  "application/zip",
	".mp4":  "video/mp4",
	".webm": "video/webm",
	".mp3":  "audio/mpeg",
	".bin":  "application/octet-stream",
}

// Class names the upload group of a key: one BucketDeployment per class
// and explicit Content-Type.
type Class string

const (
	// ClassHTML is HTML: revalidated, uploaded last with the invalidation.
	ClassHTML Class = "Html"
	// ClassImmutable is content-hashed files.
	ClassImmutable Class = "Immutable"
	// ClassModerate is other files with an explicit Content-Type.
	ClassModerate Class = "Moderate"
	// ClassRest is other files whose Content-Type the upload guesses: the
	// one deployment without a file list.
	ClassRest Class = "Rest"
	// ClassConfig is the generated config.json.
	ClassConfig Class = "Config"
)

// Object is how one key is stored.
type Object struct {
	Class        Class
	CacheControl string
	// ContentType is set on upload; "" leaves it to the upload's guess.
	ContentType string
	// Invalidate: the key's content can change under the same name, so a
	// deploy invalidates CloudFront's copy.
	Invalidate bool
}

// Decide returns how key (a path relative to the site folder, with "/")
// is stored, given the folder's hashed-file rule (HashedFiles).
func Decide(key string, hashed func(key string) bool) Object {
	if key == ConfigKey {
		return Object{Class: ClassConfig, CacheControl: CacheRevalidate, ContentType: ConfigContentType, Invalidate: true}
	}
	ext := strings.ToLower(path.Ext(key))
	contentType := ExplicitContentTypes[ext]
	if ct, ok := routing.FileContentTypes["/"+key]; ok {
		contentType = ct
	}
	switch {
	case ext == ".html":
		return Object{Class: ClassHTML, CacheControl: CacheRevalidate, ContentType: HTMLContentType, Invalidate: true}
	case hashed(key):
		return Object{Class: ClassImmutable, CacheControl: CacheImmutable, ContentType: contentType}
	case contentType != "":
		return Object{Class: ClassModerate, CacheControl: CacheModerate, ContentType: contentType, Invalidate: true}
	default:
		return Object{Class: ClassRest, CacheControl: CacheModerate, Invalidate: true}
	}
}

// ServedContentType returns the Content-Type the site serves key with once o
// (Decide's answer for it) is uploaded: the explicit type, or the upload's
// guess from the extension (Python's mimetypes, which falls back to the
// lower-case extension), or DefaultContentType when it has none.
func (o Object) ServedContentType(key string) string {
	if o.ContentType != "" {
		return o.ContentType
	}
	ext := strings.ToLower(path.Ext(key))
	if g := GuessedContentTypes[ext]; len(g) > 0 {
		return g[0]
	}
	if g, ok := pythonGuesses[ext]; ok {
		return g
	}
	return DefaultContentType
}

// Keys returns every key the folder dir uploads, sorted: each regular
// file's path relative to dir, with "/", except ConfigKey, which is
// generated. A name with * ? [ or ] is an error: the upload's filters
// would read it as a pattern.
func Keys(dir string) ([]string, error) {
	var keys []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if key == ConfigKey {
			return nil
		}
		if strings.ContainsAny(key, "*?[]") {
			return fmt.Errorf("file %q has a name with * ? [ or ], which the upload's filters treat as patterns; rename it", key)
		}
		keys = append(keys, key)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(keys)
	return keys, nil
}

// Reserved config.json keys, which the construct writes itself.
const (
	// ConfigApiBase is the API prefix, relative on purpose, so the same
	// build works on every domain (pitfall absolute-base-url).
	ConfigApiBase = "apiBase"
	// ConfigSiteURL is the site's own URL.
	ConfigSiteURL = "siteUrl"
	// ConfigAuth is what the SPA needs to sign its users in (AuthConfig),
	// written when the API has an authorizer.
	ConfigAuth = "auth"
)

// Auth types of AuthConfig.Type.
const (
	// AuthCognito: a Cognito user pool authorizer; the SPA signs in with
	// the authorization code flow and PKCE at the hosted UI (or, in the
	// preview, at its local issuer) and sends the ID token.
	AuthCognito = "cognito"
	// AuthLambda: a Lambda authorizer; how the SPA gets its token is the
	// application's.
	AuthLambda = "lambda"
)

// AuthScopes are the OAuth scopes the site's app client allows and the SPA
// asks for.
var AuthScopes = []string{"openid", "email", "profile"}

// AuthConfig is config.json's "auth" object: public values only, never a
// secret. The construct fills the Cognito fields with values the deploy
// resolves; the preview fills them with its local issuer's.
type AuthConfig struct {
	// Type is AuthCognito or AuthLambda.
	Type string `json:"type"`
	// Issuer is the ID token's "iss": https://cognito-idp.<region>.amazonaws.com/<userPoolId>.
	Issuer string `json:"issuer,omitempty"`
	// UserPoolId is the Cognito user pool's ID.
	UserPoolId string `json:"userPoolId,omitempty"`
	// ClientId is the public app client's ID (it has no secret).
	ClientId string `json:"clientId,omitempty"`
	// Domain is the hosted UI's base URL, https://<prefix>.auth.<region>.amazoncognito.com.
	Domain string `json:"domain,omitempty"`
	// AuthorizeUrl, TokenUrl and LogoutUrl are the hosted UI's endpoints
	// (Domain + /oauth2/authorize, /oauth2/token, /logout).
	AuthorizeUrl string `json:"authorizeUrl,omitempty"`
	TokenUrl     string `json:"tokenUrl,omitempty"`
	LogoutUrl    string `json:"logoutUrl,omitempty"`
	// RedirectUri is the sign-in callback and sign-out target on the
	// site's own URL (siteUrl + "/"). A page served from another allowed
	// origin (a custom domain, a dev server) uses the same path on its own
	// origin; the app client allows each of them.
	RedirectUri string `json:"redirectUri,omitempty"`
	// Scopes are the OAuth scopes to ask for.
	Scopes []string `json:"scopes,omitempty"`
	// PublicPaths are the API paths that answer without a token
	// (routing.ParsePublicPath syntax).
	PublicPaths []string `json:"publicPaths"`
}

// Map returns a as config.json's "auth" value, with the same keys as its
// JSON encoding; string fields may hold tokens.
func (a AuthConfig) Map() map[string]any {
	m := map[string]any{"type": a.Type, "publicPaths": nonNil(a.PublicPaths)}
	for k, v := range map[string]string{
		"issuer": a.Issuer, "userPoolId": a.UserPoolId, "clientId": a.ClientId, "domain": a.Domain,
		"authorizeUrl": a.AuthorizeUrl, "tokenUrl": a.TokenUrl, "logoutUrl": a.LogoutUrl, "redirectUri": a.RedirectUri,
	} {
		if v != "" {
			m[k] = v
		}
	}
	if len(a.Scopes) > 0 {
		m["scopes"] = a.Scopes
	}
	return m
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Config returns the body of /config.json: the keys of runtime (the
// construct's Frontend.RuntimeConfig), then apiBase, the API prefix, and
// siteUrl, which win over runtime's. siteURL is a string, or a token that
// the deploy fills in. runtime is not modified.
func Config(runtime map[string]any, apiPrefix string, siteURL any) map[string]any {
	config := make(map[string]any, len(runtime)+2)
	maps.Copy(config, runtime)
	config[ConfigApiBase] = apiPrefix
	config[ConfigSiteURL] = siteURL
	return config
}
