/**
 * One real request per service, for the programs the runtime tests bundle:
 * which SDK command to send, with what input, and what to print of the
 * answer. Keyed by service definition id; the list of services itself comes
 * from `servicePackages.ts`, and a service package without an entry here is
 * an error, not a service left untested.
 */

/** One request a bundled program makes. */
export interface ServiceRequest {
  /** The SDK command class (imported from the service's SDK client package). */
  readonly command: string;
  /** The command input, as JavaScript source. */
  readonly input: string;
  /** A JavaScript expression of `output` that the program prints (JSON). */
  readonly pick: string;
  /** The operation name the testkit logs for it. */
  readonly operation: string;
  /** What `pick` gives against a fresh testkit in which the test created bucket and table {@link SETUP_NAME}. */
  readonly expected: unknown;
}

/** The bucket and table the tests create before the requests run. */
export const SETUP_NAME = 'dbp-bundled';

/** A model the testkit's Bedrock Runtime answers for. */
export const LOCAL_MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';

export const SERVICE_REQUESTS: Readonly<Record<string, ServiceRequest>> = {
  s3: { command: 'ListBucketsCommand', input: '{}', pick: 'output.Buckets?.map((bucket) => bucket.Name)', operation: 'ListBuckets', expected: [SETUP_NAME] },
  dynamodb: { command: 'ListTablesCommand', input: '{}', pick: 'output.TableNames', operation: 'ListTables', expected: [SETUP_NAME] },
  'bedrock-runtime': {
    command: 'ConverseCommand',
    input: `{ modelId: '${LOCAL_MODEL}', messages: [{ role: 'user', content: [{ text: 'Say hello.' }] }] }`,
    pick: 'output.output?.message?.content?.[0]?.text',
    operation: 'Converse',
    expected: `Hello from the local ${LOCAL_MODEL}. You said: "Say hello."`,
  },
  sagemaker: {
    command: 'ListEndpointsCommand',
    input: '{}',
    pick: 'output.Endpoints?.map((endpoint) => endpoint.EndpointName)',
    operation: 'ListEndpoints',
    expected: [],
  },
  athena: { command: 'ListQueryExecutionsCommand', input: '{}', pick: 'output.QueryExecutionIds', operation: 'ListQueryExecutions', expected: [] },
  // The testkit answers a long-term key with arn:aws:iam::000000000000:user/<access key id>.
  sts: { command: 'GetCallerIdentityCommand', input: '{}', pick: 'output.Account', operation: 'GetCallerIdentity', expected: '000000000000' },
};

/** The request for service `id`, or an error naming what to add. */
export function serviceRequest(id: string): ServiceRequest {
  const request = SERVICE_REQUESTS[id];
  if (!request) throw new Error(`no request for service '${id}' in internal/runtime-tests/src/serviceRequests.ts: add one, so its package is tested`);
  return request;
}

/**
 * The source of a tiny Lambda-style program for one service package: a
 * `handler` that gets the client through the package's getter with
 * `{ region, credentials, config: { endpoint } }` (from `DBP_TARGET`, JSON),
 * sends the service's request and returns what came back; run at load, it
 * prints that as JSON and lets the process end by itself.
 */
export function handlerSource(service: { name: string; sdk: string; getter: string; id: string }): string {
  const request = serviceRequest(service.id);
  return `import { ${service.getter} } from '${service.name}';
import { ${request.command} } from '${service.sdk}';

export async function handler() {
  const { region, credentials, endpoint } = JSON.parse(process.env.DBP_TARGET);
  const client = ${service.getter}({ region, credentials, config: { endpoint } });
  const output = await client.send(new ${request.command}(${request.input}));
  const again = ${service.getter}({ region, credentials: { ...credentials }, config: { endpoint } });
  return { status: output.$metadata.httpStatusCode, picked: ${request.pick} ?? null, sameClient: again === client };
}

handler().then(
  (result) => process.stdout.write(JSON.stringify(result)),
  (error) => {
    process.stderr.write(String((error && error.stack) || error));
    process.exitCode = 1;
  },
);
`;
}
