/**
 * An AWS Lambda function (Node.js 20+ runtime, handler `handler.handler`):
 * for each object in an S3 event notification, read its metadata from S3 and
 * write an index row to DynamoDB.
 *
 * The handler asks for its clients on every invocation. The first invocation
 * in an execution environment (the cold start) creates them; every later one
 * gets the same cached clients back from the process-wide factory, with their
 * open connections, so warm invocations pay no client set-up. The init phase
 * (module load, before the first invocation) warms both clients with
 * `factory.warm()`: the role's credentials are resolved and each client's
 * endpoint and signer made ready there, without a request to either service,
 * so the cold start's first invocation pays none of it.
 *
 * Configuration comes from the environment Lambda provides (AWS_REGION and
 * the function role's credentials) plus INDEX_TABLE. AWS_ENDPOINT_URL_S3 and
 * AWS_ENDPOINT_URL_DYNAMODB point it at local endpoints in tests.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, type S3ClientConfig } from '@aws-sdk/client-s3';
import { type GetClientOptions, getClientFactory } from '@dbp/aws-core';
import { dynamodb as dynamodbService, getDynamoDBClient } from '@dbp/aws-dynamodb';
import { getS3Client, s3 as s3Service } from '@dbp/aws-s3';

/** The part of an S3 event notification record the handler reads. */
export interface S3EventRecord {
  s3: {
    bucket: { name: string };
    /** `key` is URL-encoded, spaces as `+`, as S3 sends it. */
    object: { key: string };
  };
}

/** An S3 event notification (`s3:ObjectCreated:*`). */
export interface S3Event {
  Records: S3EventRecord[];
}

/** One indexed object. */
export interface IndexedObject {
  bucket: string;
  key: string;
  size: number;
  contentType: string;
  etag: string;
}

/** What the function returns (visible in the invocation result and logs). */
export interface HandlerResult {
  indexed: IndexedObject[];
}

/** A local S3 endpoint (the testkit, LocalStack) serves path-style URLs only. */
function s3Options(): GetClientOptions<S3ClientConfig> | undefined {
  return process.env.AWS_ENDPOINT_URL_S3 ? { config: { forcePathStyle: true } } : undefined;
}

/** S3 event keys are URL-encoded with `+` for spaces. */
function decodeKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/**
 * Init phase: the clients the handler asks for (the same cached ones), made
 * and warmed now. A failure (credentials that cannot be resolved) is left to
 * the first invocation, whose request meets it as an error Lambda reports
 * and retries, rather than failing the execution environment's init.
 */
await Promise.all([getClientFactory().warm(s3Service, s3Options()), getClientFactory().warm(dynamodbService)]).catch(() => undefined);

/**
 * The Lambda entry point. Throws when an object cannot be read, so Lambda
 * retries the event (and sends it to the failure destination after that).
 */
export async function handler(event: S3Event): Promise<HandlerResult> {
  const table = process.env.INDEX_TABLE;
  if (!table) throw new Error('INDEX_TABLE is not set');
  const s3 = getS3Client(s3Options());
  const dynamodb = getDynamoDBClient();

  const indexed: IndexedObject[] = [];
  for (const record of event.Records) {
    const bucket = record.s3.bucket.name;
    const key = decodeKey(record.s3.object.key);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const object: IndexedObject = {
      bucket,
      key,
      size: head.ContentLength ?? 0,
      contentType: head.ContentType ?? 'application/octet-stream',
      etag: head.ETag ?? '',
    };
    await dynamodb.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          pk: { S: `${bucket}/${key}` },
          size: { N: String(object.size) },
          contentType: { S: object.contentType },
          etag: { S: object.etag },
        },
      }),
    );
    indexed.push(object);
  }
  return { indexed };
}
