package staticsite

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/one-origin/staticsitewithapi/internal/upload"
)

// FrontendOptions uploads a local folder (a built SPA such as Vite's dist/)
// to the site bucket on every deploy, with cache headers chosen per file,
// writes /config.json, and invalidates CloudFront once.
type FrontendOptions struct {
	// SourceDir is the folder to upload, for example "web" or
	// "frontend/dist". It must contain index.html. A config.json in it is
	// replaced by the generated one. Required.
	SourceDir *string

	// RuntimeConfig adds keys to the generated /config.json, which always
	// holds "apiBase" (the relative ApiPrefix, e.g. "/api") and "siteUrl".
	// Values may be tokens. The two built-in keys cannot be overridden.
	// Default: no extra keys.
	RuntimeConfig *map[string]interface{}

	// HashedNamePattern is a regular expression matched against each file's
	// path relative to SourceDir, such as "assets/index-BxT4e1Ab.js";
	// matching files carry a content hash in their name and are served
	// "immutable" for a year. Set it when the bundler names files its own
	// way; a public file that matches is never revalidated.
	// Default: the bundler's manifest when the folder has one, otherwise
	// the rule of IsHashedFile (HashedFiles).
	HashedNamePattern *string

	// MemoryLimitMiB is the memory of the deployment Lambda, which unzips
	// and syncs the folder.
	// Default: 512.
	MemoryLimitMiB *float64

	// SupersededRetention is how long files of an earlier build stay in
	// the bucket after a deploy that no longer has them. Pages opened
	// before the deploy still load their lazy chunks from them; deleting
	// them at once fails those tabs with ChunkLoadError or "Failed to fetch
	// dynamically imported module" (pitfall chunk-deleted). This long after
	// the deploy that superseded them (deploys or not), the bucket's
	// lifecycle rule deletes them. HTML and config.json are uploaded on
	// every deploy and never served stale. Whole days.
	// Default: awscdk.Duration_Days(jsii.Number(7)).
	SupersededRetention awscdk.Duration
}

// Cache-Control values, by how a file may change between deploys. Which
// file gets which, and which Content-Type is set explicitly, is decided in
// internal/upload, which the preview server shares.
const (
	// CacheRevalidate is for files whose name never changes but whose
	// content does: HTML and config.json. Browsers and CloudFront check
	// back every time (pitfall stale-frontend).
	CacheRevalidate = upload.CacheRevalidate
	// CacheImmutable is for files whose name carries a content hash: a new
	// build gives them a new name, so the old content never goes stale.
	CacheImmutable = upload.CacheImmutable
	// CacheModerate is for other assets (favicon, images without a hash):
	// an hour in browsers; CloudFront's copy is invalidated on deploy.
	CacheModerate = upload.CacheModerate
)

// GuessedContentTypes are the extensions whose Content-Type the upload
// guesses, and what it guesses (Python's mimetypes, as the AWS CLI uses it).
var GuessedContentTypes = upload.GuessedContentTypes

// uploadGroup is a set of files uploaded with one Cache-Control and one
// Content-Type by one BucketDeployment. Each key belongs to exactly one
// group, so no deployment deletes another's files (pitfall config-pruned).
type uploadGroup struct {
	name         string
	cacheControl string
	contentType  string // "" lets the upload guess
	files        []string
}

// uploadPlan is how a folder is uploaded.
type uploadPlan struct {
	groups []uploadGroup // explicit file lists, HTML group last
	// rest is every other key: uploaded with CacheModerate and guessed
	// types by the one deployment without a file list, which excludes
	// every key the groups and config.json own.
	rest []string
	// invalidate are the paths whose content can change under the same name.
	invalidate []string
	// keys is every key this build owns, config.json included, sorted.
	keys []string
	// retention is Frontend.SupersededRetention, defaulted.
	retention awscdk.Duration
}

const configKey = upload.ConfigKey

// htmlGroup is the group uploaded last, with the invalidation.
const htmlGroup = string(upload.ClassHTML)

// maxInvalidationPaths: beyond this many paths one "/*" is cheaper.
const maxInvalidationPaths = 15

