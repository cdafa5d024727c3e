/**
 * Where the errors of `assumeRole` and `assumeRoleWithWebIdentity` are
 * worded. Every one is an `AwsCredentialError`: bad options are
 * `INVALID_CREDENTIALS` (thrown by the call that was given them; a bad
 * explicit `source` gets the core's own credential errors, as `getClient`
 * gives them, `CREDENTIALS_EXPIRED` included), STS
 * failures `ASSUME_ROLE_FAILED` (from the first request that needs the
 * credentials), naming the role and what to check, with the SDK error as
 * `cause`. No message ever holds a secret: the SDK's message is quoted only
 * after the secrets this source knows (a static source's secret and session
 * token, the web identity token), access key ids and anything shaped like a
 * JWT are cut out.
 *
 * @module
 */
import { AwsClientError, AwsCredentialError } from '@dbp/aws-core';

/** Which function an error is about. */
export type SourceFunction = 'assumeRole' | 'assumeRoleWithWebIdentity';

/** Describes a value's type for messages without printing the value. */
export function describeType(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length === 0 ? 'an empty string' : 'a string';
  if (typeof value === 'number') return Number.isFinite(value) ? `the number ${value}` : `the number ${String(value)}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Describes a value given where a plain object is needed (`tags`, `stsConfig`): a Map, a Set, a class instance or `describeType`'s words. */
export function describeNonPlain(value: unknown): string {
  if (value instanceof Map) return 'a Map';
  if (value instanceof Set) return 'a Set';
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? 'an instance of a class' : describeType(value);
}

/** At most `max` characters, marked when cut. */
export function clip(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Options that threw while being read (a getter reading a secret store, a
 * revoked Proxy): the thrower's error is `cause`, shown by `util.inspect` by
 * its name only, as its message may quote a secret.
 */
export function unreadableOptions(where: SourceFunction, error: unknown): AwsCredentialError {
  const name = nameOf(error);
  const shown = /^[A-Za-z_$][\w$]{0,63}$/.test(name) && !looksLikeCredential(name) ? name : 'Error';
  return new AwsCredentialError(
    `${where}(): could not read its options (${shown}). Pass a plain object, or an object whose properties can be read (not a revoked Proxy).`,
    { code: 'INVALID_CREDENTIALS', cause: error, withholdCauseText: true },
  );
}

/** Bad options: `${where}(): ${what}`. */
export function invalidOption(where: SourceFunction, what: string): AwsCredentialError {
  return new AwsCredentialError(`${where}(): ${what}`, { code: 'INVALID_CREDENTIALS' });
}

// Three base64url segments, the first two long, the first a JSON object's encoding (a JOSE
// header: `{"` or `{ ` encodes as `ey…`, `{` and a line break as `ew…`): a JWT (a web identity
// token). A host name (`sts.us-east-1.amazonaws.com`) has dotted segments too, but not that start.
// Every repeat here is bounded: an unbounded one over a run of millions of characters overflows
// the regular expression's stack (a RangeError instead of the refusal that quotes the value).
const JWT_SHAPE = /\be[wy][A-Za-z0-9_-]{14,4096}\.[A-Za-z0-9_-]{16,65536}\.[A-Za-z0-9_-]{0,65536}/g;
// Long-term (AKIA) and temporary (ASIA) access key ids, glued to other text too.
const ACCESS_KEY_ID = /(?:AKIA|ASIA)[A-Z0-9]{16,4096}/g;

// A run of a secret key's alphabet, 40 characters or more: a secret access key is 40, a session token longer.
const KEY_RUN = /[A-Za-z0-9/+=]{40,4096}/g;

/**
 * Whether a text looks like a credential, by the core's rule: an access key
 * id (`AKIA…`, `ASIA…`), a run of 40 or more characters of a key's alphabet
 * mixing upper case, lower case and digits (no role ARN, session name or tag
 * key a caller meant looks so), or anything JWT-shaped.
 */
export function looksLikeCredential(text: string): boolean {
  ACCESS_KEY_ID.lastIndex = 0;
  if (ACCESS_KEY_ID.test(text)) return true;
  JWT_SHAPE.lastIndex = 0;
  if (JWT_SHAPE.test(text)) return true;
  return (text.match(KEY_RUN) ?? []).some((run) => /[A-Z]/.test(run) && /[a-z]/.test(run) && /\d/.test(run));
}

/** Control characters (C0, DEL, C1, the line and paragraph separators): in a message they forge log lines or move the cursor. */
const CONTROL = /[\p{Cc}\u2028\u2029]/gu;
const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A value the caller gave, as every message here shows it: quoted, clipped to
 * `max` characters, each control character written as its escape (`\n`,
 * `\u001b`); one that looks like a credential (a secret pasted in the wrong
 * place) is described by its length, never shown, as the core describes it.
 */
export function quoted(value: string, max = 80): string {
  if (looksLikeCredential(value)) return `(a string of ${value.length} characters that looks like a credential, not shown)`;
  return `'${escapeControl(clip(value, max))}'`;
}

/** `text` with each control character written as its escape (`\n`, `\u001b`), for text a message quotes from elsewhere (STS's own error). */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (char) => ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * An unknown option key as a message shows it: quoted when it reads like an
 * option name (a typo of one: letters, digits, `_`, `$`, at most 32
 * characters, shorter than any secret key), else only its length. A key can
 * be a secret pasted in the wrong place, which a message must never show.
 */
export function shownKey(key: string): string {
  return /^[A-Za-z_$][\w$]{0,31}$/.test(key) && !looksLikeCredential(key) ? quoted(key) : `(a key of ${key.length} characters, not shown)`;
}

/** `text` with every known secret, access key id and anything JWT-shaped replaced. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out.replace(JWT_SHAPE, '[redacted token]').replace(ACCESS_KEY_ID, '[access key id]');
}

/** What to check for an STS error, by its name. */
function hintFor(name: string, where: SourceFunction): string {
  const web = where === 'assumeRoleWithWebIdentity';
  switch (name) {
    case 'AccessDenied':
    case 'AccessDeniedException':
      return web
        ? "Check that the role's trust policy allows sts:AssumeRoleWithWebIdentity for the token's OIDC provider, audience (aud) and subject (sub)."
        : "Check that the role's trust policy allows the caller (the source credentials' principal) to call sts:AssumeRole, and that externalId matches the trust policy's sts:ExternalId condition.";
    case 'ValidationError':
      return "Check roleArn, roleSessionName ([\\w+=,.@-], 2 to 64 characters) and that durationSeconds is within the role's maximum session duration (1 hour unless the role says more; at most 1 hour when the source is itself an assumed role).";
    case 'InvalidIdentityToken':
    case 'InvalidIdentityTokenException':
      return "Check the token's issuer (iss) and audience (aud): the issuer must be an IAM OIDC identity provider in the role's account, the audience one of its client ids, and the role's trust policy must name that provider.";
    case 'ExpiredToken':
    case 'ExpiredTokenException':
      return web
        ? 'The web identity token has expired: pass a fresh one (a token file is read again at every refresh; check that webIdentityTokenFile is the file your platform rotates).'
        : 'The source credentials have expired: refresh them, or pass a source that refreshes itself (a provider, or another assumeRole()).';
    case 'IDPCommunicationError':
    case 'IDPCommunicationErrorException':
    case 'IDPRejectedClaim':
    case 'IDPRejectedClaimException':
      return "STS could not verify the token with its issuer: check the role's OIDC provider (its URL and thumbprint) and that the issuer is reachable.";
    case 'InvalidClientTokenId':
    case 'SignatureDoesNotMatch':
    case 'UnrecognizedClientException':
    case 'IncompleteSignature':
      return 'STS refused the source credentials: check the access key, the secret and, for temporary credentials, the session token (or the source provider that gives them).';
    case 'MalformedPolicyDocument':
    case 'MalformedPolicyDocumentException':
      return 'Check policy: it must be an IAM policy document in JSON.';
    case 'PackedPolicyTooLarge':
    case 'PackedPolicyTooLargeException':
      return 'The session policy and tags are too large once packed: shorten the policy or use fewer tags.';
    case 'RegionDisabledException':
      return 'STS is not activated in this region for the account: activate it (IAM, account settings) or pass another region.';
    case 'Throttling':
    case 'ThrottlingException':
      return 'STS throttled every attempt the tier allows: share one source between callers (equal options give one) rather than assuming the role per request.';
    default:
      return web
        ? "Check the role's trust policy (sts:AssumeRoleWithWebIdentity for the token's OIDC provider), the token's audience and issuer, and that durationSeconds is within the role's maximum."
        : "Check that the role's trust policy allows the caller, that externalId matches, and that durationSeconds is within the role's maximum session duration.";
  }
}

/** Node's codes for a request that never reached STS (no such host, refused, reset, timed out). */
const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/** The system error code of a request that never reached STS (`ENOTFOUND`, `ECONNREFUSED`, …), if it is one. */
function unreachable(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && UNREACHABLE.has(code) ? code : undefined;
}

/** Whether STS failed on its side (a 5xx: `InternalFailure`, `ServiceUnavailable`, …), as the SDK marks it. */
function serverFault(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { $fault, $metadata } = error as { $fault?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const status = $metadata?.httpStatusCode;
  return $fault === 'server' || (typeof status === 'number' && status >= 500);
}

/** How long a caller waits on an STS that fails or stalls, and how to shorten it: for the two hints below. */
const WAIT =
  'Every request needing these credentials waited for all the attempts the STS client allows (its tier: standard); to fail sooner, give assumeRole() fewer, such as stsConfig: { maxAttempts: 2 }.';

/**
 * What to check when the role is not the cause: a request that never reached
 * STS (the network's or the endpoint's doing), one STS did not answer in time
 * or failed on its own side, or a signature scoped to another region.
 */
function notTheRole(error: unknown, name: string, raw: string): string | undefined {
  const offline = unreachable(error);
  if (offline !== undefined)
    return `STS could not be reached (${offline}): check the network and DNS, the region, and stsConfig.endpoint (a VPC endpoint, or a local STS such as the testkit's: stsConfig: local.clientOptions('sts').config).`;
  if (name === 'TimeoutError')
    return `STS did not answer in time: check the network path to it (a proxy, a VPC endpoint) and STS's health in the region. ${WAIT}`;
  if (/scoped to a valid region/i.test(raw))
    return "STS signs for another region than the one assumeRole() used (its region option, else the factory's defaultRegion, else AWS_REGION): pass region to assumeRole(), such as region: local.region for the testkit's STS.";
  if (serverFault(error))
    return `STS failed on its side: nothing about the role to change; retry later, and check STS's health in the region (the AWS Health Dashboard), or, if you set stsConfig.endpoint, that it points at STS. ${WAIT}`;
  return undefined;
}

/** The name an error goes by: an SDK error's `name`, else its `code`, else `Error`. */
function nameOf(error: unknown): string {
  if (error instanceof Error) return error.name;
  if (typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string') return (error as { name: string }).name;
  return 'Error';
}

/**
 * The error for a failed `AssumeRole` / `AssumeRoleWithWebIdentity`: names
 * the role, quotes the cause without secrets, says what to check; a disposed
 * factory's `FACTORY_DISPOSED` as it is.
 */
export function assumeRoleFailed(where: SourceFunction, roleArn: string, error: unknown, secrets: readonly string[]): AwsClientError {
  // The factory was disposed (a refresh during its grace period): nothing about the role to check, so said as it is.
  if (error instanceof AwsClientError && error.code === 'FACTORY_DISPOSED') return error;
  if (error instanceof AwsClientError && !(error instanceof AwsCredentialError && error.code === 'ASSUME_ROLE_FAILED')) {
    // Ours, from the factory: the source credentials, the region or the token file.
    const message = `Could not assume role ${roleArn}: the credentials or settings it is assumed with could not be used (${error.code}): ${redact(error.message, secrets)}`;
    return new AwsCredentialError(message, { code: 'ASSUME_ROLE_FAILED', cause: error });
  }
  if (error instanceof AwsCredentialError) {
    // A chained source's own ASSUME_ROLE_FAILED: say which link failed.
    return new AwsCredentialError(`Could not assume role ${roleArn}: its source role could not be assumed. ${error.message}`, {
      code: 'ASSUME_ROLE_FAILED',
      cause: error,
    });
  }
  const name = nameOf(error);
  const raw = error instanceof Error ? error.message : '';
  // STS's text, not ours: its line breaks and escapes would forge log lines, so they are written as escapes.
  const sdkText = escapeControl(raw === '' ? clip(name, 60) : `${clip(name, 60)}: ${clip(redact(raw, secrets), 300)}`);
  const hint = notTheRole(error, name, raw) ?? hintFor(name, where);
  return new AwsCredentialError(`Could not assume role ${roleArn} (${sdkText}). ${hint} The SDK error is the cause.`, {
    code: 'ASSUME_ROLE_FAILED',
    cause: error,
  });
}
