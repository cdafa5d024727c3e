import { AwsCredentialError } from '@dbp/aws-core';
import { describe, expect, it } from 'vitest';
import { caught } from './__fixtures__/caught.js';
import { assumeRole } from './index.js';
import { emptyRead, readRole, snapshotOf } from './internal/roleParams.js';

// Ninth adversarial review. `tags` is documented as a plain object
// (`{ tenant: 'acme' }`, `Readonly<Record<string, string>>`), and was copied
// by its own enumerable keys: a Map has none, so
// `assumeRole({ roleArn, tags: new Map([['tenant', 'acme']]) })` assumed the
// role with no session tags and no error (attribute-based access control then
// grants the wrong permissions). Any `tags` that is not a plain object is now
// refused at the call.

const ROLE = 'arn:aws:iam::111122223333:role/app';

class TenantTags {
  tenant = 'acme';
}

function tagsOf(tags: unknown): Readonly<Record<string, string>> | undefined {
  const read = emptyRead('assumeRole');
  readRole({ roleArn: ROLE, tags }, read);
  return snapshotOf(read).tags;
}

describe('tags that are not a plain object', () => {
  it.each([
    ['a Map', () => new Map([['tenant', 'acme']])],
    ['an empty Map', () => new Map()],
    ['an array of entries', () => [['tenant', 'acme']]],
    ['a class instance', () => new TenantTags()],
    ['an object inheriting its tags', () => Object.create({ tenant: 'acme' })],
    ['a Set', () => new Set(['tenant'])],
  ])('refuses %s with a typed error that says to pass a plain object', (_, tags) => {
    const error = caught(() => assumeRole({ roleArn: ROLE, tags: tags() as never }));
    expect(error).toBeInstanceOf(AwsCredentialError);
    expect(error).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect((error as Error).message).toMatch(/^assumeRole\(\): tags must be a plain object of session tags such as \{ tenant: 'acme' \}/);
  });

  it('tells a Map how to become one', () => {
    expect((caught(() => assumeRole({ roleArn: ROLE, tags: new Map([['tenant', 'acme']]) as never })) as Error).message).toMatch(
      /got a Map\. Pass Object\.fromEntries\(map\)\.$/,
    );
  });

  it('refuses them even after equal plain tags were seen (the remembered-source fast path)', () => {
    assumeRole({ roleArn: ROLE, tags: {} });
    expect(caught(() => assumeRole({ roleArn: ROLE, tags: new Map() as never }))).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    assumeRole({ roleArn: ROLE, tags: { tenant: 'acme' } });
    expect(caught(() => assumeRole({ roleArn: ROLE, tags: new TenantTags() as never }))).toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });
});

describe('plain tags', () => {
  it('takes a plain object', () => {
    expect(tagsOf({ tenant: 'acme', team: 'data' })).toEqual({ tenant: 'acme', team: 'data' });
    expect(() => assumeRole({ roleArn: ROLE, tags: { tenant: 'acme' } })).not.toThrow();
  });

  it('takes a null-prototype object (options parsed into Object.create(null))', () => {
    const tags = Object.assign(Object.create(null) as Record<string, string>, { tenant: 'acme' });
    expect(tagsOf(tags)).toEqual({ tenant: 'acme' });
    expect(() => assumeRole({ roleArn: ROLE, tags })).not.toThrow();
  });

  it('takes a frozen object and a Proxy of a plain object', () => {
    expect(tagsOf(Object.freeze({ tenant: 'acme' }))).toEqual({ tenant: 'acme' });
    expect(tagsOf(new Proxy({ tenant: 'acme' }, {}))).toEqual({ tenant: 'acme' });
  });
});
