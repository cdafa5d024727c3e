/** The services `startLocalAws` can run. */
export type LocalServiceName = 's3' | 'dynamodb' | 'bedrock-runtime' | 'sagemaker' | 'athena' | 'sts' | 'sqs';

/** An access key pair the local endpoints accept. */
export interface LocalAwsCredentials {
  /** The access key id (the local default looks like `AKIA…`, 20 characters). */
  readonly accessKeyId: string;
  /** The secret access key the signature is checked against. */
  readonly secretAccessKey: string;
}

/** Options of `startLocalAws`. */
export interface StartLocalAwsOptions {
  /** The services to start. Default: all seven (`LOCAL_SERVICES`). */
  services?: Iterable<LocalServiceName> | undefined;
  /**
   * The region the endpoints are in: ARNs, S3 bucket locations, and the region every signature's
   * credential scope must name, as in AWS (a client configured for another region is refused with
   * the service's error; STS also takes `us-east-1`, the signing region of its global endpoint).
   * Default `'us-east-1'`.
   */
  region?: string | undefined;
  /**
   * The first accepted key pair, a long-term one: a `sessionToken` is refused (accept temporary
   * credentials with `addCredentials`). Default: freshly generated test credentials.
   */
  credentials?: LocalAwsCredentials | undefined;
  /**
   * Check the SigV4 signature of every request against the accepted key pairs (and its region,
   * its signing time within 15 minutes of the endpoints' clock, its session token) and answer with
   * the service's own auth error when it does not match. Default `true`.
   */
  verifySignatures?: boolean | undefined;
  /**
   * Answer CORS preflights and add `Access-Control-*` headers to every response, so a browser page
   * on another origin can call the endpoints. Default `true`.
   */
  cors?: boolean | undefined;
  /**
   * Extra Bedrock model ids that exist. Any id whose provider prefix is a Bedrock provider
   * (`anthropic.`, `amazon.`, `meta.`, `mistral.`, `cohere.`, `ai21.`, …, optionally with a
   * cross-region prefix such as `us.`) exists already; other ids get `ResourceNotFoundException`.
   */
  bedrockModels?: readonly string[] | undefined;
  /**
   * The local STS: how long the credentials it issues live, and roles with constraints. Without
   * this, any well-formed role ARN can be assumed by any accepted key, for `DurationSeconds`.
   *
   * @example
   * ```ts
   * startLocalAws({ sts: { credentialLifetimeSeconds: 2, roles: [{ arn: 'arn:aws:iam::111122223333:role/app', externalId: 'x' }] } });
   * ```
   */
  sts?: LocalStsOptions | undefined;
}

/** Options of the local STS (`startLocalAws({ sts })`). */
export interface LocalStsOptions {
  /**
   * How long every issued credential set lives, in seconds (fractions allowed), instead of the
   * request's `DurationSeconds`; `Expiration` says so. Tests use a few seconds to see credentials
   * expire. A role's own `credentialLifetimeSeconds` wins. Change it later with
   * `local.sts.setCredentialLifetime()`.
   * @default the request's DurationSeconds (3600 when omitted), as in AWS
   */
  credentialLifetimeSeconds?: number | undefined;
  /** Roles to define at start, as with `local.sts.defineRole()`. */
  roles?: readonly LocalRoleDefinition[] | undefined;
}

/** The claims of a web identity token (a JWT) that the local STS reads. */
export interface WebIdentityClaims {
  /** Subject: `SubjectFromWebIdentityToken`. */
  readonly sub?: string | undefined;
  /** Audience: `Audience` (the first one when a list). */
  readonly aud?: string | readonly string[] | undefined;
  /** Issuer: `Provider` is `arn:aws:iam::<account>:oidc-provider/<issuer without https://>`. */
  readonly iss?: string | undefined;
  /** Expiry, epoch seconds: past it the token gets `ExpiredTokenException`. */
  readonly exp?: number | undefined;
  readonly [claim: string]: unknown;
}

