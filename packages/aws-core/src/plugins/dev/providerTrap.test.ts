import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeService, recordingLogger } from '../../__fixtures__/fakeService.js';
import { type AwsClientFactory, type AwsCredentialProvider, createClientFactory, keyedCredentials } from '../../index.node.js';

// The "provider built per call" warning (providerTrap.ts), where no wire
// matters: a stand-in client, and the clock moved by hand (Date only).

const alpha = fakeService('alpha');
const region = 'us-east-1';
const TRAP = /alpha: \d+ clients were created within \d+ s for \d+ different credential provider functions/;

afterEach(() => {
  vi.useRealTimers();
});

function tenantProvider(n: number): AwsCredentialProvider {
  const credentials = { accessKeyId: `AKIDTENANT${String(n).padStart(10, '0')}`, secretAccessKey: `tenant-secret-${n}` };
  return async () => credentials;
}

/** An assumed role as keyedCredentials() keys it: the role's key, depending on its source. */
function role(n: number, source: AwsCredentialProvider) {
  return keyedCredentials(`role-${n}`, async () => ({ accessKeyId: `AKIDROLE${n}`, secretAccessKey: 'role-secret' }), { dependsOn: source });
}

function setup(maxClients = 1_000) {
  // Timers too: a hit's clock reading is trusted for a second, until the cache's timer says otherwise.
  vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'], now: 1_000_000 });
  const logger = recordingLogger();
  const factory = createClientFactory({ logger, defaultRegion: 'us-east-1', maxClients });
  const warnings = () => logger.lines.filter((line) => TRAP.test(line));
  /** Moves the clock forward to `seconds` after the start, running the timers due. */
  const at = (seconds: number) => vi.advanceTimersByTime(1_000_000 + seconds * 1_000 - Date.now());
  return { factory, warnings, at };
}

