package engine

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/one-origin/staticsitewithapi/pitfalls"
)

// The rules on what fails once the site is operated: errors cached at the
// edge (errors-cached), /.well-known/ rewritten by the SPA function
// (wellknown-rewritten), a secret rotated behind CloudFormation's back
// (secret-rotation), a log bucket emptied while logs keep arriving
// (destroy-blocked) and the account-wide API Gateway setting written twice
// (account-singleton).

// cachedErrorCodes are the origin status codes CloudFront caches for the
// Error Caching Minimum TTL (10 s unless set) and lets a distribution
// configure.
var cachedErrorCodes = []float64{400, 403, 404, 405, 414, 500, 501, 502, 503, 504}

// checkErrorCaching: a distribution that serves an API must set the error
// caching TTL of each cacheable error code to 0, or one caller's error is
// served to the next for 10 s.
func (m *model) checkErrorCaching(d *resource, dc obj) {
	zero := map[float64]bool{}
	for _, r := range asList(dc["customerrorresponses"]) {
		code, _ := asNumber(get(r, "errorcode"))
		if ttl, ok := asNumber(get(r, "errorcachingminttl")); ok && ttl == 0 {
			zero[code] = true
		}
	}
	var cached []string
	for _, code := range cachedErrorCodes {
		if !zero[code] {
			cached = append(cached, fmt.Sprintf("%g", code))
		}
	}
	if len(cached) == 0 {
		return
	}
	m.add(pitfalls.ErrorsCached, LevelWarning, d.id, catalogFix(pitfalls.ErrorsCached),
		"the distribution serves an API but sets no error caching TTL of 0 for %s, so CloudFront keeps such an answer for 10 s and serves one caller's error to every caller of the same URL.",
		strings.Join(cached, ", "))
}

var (
	uriAssignment = regexp.MustCompile(`\.uri\s*=[^=]`)
	indexHtml     = regexp.MustCompile(`index\.html`)
)

// checkWellKnown: the viewer-request CloudFront Function of the SPA's
// behavior rewrites URIs to index.html and never mentions /.well-known/.
// This is a heuristic on the source, comments left out: it does not run
// the function, so a rewrite limited some other way (say, to /app/) is
// reported too, and a guard written without the string ".well-known" is
// not seen. Lambda@Edge code is not in the template.
func (m *model) checkWellKnown(d *resource, def *behavior) {
	for _, assoc := range asList(def.cfg["functionassociations"]) {
		if ev, _ := asString(get(assoc, "eventtype")); ev != "viewer-request" {
			continue
		}
		fn := m.resourceOf(get(assoc, "functionarn"), typeFunction)
		if fn == nil {
			continue
		}
		var src strings.Builder
		for _, p := range evalString(fn.props["functioncode"]) {
			src.WriteString(p.lit)
		}
		code := stripComments(src.String())
		if !uriAssignment.MatchString(code) || !indexHtml.MatchString(code) || strings.Contains(code, ".well-known") {
			continue
		}
		m.add(pitfalls.WellknownRewritten, LevelWarning, d.id, catalogFix(pitfalls.WellknownRewritten),
			"the viewer-request function %s of %s rewrites paths to index.html and never tests for /.well-known/, so files such as /.well-known/apple-app-site-association (no extension) are answered with index.html.",
			displayPath(fn.path), def.name())
	}
}

