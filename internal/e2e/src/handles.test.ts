import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from './helpers.js';

let local: LocalAws;

beforeAll(async () => {
  local = await startLocalAws();
});

afterAll(async () => {
  await local.stop();
});

// A plain Node process (the built packages, resolved as an app resolves them)
// uses all five services through the process-wide factory, disposes it, and
// reports the handles still open. It must then exit on its own.
const script = `
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { ListEndpointsCommand } from '@aws-sdk/client-sagemaker';
import { StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { getClientFactory } from '@dbp/aws-core';
import diagnosticsChannel from 'node:diagnostics_channel';
// Idle keep-alive sockets are unref'd and invisible to getActiveResourcesInfo:
// track every client socket as it is created.
const opened = new Set();
diagnosticsChannel.subscribe('net.client.socket', ({ socket }) => opened.add(socket));
import { getS3Client } from '@dbp/aws-s3';
import { getDynamoDBClient } from '@dbp/aws-dynamodb';
import { getBedrockRuntimeClient } from '@dbp/aws-bedrock';
import { getSageMakerClient } from '@dbp/aws-sagemaker';
import { getAthenaClient } from '@dbp/aws-athena';
const local = JSON.parse(process.env.LOCAL_AWS);
const options = (service) => ({ region: local.region, credentials: local.credentials, config: { endpoint: local.endpoints[service], ...(service === 's3' ? { forcePathStyle: true } : {}) } });
await Promise.all([
  getS3Client(options('s3')).send(new ListBucketsCommand({})),
  getDynamoDBClient(options('dynamodb')).send(new ListTablesCommand({})),
  getBedrockRuntimeClient(options('bedrock-runtime')).send(new ConverseCommand({ modelId: 'anthropic.claude-3-haiku-20240307-v1:0', messages: [{ role: 'user', content: [{ text: 'hi' }] }] })),
  getSageMakerClient(options('sagemaker')).send(new ListEndpointsCommand({})),
  getAthenaClient(options('athena')).send(new StartQueryExecutionCommand({ QueryString: 'SELECT 1' })),
]);
const sockets = () => [...opened].filter((socket) => !socket.destroyed).length;
const before = sockets();
getClientFactory().dispose();
await new Promise((resolve) => setTimeout(resolve, 100));
const after = process.getActiveResourcesInfo().filter((name) => name !== 'TTYWrap' && name !== 'PipeWrap' && name !== 'Timeout');
console.log(JSON.stringify({ before, socketsAfter: sockets(), after }));
`;

describe('dispose()', () => {
  it('leaves no open handle: the process exits on its own', async () => {
    const { code, signal, stdout, stderr } = await runScript(script, {
      LOCAL_AWS: JSON.stringify({ region: local.region, credentials: local.credentials, endpoints: local.endpoints }),
    });
    expect(signal, `the process did not exit on its own: ${stdout} ${stderr}`).toBeNull();
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout.trim().split('\n').at(-1) as string) as { before: number; socketsAfter: number; after: string[] };
    expect(report.before, stdout).toBeGreaterThan(0);
    expect(report.socketsAfter).toBe(0);
    expect(report.after).toEqual([]);
  });
});
