/**
 * Run by `test/deno.test.ts` in Deno (its bare imports rewritten to `npm:`
 * specifiers): the testkit itself started in Deno, one S3 round trip through
 * it, stopped. Prints `{ body }` as JSON.
 */
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startLocalAws } from '@dbp/aws-testkit';

const local = await startLocalAws({ services: ['s3'] });
try {
  const { region, credentials, config } = local.clientOptions('s3');
  const s3 = new S3Client({ ...config, region, credentials });
  await s3.send(new CreateBucketCommand({ Bucket: 'testkit-in-deno' }));
  await s3.send(new PutObjectCommand({ Bucket: 'testkit-in-deno', Key: 'k', Body: 'hello from the testkit in Deno' }));
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: 'testkit-in-deno', Key: 'k' }));
  const body = await Body?.transformToString();
  s3.destroy();
  process.stdout.write(JSON.stringify({ body }));
} finally {
  await local.stop();
}
