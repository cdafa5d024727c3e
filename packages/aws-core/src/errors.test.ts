import { describe, expect, it } from 'vitest';
import { AwsClientError, AwsCredentialError, AwsRegionError } from './index.node.js';

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
