import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';

/** How a temporary S3 directory's name starts (`mkdtemp` adds the rest): the child removes only such a directory. */
export const S3_DIRECTORY_PREFIX = 'dbp-aws-testkit-s3-';

/** The environment variable that carries the child's input (JSON: kind, module path, directory). */
const UPSTREAM_INPUT_VARIABLE = 'DBP_AWS_TESTKIT_UPSTREAM';

/**
 * The child's program (CommonJS, run with `node -e`). It starts s3rver or dynalite on a random
 * port of 127.0.0.1, prints the port, and exits when its stdin closes (so it also dies with us)
 * or on SIGTERM or SIGHUP, removing s3rver's directory either way (a demo stopped with Ctrl-C
 * leaves nothing in the temporary folder). It ignores SIGINT: Ctrl-C in a terminal reaches the
 * whole process group, and a parent that handles it (to flush to S3 before it exits) still needs
 * its endpoints; a parent that does not exits, which closes the child's stdin.
 * `ps` shows it as `dbp-aws-testkit s3`.
 * Running them in their own process keeps them away from the test runner's module conditions
 * (vitest passes `--conditions import`, which makes CommonJS `require` load ESM builds) and fake
 * timers.
 */
const HOST_PROGRAM = `
'use strict';
// Its input comes in one environment variable, not argv: where argv's script arguments start
// differs by runtime (under Deno, whose node:child_process runs \`-e\` as \`deno eval\`, they are
// shifted by one), and a shifted argv once named s3rver's own module file as the directory to
// remove.
const { kind, modulePath, directory } = JSON.parse(process.env.${UPSTREAM_INPUT_VARIABLE});
process.title = 'dbp-aws-testkit ' + kind;
// The child owns s3rver's directory once it runs and removes it however it ends: its stdin closed
// (the parent closed it, exited or was killed: Ctrl-C ends it so, through the parent), or a signal.
// Only a directory the testkit made (its name starts with ${S3_DIRECTORY_PREFIX}), never anything else.
const fs = require('node:fs');
const ours = typeof directory === 'string' && require('node:path').basename(directory).startsWith(${JSON.stringify(S3_DIRECTORY_PREFIX)}) && fs.statSync(directory, { throwIfNoEntry: false })?.isDirectory() === true;
if (ours) process.on('exit', () => fs.rmSync(directory, { recursive: true, force: true }));
for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => process.exit(0));
process.on('SIGINT', () => {});
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
const ready = (port) => process.stdout.write('PORT ' + port + '\\n');
// s3rver lists keys in the order it walks its directories, which is not S3's UTF-8 byte order
// ('k-sibling' after 'k/0', 'a-b' before 'a'), and it pages with StartAfter = the last key, so
// paging over such keys repeats or skips some. This lists every key, sorted, as S3 does with a
// delimiter: keys and common prefixes are one byte-ordered stream of entries, MaxKeys and KeyCount
// count both, and a page ends with either (its last entry is where the next page starts, and a
// prefix already listed is skipped). s3rver counted objects only and collected every prefix after
// StartAfter on every page: a page held more than MaxKeys entries, and its prefixes came again on
// the next one. Its controller builds the continuation token and NextMarker from the last object,
// so the page's end is handed to getBucket (below) aside, and s3rver is told the page is complete.
function listInByteOrder(store, libDir) {
  const { walk } = require(libDir + '/utils');
  const S3Object = require(libDir + '/models/object');
  const bucketController = require(libDir + '/controllers/bucket');
  const { AsyncLocalStorage } = require('node:async_hooks');
  const crypto = require('node:crypto');
  const Store = store.constructor;
  const suffix = '._S3rver_object';
  const pages = new AsyncLocalStorage();
  const after = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)) > 0;
  store.listObjects = async function listObjects(bucket, options) {
    const { delimiter = '', startAfter = '', prefix = '', maxKeys = Infinity } = options;
    const bucketPath = this.getBucketPath(bucket);
    const all = [];
    for (const file of walk(bucketPath)) {
      if (file.endsWith(suffix)) all.push(Store.decodeKeyPath(file.slice(bucketPath.length + 1, -suffix.length)));
    }
    all.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const commonPrefixes = [];
    const keys = [];
    let last;
    let isTruncated = false;
    for (const key of all) {
      if (!key.startsWith(prefix)) continue;
      const idx = delimiter ? key.slice(prefix.length).indexOf(delimiter) : -1;
      const entry = idx === -1 ? key : key.slice(0, prefix.length + idx + delimiter.length);
      if (!after(entry, startAfter) || entry === last) continue;
      if (keys.length + commonPrefixes.length === maxKeys) {
        isTruncated = true;
        break;
      }
      (idx === -1 ? keys : commonPrefixes).push(entry);
      last = entry;
    }
    const page = pages.getStore();
    if (page) Object.assign(page, { isTruncated, last, count: keys.length + commonPrefixes.length });
    const metadata = await Promise.all(keys.map((key) => this.getMetadata(bucket, key).catch((err) => (err.code === 'ENOENT' ? undefined : Promise.reject(err)))));
    return {
      objects: keys.flatMap((key, i) => (metadata[i] === undefined ? [] : [new S3Object(bucket, key, null, metadata[i])])),
      commonPrefixes,
      isTruncated: page ? false : isTruncated,
    };
  };
  // As s3rver's own (controllers/bucket.js), which is not exported.
  const continuationToken = (bucket, keyName) => {
    const iv = crypto.randomBytes(8);
    iv[0] = (iv[0] & 0b00000011) | 0b11010100;
    const cipher = crypto.createCipheriv('des', Buffer.alloc(8, 'S3RVER', 'utf8'), iv);
    return Buffer.concat([iv, cipher.update('us-east-1/' + bucket + '/' + keyName, 'utf8'), cipher.final()]).toString('base64');
  };
  const getBucket = bucketController.getBucket;
  bucketController.getBucket = async function getBucketPaged(ctx) {
    const page = {};
    await pages.run(page, () => getBucket(ctx));
    const result = ctx.body && ctx.body.ListBucketResult;
    if (!result || page.count === undefined) return;
    result.IsTruncated = page.isTruncated;
    if ('KeyCount' in result) {
      result.KeyCount = page.count;
      result.NextContinuationToken = page.isTruncated ? continuationToken(ctx.params.bucket, page.last) : undefined;
    } else {
      result.NextMarker = page.isTruncated && ctx.query.delimiter ? page.last : undefined;
    }
  };
}
// s3rver's putObject answers before the object file is written: it resolves when its own
// pass-through stream finishes (or, for a Buffer, right after calling end()), not when the file
// stream has flushed, and then writes the metadata. Under load a GetObject right after a
// successful PutObject finds the metadata but no file (NoSuchKey) or a short one. This waits
// for the file to be closed before the metadata is written and the PUT answered.
function putWhenWritten(store) {
  const fs = require('node:fs');
  const { dirname } = require('node:path');
  const { createHash } = require('node:crypto');
  const { Readable, Transform } = require('node:stream');
  const { pipeline } = require('node:stream/promises');
  store.putObject = async function putObject(object) {
    const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
    await fs.promises.mkdir(dirname(objectPath), { recursive: true });
    const hash = createHash('md5');
    let size = 0;
    const source = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content;
    const measure = new Transform({
      transform(chunk, _encoding, callback) {
        hash.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    await pipeline(source, measure, fs.createWriteStream(objectPath));
    const md5 = hash.digest('hex');
    await this.putMetadata(object.bucket, object.key, object.metadata, md5);
    return { size, md5 };
  };
}
// s3rver joins a bucket and key into a file path. The testkit refuses '.' and '..' segments before
// they reach it, in the forms a client sends them; this is the backstop for any other spelling (an
// XML entity or CDATA section in a DeleteObjects body, an encoded slash): a path that leaves the
// bucket's directory, or a bucket that leaves the store, is refused (the request gets a 500).
function confine(store) {
  const path = require('node:path');
  const root = path.resolve(store.rootDirectory);
  const within = (parent, child) => child.startsWith(parent + path.sep);
  const bucketPath = store.getBucketPath.bind(store);
  const resourcePath = store.getResourcePath.bind(store);
  const bucketDirectory = (bucket) => {
    const resolved = path.resolve(bucketPath(bucket));
    if (!within(root, resolved) || path.dirname(resolved) !== root) throw new Error('the bucket leaves the store: ' + bucket);
    return resolved;
  };
  store.getBucketPath = bucketDirectory;
  store.getResourcePath = (bucket, key, resource) => {
    const resolved = path.resolve(resourcePath(bucket, key, resource));
    if (!within(bucketDirectory(bucket), resolved)) throw new Error('the key leaves its bucket: ' + key);
    return resolved;
  };
}
// The testkit's pooled connection (internal/upstream.ts) is this server's
// only client. With Node's default keep-alive timeout (5 s, closed at 6 s) a
// request sent on a connection idle that long met the close: a reset, which
// the testkit answered with a 500 and the SDK retried (one request more in
// the log than the test sent). The pool closes its connections itself.
function keepIdleConnections(httpServer) {
  httpServer.keepAliveTimeout = 0;
}
(async () => {
  if (kind === 's3') {
    const S3rver = require(modulePath);
    const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, vhostBuckets: false, resetOnClose: false, configureBuckets: [] });
    listInByteOrder(server.store, require('node:path').dirname(modulePath));
    putWhenWritten(server.store);
    confine(server.store);
    const { port } = await server.run();
    keepIdleConnections(server.httpServer);
    ready(port);
  } else if (kind === 'dynamodb') {
    const dynalite = require(modulePath);
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    keepIdleConnections(server);
    server.listen(0, '127.0.0.1', () => ready(server.address().port));
  } else {
    throw new Error('unknown upstream ' + kind);
  }
})().catch((err) => {
  process.stderr.write(String((err && err.stack) || err));
  process.exit(1);
});
`;

