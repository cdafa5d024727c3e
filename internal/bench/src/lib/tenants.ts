/** Deterministic, distinct credentials for tenant `i` (20-character key id, 40-character secret). */
export function tenantCredentials(i: number): { accessKeyId: string; secretAccessKey: string } {
  const n = String(i).padStart(8, '0');
  return { accessKeyId: `AKIATENANT${n}XX`, secretAccessKey: `tenant/${n}/secret/`.padEnd(40, 'k') };
}

/** The bucket and object the throughput and tenant parts read. */
export const BUCKET = 'bench';
export const KEY = 'object-1k';
export const BODY: Uint8Array = new Uint8Array(1024).fill(97);

/** What the many-tenant child process is told (argv[2], JSON). */
export interface TenantsInput {
  region: string;
  endpoint: string;
  tenants: number;
  moreTenants: number;
  requestTenants: number;
  /** Index of the first request tenant (the parent registered those key pairs with the endpoints). */
  requestOffset: number;
  maxClients: number;
  concurrency: number;
}
