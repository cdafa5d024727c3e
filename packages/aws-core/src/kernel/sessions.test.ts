// The sessions' two bounded maps (sessions, memoised providers), without a factory.
import { describe, expect, it } from 'vitest';
import { Sessions } from './sessions.js';
import type { AwsCredentialProvider } from './types.js';

const made: string[] = [];
const maker = (id: string) => (): AwsCredentialProvider => {
  made.push(id);
  return Object.assign(async () => ({ accessKeyId: `AKID${id}`, secretAccessKey: 's' }), { id });
};

describe('Sessions', () => {
  it("a credential id's provider is found in a kept session after the providers' map dropped it: a new region of it makes no second one", () => {
    made.length = 0;
    const sessions = new Sessions(
      () => 2,
      () => undefined,
    );
    const first = sessions.session('us-east-1', undefined, 'A', maker('A'));
    sessions.session('us-east-1', undefined, 'B', maker('B'));
    // A's session is used again (a kept session touches no provider), then C comes: the providers'
    // map drops A (least recently used there), the sessions' map drops B.
    expect(sessions.session('us-east-1', undefined, 'A', maker('A'))).toBe(first);
    sessions.session('us-east-1', undefined, 'C', maker('C'));
    const other = sessions.session('eu-west-1', undefined, 'A', maker('A'));
    expect(other.credentials).toBe(first.credentials);
    expect(made).toEqual(['A', 'B', 'C']);
  });

  it('a provider held only by a cached client (the held look-up) is taken back', () => {
    made.length = 0;
    const held = maker('H')();
    made.length = 0;
    const sessions = new Sessions(
      () => 1,
      (id) => (id === 'H' ? held : undefined),
    );
    expect(sessions.session('us-east-1', undefined, 'H', maker('H')).credentials).toBe(held);
    expect(made).toEqual([]);
  });
});
