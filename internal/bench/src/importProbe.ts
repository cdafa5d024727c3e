// A fresh process that imports one module and reports what it cost: wall
// time, and CPU time of this process (user + system, all its threads), which
// other processes on a shared machine disturb far less than wall time.
// `totalMs` counts from process start, so it includes Node's own start-up.
// Given a second specifier, that module is imported first, untimed, and the
// process settles (below) before the timed import: what the measured import
// adds to a process that has loaded it already.
//
// Loading a large module leaves work V8 may run after the `import()` has
// resolved, on a task or a background thread (finishing a garbage
// collection, optimising hot functions): ~20 ms of CPU after an SDK client.
// Whether it lands inside the timed `import()` or after it varies from
// process to process: a random term as large as the whole difference
// between two imports. So CPU is also read after the process has been idle
// for SETTLE_MS (`settledCpuMs`), which charges each import with all the
// work it caused, wherever V8 ran it.
const SETTLE_MS = 50;

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

const specifier = process.argv[2];
if (!specifier) throw new Error('usage: import-probe <specifier> [<specifier imported first, untimed>]');
if (process.argv[3]) {
  await import(process.argv[3]);
  await settle();
}
const cpu = process.cpuUsage();
const start = performance.now();
await import(specifier);
const end = performance.now();
const used = process.cpuUsage(cpu);
await settle();
const settled = process.cpuUsage(cpu);
process.stdout.write(
  JSON.stringify({
    importMs: end - start,
    cpuMs: (used.user + used.system) / 1000,
    settledCpuMs: (settled.user + settled.system) / 1000,
    settleMs: SETTLE_MS,
    totalMs: end,
  }),
);

export {};
