import { LOCAL_ACCOUNT_ID } from '../identities.js';
import { awsJsonError, awsJsonOk, jsonAuthCode, parseJsonObject, type ServiceBackend, targetOperation } from '../protocols.js';
import type { AwsResponse } from '../request.js';

const NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

interface Endpoint {
  name: string;
  arn: string;
  configName: string;
  createdAt: number;
  modifiedAt: number;
  describes: number;
  status: 'Creating' | 'InService';
}

function validation(message: string): AwsResponse {
  return awsJsonError('1.1', 400, 'ValidationException', message);
}

function nameProblem(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null)
    return `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`;
  if (typeof value !== 'string' || !NAME_PATTERN.test(value)) {
    return `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`;
  }
  return undefined;
}

function codeForStatus(status: number): string {
  if (status === 400) return 'ValidationException';
  if (status === 503) return 'ServiceUnavailable';
  return status >= 500 ? 'InternalFailure' : 'ValidationException';
}

function summary(e: Endpoint): Record<string, unknown> {
  return { EndpointName: e.name, EndpointArn: e.arn, CreationTime: e.createdAt / 1000, LastModifiedTime: e.modifiedAt / 1000, EndpointStatus: e.status };
}

/**
 * SageMaker (awsJson1_1): CreateEndpoint, DescribeEndpoint, ListEndpoints, DeleteEndpoint on
 * in-memory endpoints. A new endpoint is `Creating` on its first describe and `InService` after.
 */
export function createSageMakerBackend(region: string): ServiceBackend {
  const endpoints = new Map<string, Endpoint>();
  const arnOf = (name: string): string => `arn:aws:sagemaker:${region}:${LOCAL_ACCOUNT_ID}:endpoint/${name.toLowerCase()}`;

  return {
    name: 'sagemaker',
    signingName: 'sagemaker',
    operation: (req) => targetOperation(req, 'SageMaker'),
    codeForStatus,
    error: (_req, status, code, message) => awsJsonError('1.1', status, code, message),
    throttle: () => awsJsonError('1.1', 400, 'ThrottlingException', 'Rate exceeded'),
    authError: (_req, { kind, message }) => awsJsonError('1.1', 400, jsonAuthCode(kind), message),
    async handle(req) {
      const operation = targetOperation(req, 'SageMaker');
      const input = parseJsonObject(req.body);
      if (!input) return awsJsonError('1.1', 400, 'SerializationException', 'The request body is not a JSON object.');
      switch (operation) {
        case 'CreateEndpoint': {
          const problem = nameProblem(input.EndpointName, 'endpointName') ?? nameProblem(input.EndpointConfigName, 'endpointConfigName');
          if (problem) return validation(problem);
          const name = input.EndpointName as string;
          if (endpoints.has(name.toLowerCase())) return validation(`Cannot create already existing endpoint "${arnOf(name)}".`);
          const now = Date.now();
          const endpoint: Endpoint = {
            name,
            arn: arnOf(name),
            configName: input.EndpointConfigName as string,
            createdAt: now,
            modifiedAt: now,
            describes: 0,
            status: 'Creating',
          };
          endpoints.set(name.toLowerCase(), endpoint);
          return awsJsonOk('1.1', { EndpointArn: endpoint.arn });
        }
        case 'DescribeEndpoint': {
          const problem = nameProblem(input.EndpointName, 'endpointName');
          if (problem) return validation(problem);
          const endpoint = endpoints.get((input.EndpointName as string).toLowerCase());
          if (!endpoint) return validation(`Could not find endpoint "${arnOf(input.EndpointName as string)}".`);
          endpoint.describes++;
          if (endpoint.describes > 1 && endpoint.status === 'Creating') {
            endpoint.status = 'InService';
            endpoint.modifiedAt = Date.now();
          }
          return awsJsonOk('1.1', {
            ...summary(endpoint),
            EndpointConfigName: endpoint.configName,
            ...(endpoint.status === 'InService'
              ? {
                  ProductionVariants: [{ VariantName: 'AllTraffic', CurrentWeight: 1, DesiredWeight: 1, CurrentInstanceCount: 1, DesiredInstanceCount: 1 }],
                }
              : {}),
          });
        }
        case 'ListEndpoints': {
          const maxResults = input.MaxResults ?? 10;
          if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
            return validation(
              `1 validation error detected: Value '${String(maxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100`,
            );
          }
          let list = [...endpoints.values()];
          if (typeof input.NameContains === 'string') list = list.filter((e) => e.name.toLowerCase().includes((input.NameContains as string).toLowerCase()));
          if (typeof input.StatusEquals === 'string') list = list.filter((e) => e.status === input.StatusEquals);
          const sortBy = input.SortBy === 'Name' ? 'Name' : 'CreationTime';
          list.sort((a, b) => (sortBy === 'Name' ? a.name.localeCompare(b.name) : a.createdAt - b.createdAt || a.name.localeCompare(b.name)));
          if (input.SortOrder !== 'Ascending') list.reverse();
          let start = 0;
          if (input.NextToken !== undefined) {
            start = Number(Buffer.from(String(input.NextToken), 'base64url').toString('utf8'));
            if (!Number.isInteger(start) || start < 0) return validation('Invalid pagination token.');
          }
          const page = list.slice(start, start + maxResults);
          const next = start + maxResults < list.length ? Buffer.from(String(start + maxResults)).toString('base64url') : undefined;
          return awsJsonOk('1.1', { Endpoints: page.map(summary), ...(next ? { NextToken: next } : {}) });
        }
        case 'DeleteEndpoint': {
          const problem = nameProblem(input.EndpointName, 'endpointName');
          if (problem) return validation(problem);
          const key = (input.EndpointName as string).toLowerCase();
          if (!endpoints.has(key)) return validation(`Could not find endpoint "${arnOf(input.EndpointName as string)}".`);
          endpoints.delete(key);
          return awsJsonOk('1.1', {});
        }
        default:
          return awsJsonError('1.1', 400, 'UnknownOperationException', `@dbp/aws-testkit does not implement SageMaker.${operation}.`);
      }
    },
    async close() {
      endpoints.clear();
    },
  };
}
