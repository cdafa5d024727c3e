import type { LocalRoleDefinition } from '../../types.js';
import { serverNow } from '../clock.js';
import { type IdentityStore, LOCAL_ACCOUNT_ID, type TemporaryCredentials } from '../identities.js';
import { queryAuthError, queryXmlError, type ServiceBackend, xmlEscape } from '../protocols.js';
import { type AwsRequest, type AwsResponse, parseQuery, queryValue, uuid } from '../request.js';
import { type LocalStsImpl, parseRoleArn } from '../roles.js';

const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** The STS operations served; the SDK sends `AssumeRoleWithWebIdentity` unsigned. */
const OPERATIONS = new Set(['AssumeRole', 'AssumeRoleWithWebIdentity', 'GetCallerIdentity']);
const UNSIGNED = new Set(['AssumeRoleWithWebIdentity']);

/** `RoleSessionName`: 2-64 characters of this class (STS API reference). */
const SESSION_NAME = /^[\w+=,.@-]*$/;

/** The most the packed session policies and tags may take, in characters, before `PackedPolicyTooLarge`. */
const PACKED_LIMIT = 2048;

type XmlValue = string | number | undefined | { [name: string]: XmlValue };

function xml(fields: Record<string, XmlValue>): string {
  let out = '';
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    out += `<${name}>${typeof value === 'object' ? xml(value) : xmlEscape(String(value))}</${name}>`;
  }
  return out;
}

function ok(operation: string, result: Record<string, XmlValue>): AwsResponse {
  const id = uuid();
  const body = `<${operation}Response xmlns="${XMLNS}"><${operation}Result>${xml(result)}</${operation}Result><ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></${operation}Response>`;
  return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': id }, body: Buffer.from(body, 'utf8') };
}

const error = (status: number, code: string, message: string): AwsResponse => queryXmlError(XMLNS, status, code, message);

const validation = (message: string): AwsResponse => error(400, 'ValidationError', message);

function constraint(value: unknown, member: string, rule: string): AwsResponse {
  const shown = value === undefined ? 'null' : `'${String(value)}'`;
  return validation(`1 validation error detected: Value ${shown === 'null' ? 'null' : shown} at '${member}' failed to satisfy constraint: ${rule}`);
}

/** The parameters of a query-protocol request: the form body of a POST, else the query string. */
function params(req: AwsRequest): Record<string, string | string[]> {
  if (req.method === 'POST' && req.body.length > 0) return parseQuery(req.body.toString('utf8').replace(/\+/g, '%20'));
  return req.query;
}

/** `Tags.member.1.Key=…` style lists: how many members, and the total length of their values. */
function listMembers(p: Record<string, string | string[]>, list: string): { count: number; size: number } {
  const indexes = new Set<string>();
  let size = 0;
  for (const [key, value] of Object.entries(p)) {
    const m = new RegExp(`^${list}\\.member\\.(\\d+)\\.`).exec(key);
    if (!m) continue;
    indexes.add(m[1]!);
    size += key.length + String(value).length;
  }
  return { count: indexes.size, size };
}

function codeForStatus(status: number): string {
  if (status === 400) return 'ValidationError';
  if (status === 403) return 'AccessDenied';
  if (status === 503) return 'ServiceUnavailable';
  return status >= 500 ? 'InternalFailure' : 'ValidationError';
}

interface SessionInput {
  roleArn: string;
  sessionName: string;
  durationSeconds: number;
  packedPolicySize: number | undefined;
  sourceIdentity: string | undefined;
}

/**
 * Checks what AssumeRole and AssumeRoleWithWebIdentity share: the role ARN, the session name, the
 * duration, and the session policy and tags (`PackedPolicySize`).
 */
