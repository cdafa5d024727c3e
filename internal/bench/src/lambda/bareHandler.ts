/**
 * The example Lambda handler (examples/lambda/src/handler.ts) written with
 * bare SDK clients, as AWS's best practice has it: each client constructed
 * once, at module scope, outside the handler, their credentials resolved at
 * init as the example's `factory.warm()` does. Part 7 of the bench bundles it
 * exactly as the example is bundled and compares the two inits.
 */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';

interface S3Event {
  Records: { s3: { bucket: { name: string }; object: { key: string } } }[];
}

interface IndexedObject {
  bucket: string;
  key: string;
  size: number;
  contentType: string;
  etag: string;
}

// A local S3 endpoint (the testkit, LocalStack) serves path-style URLs only.
const s3 = new S3Client(process.env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {});
const dynamodb = new DynamoDBClient({});
// The same init-phase work the example does with factory.warm(): the role's
// credentials resolved before the first invocation (a failure is left to it).
await Promise.all([s3.config.credentials(), dynamodb.config.credentials()]).catch(() => undefined);

export async function handler(event: S3Event): Promise<{ indexed: IndexedObject[] }> {
  const table = process.env.INDEX_TABLE;
  if (!table) throw new Error('INDEX_TABLE is not set');
  const indexed: IndexedObject[] = [];
  for (const record of event.Records) {
    const bucket = record.s3.bucket.name;
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
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
        Item: { pk: { S: `${bucket}/${key}` }, size: { N: String(object.size) }, contentType: { S: object.contentType }, etag: { S: object.etag } },
      }),
    );
    indexed.push(object);
  }
  return { indexed };
}
