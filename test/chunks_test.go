package test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/require"

	"github.com/one-origin/staticsitewithapi/constructs/staticsite"
)

// supersede returns the one custom resource that supersedes files of
// earlier builds.
func supersede(tmpl obj) (string, obj, error) {
	crs := resourcesOf(tmpl, "Custom::StaticSiteSupersede")
	if len(crs) != 1 {
		return "", nil, fmt.Errorf("want one Custom::StaticSiteSupersede, found %d", len(crs))
	}
	for id, cr := range crs {
		return id, cr, nil
	}
	return "", nil, nil
}

// supersededKeep is the list of keys the current build owns.
func supersededKeep(tmpl obj) ([]string, error) {
	_, cr, err := supersede(tmpl)
	if err != nil {
		return nil, err
	}
	return strs(cr["Keys"]), nil
}

// supersededRule returns the lifecycle rule of the site bucket that
// expires superseded files.
func supersededRule(tmpl obj) (obj, error) {
	b := resource(tmpl, siteBucketID(tmpl))
	for _, r := range asSlice(asMap(b["LifecycleConfiguration"])["Rules"]) {
		rule := r.(obj)
		if jsonString(rule["TagFilters"]) == `[{"Key":"`+staticsite.SupersededTag+`","Value":"true"}]` {
			return rule, nil
		}
	}
	return nil, errors.New("the site bucket has no lifecycle rule for superseded files: they would be kept forever")
}

// checkChunkDeleted (pitfall chunk-deleted): no upload deletes anything;
// after every upload, one custom resource lists every key the build owns,
// so the files of earlier builds are superseded, and a lifecycle rule
// deletes those days later.
func checkChunkDeleted(f *fixture, tmpl obj) error {
	id, cr, err := supersede(tmpl)
	if err != nil {
		return err
	}
	keep := strs(cr["Keys"])
	deps := strs(resourceEntry(tmpl, id)["DependsOn"])
	for _, d := range deployments(tmpl) {
		if d.prunes() {
			return fmt.Errorf("%s prunes: it deletes the previous build's chunks while open pages still load them", d.id)
		}
		if !slices.Contains(deps, d.id) {
			return fmt.Errorf("the supersede step does not wait for %s", d.id)
		}
		for _, k := range d.include() {
			if !slices.Contains(keep, k) {
				return fmt.Errorf("%s is uploaded but not among the build's keys: it would be superseded", k)
			}
		}
	}
	if cr["Tag"] != staticsite.SupersededTag {
		return fmt.Errorf("the supersede step tags with %v, the lifecycle rule expires %s", cr["Tag"], staticsite.SupersededTag)
	}
	rule, err := supersededRule(tmpl)
	if err != nil {
		return err
	}
	if days, _ := rule["ExpirationInDays"].(float64); days < 1 || rule["Status"] != "Enabled" {
		return fmt.Errorf("superseded files expire after %v days (status %v)", rule["ExpirationInDays"], rule["Status"])
	}
	return nil
}

func init() {
	frontendChecks["chunk-deleted"] = checkChunkDeleted
}

func TestChunkDeletedCheckFails(t *testing.T) {
	f := frontendSite(t)
	for name, breakage := range map[string]func(tmpl obj){
		"prune": func(tmpl obj) {
			for _, d := range deployments(tmpl) {
				if !d.explicit() {
					d.props["Prune"] = true
				}
			}
		},
		"no lifecycle rule": func(tmpl obj) {
			delete(resource(tmpl, siteBucketID(tmpl)), "LifecycleConfiguration")
		},
		"no supersede step": func(tmpl obj) {
			id, _, _ := supersede(tmpl)
			delete(tmpl["Resources"].(obj), id)
		},
		"runs before the uploads": func(tmpl obj) {
			id, _, _ := supersede(tmpl)
			delete(resourceEntry(tmpl, id), "DependsOn")
		},
	} {
		broken := deepCopy(t, f.template)
		breakage(broken)
		require.Error(t, checkChunkDeleted(f, broken), name)
		if name == "prune" { // the others break this project's supersede step
			require.Contains(t, templateFindings(t, broken), "chunk-deleted", "sitechecks.CheckTemplate missed %s", name)
		}
	}
}