/**
 * A role with constraints, for `local.sts.defineRole()`. A role that is not defined can be assumed
 * by anyone; a defined one only as it says, else `AccessDenied` (403) as in AWS.
 */
export interface LocalRoleDefinition {
  /** The role ARN, `arn:aws:iam::<12-digit account>:role/<optional path/><name>`. */
  readonly arn: string;
  /** `AssumeRole` must send exactly this `ExternalId`. Default: none needed. */
  readonly externalId?: string | undefined;
  /**
   * Who may call `AssumeRole` on it: access key ids, principal ARNs
   * (`arn:aws:iam::000000000000:user/<accessKeyId>` for a local key,
   * `arn:aws:sts::…:assumed-role/<role>/<session>`), or role ARNs (any session of that role, for
   * role chaining). Default: any accepted key.
   */
  readonly trustedCallers?: readonly string[] | undefined;
  /**
   * Which web identity tokens `AssumeRoleWithWebIdentity` accepts for it: the tokens themselves, or a
   * predicate. Default: any token the local STS accepts (see `allowWebIdentityToken`).
   */
  readonly webIdentityTokens?: readonly string[] | ((token: string, claims: WebIdentityClaims) => boolean) | undefined;
  /** The role's MaxSessionDuration: the largest `DurationSeconds` (900-43200). @default 3600 */
  readonly maxSessionDurationSeconds?: number | undefined;
  /** How long credentials for this role live, in seconds, overriding everything else. Default: see `LocalStsOptions`. */
  readonly credentialLifetimeSeconds?: number | undefined;
}

/** One set of temporary credentials the local STS issued (no secrets). */
export interface IssuedCredentials {
  /** The `ASIA…` access key id. */
  readonly accessKeyId: string;
  /** The role assumed. */
  readonly roleArn: string;
  /** `RoleSessionName`. */
  readonly sessionName: string;
  /** `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  readonly assumedRoleArn: string;
  /** When they stop (or stopped) working. */
  readonly expiration: Date;
  /** The access key that signed the `AssumeRole` request; `undefined` for web identity. */
  readonly sourceAccessKeyId: string | undefined;
}

/** Controls of the local STS (`local.sts`). */
export interface LocalSts {
  /**
   * Define (or replace) a role with constraints.
   * @example
   * ```ts
   * local.sts.defineRole({ arn: 'arn:aws:iam::111122223333:role/tenant-a', externalId: 'a', trustedCallers: [local.credentials.accessKeyId] });
   * ```
   */
  defineRole(role: LocalRoleDefinition): void;
  /** Forget a defined role: anyone may assume it again. */
  removeRole(arn: string): void;
  /** Set (or with `undefined` clear) the lifetime of credentials issued from now on, in seconds. */
  setCredentialLifetime(seconds: number | undefined): void;
  /**
   * Accept this web identity token. Until the first call any unexpired JWT-shaped token is
   * accepted; after it, only allowed tokens (`InvalidIdentityToken` for others). Rotate a token
   * file by allowing the new token, and refuse the old one with `revokeWebIdentityToken`.
   */
  allowWebIdentityToken(token: string): void;
  /** Refuse this web identity token from now on (`InvalidIdentityToken`). */
  revokeWebIdentityToken(token: string): void;
  /**
   * A JWT-shaped web identity token with these claims (unsigned: the local STS does not check
   * signatures). Defaults: `sub` `'system:serviceaccount:default:app'`, `aud` `'sts.amazonaws.com'`,
   * `iss` `'https://oidc.local.test'`, expiring in `expiresInSeconds` (default 3600).
   */
  createWebIdentityToken(claims?: Partial<WebIdentityClaims> & { expiresInSeconds?: number | undefined }): string;
  /** Make issued credentials expire now: one access key's, or every set. Returns how many were still valid. */
  expireCredentials(accessKeyId?: string): number;
  /** Every credential set issued so far, oldest first. */
  issued(): ReadonlyArray<IssuedCredentials>;
}

