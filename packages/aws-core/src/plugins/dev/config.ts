/**
 * Deep validation of SDK configuration, a development aid: values the SDK
 * takes without a word at construction and fails on at the first request,
 * with a `TypeError` from deep inside, are refused at `getClient` with a
 * typed error that says what to write. Today one: an `endpoint` string that
 * is no URL (the SDK parses it with `new URL()`), such as `127.0.0.1:4566`,
 * written without its scheme, or one whose scheme is not http: or https:,
 * such as `localhost:4566` (read as the scheme `localhost:`).
 *
 * @module
 */
import { describeType, fail } from '../../kernel/errors.js';

/** Throws `INVALID_CONFIG` (`INVALID_CONFIG.endpoint`) for a config the SDK would fail on at the first request. */
export function checkConfig(config: Readonly<Record<string, unknown>>): void {
  const { endpoint } = config;
  // A number or a boolean the SDK reads as a URL at the first request ("Unable to parse", then an EndpointError about the region).
  if (typeof endpoint === 'number' || typeof endpoint === 'boolean' || typeof endpoint === 'bigint')
    throw fail('INVALID_CONFIG.endpoint', { got: describeType(endpoint) });
  // An empty string is no endpoint to the SDK (`endpoint: process.env.AWS_ENDPOINT_URL` with the variable set empty).
  if (typeof endpoint !== 'string' || endpoint === '') return;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw fail('INVALID_CONFIG.endpoint');
  }
  // `localhost:4566` parses, with `localhost:` as its scheme; the SDK sends only to http: and https: URLs.
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fail('INVALID_CONFIG.endpoint', { scheme: url.protocol });
}