function sessionInput(
  p: Record<string, string | string[]>,
  role: (arn: string) => LocalRoleDefinition | undefined,
  chained: boolean,
): SessionInput | AwsResponse {
  const roleArn = queryValue(p, 'RoleArn');
  if (roleArn === undefined) return constraint(undefined, 'roleArn', 'Member must not be null');
  if (roleArn.length < 20) return constraint(roleArn, 'roleArn', 'Member must have length greater than or equal to 20');
  if (!parseRoleArn(roleArn)) return validation('Request ARN is invalid');
  const sessionName = queryValue(p, 'RoleSessionName');
  if (sessionName === undefined) return constraint(undefined, 'roleSessionName', 'Member must not be null');
  if (sessionName.length < 2) return constraint(sessionName, 'roleSessionName', 'Member must have length greater than or equal to 2');
  if (sessionName.length > 64) return constraint(sessionName, 'roleSessionName', 'Member must have length less than or equal to 64');
  if (!SESSION_NAME.test(sessionName)) return constraint(sessionName, 'roleSessionName', 'Member must satisfy regular expression pattern: [\\w+=,.@-]*');
  const rawDuration = queryValue(p, 'DurationSeconds');
  const durationSeconds = rawDuration === undefined ? 3600 : Number(rawDuration);
  if (!Number.isInteger(durationSeconds)) return validation(`Value '${rawDuration}' for parameter DurationSeconds is invalid: it must be an integer.`);
  if (durationSeconds < 900) return constraint(durationSeconds, 'durationSeconds', 'Member must have value greater than or equal to 900');
  if (durationSeconds > 43_200) return constraint(durationSeconds, 'durationSeconds', 'Member must have value less than or equal to 43200');
  if (chained && durationSeconds > 3600)
    return validation('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  if (durationSeconds > (role(roleArn)?.maxSessionDurationSeconds ?? 3600))
    return validation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');

  const policy = queryValue(p, 'Policy');
  if (policy !== undefined) {
    try {
      const parsed: unknown = JSON.parse(policy);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    } catch {
      return error(400, 'MalformedPolicyDocument', 'The policy is not in the valid JSON format.');
    }
  }
  const tags = listMembers(p, 'Tags');
  if (tags.count > 50) return constraint(`[${tags.count} tags]`, 'tags', 'Member must have length less than or equal to 50');
  const arns = listMembers(p, 'PolicyArns');
  if (arns.count > 10) return constraint(`[${arns.count} policy ARNs]`, 'policyArns', 'Member must have length less than or equal to 10');
  let packedPolicySize: number | undefined;
  if (policy !== undefined || tags.count > 0 || arns.count > 0) {
    packedPolicySize = Math.ceil((100 * ((policy?.replace(/\s+/g, '').length ?? 0) + tags.size + arns.size)) / PACKED_LIMIT);
    if (packedPolicySize > 100) {
      return error(400, 'PackedPolicyTooLarge', `Packed size of consumed session policies and session tags exceeds 100%. (${packedPolicySize}%)`);
    }
  }
  return { roleArn, sessionName, durationSeconds, packedPolicySize, sourceIdentity: queryValue(p, 'SourceIdentity') };
}

function credentialsXml(c: TemporaryCredentials): Record<string, XmlValue> {
  return {
    Credentials: {
      AccessKeyId: c.accessKeyId,
      SecretAccessKey: c.secretAccessKey,
      SessionToken: c.sessionToken,
      Expiration: new Date(c.expiresAt).toISOString(),
    },
    AssumedRoleUser: { AssumedRoleId: c.userId, Arn: c.arn },
  };
}

/**
 * STS (awsQuery, form-encoded POSTs, XML answers): AssumeRole (role chaining included),
 * AssumeRoleWithWebIdentity (unsigned) and GetCallerIdentity. It issues temporary credentials into
 * the identity store that every local service checks signatures against.
 */
export function createStsBackend(identities: IdentityStore, sts: LocalStsImpl): ServiceBackend {
  const operation = (req: AwsRequest): string => {
    const action = queryValue(params(req), 'Action') ?? '';
    return OPERATIONS.has(action) ? action : 'Unknown';
  };

  const issue = (input: SessionInput, sourceAccessKeyId: string | undefined): TemporaryCredentials => {
    const parsed = parseRoleArn(input.roleArn)!;
    return identities.issue(
      {
        roleArn: input.roleArn,
        roleName: parsed.name,
        account: parsed.account,
        sessionName: input.sessionName,
        lifetimeMs: sts.lifetimeMs(sts.role(input.roleArn), input.durationSeconds),
        sourceAccessKeyId,
      },
      serverNow(),
    );
  };

  return {
    name: 'sts',
    signingName: 'sts',
    operation,
    unsignedOperations: UNSIGNED,
    codeForStatus,
    error: (_req, status, code, message) => error(status, code, message),
    throttle: () => error(400, 'Throttling', 'Rate exceeded'),
    authError(_req, { kind, message }) {
      const { status, code } = queryAuthError(kind);
      return error(status, code, message);
    },
    async handle(req, context) {
      const p = params(req);
      const action = queryValue(p, 'Action');
      if (queryValue(p, 'Version') !== '2011-06-15') {
        return error(400, 'InvalidAction', `Could not find operation ${action ?? ''} for version ${queryValue(p, 'Version') ?? 'NO_VERSION_SPECIFIED'}`);
      }
      const callerKey = context.accessKeyId;
      const caller = callerKey === undefined ? undefined : identities.principal(callerKey);
      // With verifySignatures off, unknown keys still get an identity.
      const callerArn = caller?.arn ?? `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/${callerKey ?? 'anonymous'}`;
      switch (action) {
        case 'GetCallerIdentity':
          return ok('GetCallerIdentity', {
            Arn: callerArn,
            UserId: caller?.userId ?? callerKey ?? 'anonymous',
            Account: caller?.account ?? LOCAL_ACCOUNT_ID,
          });
        case 'AssumeRole': {
          const input = sessionInput(p, (arn) => sts.role(arn), caller?.roleArn !== undefined);
          if ('status' in input) return input;
          const role = sts.role(input.roleArn);
          if (!sts.trusts(role, { accessKeyId: callerKey, arn: callerArn, roleArn: caller?.roleArn }, queryValue(p, 'ExternalId'))) {
            return error(403, 'AccessDenied', `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${input.roleArn}`);
          }
          const issued = issue(input, callerKey);
          return ok('AssumeRole', { ...credentialsXml(issued), PackedPolicySize: input.packedPolicySize, SourceIdentity: input.sourceIdentity });
        }
        case 'AssumeRoleWithWebIdentity': {
          const input = sessionInput(p, (arn) => sts.role(arn), false);
          if ('status' in input) return input;
          const token = queryValue(p, 'WebIdentityToken');
          if (token === undefined) return constraint(undefined, 'webIdentityToken', 'Member must not be null');
          if (token.length < 4) return constraint(token, 'webIdentityToken', 'Member must have length greater than or equal to 4');
          if (token.length > 20_000) return constraint('[token]', 'webIdentityToken', 'Member must have length less than or equal to 20000');
          const checked = sts.checkWebIdentity(token, sts.role(input.roleArn), serverNow());
          if (!checked.accepted) return error(checked.code === 'AccessDenied' ? 403 : 400, checked.code, checked.message);
          const { claims } = checked;
          const issued = issue(input, undefined);
          const audience = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
          const issuer = typeof claims.iss === 'string' ? claims.iss.replace(/^https:\/\//, '') : undefined;
          return ok('AssumeRoleWithWebIdentity', {
            SubjectFromWebIdentityToken: typeof claims.sub === 'string' ? claims.sub : undefined,
            Audience: typeof audience === 'string' ? audience : undefined,
            ...credentialsXml(issued),
            PackedPolicySize: input.packedPolicySize,
            Provider: issuer ? `arn:aws:iam::${parseRoleArn(input.roleArn)!.account}:oidc-provider/${issuer}` : undefined,
            SourceIdentity: input.sourceIdentity,
          });
        }
        default:
          return error(400, 'InvalidAction', `@dbp/aws-testkit does not implement STS ${action ?? '(no Action)'}.`);
      }
    },
    async close() {},
  };
}