/** The client options `clientOptions(service)` returns: ready for `factory.getClient(def, options)` or `new XClient({...})`. */
export interface LocalClientOptions {
  /** The local region. */
  readonly region: string;
  /** The default key pair. */
  readonly credentials: LocalAwsCredentials;
  /** SDK client configuration: the local endpoint, and path-style addressing for S3. */
  readonly config: {
    /** The service's local endpoint, `http://127.0.0.1:<port>`. */
    endpoint: string;
    /** `true` for S3: buckets in the path, not in the host name (which 127.0.0.1 cannot carry). */
    forcePathStyle?: true;
  };
}

/** One request the local endpoints answered (or reset). */
export interface RequestLogEntry {
  /** The service that received it. */
  readonly service: LocalServiceName;
  /** The operation name as the SDK calls it (`PutObject`, `PutItem`, `Converse`, …), or `'Unknown'`. */
  readonly operation: string;
  /** The HTTP status sent, or `0` when the connection was reset without a response. */
  readonly status: number;
  /** The access key id the request was signed with, if it was signed (`ASIA…` for STS-issued credentials). */
  readonly accessKeyId: string | undefined;
  /**
   * Whether the signature matched; `undefined` when signatures are not verified, the request was not
   * signed, or it was refused before the signature check (temporary credentials with a wrong, missing
   * or expired session token).
   */
  readonly signatureValid: boolean | undefined;
  /** When the request arrived (epoch milliseconds). */
  readonly at: number;
  /** The protocol it came over: `'http/1.1'` or `'h2'` (the Node Bedrock Runtime client uses HTTP/2). */
  readonly protocol: 'http/1.1' | 'h2';
}

/** Filter of `RequestLog.count`. */
export interface RequestLogFilter {
  /** Only this operation (`'PutObject'`). */
  operation?: string | undefined;
  /** Only this HTTP status (`0` for resets). */
  status?: number | undefined;
  /** Only requests signed with this access key id. */
  accessKeyId?: string | undefined;
}

/** Counters of the requests the local endpoints received. CORS preflights are not logged. */
export interface RequestLog {
  /**
   * How many requests match (all services when `service` is omitted).
   * @throws TypeError for a service name that is not one (`'s4'`) or an operation not spelt as AWS
   *   spells it (`'getObject'`), Error for a service this instance did not start: a filter that
   *   could only count 0.
   */
  count(service?: LocalServiceName, filter?: RequestLogFilter): number;
  /** The logged requests, oldest first. @throws as `count` does for the service. */
  entries(service?: LocalServiceName): ReadonlyArray<RequestLogEntry>;
  /** Forget every logged request. */
  reset(): void;
}

/**
 * A failure to inject into the next matching requests. Faults apply after the signature check,
 * so a request with a bad signature still gets its auth error.
 */
