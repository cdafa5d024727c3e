// A fresh process that does what a Lambda execution environment does before
// its first invocation returns, without a request: load the handler module
// (the init phase) and call it once with an event that has no records, so it
// gets its clients (the @dbp handler: getS3Client() and getDynamoDBClient();
// the bare one made them at module scope) and returns; or, given an event
// (argv[3]), with that event, whose records it serves with requests. Reports CPU time
// (user + system) and wall time of the two together, and of each.
import { pathToFileURL } from 'node:url';

const file = process.argv[2];
if (!file) throw new Error('usage: lambda-init-probe <handler.mjs> [event JSON]');
/** The first invocation's event: no records by default; with records, its response needs requests. */
const event = JSON.parse(process.argv[3] ?? '{"Records":[]}') as { Records: unknown[] };
const cpu = process.cpuUsage();
const start = performance.now();
const module = (await import(pathToFileURL(file).href)) as { handler: (event: unknown) => Promise<unknown> };
const loaded = performance.now();
const result = (await module.handler(event)) as { indexed?: unknown[] };
const end = performance.now();
const used = process.cpuUsage(cpu);
if (!Array.isArray(result?.indexed) || result.indexed.length !== event.Records.length) throw new Error(`the handler returned ${JSON.stringify(result)}`);
process.stdout.write(JSON.stringify({ loadMs: loaded - start, firstCallMs: end - loaded, initMs: end - start, cpuMs: (used.user + used.system) / 1000 }));
