/**
 * The @dbp/aws demo: the five service packages through one factory.
 * Run with `pnpm demo` from the repository root.
 */
import { athena } from '@dbp/aws-athena';
import { bedrockRuntime } from '@dbp/aws-bedrock';
import { AwsRegionError, createClientFactory, DEFAULT_TIERS } from '@dbp/aws-core';
import { dynamodb } from '@dbp/aws-dynamodb';
import { s3 } from '@dbp/aws-s3';
import { sagemaker } from '@dbp/aws-sagemaker';

const services = [s3, dynamodb, bedrockRuntime, sagemaker, athena] as const;

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')).join('\n');
}

async function main(): Promise<void> {
  // The SDK warns once per process that its 2027 releases need Node 22; the
  // demo's report is clearer without it (your app will still see it).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const factory = createClientFactory({ defaultRegion: 'us-east-1' });
  let resolutions = 0;
  const credentials = async () => {
    resolutions++;
    return { accessKeyId: 'AKIDDEMO', secretAccessKey: 'demo-secret-never-printed' };
  };

  console.log('@dbp/aws demo: five services, one factory\n');
  const rows = [['service', 'tier', 'maxAttempts', 'connect', 'read']];
  for (const service of services) {
    const client = factory.getClient(service, { credentials });
    factory.getClient(service, { credentials }); // a second call is a cache hit
    const tier = DEFAULT_TIERS[service.tier as keyof typeof DEFAULT_TIERS];
    await (client.config.credentials as () => Promise<unknown>)();
    rows.push([service.id, service.tier, String(await client.config.maxAttempts()), `${tier.connectTimeoutMs / 1000} s`, `${tier.readTimeoutMs / 1000} s`]);
  }
  console.log(table(rows));

  const stats = factory.stats();
  console.log(`\ncache: ${stats.clients} clients, ${stats.hits} hits, ${stats.misses} misses`);
  console.log(`credential resolutions for five clients on one session: ${resolutions}`);

  try {
    factory.getClient(s3, { region: 'us-east-l', credentials });
  } catch (error) {
    if (error instanceof AwsRegionError) console.log(`typo region caught: ${error.message}`);
    else throw error;
  }
  factory.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