export type Fault =
  | {
      /** A plain error status with the service's error body (`InternalError`, `ValidationException`, …). */
      kind: 'status';
      /** The HTTP status, such as 500 or 400. */
      status: number;
      /** The error code to send; default: the service's usual code for that status. */
      code?: string | undefined;
      /** The error message to send. */
      message?: string | undefined;
      /** How many matching requests get it. Default 1. */
      count?: number | undefined;
    }
  | {
      /**
       * The service's own throttling error, which the SDK classifies as throttling and retries:
       * S3 503 `SlowDown`, DynamoDB 400 `ThrottlingException`, Bedrock 429 `ThrottlingException`,
       * SageMaker 400 `ThrottlingException`, Athena 400 `TooManyRequestsException`, STS 400
       * `Throttling`, SQS 403 `RequestThrottled`; with an `x-amz-retry-after` header.
       */
      kind: 'throttle';
      /** How many matching requests get it. Default 1. */
      count?: number | undefined;
      /**
       * The `x-amz-retry-after` header: how many milliseconds the service asks the client to wait
       * before retrying, or `false` for no header. The SDK waits at least this long (capped at its
       * own backoff + 5 s), never less than its own backoff.
       * @default 100
       */
      retryAfterMs?: number | false | undefined;
    }
  | {
      /** Destroy the connection (HTTP/2: reset the stream) without any response. */
      kind: 'reset';
      /** How many matching requests get it. Default 1. */
      count?: number | undefined;
    }
  | {
      /** Run the request, send the status and headers, then never send the body (the connection stays open). */
      kind: 'stall-after-headers';
      /** How many matching requests get it. Default 1. */
      count?: number | undefined;
    }
  | {
      /** Run the request and send the correct response, its body in `chunks` pieces `chunkDelayMs` apart. */
      kind: 'slow-body';
      /** How many matching requests get it. Default 1. */
      count?: number | undefined;
      /** The delay before each piece of the body. */
      chunkDelayMs: number;
      /** How many pieces. Default 4 (fewer when the body is shorter). */
      chunks?: number | undefined;
    };

/** Which requests a fault applies to. */
export interface FaultMatch {
  /** Only this operation (`'GetObject'`); any operation when omitted. */
  operation?: string | undefined;
  /**
   * Only requests signed with this access key id: one tenant of a multi-tenant test, so that
   * concurrent work of other tenants neither takes the fault nor gets it. Any signer when omitted.
   */
  accessKeyId?: string | undefined;
}

/** Injects failures into the local endpoints. */
export interface FaultInjector {
  /** Apply `fault` to the next `fault.count` (default 1) requests to `service` that match. */
  inject(service: LocalServiceName, fault: Fault, match?: FaultMatch): void;
  /** Drop pending faults (of one service, or all). */
  clear(service?: LocalServiceName): void;
  /** How many injected requests are still to come (of one service, or all). */
  pending(service?: LocalServiceName): number;
}

/** A throwaway TCP listener from `blackhole()` or `unresponsive()`. */
export interface LocalListener {
  /** Its endpoint, `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Stop it (also done by `LocalAws.stop()`). */
  close(): Promise<void>;
}

/** Running local AWS endpoints. Stop with `stop()` or `await using`. */
export interface LocalAws extends AsyncDisposable {
  /** The region the endpoints use. */
  readonly region: string;
  /** The default accepted key pair. */
  readonly credentials: LocalAwsCredentials;
  /** The endpoint of each started service, such as `http://127.0.0.1:43123`. Services not started are absent. */
  readonly endpoints: Record<LocalServiceName, string>;
  /**
   * Accept one more key pair (multi-tenant tests). With a `sessionToken` the pair is accepted only
   * with that token, as AWS treats a role's temporary credentials (Lambda's `AWS_SESSION_TOKEN`,
   * a container's role credentials); without one, a request that carries a token is refused, as
   * AWS refuses a long-term key with a session token. Credentials with an expiry come from the
   * local STS (`local.sts`).
   */
  addCredentials(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined }): void;
  /** Client options for a started service: `factory.getClient(s3, local.clientOptions('s3'))`. */
  clientOptions(service: LocalServiceName): LocalClientOptions;
  /** Counters of the requests received. */
  readonly requests: RequestLog;
  /** The local STS: roles, credential lifetime, web identity tokens, expiry. Works whether or not `sts` was started. */
  readonly sts: LocalSts;
  /** Fault injection. */
  readonly faults: FaultInjector;
  /** A TCP listener that accepts connections and never answers (read timeouts fire). */
  blackhole(): Promise<LocalListener>;
  /** A TCP listener that never accepts: connection attempts hang (connect timeouts fire). */
  unresponsive(): Promise<LocalListener>;
  /** Close every server, connection, timer, child process and temporary directory. Idempotent. */
  stop(): Promise<void>;
}
