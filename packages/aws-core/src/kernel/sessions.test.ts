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
  it("a kept session keeps its provider in the providers' map: a new region of its credentials makes no second one", () => {
    made.length = 0;
    const sessions = new Sessions(
      () => 2,
      () => undefined,
    );
    const first = sessions.session('us-east-1', undefined, 'A', maker('A'));
    sessions.session('us-east-1', undefined, 'B', maker('B'));
    // A's session is used again, which touches A's provider too; then C comes: both maps drop B
    // (least recently used in each). Without that touch the providers' map would drop A, and a
    // session of A in another region would make a second provider.
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
