import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  InvalidRequestException,
  paginateGetQueryResults,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from '../test/helpers.js';
import { type LocalAws, startLocalAws } from './index.js';

let local: LocalAws;
let client: AthenaClient;

beforeAll(async () => {
  local = await startLocalAws({ services: ['athena'] });
  const { region, credentials, config } = local.clientOptions('athena');
  client = new AthenaClient({ region, credentials, ...config });
});

afterAll(async () => {
  client?.destroy();
  await local?.stop();
});

async function runToEnd(query: string): Promise<{ id: string; states: string[] }> {
  const { QueryExecutionId: id } = await client.send(new StartQueryExecutionCommand({ QueryString: query, WorkGroup: 'primary' }));
  const states: string[] = [];
  for (let i = 0; i < 10; i++) {
    const state = (await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution?.Status?.State ?? '?';
    states.push(state);
    if (state !== 'QUEUED' && state !== 'RUNNING') break;
  }
  return { id: id!, states };
}

describe('Athena queries', () => {
  it('goes RUNNING → SUCCEEDED and returns a header row, data rows and column info', async () => {
    const { id, states } = await runToEnd('SELECT city, amount AS total, 42 FROM sales LIMIT 3');
    expect(states).toEqual(['RUNNING', 'SUCCEEDED']);
    const results = await client.send(new GetQueryResultsCommand({ QueryExecutionId: id }));
    expect(results.ResultSet?.ResultSetMetadata?.ColumnInfo?.map((c) => [c.Name, c.Type])).toEqual([
      ['city', 'varchar'],
      ['total', 'varchar'],
      ['_col2', 'integer'],
    ]);
    expect(results.ResultSet?.Rows?.map((r) => r.Data?.map((d) => d.VarCharValue))).toEqual([
      ['city', 'total', '_col2'],
      ['city-1', 'total-1', '42'],
      ['city-2', 'total-2', '42'],
      ['city-3', 'total-3', '42'],
    ]);
    expect(results.NextToken).toBeUndefined();
  });

  it('pages with NextToken when MaxResults is smaller than the result', async () => {
    const { id } = await runToEnd('SELECT * FROM t LIMIT 7');
    const pages: number[] = [];
    const ids: string[] = [];
    for await (const page of paginateGetQueryResults({ client }, { QueryExecutionId: id, MaxResults: 3 })) {
      pages.push(page.ResultSet?.Rows?.length ?? 0);
      for (const row of page.ResultSet?.Rows ?? []) ids.push(row.Data?.[0]?.VarCharValue ?? '');
    }
    expect(pages).toEqual([3, 3, 2]);
    expect(ids).toEqual(['id', '1', '2', '3', '4', '5', '6', '7']);
  });

  it('answers unknown ids and unfinished queries with InvalidRequestException', async () => {
    const unknown = await rejection(client.send(new GetQueryExecutionCommand({ QueryExecutionId: '00000000-0000-0000-0000-000000000000' })));
    expect(unknown).toBeInstanceOf(InvalidRequestException);
    expect((unknown as InvalidRequestException).AthenaErrorCode).toBe('INVALID_INPUT');
    expect(unknown.message).toMatch(/was not found/);
    const { QueryExecutionId } = await client.send(new StartQueryExecutionCommand({ QueryString: 'SELECT 1' }));
    const early = await rejection(client.send(new GetQueryResultsCommand({ QueryExecutionId })));
    expect(early).toBeInstanceOf(InvalidRequestException);
    expect(early.message).toMatch(/not yet finished/);
    const empty = await rejection(client.send(new StartQueryExecutionCommand({ QueryString: ' ' })));
    expect(empty).toBeInstanceOf(InvalidRequestException);
  });

  it('fails a query on request (-- testkit:fail)', async () => {
    const { states } = await runToEnd('SELECT 1 -- testkit:fail');
    expect(states.at(-1)).toBe('FAILED');
  });
});
