import type { DefaultTierName, ServiceDefinition, TierName } from './types.js';

/**
 * Which tier a service's clients get, by service id. A service id is looked up as given
 * (`'redshift-data'`), then by its family, the part before the first dash
 * (`'bedrock-agent-runtime'` → `'bedrock'`, `'sagemaker-runtime'` →
 * `'sagemaker'`, `'emr-serverless'` → `'emr'`); services not listed get
 * `'standard'`. Factories may override or extend it with
 * `createClientFactory({ serviceTiers })`.
 *
 * | tier | services |
 * |---|---|
 * | ai | Bedrock family, SageMaker family, Comprehend (and Medical), Textract, Transcribe, Rekognition, Polly, Translate |
 * | data | Athena, Glue, Redshift Data, EMR family |
 * | standard | everything else (S3, DynamoDB, SQS, SNS, Lambda, KMS, STS, …) |
 *
 * @example
 * ```ts
 * SERVICE_TIERS['bedrock'] // 'ai'
 * createClientFactory({ serviceTiers: { sqs: 'batch' }, tiers: { batch: { ...DEFAULT_TIERS.data, maxAttempts: 8 } } })
 * ```
 */
export const SERVICE_TIERS: Readonly<Record<string, DefaultTierName>> = Object.freeze({
  bedrock: 'ai',
  sagemaker: 'ai',
  comprehend: 'ai',
  comprehendmedical: 'ai',
  textract: 'ai',
  transcribe: 'ai',
  rekognition: 'ai',
  polly: 'ai',
  translate: 'ai',
  athena: 'data',
  glue: 'data',
  'redshift-data': 'data',
  emr: 'data',
});

/** A service id's family: the part before its first dash (`'bedrock'` for `'bedrock-runtime'`). */
export function familyOf(id: string): string {
  return id.split('-')[0] as string;
}

/** The tier a table gives a service id: the id itself, then its family, else `'standard'`. */
export function tierForService(id: string, table: Readonly<Record<string, TierName>> = SERVICE_TIERS): TierName {
  const family = familyOf(id);
  return Object.hasOwn(table, id) ? (table[id] as TierName) : Object.hasOwn(table, family) ? (table[family] as TierName) : 'standard';
}

/**
 * A factory's `serviceTiers`: the tier a definition gets when a call names
 * none — the override for its id, then for its family, else the
 * definition's own. Remembered per definition (the fast path asks every call).
 */
export class ServiceTierOverrides {
  readonly #table: Readonly<Record<string, TierName>> | undefined;
  readonly #memo = new WeakMap<ServiceDefinition, string>();

  constructor(table: Readonly<Record<string, TierName>> | undefined) {
    this.#table = table;
  }

  /** The tier for a definition's clients when a call names none. */
  tierOf(definition: ServiceDefinition): string {
    // Kept tiny: it runs on every cache hit.
    return this.#table === undefined ? definition.tier : this.#override(definition, this.#table);
  }

  #override(definition: ServiceDefinition, table: Readonly<Record<string, TierName>>): string {
    let tier = this.#memo.get(definition);
    if (tier === undefined) {
      const family = familyOf(definition.id);
      tier = Object.hasOwn(table, definition.id) || Object.hasOwn(table, family) ? tierForService(definition.id, table) : definition.tier;
      this.#memo.set(definition, tier);
    }
    return tier;
  }
}
