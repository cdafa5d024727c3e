/**
 * Browsers, workers and edge runtimes: there is no file to read, and this
 * build carries no `node:` import. `webIdentityTokenFile` is refused with a
 * typed error that says what to pass instead.
 *
 * @module
 */
import { invalidOption } from './internal/roleErrors.js';

/** Always throws: token files are Node-only. */
export function tokenFileReader(_path: string): () => Promise<string> {
  throw invalidOption(
    'assumeRoleWithWebIdentity',
    'webIdentityTokenFile is read from the file system, which exists only on Node. In browsers, workers and edge runtimes pass webIdentityToken: the token itself.',
  );
}
