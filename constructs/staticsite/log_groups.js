// Custom resource handler (Node.js; the function's code is cfn_response.js
// followed by this file). It owns a log group that an AWS service creates
// by itself on first use, with no retention, and that would outlive the
// stack: API Gateway's execution logs, aws-cdk-lib's auto-delete handler's
// logs (pitfall destroy-blocked). A template AWS::Logs::LogGroup of that
// name cannot be used: it fails with "already exists" wherever the service
// was first, a stack deployed before included.
//
// ResourceProperties: LogGroupName, RetentionInDays, RemoveOnDelete
// ("true" or "false").
// - Create, Update: create the group unless it exists; set its retention.
// - Delete: delete the group when RemoveOnDelete is "true". A failure is
//   logged, never returned: a delete that fails would stop the stack's.

exports.handler = async (event) => {
  const props = event.ResourceProperties;
  const name = props.LogGroupName;
  let status = 'SUCCESS';
  let reason = '';
  try {
    await run(event, props, logsClient());
  } catch (err) {
    reason = String((err && err.message) || err).slice(0, 900);
    log('error', { logGroup: name, message: reason });
    status = event.RequestType === 'Delete' ? 'SUCCESS' : 'FAILED';
  }
  await respond(event, status, reason, name);
};

async function run(event, props, logs) {
  const name = props.LogGroupName;
  if (event.RequestType === 'Delete') {
    if (props.RemoveOnDelete === 'true') {
      await logs.remove(name);
      log('info', { logGroup: name, deleted: true });
    }
    return;
  }
  const created = await logs.create(name);
  await logs.retain(name, Number(props.RetentionInDays));
  log('info', { logGroup: name, created, retentionInDays: Number(props.RetentionInDays) });
}

function logsClient() {
  const sdk = require('@aws-sdk/client-cloudwatch-logs');
  const client = new sdk.CloudWatchLogsClient({});
  return {
    async create(name) {
      try {
        await client.send(new sdk.CreateLogGroupCommand({ logGroupName: name }));
        return true;
      } catch (err) {
        if (err && err.name === 'ResourceAlreadyExistsException') return false;
        throw err;
      }
    },
    async retain(name, days) {
      await client.send(new sdk.PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: days }));
    },
    async remove(name) {
      try {
        await client.send(new sdk.DeleteLogGroupCommand({ logGroupName: name }));
      } catch (err) {
        if (!(err && err.name === 'ResourceNotFoundException')) throw err;
      }
    },
  };
}
