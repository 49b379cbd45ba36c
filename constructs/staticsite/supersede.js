// Custom resource handler (Node.js; the function's code is cfn_response.js
// followed by this file). It runs after every frontend upload and keeps the
// files of earlier builds fetchable for a while instead of deleting them,
// so pages that are already open can still load their lazy chunks (pitfall
// chunk-deleted):
//
// - a file that an earlier build uploaded and this one no longer has is
//   copied onto itself with the tag <Tag>=true; the copy restarts
//   its age, so the bucket's lifecycle rule on that tag deletes it the
//   given number of days after it was superseded, deploys or not;
// - a file of this build loses that tag, in case an earlier build had
//   superseded it (a revert to a build whose files are still there).
//
// ResourceProperties: Bucket, Tag, Keys (every key this build owns,
// config.json included). On Update, OldResourceProperties.Keys is the previous build;
// on Create (first deploy, or upgrade from a version that pruned), every
// object in the bucket that is not this build's is superseded.
//
// Removing a current file's tag is required for the site to keep working,
// so a failure there fails the deploy. Superseding is housekeeping: a
// failure there is logged and the deploy goes on (the file is then kept).
const CONCURRENCY = 16;

exports.handler = async (event) => {
  let status = 'SUCCESS';
  let reason = '';
  let data = {};
  try {
    if (event.RequestType === 'Create' || event.RequestType === 'Update') {
      data = await run(event, s3Client());
    }
  } catch (err) {
    status = 'FAILED';
    reason = String((err && err.message) || err).slice(0, 900);
    log('error', { message: reason });
  }
  await respond(event, status, reason, event.PhysicalResourceId || 'supersede-' + event.ResourceProperties.Bucket, data);
};

async function run(event, s3) {
  const props = event.ResourceProperties;
  const bucket = props.Bucket;
  const keep = new Set(props.Keys || []);
  const old = event.RequestType === 'Update' && event.OldResourceProperties &&
    event.OldResourceProperties.Bucket === bucket ? new Set(event.OldResourceProperties.Keys || []) : null;

  const current = old ? [...keep].filter((k) => !old.has(k)) : [...keep];
  await pool(current, (key) => s3.untag(bucket, key, props.Tag));

  const earlier = old ? [...old].filter((k) => !keep.has(k)) : (await s3.list(bucket)).filter((k) => !keep.has(k));
  let failed = 0;
  await pool(earlier, async (key) => {
    try {
      await s3.supersede(bucket, key, props.Tag, new Date().toISOString());
    } catch (err) {
      failed++;
      log('error', { message: 'could not supersede', key, error: String(err && err.message) });
    }
  });
  const summary = { Untagged: current.length, Superseded: earlier.length - failed, Failed: failed };
  log('info', { bucket, ...summary });
  return summary;
}

// s3Client adapts the SDK to the three operations run needs.
function s3Client() {
  const sdk = require('@aws-sdk/client-s3');
  const client = new sdk.S3Client({});
  const missing = (err) => err && (err.name === 'NoSuchKey' || err.name === 'NotFound' ||
    (err.$metadata && err.$metadata.httpStatusCode === 404));
  return {
    async list(bucket) {
      const keys = [];
      let token;
      do {
        const out = await client.send(new sdk.ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
        for (const o of out.Contents || []) keys.push(o.Key);
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token);
      return keys;
    },
    // untag removes the tag and keeps any other tag of the file.
    async untag(bucket, key, tag) {
      let tags;
      try {
        tags = (await client.send(new sdk.GetObjectTaggingCommand({ Bucket: bucket, Key: key }))).TagSet || [];
      } catch (err) {
        if (missing(err)) return;
        throw err;
      }
      const rest = tags.filter((t) => t.Key !== tag);
      if (rest.length === tags.length) return;
      await client.send(rest.length ?
        new sdk.PutObjectTaggingCommand({ Bucket: bucket, Key: key, Tagging: { TagSet: rest } }) :
        new sdk.DeleteObjectTaggingCommand({ Bucket: bucket, Key: key }));
    },
    // A copy onto itself must change the metadata; it keeps every header
    // the file is served with, and adds when it was superseded.
    async supersede(bucket, key, tag, when) {
      let head;
      try {
        head = await client.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: key }));
      } catch (err) {
        if (missing(err)) return;
        throw err;
      }
      await client.send(new sdk.CopyObjectCommand({
        Bucket: bucket,
        Key: key,
        CopySource: bucket + '/' + key.split('/').map(encodeURIComponent).join('/'),
        MetadataDirective: 'REPLACE',
        ContentType: head.ContentType,
        CacheControl: head.CacheControl,
        ContentEncoding: head.ContentEncoding,
        ContentDisposition: head.ContentDisposition,
        ContentLanguage: head.ContentLanguage,
        Metadata: Object.assign({}, head.Metadata, { superseded: when }),
        TaggingDirective: 'REPLACE',
        Tagging: encodeURIComponent(tag) + '=true',
      }));
    },
  };
}

async function pool(items, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}
