// One rule, two copies: @dbp/aws-sts uses only the core's public API, so it restates the core's
// rule for what looks like a credential (kept out of every message). This holds the two to the
// same answers, so a change to one that is not made to the other fails here.
import { describe, expect, it } from 'vitest';
import { looksLikeCredential as coreRule } from '../../../aws-core/src/kernel/text.js';
import { looksLikeCredential as stsRule } from './roleErrors.js';

const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJl';
const CORPUS = [
  '',
  'us-east-1',
  'arn:aws:iam::123456789012:role/app',
  'AKIAIOSFODNN7EXAMPLE',
  'ASIA1234567890ABCD',
  'ASIA1234567890A',
  // A name that starts as a temporary key id does, too short to be one.
  'ASIAPACIFICPROD1',
  `prefix-AKIAIOSFODNN7EXAMPLE-suffix`,
  SECRET_KEY,
  `${SECRET_KEY.slice(0, 39)}`,
  'a'.repeat(60),
  'A1'.repeat(30),
  'aB3'.repeat(20),
  JWT,
  `token ${JWT} refused`,
  'sts.us-east-1.amazonaws.com',
  'eyJhbGciOiJSUzI1NiJ9.short.x',
  `ey${'a'.repeat(10_000)}.${'b'.repeat(100)}.c`,
  `${'a'.repeat(5_000)} ${SECRET_KEY} ${'b'.repeat(5_000)}`,
  'IQoJb3JpZ2luX2VjEHoaCXVzLWVhc3QtMSJHMEUCIQD6exampleSessionToken/AbCdEf1234567890+ZyXw==',
];

/** Strings of a key's, a token's and a name's alphabets, from a fixed seed. */
function generated(count: number): string[] {
  let seed = 20261207;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const alphabets = ['ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 'abcdefghijklmnopqrstuvwxyz', '0123456789', '/+=', '-_.', ' :'];
  const prefixes = ['', 'AKIA', 'ASIA', 'ey', 'ew', 'arn:aws:'];
  return Array.from({ length: count }, () => {
    let text = prefixes[Math.floor(next() * prefixes.length)] as string;
    const length = Math.floor(next() * 90);
    for (let i = 0; i < length; i++) {
      const alphabet = alphabets[Math.floor(next() * alphabets.length)] as string;
      text += alphabet[Math.floor(next() * alphabet.length)];
    }
    return text;
  });
}

describe("the credential rule of @dbp/aws-sts's messages", () => {
  it.each(CORPUS)('answers as the core does for %j', (text) => {
    expect(stsRule(text)).toBe(coreRule(text));
  });

  it('answers as the core does for 5,000 generated strings of keys, tokens and names', () => {
    const differ = generated(5_000).filter((text) => stsRule(text) !== coreRule(text));
    expect(differ).toEqual([]);
  });
});