// fakeS3 is an in-memory S3 with the commands the supersede handler sends,
// installed as the @aws-sdk/client-s3 module the Lambda runtime provides.
// Time is in days (globalThis.now). An in-place copy must replace the
// metadata, as S3 requires.
const fakeS3 = `
class Cmd { constructor(input) { this.input = input; } }
const names = ['ListObjectsV2Command', 'GetObjectTaggingCommand', 'PutObjectTaggingCommand',
  'DeleteObjectTaggingCommand', 'HeadObjectCommand', 'CopyObjectCommand'];
for (const n of names) exports[n] = Object.defineProperty(class extends Cmd {}, 'name', { value: n });
const notFound = () => Object.assign(new Error('NotFound'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } });
exports.S3Client = class {
  async send(cmd) {
    const s = globalThis.s3, i = cmd.input, o = s.objects[i.Key];
    globalThis.calls.push(cmd.constructor.name + ' ' + (i.Key || ''));
    switch (cmd.constructor.name) {
      case 'ListObjectsV2Command': {
        const all = Object.keys(s.objects).sort();
        const start = i.ContinuationToken ? Number(i.ContinuationToken) : 0;
        const page = all.slice(start, start + 2);
        return { Contents: page.map((Key) => ({ Key })), IsTruncated: start + 2 < all.length, NextContinuationToken: String(start + 2) };
      }
      case 'GetObjectTaggingCommand': if (!o) throw notFound(); return { TagSet: o.tags };
      case 'PutObjectTaggingCommand': if (!o) throw notFound(); o.tags = i.Tagging.TagSet; return {};
      case 'DeleteObjectTaggingCommand': if (!o) throw notFound(); o.tags = []; return {};
      case 'HeadObjectCommand': if (!o) throw notFound(); return { ContentType: o.contentType, CacheControl: o.cacheControl, Metadata: o.metadata };
      case 'CopyObjectCommand': {
        const [bucket, ...rest] = i.CopySource.split('/');
        const src = s.objects[rest.map(decodeURIComponent).join('/')];
        if (bucket !== i.Bucket || !src) throw notFound();
        if (i.MetadataDirective !== 'REPLACE') throw Object.assign(new Error('This copy request is illegal'), { name: 'InvalidRequest' });
        const tags = i.Tagging.split('&').map((kv) => kv.split('=').map(decodeURIComponent)).map(([Key, Value]) => ({ Key, Value }));
        s.objects[i.Key] = { ...src, contentType: i.ContentType, cacheControl: i.CacheControl, metadata: i.Metadata, tags, created: globalThis.now };
        return {};
      }
    }
  }
};
`

// deployHarness plays successive deploys of builds against the fake S3:
// each upload puts the build's files the way "aws s3 sync" does (a file
// whose content did not change is skipped, so it keeps its tags), then the
// supersede handler runs as CloudFormation calls it; the bucket's lifecycle
// rule is applied as days pass. It prints what the bucket holds after each
// step.
const deployHarness = `
const http = require('http');
const fs = require('fs');
const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
globalThis.s3 = { objects: {} };
globalThis.calls = [];
console.log = (...a) => process.stderr.write(a.join(' ') + '\n');
globalThis.now = 0;
const handler = require(plan.handler).handler;
const responses = [];
const server = http.createServer((req, res) => {
  let body = ''; req.on('data', (c) => body += c); req.on('end', () => { responses.push(JSON.parse(body)); res.end(); });
});
function lifecycle() {
  for (const [key, o] of Object.entries(s3.objects)) {
    const tagged = o.tags.some((t) => t.Key === plan.rule.tag && t.Value === 'true');
    if (tagged && globalThis.now >= o.created + plan.rule.days) delete s3.objects[key];
  }
}
function snapshot() {
  const out = {};
  for (const [key, o] of Object.entries(s3.objects)) out[key] = { content: o.body, tagged: o.tags.some((t) => t.Key === plan.rule.tag) };
  return out;
}
server.listen(0, '127.0.0.1', async () => {
  const url = 'http://127.0.0.1:' + server.address().port + '/';
  const seen = [];
  let previous = null;
  for (const step of plan.steps) {
    globalThis.now = step.day;
    lifecycle();
    if (step.deploy) {
      const build = plan.builds[step.deploy];
      for (const [key, body] of Object.entries(build.files)) {
        const o = s3.objects[key];
        if (!o || o.body !== body) s3.objects[key] = { body, contentType: 'x/y', cacheControl: 'c', metadata: {}, tags: [], created: step.day };
      }
      const event = {
        RequestType: previous ? 'Update' : 'Create', ResponseURL: url, StackId: 's', RequestId: 'r' + step.day,
        LogicalResourceId: 'Supersede', PhysicalResourceId: previous ? 'supersede-site' : undefined,
        ResourceProperties: { Bucket: 'site', Tag: plan.rule.tag, Keys: build.keys },
        OldResourceProperties: previous ? { Bucket: 'site', Tag: plan.rule.tag, Keys: plan.builds[previous].keys } : undefined,
      };
      await handler(event);
      previous = step.deploy;
    }
    seen.push({ day: step.day, objects: snapshot(), response: step.deploy ? responses[responses.length - 1] : null });
  }
  server.close();
  process.stdout.write(JSON.stringify(seen));
});
`

