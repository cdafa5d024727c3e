import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { type AwsCredentials, createClientFactory } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
import type { LocalServiceName } from '@dbp/aws-testkit';
import type { LocalAwsProcess } from '../lib/localAws.js';
import { type Figure, type PartResult, verdict } from '../lib/report.js';
import { CLASSES, DEFINITIONS, SERVICE_CALLS as SERVICES } from '../lib/serviceCalls.js';

interface AnyClient {
  send(command: unknown): Promise<unknown>;
  destroy(): void;
  config: { credentials: () => Promise<unknown> };
}

async function resolveAll(clients: AnyClient[], local: LocalAwsProcess | undefined): Promise<string[]> {
  const outcomes = await Promise.allSettled(clients.map((client, i) => (local ? client.send(SERVICES[i]!.command()) : client.config.credentials())));
  return outcomes.map((o) => (o.status === 'fulfilled' ? 'ok' : `${(o.reason as Error).name}`));
}

export async function benchCredentials(local: LocalAwsProcess | undefined): Promise<PartResult> {
  const region = local?.region ?? 'us-east-1';
  const pair = local?.credentials ?? { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
  const endpointOf = (id: LocalServiceName): Record<string, unknown> => (local ? { ...local.clientOptions(id).config } : {});
  const makeProvider = () => {
    const counter = { calls: 0 };
    const provider = async (): Promise<AwsCredentials> => {
      counter.calls++;
      await new Promise((resolve) => setTimeout(resolve, 5)); // a provider takes time (STS, SSO, IMDS)
      return { ...pair, expiration: new Date(Date.now() + 3_600_000) };
    };
    return { provider, counter };
  };

  // Plain SDK: five clients given the same provider.
  const plain = makeProvider();
  const sdkClients = SERVICES.map(({ id }) => new CLASSES[id]({ region, credentials: plain.provider, ...endpointOf(id) }) as unknown as AnyClient);
  const sdkOutcomes = await resolveAll(sdkClients, local);
  for (const client of sdkClients) client.destroy();

  // The factory: the same provider for five services is one session.
  const ours = makeProvider();
  const factory = createClientFactory();
  const session = factory.getSession({ region, credentials: ours.provider });
  const factoryClients = SERVICES.map(
    ({ id }) =>
      factory.getClient(DEFINITIONS[id] as typeof s3, {
        region,
        credentials: ours.provider,
        config: endpointOf(id) as Record<string, never>,
      }) as unknown as AnyClient,
  );
  const factoryOutcomes = await resolveAll(factoryClients, local);
  await session.credentials();
  const sessions = factory.stats().sessions;
  factory.dispose();

  // A credentials object that a plain SDK client has already used: the SDK
  // writes its feature bookkeeping (`$source`) into the object it was given.
  // Applications that share one credentials object between plain clients and
  // the factory pass such objects to getClient.
  const used: Record<string, unknown> = { accessKeyId: pair.accessKeyId, secretAccessKey: pair.secretAccessKey };
  const plainS3 = new S3Client({ region, credentials: used as unknown as AwsCredentials, maxAttempts: 1, ...endpointOf('s3') });
  await (local ? plainS3.send(new ListBucketsCommand({})) : plainS3.config.credentials()).catch(() => undefined);
  plainS3.destroy();
  const added = Object.keys(used).filter((key) => key !== 'accessKeyId' && key !== 'secretAccessKey');
  const second = createClientFactory();
  let reuse = 'accepted';
  try {
    second.getClient(s3, { region, credentials: used as unknown as AwsCredentials, config: endpointOf('s3') as Record<string, never> });
  } catch (error) {
    reuse = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  second.dispose();

  const n = SERVICES.length;
  const figures: Figure[] = [
    {
      metric: `credential resolutions, ${n} services on one session`,
      value: `${ours.counter.calls} (plain SDK clients given the same provider: ${plain.counter.calls})`,
      target: '1',
      verdict: verdict(ours.counter.calls === 1),
      budget: ours.counter.calls,
      chart: 'credential resolutions, 5 services',
    },
    {
      metric: `getClient accepts credentials a plain SDK client has used (SDK added: ${added.join(', ') || 'nothing'})`,
      value: reuse === 'accepted' ? 'accepted' : `refused: ${reuse.slice(0, 90)}`,
      target: 'accepted',
      verdict: verdict(reuse === 'accepted'),
    },
  ];
  return {
    id: 6,
    title: 'Credential resolution',
    method: [
      `A provider function that counts its calls (and takes 5 ms, as STS or SSO would) is passed as \`credentials\` to ${n} plain SDK clients (S3, DynamoDB, Bedrock Runtime, SageMaker, Athena), then to \`factory.getClient()\` for the same ${n} services (same region),`,
      local
        ? "and each client sends one call at the same time to the testkit's endpoints (the SDK resolves credentials before signing). Then `session.credentials()` is called once more."
        : "and each client's `config.credentials()` is called at the same time (what signing calls). Then `session.credentials()` is called once more.",
    ].join(' '),
    figures,
    tables: [
      {
        title: 'per service',
        header: ['service', 'plain SDK call', 'factory call'],
        rows: SERVICES.map(({ id }, i) => [id, sdkOutcomes[i]!, factoryOutcomes[i]!]),
      },
    ],
    notes: [
      `Provider calls: plain SDK ${plain.counter.calls}, factory ${ours.counter.calls}; factory sessions: ${sessions}.`,
      `Credentials reuse: \`new S3Client({ credentials: obj })\` made one call; the SDK then had added ${added.length ? added.map((k) => `\`${k}\``).join(', ') : 'no field'} to \`obj\`, and \`getClient(s3, { credentials: obj })\` gave: ${reuse}`,
    ],
  };
}
