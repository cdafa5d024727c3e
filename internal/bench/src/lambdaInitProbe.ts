// A fresh process that does what a Lambda execution environment does before
// its first invocation returns, without a request: load the handler module
// (the init phase) and call it once with an event that has no records, so it
// gets its clients (the @dbp handler: getS3Client() and getDynamoDBClient();
// the bare one made them at module scope) and returns. Reports CPU time
// (user + system) and wall time of the two together, and of each.
import { pathToFileURL } from 'node:url';

const file = process.argv[2];
if (!file) throw new Error('usage: lambda-init-probe <handler.mjs>');
const cpu = process.cpuUsage();
const start = performance.now();
const module = (await import(pathToFileURL(file).href)) as { handler: (event: unknown) => Promise<unknown> };
const loaded = performance.now();
const result = (await module.handler({ Records: [] })) as { indexed?: unknown[] };
const end = performance.now();
const used = process.cpuUsage(cpu);
if (!Array.isArray(result?.indexed)) throw new Error(`the handler returned ${JSON.stringify(result)}`);
process.stdout.write(JSON.stringify({ loadMs: loaded - start, firstCallMs: end - loaded, initMs: end - start, cpuMs: (used.user + used.system) / 1000 }));