// buildB is build A (testdata/dist) after a code change: a new entry chunk
// under a new hashed name, new HTML, the rest unchanged.
func buildB(t *testing.T) string {
	t.Helper()
	src, err := filepath.Abs(filepath.Join("testdata", "dist"))
	require.NoError(t, err)
	dst := t.TempDir()
	require.NoError(t, os.CopyFS(dst, os.DirFS(src)))
	require.NoError(t, os.Remove(filepath.Join(dst, "assets", "index-BxT4e1Ab.js")))
	require.NoError(t, os.Remove(filepath.Join(dst, "assets", "index-BxT4e1Ab.js.map")))
	require.NoError(t, os.WriteFile(filepath.Join(dst, "assets", "index-Cq7Zk-Lm.js"), []byte("import('./chunk-9fK2mQ7a.mjs');// B\n"), 0o644))
	html, err := os.ReadFile(filepath.Join(dst, "index.html"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dst, "index.html"), []byte(strings.ReplaceAll(string(html), "index-BxT4e1Ab.js", "index-Cq7Zk-Lm.js")), 0o644))
	return dst
}

// frontendTemplate synthesizes the construct uploading dir.
func frontendTemplate(t *testing.T, dir string) obj {
	t.Helper()
	app := newTestApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Test"), &awscdk.StackProps{Env: testEnv})
	staticsite.NewStaticSiteWithApi(stack, jsii.String("Site"), &staticsite.StaticSiteWithApiProps{
		Backend:  staticsite.LambdaBackend(inlineFunction(stack)),
		Frontend: &staticsite.FrontendOptions{SourceDir: &dir},
	})
	return toMap(t, assertions.Template_FromStack(stack, nil))
}