// stripComments removes JavaScript comments, leaving string literals
// alone. Regular expression literals are not recognized, so one with "//"
// in it loses the rest of its line.
func stripComments(src string) string {
	var b strings.Builder
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			j := i + 1
			for j < len(src) && src[j] != c {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			end := min(j+1, len(src))
			b.WriteString(src[i:end])
			i = end - 1
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			b.WriteByte('\n')
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return b.String()
			}
			i += end + 3
			b.WriteByte(' ')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

const resolveSecret = "{{resolve:secretsmanager:"

// secretsResolvedIn returns the secrets a value reads through a dynamic
// reference: logical IDs when the reference is built with Ref, else the
// secret's name or ARN as written.
func secretsResolvedIn(s sym) []string {
	var out []string
	for i, p := range s {
		if !p.isLit() {
			continue
		}
		rest := p.lit
		for {
			at := strings.Index(rest, resolveSecret)
			if at < 0 {
				break
			}
			rest = rest[at+len(resolveSecret):]
			switch {
			case rest == "" && i+1 < len(s) && s[i+1].ref != "":
				out = append(out, s[i+1].ref)
			case rest != "":
				fields := strings.Split(strings.SplitN(rest, "}}", 2)[0], ":")
				n := 1
				if fields[0] == "arn" {
					n = min(7, len(fields))
				}
				out = append(out, strings.Join(fields[:n], ":"))
			}
		}
	}
	return out
}

// checkSecretRotation: a rotation schedule changes a secret without
// CloudFormation, but the distribution's origin headers and API keys that
// read it through {{resolve:secretsmanager:...}} take a new value only when
// CloudFormation updates them, each at its own time.
func (m *model) checkSecretRotation() {
	users := map[string][]string{}
	for _, d := range m.ofType(typeDistribution) {
		for _, o := range asList(get(d.props, "distributionconfig", "origins")) {
			for _, h := range asList(get(o, "origincustomheaders")) {
				name, _ := asString(get(h, "headername"))
				for _, s := range secretsResolvedIn(evalString(get(h, "headervalue"))) {
					users[s] = append(users[s], fmt.Sprintf("origin header %s of %s", name, displayPath(d.path)))
				}
			}
		}
	}
	for _, k := range m.ofType(typeApiKey) {
		for _, s := range secretsResolvedIn(evalString(k.props["value"])) {
			users[s] = append(users[s], "API key "+displayPath(k.path))
		}
	}
	for _, r := range m.ofType(typeRotation) {
		secret, _, ok := reference(r.props["secretid"])
		if !ok {
			secret, _ = asString(r.props["secretid"])
		}
		var by []string
		for s, u := range users {
			literal := m.byId[s] == nil && m.byId[secret] == nil // names or ARNs as written
			if secret != "" && (s == secret || literal && (strings.Contains(secret, s) || strings.Contains(s, secret))) {
				by = append(by, u...)
			}
		}
		if len(by) == 0 {
			continue
		}
		slices.Sort(by)
		m.add(pitfalls.SecretRotation, LevelError, r.id, catalogFix(pitfalls.SecretRotation),
			"rotation schedule %s changes secret %s behind CloudFormation, but %s read it with {{resolve:secretsmanager:...}}, which CloudFormation resolves only when that resource is updated: after a rotation they hold different values and API calls through CloudFront answer 403.",
			displayPath(r.path), m.display(secret), strings.Join(by, " and "))
	}
}

// checkLogBuckets: a bucket that the stack empties on delete
// (Custom::S3AutoDeleteObjects) receives CloudFront's standard logs or S3
// server access logs, which keep arriving after it was emptied, so deleting
// it fails with BucketNotEmpty. Logs delivered through CloudWatch Logs
// delivery resources are not followed.
func (m *model) checkLogBuckets() {
	emptied := map[string]bool{}
	for _, r := range m.ofType(typeAutoDelete) {
		if b := m.resourceOf(r.props["bucketname"], typeBucket); b != nil {
			emptied[b.id] = true
		}
	}
	if len(emptied) == 0 {
		return
	}
	senders := map[string][]string{}
	for _, d := range m.ofType(typeDistribution) {
		for _, id := range evalString(get(d.props, "distributionconfig", "logging", "bucket")).refs() {
			if emptied[id] {
				senders[id] = append(senders[id], "distribution "+displayPath(d.path))
			}
		}
	}
	for _, b := range m.ofType(typeBucket) {
		if t := m.resourceOf(get(b.props, "loggingconfiguration", "destinationbucketname"), typeBucket); t != nil && emptied[t.id] {
			senders[t.id] = append(senders[t.id], "bucket "+displayPath(b.path))
		}
	}
	for _, id := range sortedKeys(senders) {
		m.add(pitfalls.DestroyBlocked, LevelWarning, id, catalogFix(pitfalls.DestroyBlocked),
			"bucket %s is emptied when the stack is deleted (auto-delete objects) but receives the access logs of %s, which keep arriving after it was emptied, so deleting the stack fails with BucketNotEmpty.",
			m.display(id), strings.Join(senders[id], " and "))
	}
}

// checkAccountSetting: AWS::ApiGateway::Account is one setting per account
// and region; a stack that writes it more than once (in CDK, each RestApi
// with cloudWatchRole: true adds one) keeps whichever wrote last, and
// deleting either resets it. Another stack or app writing it too is not
// visible in one stack.
func (m *model) checkAccountSetting() {
	accounts := m.ofType(typeAccount)
	if len(accounts) < 2 {
		return
	}
	var names []string
	for _, a := range accounts {
		names = append(names, displayPath(a.path))
	}
	for _, a := range accounts {
		m.add(pitfalls.AccountSingleton, LevelWarning, a.id, catalogFix(pitfalls.AccountSingleton),
			"the stack writes the account-wide API Gateway setting %d times (%s): the last write wins, and deleting any of them resets the CloudWatch role for every API in the account and region.",
			len(accounts), strings.Join(names, ", "))
	}
}