describe('the per-call provider warning', () => {
  it('stays silent for 20 tenants whose providers are built once, used at start-up and reused for minutes', () => {
    const { factory, warnings, at } = setup();
    const tenants = Array.from({ length: 20 }, (_, n) => tenantProvider(n));
    // Start-up: every tenant's first request, in one burst.
    for (const credentials of tenants) factory.getClient(alpha, { credentials });
    // Then each tenant is served every 5 s for three minutes.
    for (let second = 5; second <= 180; second += 5) {
      at(second);
      for (const credentials of tenants) factory.getClient(alpha, { credentials });
    }
    expect(factory.stats().clients).toBe(20);
    expect(warnings()).toEqual([]);
  });

  it('stays silent for 100 tenants warmed up in one burst, and for new tenants arriving while the others are reused', () => {
    const { factory, warnings, at } = setup();
    const tenants = Array.from({ length: 100 }, (_, n) => tenantProvider(n));
    for (const credentials of tenants) factory.getClient(alpha, { credentials });
    for (let second = 1; second <= 120; second++) {
      at(second);
      // A new tenant every second, and every tenant served every 5 s.
      tenants.push(tenantProvider(tenants.length));
      factory.getClient(alpha, { credentials: tenants.at(-1) });
      if (second % 5 === 0) for (const credentials of tenants) factory.getClient(alpha, { credentials });
    }
    expect(factory.stats().clients).toBe(220);
    expect(warnings()).toEqual([]);
  });

  it('stays silent for 20 tenants served at start-up and a 21st signing up 11 s later, before any of them is asked for again', () => {
    const { factory, warnings, at } = setup();
    const tenants = Array.from({ length: 21 }, (_, n) => tenantProvider(n));
    for (const credentials of tenants.slice(0, 20)) factory.getClient(alpha, { credentials });
    at(11);
    factory.getClient(alpha, { credentials: tenants[20] });
    // Every tenant comes back later with the same provider.
    at(71);
    for (const credentials of tenants) factory.getClient(alpha, { credentials });
    expect(factory.stats()).toMatchObject({ clients: 21, hits: 21 });
    expect(warnings()).toEqual([]);
  });

  it('warns when providers built per call keep coming at a call every 2.5 s, the slowest stream whose 20 unreused clients fit the window', () => {
    const { factory, warnings, at } = setup();
    for (let call = 0; call < 24; call++) {
      at(call * 2.5);
      factory.getClient(alpha, { credentials: tenantProvider(1) });
    }
    expect(warnings()).toHaveLength(1);
  });

  it('warns once when one tenant builds its provider per call, a call a second', () => {
    const { factory, warnings, at } = setup();
    for (let call = 0; call < 60; call++) {
      at(call);
      factory.getClient(alpha, { credentials: tenantProvider(1) });
    }
    expect(factory.stats().clients).toBe(60);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatch(/Build the provider once/);
  });

  it('warns when the same providers are rebuilt per call by 20 tenants in turn', () => {
    const { factory, warnings, at } = setup();
    // Every 2 s each of 20 tenants makes a call, each with a provider built for that call.
    for (let second = 0; second <= 30; second += 2) {
      at(second);
      for (let tenant = 0; tenant < 20; tenant++) factory.getClient(alpha, { credentials: tenantProvider(tenant) });
    }
    expect(warnings()).toHaveLength(1);
  });

  // Review 11: clients evicted before their provider came back (tenants taking turns beyond
  // maxClients) went without a hit, so providers built once and reused counted as built per call.
  it('stays silent for 40 tenants whose providers are built once and reused every 6 s, with maxClients 20 (every call a miss)', () => {
    const { factory, warnings, at } = setup(20);
    const tenants = Array.from({ length: 40 }, (_, n) => tenantProvider(n));
    for (let second = 0; second <= 180; second += 6) {
      at(second);
      for (const credentials of tenants) factory.getClient(alpha, { credentials });
    }
    expect(factory.stats().misses).toBe(31 * 40);
    expect(warnings()).toEqual([]);
  });

  it('stays silent for 150 assumed roles over one source built once, 5 calls a second, with maxClients 20', () => {
    const { factory, warnings, at } = setup(20);
    const source = tenantProvider(0);
    for (let call = 0; call < 5 * 120; call++) {
      at(call / 5);
      factory.getClient(alpha, { credentials: role(call % 150, source) });
    }
    expect(warnings()).toEqual([]);
  });

  it('still warns for those roles when their source is built per call', () => {
    const { factory, warnings, at } = setup(20);
    for (let call = 0; call < 5 * 60; call++) {
      at(call / 5);
      factory.getClient(alpha, { credentials: role(call % 150, tenantProvider(0)) });
    }
    // Each role's key comes back after 30 s with a new source: warned once 20 have.
    expect(warnings()).toHaveLength(1);
  });

  // Review 11: a key meeting its second long-lived source counted as rebuilt, so 20 roles taking
  // turns between two sources (or moving from one to another, a configuration reload) warned.
  it.each([
    ['take turns between two sources, each built once', (call: number) => Math.floor(call / 25) % 2],
    ['all move from one source to another, each built once', (call: number) => (call < 300 ? 0 : 1)],
  ])('stays silent for 25 roles that %s', (_how, sourceOf) => {
    const { factory, warnings, at } = setup(5);
    const sources = [tenantProvider(0), tenantProvider(1)];
    for (let call = 0; call < 600; call++) {
      at(call / 10);
      factory.getClient(alpha, { credentials: role(call % 25, sources[sourceOf(call)] as AwsCredentialProvider) });
    }
    expect(warnings()).toEqual([]);
  });

  it('warns for 1,500 roles taking turns, each with a source built per call, and says what came back', () => {
    const { factory, warnings, at } = setup(256);
    for (let call = 0; call < 3_200; call++) {
      at(call / 100);
      factory.getClient(alpha, { credentials: role(call % 1_500, tenantProvider(0)) });
    }
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatch(
      /each a keyed provider whose key came back with a dependsOn or source of its own, none used again after the call that made it within 10 s/,
    );
  });

  // Review 13: tenants sharing one role, each assuming it from a source of its own built once,
  // counted at once as a role rebuilt per call: the 21st tenant's first request warned.
  it.each([21, 60])('stays silent for %i tenants assuming one role, each from a source of its own built once', (count) => {
    const { factory, warnings, at } = setup();
    const tenants = Array.from({ length: count }, (_, n) => role(0, tenantProvider(n)));
    // Start-up: every tenant's first request, in one burst; then each is served every 15 s.
    for (let second = 0; second <= 120; second += 15) {
      at(second);
      for (const credentials of tenants) factory.getClient(alpha, { credentials });
    }
    expect(factory.stats()).toMatchObject({ clients: count, misses: count });
    // … and new tenants signing up one a second while the others are served.
    for (let second = 121; second <= 240; second++) {
      at(second);
      tenants.push(role(0, tenantProvider(tenants.length)));
      factory.getClient(alpha, { credentials: tenants.at(-1) });
      if (second % 5 === 0) for (const credentials of tenants) factory.getClient(alpha, { credentials });
    }
    expect(warnings()).toEqual([]);
  });

  // Review 13 (P): counting a client's first hit, or a second client of the same provider, as reuse
  // missed providers built per request and used twice in it: a helper called twice, or two regions.
  it.each([
    [
      'one client asked for twice',
      (credentials: AwsCredentialProvider, factory: AwsClientFactory) => {
        factory.getClient(alpha, { credentials });
        factory.getClient(alpha, { credentials });
      },
    ],
    [
      'clients in two regions',
      (credentials: AwsCredentialProvider, factory: AwsClientFactory) => {
        factory.getClient(alpha, { credentials });
        factory.getClient(alpha, { credentials, region: 'eu-west-1' });
      },
    ],
  ])('warns for an assumed role over a source built per request and used for %s in it', (_how, request) => {
    const { factory, warnings, at } = setup();
    for (let call = 0; call < 40; call++) {
      at(call);
      request(role(0, tenantProvider(1)), factory);
    }
    expect(warnings()).toHaveLength(1);
  });

  // Review 13 (Q): counting only hits 2 s after creation as reuse warned for plain providers of
  // tenants visited in short bursts (two calls 0.3 s apart) every 45 s.
  it('stays silent for 60 tenants, providers built once, each visited every 45 s with two calls 0.3 s apart', () => {
    const { factory, warnings, at } = setup();
    const tenants = Array.from({ length: 60 }, (_, n) => tenantProvider(n));
    for (let round = 0; round < 3; round++) {
      tenants.forEach((credentials, n) => {
        at(round * 45 + n * 0.75);
        factory.getClient(alpha, { credentials });
        at(round * 45 + n * 0.75 + 0.3);
        factory.getClient(alpha, { credentials });
      });
    }
    expect(factory.stats()).toMatchObject({ clients: 60, misses: 60 });
    expect(warnings()).toEqual([]);
  });

  it('still warns for one role assumed from a source built per call, a call a second', () => {
    const { factory, warnings, at } = setup();
    for (let call = 0; call < 40; call++) {
      at(call);
      factory.getClient(alpha, { credentials: role(0, tenantProvider(0)) });
    }
    expect(warnings()).toHaveLength(1);
  });

  // A keyed provider whose dependsOn is a provider built per call has a new
  // identity every call: the same client-per-request trap, warned like it.
  it('fires for keyed providers whose dependsOn is a provider built per call', () => {
    const warnings: string[] = [];
    const factory = createClientFactory({ logger: { warn: (line: unknown) => warnings.push(String(line)) } });
    const perCallSource = () => async () => ({ accessKeyId: 'AKIDSOURCE', secretAccessKey: 'source-secret' });
    // One request a second: a client counts once it has gone unused for the settle time.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      for (let i = 0; i < 40; i++) {
        vi.setSystemTime(1_000_000 + i * 1_000);
        factory.getClient(alpha, {
          region,
          credentials: keyedCredentials('tenant-a', async () => ({ accessKeyId: 'A', secretAccessKey: 'B' }), { dependsOn: perCallSource() }),
        });
      }
    } finally {
      vi.useRealTimers();
    }
    expect(factory.stats().clients).toBe(40);
    expect(warnings.filter((line) => /clients were created within/.test(line))).toHaveLength(1);
  });
});
