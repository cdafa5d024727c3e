import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { type AwsCredentials, createClientFactory } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
import type { LocalAwsProcess } from '../lib/localAws.js';
import { type Figure, type PartResult, verdict } from '../lib/report.js';

/** How long the credential source takes (STS, IMDS, SSO, container credentials). */
const SOURCE_MS = 150;
/** The target: the first request after `warm()` at most this many steady requests. */
const TARGET = 2;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/**
 * Part 9: the first request of a client after `factory.warm()` against a
 * steady request, with a credential source that takes 150 ms, the endpoint
 * (and the SDK's code in this process) warmed first by another client.
 */
export async function benchWarm(local: LocalAwsProcess, quick: boolean): Promise<PartResult> {
  // 21 rounds: each first request opens a new connection, and on a shared two-core machine a median of 7 moved
  // between 1.7× and 2.5× from run to run (the median of those runs was 1.8×).
  const rounds = quick ? 5 : 21;
  const steadyCount = quick ? 10 : 30;
  const { region } = local;
  const config = { ...local.clientOptions('s3').config };
  const slowSource = () => {
    const counter = { calls: 0 };
    const provider = async (): Promise<AwsCredentials> => {
      counter.calls++;
      await new Promise((resolve) => setTimeout(resolve, SOURCE_MS));
      return { ...local.credentials, expiration: new Date(Date.now() + 3_600_000) };
    };
    return { provider, counter };
  };

  // The endpoint warmed by another client: only the client side is measured.
  const other = new S3Client({ region, credentials: local.credentials, ...config });
  for (let i = 0; i < 20; i++) await other.send(new ListBucketsCommand({}));
  other.destroy();

  // Steady: a client past its first request.
  const steadyFactory = createClientFactory();
  const steadySource = slowSource();
  const steadyClient = steadyFactory.getClient(s3, { region, credentials: steadySource.provider, config });
  await steadyClient.send(new ListBucketsCommand({}));
  const steady: number[] = [];
  for (let i = 0; i < steadyCount; i++) steady.push(await timed(() => steadyClient.send(new ListBucketsCommand({}))));
  await steadyFactory.dispose();

  // First request after warm(), and without it, each on a fresh factory and source.
  const warmed: number[] = [];
  const cold: number[] = [];
  /** Each round's first request ÷ the median of that client's next three. */
  const ratios: number[] = [];
  /** Each round's median of that client's next three requests. */
  const nexts: number[] = [];
  const warmMs: number[] = [];
  let resolutions = 0;
  for (let round = 0; round < rounds; round++) {
    const factory = createClientFactory();
    const source = slowSource();
    let client!: S3Client;
    warmMs.push(
      await timed(async () => {
        client = await factory.warm(s3, { region, credentials: source.provider, config });
      }),
    );
    warmed.push(await timed(() => client.send(new ListBucketsCommand({}))));
    // The same client's next requests, at once: the steady request this
    // round's first one is compared with, taken under the same conditions
    // (a shared machine drifts over a run; a full bench run leaves its
    // earlier parts' garbage and a warmer server behind).
    const next: number[] = [];
    for (let i = 0; i < 3; i++) next.push(await timed(() => client.send(new ListBucketsCommand({}))));
    nexts.push(median(next));
    ratios.push((warmed.at(-1) as number) / median(next));
    resolutions = Math.max(resolutions, source.counter.calls);
    await factory.dispose();

    const coldFactory = createClientFactory();
    const coldClient = coldFactory.getClient(s3, { region, credentials: slowSource().provider, config });
    cold.push(await timed(() => coldClient.send(new ListBucketsCommand({}))));
    await coldFactory.dispose();
  }

  const steadyMs = median(steady);
  const ratio = median(ratios);
  const figures: Figure[] = [
    {
      metric: `first request after warm() ÷ the same client's next requests (${SOURCE_MS} ms credential source)`,
      value: `${ratio.toFixed(2)}×, the median of ${rounds} rounds' ratios (medians: first ${median(warmed).toFixed(1)} ms, next ${median(nexts).toFixed(1)} ms)`,
      target: `≤ ${TARGET}×`,
      verdict: verdict(ratio <= TARGET),
      budget: ratio / TARGET,
      chart: 'first request after warm()',
    },
    {
      metric: 'credential resolutions per warmed client (warm + first request)',
      value: String(resolutions),
      target: '1',
      verdict: verdict(resolutions === 1),
    },
  ];
  return {
    id: 9,
    title: 'Warm first request',
    method: [
      `Against the local S3 (\`ListBuckets\`), first warmed by a plain S3Client's 20 requests. Steady: the median of ${steadyCount} requests of a factory client past its first.`,
      `Then, ${rounds} times, a fresh factory and a credential provider that takes ${SOURCE_MS} ms: \`await factory.warm(s3, options)\`, then the first request is timed and divided by the median of the same client's next three (the figure is the median of those ratios: each round compared under its own conditions);`,
      'and, for contrast, a fresh factory whose client sends its first request without `warm()`.',
    ].join(' '),
    figures,
    tables: [
      {
        title: 'milliseconds (median)',
        header: ['steady request', 'warm()', 'first request after warm()', 'first request without warm()'],
        rows: [[steadyMs.toFixed(1), median(warmMs).toFixed(1), median(warmed).toFixed(1), median(cold).toFixed(1)]],
      },
    ],
    notes: [`Without warm() the first request is ${(median(cold) / steadyMs).toFixed(1)}× a steady one.`],
  };
}
