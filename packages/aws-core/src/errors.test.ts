import { afterEach, describe, expect, it } from 'vitest';
import { fakeService } from './__fixtures__/fakeService.js';
import { AwsClientError, AwsCredentialError, AwsRegionError, createClientFactory } from './index.node.js';
import { setMessageFormat } from './kernel/errors.js';
import { installation } from './kernel/setup.js';

describe('errors', () => {
  it('carry a code, a name and a cause', () => {
    const cause = new Error('sdk');
    const error = new AwsCredentialError('no credentials', { code: 'MISSING_CREDENTIALS', cause });
    expect(error.code).toBe('MISSING_CREDENTIALS');
    expect(error.name).toBe('AwsCredentialError');
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(Error);
  });

  it('keep the class hierarchy for instanceof', () => {
    const region = new AwsRegionError('bad', { code: 'INVALID_REGION', region: 'x', suggestion: 'us-east-1' });
    expect(region).toBeInstanceOf(AwsRegionError);
    expect(region).toBeInstanceOf(AwsClientError);
    expect(region).not.toBeInstanceOf(AwsCredentialError);
    expect(new AwsClientError('base', { code: 'INVALID_OPTIONS' })).not.toBeInstanceOf(AwsRegionError);
    expect(region.suggestion).toBe('us-east-1');
  });

  it('recognise errors from another copy of the package by their brand', () => {
    const brand = Symbol.for('@dbp/aws-core/error-brand');
    const foreign = Object.assign(new Error('from another copy'), { [brand]: ['AwsCredentialError', 'AwsClientError'] });
    expect(foreign).toBeInstanceOf(AwsCredentialError);
    expect(foreign).toBeInstanceOf(AwsClientError);
    expect(foreign).not.toBeInstanceOf(AwsRegionError);
    expect({}).not.toBeInstanceOf(AwsClientError);
    expect(null).not.toBeInstanceOf(AwsClientError);
  });
});

// Review 13: in Jest, a dispose() whose grace period ended after the test file's environment was
// torn down loaded the message catalog then (Node loads it at the first message), and Jest's
// refused require() came out instead of the typed error.
describe('when the full message texts cannot be loaded', () => {
  afterEach(() => setMessageFormat(installation().dev?.format));

  it('errors and log lines keep their code and fields, with the short form of the message', () => {
    setMessageFormat(() => {
      throw new ReferenceError('You are trying to `require` a file after the Jest environment has been torn down.');
    });
    let caught: unknown;
    try {
      createClientFactory({ maxClients: 0 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AwsClientError);
    expect(caught).toMatchObject({ code: 'INVALID_FACTORY_OPTIONS', message: expect.stringMatching(/^\[@dbp\/aws\] INVALID_FACTORY_OPTIONS\.value — https:/) });
    const region = (() => {
      try {
        createClientFactory().getClient(fakeService('alpha'), { region: 'us-est-1' });
      } catch (error) {
        return error;
      }
    })();
    expect(region).toBeInstanceOf(AwsRegionError);
    expect(region).toMatchObject({ code: 'INVALID_REGION', region: 'us-est-1', suggestion: 'us-east-1' });
  });
});
