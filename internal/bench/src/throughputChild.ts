// Part 4's measurement in a fresh process: the throughput of the factory, a
// shared client, its identical twin and a new client per request.
import type { LocalClientOptions } from '@dbp/aws-testkit';
import { measureThroughput } from './parts/throughput.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const input = JSON.parse(process.argv[2] ?? '{}') as { options: LocalClientOptions; quick: boolean };
const raw = await measureThroughput(input.options, input.quick);
process.stdout.write(`${JSON.stringify(raw)}\n`);
