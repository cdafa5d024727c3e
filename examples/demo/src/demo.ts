/**
 * The @dbp/aws demo: the five service packages through one factory, doing
 * real work against embedded local endpoints (the testkit, on 127.0.0.1), or
 * against real AWS with `--aws` and the default credential chain; then a role
 * assumed once for all five (`@dbp/aws-sts`), and SQS by its client class.
 *
 * Run with `pnpm demo` (or `pnpm demo -- --aws`) from the repository root.
 */
import { GetQueryExecutionCommand, GetQueryResultsCommand, ListQueryExecutionsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { ConverseCommand, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { CreateTableCommand, DescribeTableCommand, GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateEndpointCommand, DescribeEndpointCommand, ListEndpointsCommand } from '@aws-sdk/client-sagemaker';
import { CreateQueueCommand, ListQueuesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { athena } from '@dbp/aws-athena';
import { bedrockRuntime } from '@dbp/aws-bedrock';
import { type AwsClientFactory, type AwsCredentialProvider, AwsRegionError, createClientFactory, DEFAULT_TIERS, type GetClientOptions } from '@dbp/aws-core';
import { dynamodb } from '@dbp/aws-dynamodb';
import { s3 } from '@dbp/aws-s3';
import { sagemaker } from '@dbp/aws-sagemaker';
import { assumeRole } from '@dbp/aws-sts';
import { type LocalAws, type LocalServiceName, startLocalAws } from '@dbp/aws-testkit';

const useAws = process.argv.includes('--aws');
const env = (name: string, fallback: string): string => process.env[name] ?? fallback;
const names = {
  bucket: env('DBP_DEMO_BUCKET', 'dbp-demo-bucket'),
  table: env('DBP_DEMO_TABLE', 'dbp-demo-table'),
  model: env('DBP_DEMO_MODEL', 'anthropic.claude-3-haiku-20240307-v1:0'),
  endpoint: env('DBP_DEMO_SAGEMAKER_ENDPOINT', 'dbp-demo-endpoint'),
  endpointConfig: env('DBP_DEMO_SAGEMAKER_ENDPOINT_CONFIG', 'dbp-demo-endpoint-config'),
  athenaOutput: env('DBP_DEMO_ATHENA_OUTPUT', 's3://dbp-demo-athena-results/'),
};

const bold = (text: string): string => (process.stdout.isTTY ? `\u001b[1m${text}\u001b[22m` : text);
const line = (label: string, text: string): void => console.log(`  ${label.padEnd(16)}${text}`);
const section = (title: string): void => console.log(`\n${bold(title)}`);

function table(rows: string[][]): void {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  for (const row of rows) console.log(`  ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')}`);
}

/** Where the demo runs: the embedded endpoints, or real AWS. */
interface Target {
  options(service: LocalServiceName): GetClientOptions<Record<string, unknown>>;
  local?: LocalAws;
  resolutions(): number | undefined;
  close(): Promise<void>;
}

async function localTarget(): Promise<Target> {
  const local = await startLocalAws();
  // The SDK reads it: the STS clients the factory builds for assumeRole() talk to the local STS.
  process.env.AWS_ENDPOINT_URL_STS = local.endpoints.sts;
  let resolutions = 0;
  // One provider for all five clients: the factory shares one session, so it
  // resolves once however many services use it.
  const credentials: AwsCredentialProvider = async () => {
    resolutions++;
    return { ...local.credentials };
  };
  return {
    local,
    options: (service) => ({ ...local.clientOptions(service), credentials }),
    resolutions: () => resolutions,
    close: () => local.stop(),
  };
}

function awsTarget(): Target {
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  return { options: () => ({ region }), resolutions: () => undefined, close: async () => {} };
}

async function work(factory: AwsClientFactory, target: Target): Promise<void> {
  section('Real work, through the factory');
  const s3Client = factory.getClient(s3, target.options('s3'));
  if (target.local) await s3Client.send(new CreateBucketCommand({ Bucket: names.bucket }));
  await s3Client.send(new PutObjectCommand({ Bucket: names.bucket, Key: 'demo/hello.txt', Body: 'hello from @dbp/aws' }));
  const object = await s3Client.send(new GetObjectCommand({ Bucket: names.bucket, Key: 'demo/hello.txt' }));
  line('s3', `put + get s3://${names.bucket}/demo/hello.txt → "${await object.Body?.transformToString()}"`);

  const ddb = factory.getClient(dynamodb, target.options('dynamodb'));
  if (target.local) {
    await ddb.send(
      new CreateTableCommand({
        TableName: names.table,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    for (let i = 0; i < 50; i++) {
      const { Table } = await ddb.send(new DescribeTableCommand({ TableName: names.table }));
      if (Table?.TableStatus === 'ACTIVE') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await ddb.send(new PutItemCommand({ TableName: names.table, Item: { pk: { S: 'demo#1' }, greeting: { S: 'hello' } } }));
  const item = await ddb.send(new GetItemCommand({ TableName: names.table, Key: { pk: { S: 'demo#1' } } }));
  line('dynamodb', `write + read ${names.table}[demo#1] → greeting = "${item.Item?.greeting?.S}"`);

  const bedrock = factory.getClient(bedrockRuntime, target.options('bedrock-runtime'));
  const invoked = await bedrock.send(
    new InvokeModelCommand({
      modelId: names.model,
      contentType: 'application/json',
      body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 64, messages: [{ role: 'user', content: 'Say hello in five words.' }] }),
    }),
  );
  const reply = JSON.parse(new TextDecoder().decode(invoked.body)) as { content?: Array<{ text?: string }> };
  const invokedText = reply.content?.[0]?.text ?? JSON.stringify(reply).slice(0, 60);
  line('bedrock-runtime', `InvokeModel ${names.model} → "${invokedText.slice(0, 60)}"`);
  const conversation = await bedrock.send(
    new ConverseCommand({ modelId: names.model, messages: [{ role: 'user', content: [{ text: 'Say hello in five words.' }] }] }),
  );
  line('', `Converse → "${conversation.output?.message?.content?.[0]?.text?.slice(0, 60)}" (${conversation.stopReason})`);

  const sm = factory.getClient(sagemaker, target.options('sagemaker'));
  if (target.local || process.env.DBP_DEMO_SAGEMAKER_ENDPOINT_CONFIG) {
    await sm.send(new CreateEndpointCommand({ EndpointName: names.endpoint, EndpointConfigName: names.endpointConfig }));
  }
  const described = await sm.send(new DescribeEndpointCommand({ EndpointName: names.endpoint }));
  line('sagemaker', `create + describe ${names.endpoint} → ${described.EndpointStatus}`);

  const ath = factory.getClient(athena, target.options('athena'));
  const { QueryExecutionId } = await ath.send(
    new StartQueryExecutionCommand({ QueryString: 'SELECT 1 AS answer', ResultConfiguration: { OutputLocation: names.athenaOutput } }),
  );
  let state: string | undefined;
  for (let poll = 0; poll < 60 && state !== 'SUCCEEDED' && state !== 'FAILED'; poll++) {
    const execution = await ath.send(new GetQueryExecutionCommand({ QueryExecutionId }));
    state = execution.QueryExecution?.Status?.State;
    if (state !== 'SUCCEEDED') await new Promise((resolve) => setTimeout(resolve, target.local ? 20 : 500));
  }
  const results = await ath.send(new GetQueryResultsCommand({ QueryExecutionId }));
  const rows = results.ResultSet?.Rows ?? [];
  const header = rows[0]?.Data?.map((cell) => cell.VarCharValue).join(', ');
  line('athena', `query ${state} → ${rows.length} rows (${header}); first: ${rows[1]?.Data?.map((cell) => cell.VarCharValue).join(', ')}`);
}

async function report(factory: AwsClientFactory, target: Target): Promise<void> {
  section('Each client: its tier, attempts and timeouts');
  const rows = [['service', 'tier', 'maxAttempts', 'retryMode', 'connect', 'read (idle)']];
  for (const service of [s3, dynamodb, bedrockRuntime, sagemaker, athena]) {
    const client = factory.getClient(service as typeof s3, target.options(service.id as LocalServiceName) as never);
    const tier = DEFAULT_TIERS[service.tier as keyof typeof DEFAULT_TIERS];
    const retryMode = client.config.retryMode;
    rows.push([
      service.id,
      service.tier,
      String(await client.config.maxAttempts()),
      typeof retryMode === 'function' ? String(await (retryMode as () => Promise<string>)()) : String(retryMode),
      `${tier.connectTimeoutMs / 1000} s`,
      `${tier.readTimeoutMs / 1000} s`,
    ]);
  }
  table(rows);

  section('Cache');
  const stats = factory.stats();
  line('clients', String(stats.clients));
  line('hits / misses', `${stats.hits} / ${stats.misses} (every getClient after the first per service is a hit)`);
  line('sessions', String(stats.sessions));
  const resolutions = target.resolutions();
  line('credentials', resolutions === undefined ? 'default chain, one shared session' : `${resolutions} resolution for all five services (one shared session)`);
  line('unread body', await abandonedBody(target));
}

async function resilience(factory: AwsClientFactory, target: Target): Promise<void> {
  const local = target.local;
  if (!local) return;
  section('Resilience: a throttling fault absorbed by the tier');
  const client = factory.getClient(s3, target.options('s3'));
  const before = local.requests.count('s3', { operation: 'PutObject' });
  local.faults.inject('s3', { kind: 'throttle', count: 3 }, { operation: 'PutObject' });
  const started = performance.now();
  await client.send(new PutObjectCommand({ Bucket: names.bucket, Key: 'demo/after-throttling.txt', Body: 'made it' }));
  const attempts = local.requests.count('s3', { operation: 'PutObject' }) - before;
  line(
    's3',
    `3 × 503 SlowDown injected → PutObject succeeded on attempt ${attempts} of ${DEFAULT_TIERS.standard.maxAttempts} (${Math.round(performance.now() - started)} ms of back-off)`,
  );
}

async function assumedRole(factory: AwsClientFactory, target: Target): Promise<void> {
  section('Multi-account: one assumed role, shared by five services');
  const local = target.local;
  if (!local) {
    line('sts', 'shown on the local endpoints only (it assumes a role the testkit defines)');
    return;
  }
  const roleArn = 'arn:aws:iam::111122223333:role/demo-tenant';
  const externalId = 'demo-external-id';
  local.sts.defineRole({ arn: roleArn, externalId, trustedCallers: [local.credentials.accessKeyId] });
  const before = local.requests.count('sts', { operation: 'AssumeRole' });
  // Built per request, as a request handler would: assumeRole() is a value, so
  // equal options are one client per service and one STS call for all of them.
  const as = (service: LocalServiceName) => ({
    ...target.options(service),
    credentials: assumeRole({ roleArn, externalId, source: { ...local.credentials } }),
  });
  const callers = 10;
  const requests: Promise<unknown>[] = [];
  for (let caller = 0; caller < callers; caller++) {
    requests.push(
      factory.getClient(s3, as('s3')).send(new ListBucketsCommand({})),
      factory.getClient(dynamodb, as('dynamodb')).send(new ListTablesCommand({})),
      factory
        .getClient(bedrockRuntime, as('bedrock-runtime'))
        .send(new ConverseCommand({ modelId: names.model, messages: [{ role: 'user', content: [{ text: 'hi' }] }] })),
      factory.getClient(sagemaker, as('sagemaker')).send(new ListEndpointsCommand({})),
      factory.getClient(athena, as('athena')).send(new ListQueryExecutionsCommand({})),
    );
  }
  await Promise.all(requests);
  const assumeRoles = local.requests.count('sts', { operation: 'AssumeRole' }) - before;
  const issued = local.sts.issued().at(-1);
  const services: LocalServiceName[] = ['s3', 'dynamodb', 'bedrock-runtime', 'sagemaker', 'athena'];
  const signed = services.reduce((total, service) => total + local.requests.count(service, { accessKeyId: issued?.accessKeyId, status: 200 }), 0);
  line(
    'sts',
    `${requests.length} requests (5 services × ${callers} callers), assumeRole({ roleArn, externalId }) built per request → ${assumeRoles} AssumeRole call`,
  );
  line('', `${signed} of them signed with the role's temporary key (${issued?.accessKeyId.slice(0, 4)}…), valid until ${issued?.expiration.toISOString()}`);
}

async function anyService(factory: AwsClientFactory, target: Target): Promise<void> {
  section('Any other service, by its SDK client class');
  const sqs = factory.getClient(SQSClient, target.options('sqs'));
  const same = factory.getClient(SQSClient, target.options('sqs')) === sqs;
  const tier = factory.stats().entries.find((entry) => entry.service === 'sqs')?.tier;
  const settings = `tier ${tier} from SERVICE_TIERS, maxAttempts ${await sqs.config.maxAttempts()}, cached: ${same}`;
  if (target.local) {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'dbp-demo-queue' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hello from SQS' }));
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    line('sqs', `getClient(SQSClient) → send + receive → "${Messages[0]?.Body}" (${settings})`);
  } else {
    // Against real AWS: a read, and no failure if the account's policy does not allow it.
    const listed = await sqs.send(new ListQueuesCommand({ MaxResults: 10 })).then(
      ({ QueueUrls = [] }) => `${QueueUrls.length} queue(s)`,
      (error: unknown) => `${error instanceof Error ? error.name : 'failed'}`,
    );
    line('sqs', `getClient(SQSClient) → ListQueues → ${listed} (${settings})`);
  }
}

/** An unread GetObject body, caught: a factory of its own that looks after 100 ms (the default is 60 s) and destroys it. */
async function abandonedBody(target: Target): Promise<string> {
  const warnings: string[] = [];
  await using watched = createClientFactory({ abandonedBodyMs: 100, onAbandonedBody: 'destroy', logger: { warn: (text: string) => warnings.push(text) } });
  await watched.getClient(s3, target.options('s3')).send(new GetObjectCommand({ Bucket: names.bucket, Key: 'demo/hello.txt' })); // Body never read
  for (let i = 0; i < 80 && warnings.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
  const warning = warnings[0];
  return warning === undefined ? 'NOT caught' : `caught and destroyed, one warning: "${warning.slice(0, warning.indexOf('. ') + 1)}"`;
}

function safety(factory: AwsClientFactory): void {
  section('Safety: a typo region, caught before any request');
  try {
    factory.getClient(s3, { region: 'us-east-l' });
  } catch (error) {
    if (!(error instanceof AwsRegionError)) throw error;
    line('us-east-l', `${error.name} (${error.code}): ${error.message}`);
  }
}

async function main(): Promise<void> {
  // The SDK warns once per process that its 2027 releases need Node 22; the
  // report is clearer without it (your application will still see it).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  console.log(bold('@dbp/aws demo: five services, one factory, one assumed role, any client'));
  console.log(
    useAws ? '  target: real AWS, default credential chain' : '  target: embedded local endpoints on 127.0.0.1 (no AWS account needed; --aws for real AWS)',
  );
  const target = useAws ? awsTarget() : await localTarget();
  const factory = createClientFactory();
  try {
    await work(factory, target);
    await report(factory, target);
    await resilience(factory, target);
    await assumedRole(factory, target);
    await anyService(factory, target);
    safety(factory);
  } finally {
    factory.dispose();
    await target.close();
  }
  console.log('\ndone.');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
