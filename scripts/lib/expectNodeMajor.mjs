// Preloaded (`--import`) into every vitest worker of the Node matrix
// (scripts/lib/nodeMatrix.mjs): a worker that runs another Node major than
// the matrix asked for fails at once, so a vitest that forked its workers
// with another binary cannot pass for the runtime under test.
const expected = process.env.DBP_EXPECT_NODE_MAJOR;
const actual = process.versions.node.split('.')[0];
if (expected !== undefined && actual !== expected) {
  throw new Error(`this test process runs Node ${process.version}, but the matrix asked for Node ${expected} (${process.execPath})`);
}
