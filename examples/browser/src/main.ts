/**
 * A browser page that lists an S3 bucket. Bundled by esbuild for the browser
 * (`node build.mjs`): the bundle gets the SDK's browser build (fetch, no
 * Node built-ins) and the core's web runtime (no credential chain).
 */
import { ListObjectsV2Command, type S3ClientConfig } from '@aws-sdk/client-s3';
import { AwsClientError, type GetClientOptions, getClientFactory } from '@dbp/aws-core';
import { getS3Client } from '@dbp/aws-s3';

/** What the form asks for. */
export interface ListSettings {
  /** A custom endpoint such as the testkit's; empty for AWS. */
  endpoint: string;
  region: string;
  bucket: string;
  prefix: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** One listed object. */
export interface ListedObject {
  key: string;
  size: number;
  lastModified: Date | undefined;
}

const MAX_OBJECTS = 1000;

/**
 * Lists up to 1000 objects. Browsers have no credential chain, so the
 * credentials are passed in; asking again with the same settings reuses the
 * cached client.
 */
export async function listObjects(settings: ListSettings): Promise<ListedObject[]> {
  const options: GetClientOptions<S3ClientConfig> = {
    region: settings.region,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    // Local endpoints serve path-style URLs only.
    config: settings.endpoint ? { endpoint: settings.endpoint, forcePathStyle: true } : {},
  };
  const client = getS3Client(options);
  const objects: ListedObject[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: settings.bucket, Prefix: settings.prefix || undefined, ContinuationToken: token, MaxKeys: MAX_OBJECTS }),
    );
    for (const object of page.Contents ?? []) objects.push({ key: object.Key ?? '', size: object.Size ?? 0, lastModified: object.LastModified });
    token = page.NextContinuationToken;
  } while (token && objects.length < MAX_OBJECTS);
  return objects;
}

function field(form: HTMLFormElement, name: string): string {
  const value = new FormData(form).get(name);
  return typeof value === 'string' ? value.trim() : '';
}

function render(rows: HTMLElement, objects: ListedObject[]): void {
  rows.replaceChildren(
    ...objects.map((object) => {
      const row = document.createElement('tr');
      for (const text of [object.key, String(object.size), object.lastModified?.toISOString() ?? '']) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }
      return row;
    }),
  );
}

function start(): void {
  const form = document.querySelector<HTMLFormElement>('#settings');
  const status = document.querySelector<HTMLElement>('#status');
  const rows = document.querySelector<HTMLElement>('#objects');
  if (!form || !status || !rows) return;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const settings: ListSettings = {
      endpoint: field(form, 'endpoint'),
      region: field(form, 'region'),
      bucket: field(form, 'bucket'),
      prefix: field(form, 'prefix'),
      accessKeyId: field(form, 'accessKeyId'),
      secretAccessKey: field(form, 'secretAccessKey'),
    };
    status.textContent = 'Listing…';
    listObjects(settings).then(
      (objects) => {
        render(rows, objects);
        const { clients, hits } = getClientFactory().stats();
        status.textContent = `${objects.length} object(s). Cached clients: ${clients}, cache hits: ${hits}.`;
      },
      (error: unknown) => {
        rows.replaceChildren();
        // AwsRegionError / AwsCredentialError say what to fix; SDK errors carry the service's message.
        const prefix = error instanceof AwsClientError ? `${error.code}: ` : '';
        status.textContent = `${prefix}${error instanceof Error ? error.message : String(error)}`;
      },
    );
  });
}

if (typeof document !== 'undefined') start();
