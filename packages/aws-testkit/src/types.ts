/** The services `startLocalAws` can run. */
export type LocalServiceName = 's3' | 'dynamodb' | 'bedrock-runtime' | 'sagemaker' | 'athena';

/** An access key pair the local endpoints accept. */
export interface LocalAwsCredentials {
  /** The access key id (the local default looks like `AKIA…`, 20 characters). */
  readonly accessKeyId: string;
  /** The secret access key the signature is checked against. */
  readonly secretAccessKey: string;
}

/** Options of `startLocalAws`. */
export interface StartLocalAwsOptions {
  /** The services to start. Default: all five. */
  services?: LocalServiceName[] | undefined;
  /** The region the endpoints claim to be in (ARNs, S3 bucket locations). Default `'us-east-1'`. */
  region?: string | undefined;
  /** The first accepted key pair. Default: freshly generated test credentials. */
  credentials?: LocalAwsCredentials | undefined;
  /**
   * Check the SigV4 signature of every request against the accepted key pairs and answer with the
   * service's own auth error when it does not match. Default `true`.
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
  bedrockModels?: string[] | undefined;
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
  /** The access key id the request was signed with, if it was signed. */
  readonly accessKeyId: string | undefined;
  /** Whether the signature matched; `undefined` when signatures are not verified or the request was not signed. */
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
  /** How many requests match (all services when `service` is omitted). */
  count(service?: LocalServiceName, filter?: RequestLogFilter): number;
  /** The logged requests, oldest first. */
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
       * SageMaker 400 `ThrottlingException`, Athena 400 `TooManyRequestsException`.
       */
      kind: 'throttle';
      /** How many matching requests get it. Default 1. */
      count?: number | undefined;
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
  /** Accept one more key pair (multi-tenant tests). */
  addCredentials(credentials: { accessKeyId: string; secretAccessKey: string }): void;
  /** Client options for a started service: `factory.getClient(s3, local.clientOptions('s3'))`. */
  clientOptions(service: LocalServiceName): LocalClientOptions;
  /** Counters of the requests received. */
  readonly requests: RequestLog;
  /** Fault injection. */
  readonly faults: FaultInjector;
  /** A TCP listener that accepts connections and never answers (read timeouts fire). */
  blackhole(): Promise<LocalListener>;
  /** A TCP listener that never accepts: connection attempts hang (connect timeouts fire). */
  unresponsive(): Promise<LocalListener>;
  /** Close every server, connection, timer, child process and temporary directory. Idempotent. */
  stop(): Promise<void>;
}