// planUpload walks dir and assigns every file to a group, as
// upload.Decide classes it.
func planUpload(dir string, hashed func(key string) bool) (*uploadPlan, error) {
	keys, err := upload.Keys(dir)
	if err != nil {
		return nil, fmt.Errorf("Frontend.SourceDir: %w", err)
	}
	byKey := map[[2]string]*uploadGroup{}
	html := uploadGroup{name: htmlGroup, cacheControl: CacheRevalidate, contentType: upload.HTMLContentType}
	plan := &uploadPlan{}
	for _, key := range keys {
		o := upload.Decide(key, hashed)
		switch o.Class {
		case upload.ClassHTML:
			html.files = append(html.files, key)
		case upload.ClassRest:
			plan.rest = append(plan.rest, key)
		default:
			addTo(byKey, o, key)
		}
		if o.Invalidate {
			plan.invalidate = append(plan.invalidate, "/"+key)
		}
	}
	for _, g := range byKey {
		plan.groups = append(plan.groups, *g)
	}
	slices.SortFunc(plan.groups, func(a, b uploadGroup) int { return strings.Compare(a.name, b.name) })
	plan.groups = append(plan.groups, html)
	plan.invalidate = append(plan.invalidate, "/"+configKey)
	slices.Sort(plan.invalidate)
	plan.keys = append(slices.Clone(plan.rest), configKey)
	for _, g := range plan.groups {
		plan.keys = append(plan.keys, g.files...)
	}
	slices.Sort(plan.keys)
	if len(plan.invalidate) > maxInvalidationPaths {
		plan.invalidate = []string{"/*"}
	}
	return plan, nil
}

// addTo puts key into the group of its class and explicit Content-Type.
func addTo(groups map[[2]string]*uploadGroup, o upload.Object, key string) {
	k := [2]string{string(o.Class), o.ContentType}
	g := groups[k]
	if g == nil {
		g = &uploadGroup{name: string(o.Class) + groupSuffix(o.ContentType), cacheControl: o.CacheControl, contentType: o.ContentType}
		groups[k] = g
	}
	g.files = append(g.files, key)
}

// groupSuffix names a group after its content type: "text/css" → "Css".
func groupSuffix(contentType string) string {
	if contentType == "" {
		return ""
	}
	sub := contentType[strings.Index(contentType, "/")+1:]
	sub, _, _ = strings.Cut(sub, ";")
	sub, _, _ = strings.Cut(sub, "+")
	sub = strings.NewReplacer("-", "", ".", "").Replace(sub)
	return strings.ToUpper(sub[:1]) + sub[1:]
}

func (f *FrontendOptions) validate() []error {
	var errs []error
	if f.SourceDir == nil || *f.SourceDir == "" {
		return []error{fmt.Errorf("Frontend.SourceDir is required: the folder to upload, e.g. \"web\" or \"frontend/dist\" (leave Frontend nil to upload from your own pipeline)")}
	}
	dir := *f.SourceDir
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		errs = append(errs, fmt.Errorf("Frontend.SourceDir %q is not a folder; build the frontend first or fix the path (relative paths are relative to the working directory)", dir))
	} else if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
		errs = append(errs, fmt.Errorf("Frontend.SourceDir %q has no index.html: CloudFront's default root object would answer 403; point it at the built app's folder", dir))
	}
	if f.RuntimeConfig != nil {
		for _, k := range []string{"apiBase", "siteUrl"} {
			if _, ok := (*f.RuntimeConfig)[k]; ok {
				errs = append(errs, fmt.Errorf("Frontend.RuntimeConfig must not set %q: the construct writes it (set ApiPrefix or DomainNames instead)", k))
			}
		}
	}
	if f.HashedNamePattern != nil {
		if _, err := regexp.Compile(*f.HashedNamePattern); err != nil {
			errs = append(errs, fmt.Errorf("Frontend.HashedNamePattern %q is not a regular expression: %v", *f.HashedNamePattern, err))
		}
	}
	if d := f.SupersededRetention; d != nil {
		if err := wholeDays("Frontend.SupersededRetention", d); err != nil {
			errs = append(errs, fmt.Errorf("%w: open pages need the previous build's files for a while after a deploy", err))
		}
	}
	if m := f.MemoryLimitMiB; m != nil && (*m < 128 || *m > 10240) {
		errs = append(errs, fmt.Errorf("Frontend.MemoryLimitMiB %v is out of range: use 128 to 10240", *m))
	}
	return errs
}
