// A fresh process that imports one module and reports what it cost: wall
// time, and CPU time of this process (user + system, all its threads), which
// other processes on a shared machine disturb far less than wall time.
// `totalMs` counts from process start, so it includes Node's own start-up.
// Given a second specifier, that module is imported first, untimed (what
// the measured import adds to a process that has loaded it already).
const specifier = process.argv[2];
if (!specifier) throw new Error('usage: import-probe <specifier> [<specifier imported first, untimed>]');
if (process.argv[3]) await import(process.argv[3]);
const cpu = process.cpuUsage();
const start = performance.now();
await import(specifier);
const end = performance.now();
const used = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ importMs: end - start, cpuMs: (used.user + used.system) / 1000, totalMs: end }));

export {};
