/**
 * Deep validation of SDK configuration, a development aid: values the SDK
 * takes without a word at construction and fails on at the first request,
 * with a `TypeError` from deep inside, are refused at `getClient` with a
 * typed error that says what to write. Today one: an `endpoint` string that
 * is no URL (the SDK parses it with `new URL()`), such as `127.0.0.1:4566`,
 * written without its scheme.
 *
 * @module
 */
import { fail } from '../../kernel/errors.js';

/** Throws `INVALID_CONFIG` (`INVALID_CONFIG.endpoint`) for a config the SDK would fail on at the first request. */
export function checkConfig(config: Readonly<Record<string, unknown>>): void {
  const { endpoint } = config;
  // An empty string is no endpoint to the SDK (`endpoint: process.env.AWS_ENDPOINT_URL` with the variable set empty).
  if (typeof endpoint !== 'string' || endpoint === '') return;
  try {
    new URL(endpoint);
  } catch {
    throw fail('INVALID_CONFIG.endpoint');
  }
}
