import {
  CreateEndpointCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  ListEndpointsCommand,
  SageMakerClient,
  SageMakerServiceException,
} from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from '../test/helpers.js';
import { type LocalAws, startLocalAws } from './index.js';

let local: LocalAws;
let client: SageMakerClient;

beforeAll(async () => {
  local = await startLocalAws({ services: ['sagemaker'], region: 'eu-west-1' });
  const { region, credentials, config } = local.clientOptions('sagemaker');
  client = new SageMakerClient({ region, credentials, ...config });
});

afterAll(async () => {
  client?.destroy();
  await local?.stop();
});

describe('SageMaker endpoints', () => {
  it('creates an endpoint that goes Creating → InService, lists and deletes it', async () => {
    const created = await client.send(new CreateEndpointCommand({ EndpointName: 'My-Endpoint', EndpointConfigName: 'cfg' }));
    expect(created.EndpointArn).toBe('arn:aws:sagemaker:eu-west-1:000000000000:endpoint/my-endpoint');
    const first = await client.send(new DescribeEndpointCommand({ EndpointName: 'My-Endpoint' }));
    expect(first.EndpointStatus).toBe('Creating');
    expect(first.CreationTime).toBeInstanceOf(Date);
    let status = first.EndpointStatus;
    for (let i = 0; i < 5 && status !== 'InService'; i++)
      status = (await client.send(new DescribeEndpointCommand({ EndpointName: 'My-Endpoint' }))).EndpointStatus;
    expect(status).toBe('InService');
    await client.send(new CreateEndpointCommand({ EndpointName: 'other', EndpointConfigName: 'cfg' }));
    const page1 = await client.send(new ListEndpointsCommand({ MaxResults: 1, SortBy: 'Name', SortOrder: 'Ascending' }));
    expect(page1.Endpoints?.map((e) => e.EndpointName)).toEqual(['My-Endpoint']);
    const page2 = await client.send(new ListEndpointsCommand({ MaxResults: 1, SortBy: 'Name', SortOrder: 'Ascending', NextToken: page1.NextToken }));
    expect(page2.Endpoints?.map((e) => e.EndpointName)).toEqual(['other']);
    expect(page2.NextToken).toBeUndefined();
    await client.send(new DeleteEndpointCommand({ EndpointName: 'other' }));
    expect((await client.send(new ListEndpointsCommand({}))).Endpoints).toHaveLength(1);
  });

  it('answers a missing endpoint with ValidationException "Could not find endpoint", like SageMaker', async () => {
    const err = await rejection(client.send(new DescribeEndpointCommand({ EndpointName: 'missing' })));
    expect(err).toBeInstanceOf(SageMakerServiceException);
    expect(err.name).toBe('ValidationException');
    expect(err.message).toBe('Could not find endpoint "arn:aws:sagemaker:eu-west-1:000000000000:endpoint/missing".');
    expect(err.$metadata?.httpStatusCode).toBe(400);
    const duplicate = await rejection(client.send(new CreateEndpointCommand({ EndpointName: 'my-endpoint', EndpointConfigName: 'cfg' })));
    expect(duplicate.name).toBe('ValidationException');
    expect(duplicate.message).toMatch(/Cannot create already existing endpoint/);
    const badName = await rejection(client.send(new CreateEndpointCommand({ EndpointName: 'bad_name!', EndpointConfigName: 'cfg' })));
    expect(badName.name).toBe('ValidationException');
  });
});
