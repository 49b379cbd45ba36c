// Shared by the construct's inline custom resource handlers, which are
// this file followed by the handler's own (the Lambda runtime bundles the
// AWS SDK for JavaScript v3, so they need no other file).
'use strict';

// respond reports to CloudFormation through the pre-signed URL it gave.
function respond(event, status, reason, physicalId, data) {
  const body = JSON.stringify({
    Status: status,
    Reason: reason || 'see the function log',
    PhysicalResourceId: physicalId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: data || {},
  });
  const url = new URL(event.ResponseURL);
  const transport = require(url.protocol === 'http:' ? 'http' : 'https');
  return new Promise((resolve, reject) => {
    const req = transport.request(url, {
      method: 'PUT',
      headers: { 'Content-Type': '', 'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function log(level, fields) {
  console.log(JSON.stringify(Object.assign({ level }, fields)));
}
