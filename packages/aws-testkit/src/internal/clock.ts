/**
 * The endpoints' clock. AWS keeps real time whatever a test does to its own clock, so the local
 * endpoints do too: `Date.now` is taken when this module loads, before a test can fake it
 * (`vi.useFakeTimers()` replaces the global `Date`, not the function captured here). Signatures
 * are checked against it, the `Date` header every response carries comes from it (the SDK
 * corrects its clock skew from that header), and the local STS dates its credentials with it.
 */
const realNow: () => number = Date.now.bind(Date);

/** Now on the endpoints' clock, epoch ms. */
export function serverNow(): number {
  return realNow();
}

/** AWS allows a signing time at most this far from its clock (header-signed requests). */
export const MAX_CLOCK_SKEW_MS: number = 15 * 60_000;

/** `20240102T030405Z`, the SigV4 form of a time. */
export function amzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** `2024-01-02T03:04:05Z`, the form S3 gives `ServerTime` and `Expires` in its errors. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}/, '');
}

/** `Tue, 02 Jan 2024 03:04:05 GMT`, the HTTP `Date` header. */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}
