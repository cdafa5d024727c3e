/**
 * A small notes service: the note body goes to S3, an index row to DynamoDB.
 *
 * Every request calls `getS3Client()` / `getDynamoDBClient()` where it needs a
 * client instead of threading clients through the code: the process-wide
 * factory hands back the same cached client each time (one connection pool,
 * one credential provider), which `GET /healthz` makes visible.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { type AttributeValue, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3ClientConfig } from '@aws-sdk/client-s3';
import { type GetClientOptions, getClientFactory } from '@dbp/aws-core';
import { getDynamoDBClient } from '@dbp/aws-dynamodb';
import { getS3Client } from '@dbp/aws-s3';

/** Where the service keeps its notes. */
export interface NotesServiceOptions {
  /** The S3 bucket for note bodies (keys `notes/<id>`). */
  bucket: string;
  /** The DynamoDB table for the index (partition key `id`, a string). */
  table: string;
}

/** One row of the index. */
export interface NoteSummary {
  id: string;
  size: number;
  updatedAt: string;
}

const ID = /^[A-Za-z0-9._-]{1,128}$/;
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Region and credentials come from the environment (AWS_REGION, the Node
 * credential chain), endpoints too (the SDK reads AWS_ENDPOINT_URL_S3 and
 * AWS_ENDPOINT_URL_DYNAMODB). A local S3 endpoint (the testkit, LocalStack)
 * serves path-style URLs only, and that setting has no variable.
 */
function s3Options(): GetClientOptions<S3ClientConfig> | undefined {
  return process.env.AWS_ENDPOINT_URL_S3 ? { config: { forcePathStyle: true } } : undefined;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json' });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `a note is at most ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function putNote(options: NotesServiceOptions, id: string, body: Buffer): Promise<NoteSummary> {
  const note: NoteSummary = { id, size: body.length, updatedAt: new Date().toISOString() };
  await getS3Client(s3Options()).send(new PutObjectCommand({ Bucket: options.bucket, Key: `notes/${id}`, Body: body, ContentType: 'text/plain' }));
  await getDynamoDBClient().send(
    new PutItemCommand({
      TableName: options.table,
      Item: { id: { S: note.id }, size: { N: String(note.size) }, updatedAt: { S: note.updatedAt } },
    }),
  );
  return note;
}

async function getNote(options: NotesServiceOptions, id: string): Promise<string> {
  try {
    const object = await getS3Client(s3Options()).send(new GetObjectCommand({ Bucket: options.bucket, Key: `notes/${id}` }));
    return (await object.Body?.transformToString('utf-8')) ?? '';
  } catch (error) {
    if (error instanceof NoSuchKey) throw new HttpError(404, `no note ${id}`);
    throw error;
  }
}

async function listNotes(options: NotesServiceOptions): Promise<NoteSummary[]> {
  const notes: NoteSummary[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await getDynamoDBClient().send(new ScanCommand({ TableName: options.table, ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) {
      notes.push({ id: item.id?.S ?? '', size: Number(item.size?.N ?? 0), updatedAt: item.updatedAt?.S ?? '' });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return notes.sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * The service as a `node:http` request listener.
 *
 * Routes: `PUT /notes/:id` (the request body is the note), `GET /notes/:id`,
 * `GET /notes` (the index), `GET /healthz` (the client cache, no secrets).
 */
export function createNotesService(options: NotesServiceOptions): RequestListener {
  return (req, res) => {
    handle(options, req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      if (status === 500) console.error(error);
      if (!res.headersSent) send(res, status, { error: error instanceof Error ? error.message : String(error) });
      else res.destroy();
    });
  };
}

async function handle(options: NotesServiceOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  const [, collection, id, ...rest] = pathname.split('/');
  if (pathname === '/healthz' && req.method === 'GET') {
    const { clients, hits, misses } = getClientFactory().stats();
    return send(res, 200, { ok: true, clients, hits, misses });
  }
  if (collection !== 'notes' || rest.length > 0) throw new HttpError(404, `no route ${req.method} ${pathname}`);
  if (id === undefined || id === '') {
    if (req.method === 'GET') return send(res, 200, await listNotes(options));
    throw new HttpError(405, `${req.method} /notes is not allowed`);
  }
  if (!ID.test(id)) throw new HttpError(400, 'a note id is 1 to 128 letters, digits, ".", "_" or "-"');
  if (req.method === 'PUT') return send(res, 201, await putNote(options, id, await readBody(req)));
  if (req.method === 'GET') return send(res, 200, await getNote(options, id));
  throw new HttpError(405, `${req.method} /notes/${id} is not allowed`);
}
