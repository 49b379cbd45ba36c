package engine

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/one-origin/staticsitewithapi/pitfalls"
)

// The rules on what aws-s3-deployment's BucketDeployment
// (Custom::CDKBucketDeployment) uploads: whether a deploy reaches the
// viewers (stale-frontend), and what a pruning deployment deletes
// (config-pruned, chunk-deleted).
//
// A deployment uploads the files of its sources that pass its filters, as
// `aws s3 sync` applies them: every Exclude, then every Include, the last
// match deciding; so a key is uploaded when it matches an Include or no
// Exclude. With Prune (CDK's default) it also deletes, under its
// destination prefix, every key that passes its filters and is not in its
// sources. Which files the sources hold is not in the template: the rules
// reason about the filters only, with sampleFile standing for any file.

// sampleFile stands for a file of a build that no filter names: a
// content-hashed chunk.
const sampleFile = "assets/index-3f9a8b2c.js"

// longHtmlMaxAge is the longest max-age, in seconds, that the rule accepts
// for the HTML: beyond it, browsers keep the old app after a deploy.
const longHtmlMaxAge = 300

type upload struct {
	res              *resource
	bucket           string // logical ID of the destination bucket, or its name as written
	prefix           string // destination key prefix, without a leading "/"
	prune            bool
	include, exclude []*regexp.Regexp
	patterns         []string // the Include patterns as written
	cacheControl     string   // lower-case; "" when not set
	distribution     string   // the distribution it invalidates (logical ID or ID as written)
	paths            []string // its DistributionPaths; nil means CDK's "/*"
}

func (m *model) uploads() []*upload {
	var out []*upload
	for _, r := range m.ofType(typeDeploy) {
		u := &upload{res: r, prune: r.props["prune"] == nil || asBool(r.props["prune"])}
		if id, _, ok := reference(r.props["destinationbucketname"]); ok {
			u.bucket = id
		} else {
			u.bucket, _ = asString(r.props["destinationbucketname"])
		}
		if u.bucket == "" {
			continue
		}
		prefix, ok := evalString(r.props["destinationkeyprefix"]).literal()
		if !ok {
			prefix = "?/" // computed: a prefix of its own, overlapping nothing known
		}
		u.prefix = strings.TrimPrefix(prefix, "/")
		if u.prefix != "" && !strings.HasSuffix(u.prefix, "/") {
			u.prefix += "/"
		}
		for _, p := range asStrings(r.props["include"]) {
			u.include = append(u.include, glob(p))
			u.patterns = append(u.patterns, p)
		}
		for _, p := range asStrings(r.props["exclude"]) {
			u.exclude = append(u.exclude, glob(p))
		}
		u.cacheControl, _ = asString(get(r.props, "systemmetadata", "cache-control"))
		u.cacheControl = strings.ToLower(u.cacheControl)
		if id, _, ok := reference(r.props["distributionid"]); ok {
			u.distribution = id
		} else {
			u.distribution, _ = asString(r.props["distributionid"])
		}
		if r.props["distributionpaths"] != nil {
			u.paths = asStrings(r.props["distributionpaths"])
			if u.paths == nil {
				u.paths = []string{}
			}
		}
		out = append(out, u)
	}
	return out
}

// glob compiles an `aws s3 sync` filter: * matches any characters, "/"
// included, and ? one.
func glob(p string) *regexp.Regexp {
	q := regexp.QuoteMeta(p)
	q = strings.ReplaceAll(q, `\*`, ".*")
	q = strings.ReplaceAll(q, `\?`, ".")
	return regexp.MustCompile("^" + q + "$")
}

func matchAny(res []*regexp.Regexp, key string) bool {
	for _, re := range res {
		if re.MatchString(key) {
			return true
		}
	}
	return false
}

// passes reports whether the filters let key (relative to the prefix)
// through.
func (u *upload) passes(key string) bool {
	return matchAny(u.include, key) || !matchAny(u.exclude, key)
}

// owns reports whether the absolute key is under the prefix and passes the
// filters: what the deployment may upload, and with Prune may delete.
func (u *upload) owns(key string) bool {
	rel, ok := strings.CutPrefix(key, u.prefix)
	return ok && u.passes(rel)
}

func (u *upload) filtered() bool { return len(u.include)+len(u.exclude) > 0 }

// samples are absolute keys that stand for what u and v can hold.
func samples(u, v *upload) []string {
	var out []string
	for _, w := range []*upload{u, v} {
		out = append(out, w.prefix+sampleFile)
		for _, p := range w.patterns {
			out = append(out, w.prefix+p)
		}
	}
	return out
}