/** A server running in a child process. */
export interface UpstreamProcess {
  readonly port: number;
  /** The child's process id. */
  readonly pid: number | undefined;
  /** Ends the child and waits for it to exit. */
  close(): Promise<void>;
}

function resolveModule(id: string): string {
  // tsup shims import.meta.url in the CommonJS build.
  return createRequire(import.meta.url).resolve(id);
}

/** Starts s3rver (`'s3'`, storing in `directory`) or dynalite (`'dynamodb'`, in memory) in a child process. */
export async function startUpstreamProcess(kind: 's3' | 'dynamodb', directory = ''): Promise<UpstreamProcess> {
  const modulePath = resolveModule(kind === 's3' ? 's3rver' : 'dynalite');
  // The test runner's NODE_OPTIONS (module conditions, loaders) must not reach the child.
  const env: NodeJS.ProcessEnv = { ...process.env, [UPSTREAM_INPUT_VARIABLE]: JSON.stringify({ kind, modulePath, directory }) };
  delete env.NODE_OPTIONS;
  // s3rver encrypts ListObjectsV2 continuation tokens with single DES ('des', lib/controllers/bucket.js),
  // which OpenSSL 3 keeps in its legacy provider: without it every truncated listing is a 500.
  const flags = kind === 's3' ? ['--openssl-legacy-provider'] : [];
  const child: ChildProcess = spawn(process.execPath, [...flags, '-e', HOST_PROGRAM], { stdio: ['pipe', 'pipe', 'pipe'], env });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const close = async (): Promise<void> => {
    child.stdin?.end();
    if (child.exitCode === null && child.signalCode === null) {
      const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(timer);
    }
    child.stdout?.destroy();
    child.stderr?.destroy();
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /PORT (\d+)\n/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('error', reject);
      child.once('exit', (code, signal) =>
        reject(new Error(`${kind === 's3' ? 's3rver' : 'dynalite'} exited (${code ?? signal}) before listening: ${stderr.trim()}`)),
      );
    });
    return { port, pid: child.pid, close };
  } catch (err) {
    await close();
    throw err;
  }
}
