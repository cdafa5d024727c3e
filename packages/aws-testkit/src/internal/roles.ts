import type { IssuedCredentials, LocalRoleDefinition, LocalSts, LocalStsOptions, WebIdentityClaims } from '../types.js';
import { serverNow } from './clock.js';
import type { IdentityStore } from './identities.js';

/** `arn:aws:iam::<account>:role/<path/><name>`: the shape STS accepts as a role ARN. */
const ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::(\d{12}):role\/((?:[\x21-\x2e\x30-\x7e]+\/)*)([\w+=,.@-]{1,64})$/;

/** A role ARN split into the parts STS needs. */
export interface ParsedRoleArn {
  readonly arn: string;
  readonly account: string;
  readonly name: string;
}

/** Splits a role ARN; `undefined` when it is not one. */
export function parseRoleArn(arn: string): ParsedRoleArn | undefined {
  const m = ROLE_ARN.exec(arn);
  return m ? { arn, account: m[1]!, name: m[3]! } : undefined;
}

function checkSeconds(value: unknown, what: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= min)
    throw new TypeError(`${what} must be a number of seconds > ${min}, got ${String(value)}`);
  return value;
}

function checkRole(role: unknown): LocalRoleDefinition {
  const r = role as Partial<LocalRoleDefinition> | undefined;
  if (!r || typeof r.arn !== 'string' || !parseRoleArn(r.arn)) {
    throw new TypeError(`defineRole: arn must be a role ARN like 'arn:aws:iam::111122223333:role/name', got ${JSON.stringify(r?.arn)}`);
  }
  if (r.externalId !== undefined && (typeof r.externalId !== 'string' || r.externalId.length < 2))
    throw new TypeError('defineRole: externalId must be a string of 2+ characters');
  if (r.trustedCallers !== undefined && (!Array.isArray(r.trustedCallers) || r.trustedCallers.some((c) => typeof c !== 'string'))) {
    throw new TypeError('defineRole: trustedCallers must be an array of access key ids or ARNs');
  }
  const tokens = r.webIdentityTokens;
  if (tokens !== undefined && typeof tokens !== 'function' && (!Array.isArray(tokens) || tokens.some((t) => typeof t !== 'string'))) {
    throw new TypeError('defineRole: webIdentityTokens must be an array of tokens or a predicate');
  }
  const max = r.maxSessionDurationSeconds;
  if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 900 || max > 43_200)) {
    throw new TypeError(`defineRole: maxSessionDurationSeconds must be an integer from 900 to 43200, got ${String(max)}`);
  }
  if (r.credentialLifetimeSeconds !== undefined) checkSeconds(r.credentialLifetimeSeconds, 'defineRole: credentialLifetimeSeconds');
  return { ...r, arn: r.arn, ...(Array.isArray(r.trustedCallers) ? { trustedCallers: [...r.trustedCallers] } : {}) };
}

function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** The claims of a JWT-shaped token; `undefined` when it is not one. */
export function jwtClaims(token: string): WebIdentityClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] === '' || parts[1] === '') return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    return claims !== null && typeof claims === 'object' && !Array.isArray(claims) ? (claims as WebIdentityClaims) : undefined;
  } catch {
    return undefined;
  }
}

/** Why a web identity token was refused, as STS error codes. */
export type WebIdentityCheck =
  | { readonly accepted: true; readonly claims: WebIdentityClaims }
  | { readonly accepted: false; readonly code: 'InvalidIdentityToken' | 'ExpiredTokenException' | 'AccessDenied'; readonly message: string };

/** Roles, credential lifetime and web identity tokens of the local STS; `local.sts`. */
export class LocalStsImpl implements LocalSts {
  private readonly roles = new Map<string, LocalRoleDefinition>();
  private lifetimeSeconds: number | undefined;
  private readonly allowedTokens = new Set<string>();
  private readonly revokedTokens = new Set<string>();

  constructor(
    private readonly identities: IdentityStore,
    options: LocalStsOptions = {},
  ) {
    if (options.credentialLifetimeSeconds !== undefined) this.setCredentialLifetime(options.credentialLifetimeSeconds);
    if (options.roles !== undefined) {
      if (!Array.isArray(options.roles)) throw new TypeError('sts.roles must be an array of role definitions');
      for (const role of options.roles) this.defineRole(role);
    }
  }

  defineRole(role: LocalRoleDefinition): void {
    const checked = checkRole(role);
    this.roles.set(checked.arn, checked);
  }

