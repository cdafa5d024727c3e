import { createHash, randomBytes } from 'node:crypto';
import type { LocalAwsCredentials } from '../types.js';
import type { KeyRecord } from './sigv4.js';

/** The account id of the local long-term keys (and of local ARNs: SageMaker, Athena, SQS). */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** The characters of access key ids (base32, as AWS uses). */
const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A random access-key-id-shaped string: `prefix` then base32 characters up to 20 in all. */
export function randomKeyId(prefix: 'AKIA' | 'ASIA' | 'AROA' | 'AIDA'): string {
  return prefix + [...randomBytes(16)].map((b) => KEY_ALPHABET[b % 32]).join('');
}

/** A random 40-character secret access key. */
export function randomSecret(): string {
  return randomBytes(30).toString('base64').replace(/\+/g, 'a').replace(/\//g, 'b');
}

/** A stable unique id for a name (IAM role ids, user ids): `prefix` + 17 base32 characters. */
export function stableId(prefix: 'AROA' | 'AIDA', name: string): string {
  return prefix + [...createHash('sha256').update(name).digest().subarray(0, 17)].map((b) => KEY_ALPHABET[b % 32]).join('');
}

/** Who signed a request, as STS reports it. */
export interface Principal {
  /** `arn:aws:iam::<account>:user/<name>` or `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  readonly arn: string;
  /** `AIDA…` for a user, `AROA…:<session>` for an assumed role. */
  readonly userId: string;
  readonly account: string;
  /** For temporary credentials: the role they were issued for. */
  readonly roleArn?: string | undefined;
}

/** A set of temporary credentials issued by the local STS. */
export interface TemporaryCredentials extends Principal {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** When they stop working (epoch ms). */
  expiresAt: number;
  readonly roleArn: string;
  readonly sessionName: string;
  /** The access key whose request created them. */
  readonly sourceAccessKeyId: string | undefined;
}

/** What `issue` needs. */
export interface IssueRequest {
  readonly roleArn: string;
  readonly roleName: string;
  readonly account: string;
  readonly sessionName: string;
  readonly lifetimeMs: number;
  readonly sourceAccessKeyId: string | undefined;
}

/**
 * Every key pair the local endpoints accept: long-term pairs (`credentials`, `addCredentials`) and
 * the temporary credentials the local STS issued, with their session tokens and expiry.
 */
export class IdentityStore {
  private readonly longTerm = new Map<string, string>();
  /** Session tokens of the pairs a test added with one (`addCredentials`): accepted only with it, and never expiring. */
  private readonly givenTokens = new Map<string, string>();
  private readonly temporary = new Map<string, TemporaryCredentials>();

  /** Accept a key pair; with a session token, only requests that carry that token. */
  add(credentials: LocalAwsCredentials, sessionToken?: string): void {
    this.longTerm.set(credentials.accessKeyId, credentials.secretAccessKey);
    if (sessionToken === undefined) this.givenTokens.delete(credentials.accessKeyId);
    else this.givenTokens.set(credentials.accessKeyId, sessionToken);
  }

  /** What the signature verifier needs for an access key id. */
  lookup(accessKeyId: string): KeyRecord | undefined {
    const secret = this.longTerm.get(accessKeyId);
    if (secret !== undefined) {
      const sessionToken = this.givenTokens.get(accessKeyId);
      return sessionToken === undefined ? { secretAccessKey: secret } : { secretAccessKey: secret, sessionToken };
    }
    const temporary = this.temporary.get(accessKeyId);
    if (!temporary) return undefined;
    return { secretAccessKey: temporary.secretAccessKey, sessionToken: temporary.sessionToken, expiresAt: temporary.expiresAt };
  }

  /** Who an access key belongs to; `undefined` for a key nobody issued. */
  principal(accessKeyId: string): Principal | undefined {
    if (this.longTerm.has(accessKeyId)) {
      return { arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/${accessKeyId}`, userId: stableId('AIDA', accessKeyId), account: LOCAL_ACCOUNT_ID };
    }
    return this.temporary.get(accessKeyId);
  }

  /** The temporary credentials of an access key, if it is one. */
  temporaryCredentials(accessKeyId: string): TemporaryCredentials | undefined {
    return this.temporary.get(accessKeyId);
  }

  /** Mints temporary credentials for a role session. */
  issue(request: IssueRequest, now: number): TemporaryCredentials {
    const credentials: TemporaryCredentials = {
      accessKeyId: randomKeyId('ASIA'),
      secretAccessKey: randomSecret(),
      // Real session tokens are long opaque base64 blobs; the length keeps clients honest about header sizes.
      sessionToken: randomBytes(228).toString('base64'),
      expiresAt: now + request.lifetimeMs,
      roleArn: request.roleArn,
      sessionName: request.sessionName,
      sourceAccessKeyId: request.sourceAccessKeyId,
      arn: `arn:aws:sts::${request.account}:assumed-role/${request.roleName}/${request.sessionName}`,
      userId: `${stableId('AROA', request.roleArn)}:${request.sessionName}`,
      account: request.account,
    };
    this.temporary.set(credentials.accessKeyId, credentials);
    return credentials;
  }

  /** Makes temporary credentials expire now (one key, or all); returns how many were still valid. */
  expire(now: number, accessKeyId?: string): number {
    let n = 0;
    for (const credentials of this.temporary.values()) {
      if (accessKeyId !== undefined && credentials.accessKeyId !== accessKeyId) continue;
      if (credentials.expiresAt > now) n++;
      credentials.expiresAt = Math.min(credentials.expiresAt, now);
    }
    return n;
  }

  /** Every issued set, oldest first. */
  issued(): TemporaryCredentials[] {
    return [...this.temporary.values()];
  }
}
