// A Lambda runtime for Node, as the tests run it: what AWS's Node runtime
// interface client (aws-lambda-ric) does, minus its native HTTP client. It
// reads the handler setting from the environment Lambda sets
// (AWS_LAMBDA_RUNTIME_API, _HANDLER, LAMBDA_TASK_ROOT), loads the function's
// module once (the init phase), then loops: GET the next invocation, call
// the handler with the event and a context, POST its result or its error.
// A failure to load the handler is posted to /init/error, and the process
// exits, as Lambda's runtime does.
//
// Why not aws-lambda-ric itself: version 4.0.2 loads a native client
// (rapid-client.node) that is not in its tarball; its install scripts build it
// from bundled curl and aws-lambda-cpp sources with cmake and node-gyp, and
// pnpm does not run dependencies' install scripts unless they are allowed.
import { existsSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const api = process.env.AWS_LAMBDA_RUNTIME_API;
const handlerSetting = process.env._HANDLER;
const taskRoot = process.env.LAMBDA_TASK_ROOT;
if (!api || !handlerSetting || !taskRoot) throw new Error('AWS_LAMBDA_RUNTIME_API, _HANDLER and LAMBDA_TASK_ROOT must be set');
const [host, port] = api.split(':');
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One call to the Runtime API. */
function call(method, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = request({ host, port: Number(port), method, path: `/2018-06-01/runtime${path}`, agent, headers }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        data += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: data }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function errorBody(error) {
  const failure = error instanceof Error ? error : new Error(String(error));
  return {
    errorType: failure.name,
    errorMessage: failure.message,
    stackTrace: (failure.stack ?? '')
      .split('\n')
      .slice(1)
      .map((line) => line.trim()),
  };
}

function post(path, payload, errorType) {
  return call('POST', path, JSON.stringify(payload), {
    'content-type': 'application/json',
    ...(errorType ? { 'lambda-runtime-function-error-type': errorType } : {}),
  });
}

/** The init phase: the handler module, found as Lambda's Node runtime looks for it (.js, .mjs, .cjs). */
async function loadHandler() {
  const dot = handlerSetting.lastIndexOf('.');
  const moduleName = handlerSetting.slice(0, dot);
  const exportName = handlerSetting.slice(dot + 1);
  const file = ['.js', '.mjs', '.cjs'].map((extension) => join(taskRoot, moduleName + extension)).find((path) => existsSync(path));
  if (!file) throw Object.assign(new Error(`Cannot find module '${moduleName}'`), { name: 'Runtime.ImportModuleError' });
  const module = await import(pathToFileURL(file).href);
  const handler = module[exportName] ?? module.default?.[exportName];
  if (typeof handler !== 'function') throw Object.assign(new Error(`${handlerSetting} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
  return handler;
}

let handler;
try {
  handler = await loadHandler();
} catch (error) {
  const body = errorBody(error);
  await post('/init/error', body, body.errorType.startsWith('Runtime.') ? body.errorType : `Runtime.${body.errorType}`);
  process.exit(1);
}

for (;;) {
  let next;
  try {
    next = await call('GET', '/invocation/next');
  } catch {
    // The Runtime API went away: the execution environment is shut down.
    process.exit(0);
  }
  const requestId = next.headers['lambda-runtime-aws-request-id'];
  const deadline = Number(next.headers['lambda-runtime-deadline-ms']);
  const context = {
    awsRequestId: requestId,
    invokedFunctionArn: next.headers['lambda-runtime-invoked-function-arn'],
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  process.env._X_AMZN_TRACE_ID = next.headers['lambda-runtime-trace-id'];
  try {
    const result = await handler(JSON.parse(next.body), context);
    await post(`/invocation/${encodeURIComponent(requestId)}/response`, result ?? null);
  } catch (error) {
    const body = errorBody(error);
    await post(`/invocation/${encodeURIComponent(requestId)}/error`, body, body.errorType);
  }
}