  removeRole(arn: string): void {
    this.roles.delete(arn);
  }

  setCredentialLifetime(seconds: number | undefined): void {
    this.lifetimeSeconds = seconds === undefined ? undefined : checkSeconds(seconds, 'credentialLifetimeSeconds');
  }

  allowWebIdentityToken(token: string): void {
    if (typeof token !== 'string' || token === '') throw new TypeError('allowWebIdentityToken: token must be a non-empty string');
    this.revokedTokens.delete(token);
    this.allowedTokens.add(token);
  }

  revokeWebIdentityToken(token: string): void {
    if (typeof token !== 'string' || token === '') throw new TypeError('revokeWebIdentityToken: token must be a non-empty string');
    this.allowedTokens.delete(token);
    this.revokedTokens.add(token);
  }

  createWebIdentityToken(claims: Partial<WebIdentityClaims> & { expiresInSeconds?: number | undefined } = {}): string {
    const { expiresInSeconds = 3600, ...rest } = claims;
    const now = Math.floor(serverNow() / 1000);
    const payload = {
      sub: 'system:serviceaccount:default:app',
      aud: 'sts.amazonaws.com',
      iss: 'https://oidc.local.test',
      iat: now,
      exp: now + expiresInSeconds,
      // Two tokens minted in the same second differ, as rotated tokens do.
      jti: Math.random().toString(36).slice(2),
      ...rest,
    };
    return `${base64urlJson({ alg: 'RS256', typ: 'JWT', kid: 'local' })}.${base64urlJson(payload)}.${Buffer.from('unsigned').toString('base64url')}`;
  }

  expireCredentials(accessKeyId?: string): number {
    return this.identities.expire(serverNow(), accessKeyId);
  }

  issued(): ReadonlyArray<IssuedCredentials> {
    return Object.freeze(
      this.identities.issued().map((c) =>
        Object.freeze({
          accessKeyId: c.accessKeyId,
          roleArn: c.roleArn,
          sessionName: c.sessionName,
          assumedRoleArn: c.arn,
          expiration: new Date(c.expiresAt),
          sourceAccessKeyId: c.sourceAccessKeyId,
        }),
      ),
    );
  }

  /** The defined role with this ARN, if any. */
  role(arn: string): LocalRoleDefinition | undefined {
    return this.roles.get(arn);
  }

  /** How long credentials for `role` live when `DurationSeconds` asked for `durationSeconds`. */
  lifetimeMs(role: LocalRoleDefinition | undefined, durationSeconds: number): number {
    return (role?.credentialLifetimeSeconds ?? this.lifetimeSeconds ?? durationSeconds) * 1000;
  }

  /** Whether a caller (its access key id, principal ARN and, for an assumed role, role ARN) may `AssumeRole` this role. */
  trusts(
    role: LocalRoleDefinition | undefined,
    caller: { accessKeyId: string | undefined; arn: string; roleArn?: string | undefined },
    externalId: string | undefined,
  ): boolean {
    if (!role) return true;
    if (role.externalId !== undefined && role.externalId !== externalId) return false;
    if (role.trustedCallers === undefined) return true;
    return role.trustedCallers.some((t) => t === caller.accessKeyId || t === caller.arn || (caller.roleArn !== undefined && t === caller.roleArn));
  }

  /** Checks a web identity token for a role: its claims, or why it is refused. */
  checkWebIdentity(token: string, role: LocalRoleDefinition | undefined, now: number): WebIdentityCheck {
    const claims = jwtClaims(token);
    if (!claims)
      return {
        accepted: false,
        code: 'InvalidIdentityToken',
        message: 'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)',
      };
    if (this.revokedTokens.has(token) || (this.allowedTokens.size > 0 && !this.allowedTokens.has(token))) {
      return {
        accepted: false,
        code: 'InvalidIdentityToken',
        message: 'The web identity token is not accepted by this identity provider (see local.sts.allowWebIdentityToken).',
      };
    }
    if (typeof claims.exp === 'number' && now / 1000 >= claims.exp) {
      return {
        accepted: false,
        code: 'ExpiredTokenException',
        message: `Token expired: current date/time ${Math.floor(now / 1000)} must be before the expiration date/time ${claims.exp}`,
      };
    }
    const allowed = role?.webIdentityTokens;
    if (allowed !== undefined && !(typeof allowed === 'function' ? allowed(token, claims) : allowed.includes(token))) {
      return { accepted: false, code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' };
    }
    return { accepted: true, claims };
  }
}