// TestChunkDeletedAcrossDeploys (pitfall chunk-deleted) runs the upload's
// real supersede handler, from the synthesized templates of two builds,
// over deploys of A, then B, then A again, against an in-memory S3 with the
// bucket's lifecycle rule:
//   - right after B is deployed, A's entry chunk (which open pages load)
//     is still there, marked superseded; B's files and config.json are not;
//   - the lifecycle rule deletes it after the retention, not before;
//   - going back to A before that un-marks A's files, which sync did not
//     re-upload, so they are not deleted under the running site.
func TestChunkDeletedAcrossDeploys(t *testing.T) {
	dirA, err := filepath.Abs(filepath.Join("testdata", "dist"))
	require.NoError(t, err)
	dirB := buildB(t)
	builds := map[string]any{}
	var rule obj
	var code string
	for name, dir := range map[string]string{"A": dirA, "B": dirB} {
		tmpl := frontendSite(t).template // testdata/dist
		if name == "B" {
			tmpl = frontendTemplate(t, dir)
		}
		id, cr, err := supersede(tmpl)
		require.NoError(t, err)
		code = handlerCode(t, tmpl, id)
		files := map[string]string{}
		for _, k := range strs(cr["Keys"]) {
			b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(k)))
			if k == "config.json" {
				b, err = []byte(`{"apiBase":"/api","build":"`+name+`"}`), nil
			}
			require.NoError(t, err, k)
			files[k] = string(b)
		}
		builds[name] = map[string]any{"keys": cr["Keys"], "files": files}
		rule, err = supersededRule(tmpl)
		require.NoError(t, err)
	}
	days := rule["ExpirationInDays"].(float64)
	require.Equal(t, 7.0, days, "default retention")

	dir := t.TempDir()
	module := filepath.Join(dir, "node_modules", "@aws-sdk", "client-s3")
	require.NoError(t, os.MkdirAll(module, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(module, "index.js"), []byte(fakeS3), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.js"), []byte(code), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "harness.js"), []byte(deployHarness), 0o644))
	steps := []map[string]any{
		{"day": 0, "deploy": "A"},
		{"day": 1, "deploy": "B"},
		{"day": 1 + days - 1},
		{"day": 1 + days},
		{"day": 10, "deploy": "A"},
		{"day": 11, "deploy": "B"},
		{"day": 12, "deploy": "A"},
		{"day": 12 + days},
		{"day": 40},
	}
	plan := map[string]any{"handler": filepath.Join(dir, "index.js"), "builds": builds, "steps": steps,
		"rule": map[string]any{"tag": staticsite.SupersededTag, "days": days}}
	planPath := filepath.Join(dir, "plan.json")
	require.NoError(t, os.WriteFile(planPath, []byte(jsonString(plan)), 0o644))
	out, err := exec.Command("node", filepath.Join(dir, "harness.js"), planPath).Output()
	require.NoError(t, err, "node: %s", exitStderr(err))
	var seen []struct {
		Day     float64 `json:"day"`
		Objects map[string]struct {
			Content string `json:"content"`
			Tagged  bool   `json:"tagged"`
		} `json:"objects"`
		Response map[string]any `json:"response"`
	}
	require.NoError(t, json.Unmarshal(out, &seen))
	require.Len(t, seen, len(steps))

	const oldChunk, newChunk = "assets/index-BxT4e1Ab.js", "assets/index-Cq7Zk-Lm.js"
	current := func(step int, build string) {
		t.Helper()
		b := builds[build].(map[string]any)
		for k, content := range b["files"].(map[string]string) {
			o, ok := seen[step].Objects[k]
			require.True(t, ok, "day %v: %s of build %s is missing", seen[step].Day, k, build)
			require.False(t, o.Tagged, "day %v: %s of the current build %s is marked superseded", seen[step].Day, k, build)
			require.Equal(t, content, o.Content, "day %v: %s", seen[step].Day, k)
		}
	}
	for _, s := range seen {
		if s.Response != nil {
			require.Equal(t, "SUCCESS", s.Response["Status"], "day %v: %v", s.Day, s.Response["Reason"])
		}
	}
	current(0, "A")
	// Day 1, B deployed: A's entry chunk is still served, for open pages.
	current(1, "B")
	require.Contains(t, seen[1].Objects, oldChunk, "deploying B deleted A's chunk (chunk-deleted)")
	require.True(t, seen[1].Objects[oldChunk].Tagged)
	require.True(t, seen[1].Objects[oldChunk+".map"].Tagged)
	// The retention holds, then the lifecycle rule deletes it.
	require.Contains(t, seen[2].Objects, oldChunk, "deleted before the retention ended")
	require.NotContains(t, seen[3].Objects, oldChunk, "kept after the retention")
	current(3, "B")
	// Back and forth: day 10 A again (its chunk is re-uploaded), day 11 B,
	// day 12 A again before the chunk expired: sync skips A's unchanged
	// chunk, and the handler must un-mark it.
	current(4, "A")
	current(5, "B")
	require.True(t, seen[5].Objects[oldChunk].Tagged)
	current(6, "A")
	require.True(t, seen[6].Objects[newChunk].Tagged, "B's chunk is superseded by A")
	current(7, "A")
	require.NotContains(t, seen[7].Objects, newChunk)
	current(8, "A")
	require.Len(t, seen[8].Objects, len(builds["A"].(map[string]any)["files"].(map[string]string)), "only the current build is left")
}

// handlerCode returns the inline code of the function a custom resource
// calls.
func handlerCode(t *testing.T, tmpl obj, crId string) string {
	t.Helper()
	token := resource(tmpl, crId)["ServiceToken"].(obj)["Fn::GetAtt"].([]any)
	fn := resource(tmpl, token[0].(string))
	code, ok := fn["Code"].(obj)["ZipFile"].(string)
	require.True(t, ok, "the function's code is not inline")
	require.Equal(t, "nodejs24.x", fn["Runtime"])
	return code
}