func (m *model) checkDeployments() {
	ups := m.uploads()
	for _, u := range ups {
		if !u.prune {
			continue
		}
		m.checkPrunedOthers(u, ups)
		if m.sites[u.bucket] != nil && u.owns(u.prefix+sampleFile) {
			m.add(pitfalls.ChunkDeleted, LevelWarning, u.res.id, catalogFix(pitfalls.ChunkDeleted),
				"BucketDeployment %s prunes the site's bucket %s (Prune is CDK's default), so each deploy deletes the previous build's content-hashed files while pages opened before it still load them (ChunkLoadError).",
				displayPath(u.res.path), m.display(u.bucket))
		}
	}
	for _, bucket := range sortedKeys(m.sites) {
		var to []*upload
		for _, u := range ups {
			if u.bucket == bucket {
				to = append(to, u)
			}
		}
		if len(to) == 0 {
			continue // uploaded some other way
		}
		for _, d := range m.sites[bucket] {
			m.checkInvalidation(d, bucket, to)
		}
	}
}

// checkPrunedOthers: the pruning deployment u deletes what another
// deployment to the same bucket uploaded, unless their filters keep them
// apart.
func (m *model) checkPrunedOthers(u *upload, ups []*upload) {
	var victims []string
	for _, v := range ups {
		if v == u || v.bucket != u.bucket {
			continue
		}
		for _, k := range samples(u, v) {
			if u.owns(k) && v.owns(k) {
				victims = append(victims, displayPath(v.res.path))
				break
			}
		}
	}
	if len(victims) == 0 {
		return
	}
	level, how := LevelError, "with no filters"
	if u.filtered() {
		level, how = LevelWarning, "and its Include/Exclude filters do not keep it off the other deployment's files"
	}
	m.add(pitfalls.ConfigPruned, level, u.res.id, catalogFix(pitfalls.ConfigPruned),
		"BucketDeployment %s prunes bucket %s (Prune is CDK's default) %s, and %s upload to the same bucket: each time %s runs it deletes their files that are not in its own sources, such as config.json.",
		displayPath(u.res.path), m.display(u.bucket), how, strings.Join(victims, ", "), displayPath(u.res.path))
}

// checkInvalidation: the deployments to the SPA's bucket must invalidate
// the distribution's copy of the HTML, and must not let browsers keep the
// HTML.
func (m *model) checkInvalidation(d *resource, bucket string, to []*upload) {
	root, _ := asString(get(d.props, "distributionconfig", "defaultrootobject"))
	if root == "" {
		root = "index.html"
	}
	root = strings.TrimPrefix(root, "/")
	var invalidating []*upload
	for _, u := range to {
		if u.distribution == d.id {
			invalidating = append(invalidating, u)
		}
	}
	var names []string
	for _, u := range to {
		names = append(names, displayPath(u.res.path))
	}
	switch {
	case len(invalidating) == 0:
		m.add(pitfalls.StaleFrontend, LevelWarning, d.id,
			"set DistributionId (Distribution in aws-s3-deployment's BucketDeployment) on the deployment that uploads the HTML, so that each deploy invalidates the distribution, and serve the HTML with Cache-Control no-cache.",
			"no BucketDeployment to the site's bucket %s (%s) invalidates the distribution, so after a deploy CloudFront goes on serving the previous %s and other files for as long as it has them cached.",
			m.display(bucket), strings.Join(names, ", "), root)
	case !invalidatesPath(invalidating, "/"+root):
		m.add(pitfalls.StaleFrontend, LevelWarning, d.id,
			fmt.Sprintf("add /%s (or /*) to DistributionPaths.", root),
			"the BucketDeployments that invalidate the distribution leave /%s out of their DistributionPaths, so CloudFront goes on serving the previous one after a deploy.",
			root)
	}
	for _, u := range to {
		if u.prefix != "" || !u.passes(root) {
			continue
		}
		if why := keepsHtml(u.cacheControl); why != "" {
			m.add(pitfalls.StaleFrontend, LevelWarning, u.res.id,
				"upload the HTML with Cache-Control no-cache in a deployment of its own (Include it, Exclude the rest) and give long lifetimes only to content-hashed files.",
				"BucketDeployment %s uploads %s with Cache-Control %q, %s, so browsers keep the previous app after a deploy whatever CloudFront is told.",
				displayPath(u.res.path), root, u.cacheControl, why)
		}
	}
}

func invalidatesPath(ups []*upload, path string) bool {
	for _, u := range ups {
		if u.paths == nil {
			return true // CDK invalidates /* when no paths are given
		}
		for _, p := range u.paths {
			if p == path || (strings.HasSuffix(p, "*") && strings.HasPrefix(path, strings.TrimSuffix(p, "*"))) {
				return true
			}
		}
	}
	return false
}

var maxAge = regexp.MustCompile(`(?:^|[,\s])(?:s-)?max-?age\s*=\s*(\d+)`)

// keepsHtml says why a Cache-Control value lets browsers keep the HTML
// after a deploy, or "".
func keepsHtml(cc string) string {
	if strings.Contains(cc, "no-cache") || strings.Contains(cc, "no-store") {
		return ""
	}
	if strings.Contains(cc, "immutable") {
		return "which marks it immutable"
	}
	for _, mm := range maxAge.FindAllStringSubmatch(cc, -1) {
		if n, err := strconv.Atoi(mm[1]); err == nil && n > longHtmlMaxAge {
			return fmt.Sprintf("which lets it be kept for %d s", n)
		}
	}
	return ""
}
