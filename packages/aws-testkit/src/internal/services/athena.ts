import { LOCAL_ACCOUNT_ID } from '../identities.js';
import { awsJsonError, awsJsonOk, jsonAuthCode, parseJsonObject, type ServiceBackend, targetOperation } from '../protocols.js';
import { type AwsResponse, uuid } from '../request.js';

type QueryState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

interface Column {
  name: string;
  type: 'varchar' | 'integer' | 'double';
  /** The value in row `i` (0-based). */
  value: (row: number) => string;
}

interface Execution {
  id: string;
  query: string;
  workGroup: string;
  context: Record<string, unknown> | undefined;
  outputLocation: string;
  state: QueryState;
  submittedAt: number;
  completedAt: number | undefined;
  columns: Column[];
  rowCount: number;
  fails: boolean;
}

/** A query containing this comment ends `FAILED`, for testing failure handling. */
const FAIL_MARKER = '-- testkit:fail';

const DEFAULT_ROWS = 10;
const MAX_ROWS = 10_000;

function invalid(message: string): AwsResponse {
  return awsJsonError('1.1', 400, 'InvalidRequestException', message, { messageKey: 'Message', extra: { AthenaErrorCode: 'INVALID_INPUT' } });
}

function splitTopLevel(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (const ch of list) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim() !== '') out.push(current.trim());
  return out;
}

const DEFAULT_COLUMNS: Column[] = [
  { name: 'id', type: 'integer', value: (i) => String(i + 1) },
  { name: 'name', type: 'varchar', value: (i) => `name-${i + 1}` },
  { name: 'value', type: 'double', value: (i) => String((i + 1) * 1.5) },
];

/**
 * Deterministic result columns from the query: `SELECT a, b AS c, 1, 'x'` gives columns `a`, `c`,
 * `_col2`, `_col3`; identifiers yield `a-1`, `a-2`…, literals themselves. `SELECT *` and anything
 * unparseable give `id`, `name`, `value`. Row count: `LIMIT n`, else 1 without `FROM`, else 10.
 */
function resultShape(query: string): { columns: Column[]; rowCount: number } {
  const sql = query.replace(/--[^\n]*/g, ' ').trim();
  const limitMatch = /\blimit\s+(\d+)\s*;?\s*$/i.exec(sql);
  const hasFrom = /\bfrom\b/i.test(sql);
  const rowCount = limitMatch ? Math.min(Number(limitMatch[1]), MAX_ROWS) : hasFrom ? DEFAULT_ROWS : 1;
  const select = /^\s*select\s+(?:distinct\s+)?([\s\S]+?)(?:\s+from\s+[\s\S]*|\s+limit\s+\d+\s*;?\s*|\s*;?\s*)$/i.exec(sql);
  if (!select?.[1]) return { columns: DEFAULT_COLUMNS, rowCount };
  const items = splitTopLevel(select[1]);
  if (items.length === 0 || items.some((item) => item === '*' || item.endsWith('.*'))) return { columns: DEFAULT_COLUMNS, rowCount };
  const columns = items.map((item, index): Column => {
    const alias = /\s+as\s+"?([A-Za-z_][\w]*)"?\s*$/i.exec(item);
    const expr = alias ? item.slice(0, alias.index).trim() : item;
    const name =
      alias?.[1] ?? (/^"?([A-Za-z_][\w]*)"?$/.test(expr.split('.').pop() ?? '') ? (expr.split('.').pop() as string).replace(/"/g, '') : `_col${index}`);
    if (/^-?\d+$/.test(expr)) return { name, type: 'integer', value: () => expr };
    if (/^-?\d+\.\d+$/.test(expr)) return { name, type: 'double', value: () => expr };
    const literal = /^'((?:[^']|'')*)'$/.exec(expr);
    if (literal) return { name, type: 'varchar', value: () => (literal[1] ?? '').replace(/''/g, "'") };
    return { name, type: 'varchar', value: (i) => `${name}-${i + 1}` };
  });
  return { columns, rowCount };
}

function precision(type: Column['type']): number {
  return type === 'varchar' ? 2147483647 : type === 'integer' ? 10 : 17;
}

function codeForStatus(status: number): string {
  if (status === 400) return 'InvalidRequestException';
  return status >= 500 ? 'InternalServerException' : 'InvalidRequestException';
}

/**
 * Athena (awsJson1_1): StartQueryExecution, GetQueryExecution, GetQueryResults,
 * StopQueryExecution, ListQueryExecutions. A query is QUEUED when started, RUNNING on the first
 * GetQueryExecution and SUCCEEDED (or FAILED) on the second.
 */
export function createAthenaBackend(region: string): ServiceBackend {
  const executions = new Map<string, Execution>();
  const byToken = new Map<string, string>();

  const describe = (e: Execution): Record<string, unknown> => {
    const done = e.state === 'SUCCEEDED' || e.state === 'FAILED' || e.state === 'CANCELLED';
    return {
      QueryExecutionId: e.id,
      Query: e.query,
      StatementType: 'DML',
      SubstatementType: 'SELECT',
      ResultConfiguration: { OutputLocation: e.outputLocation },
      ...(e.context ? { QueryExecutionContext: e.context } : {}),
      Status: {
        State: e.state,
        SubmissionDateTime: e.submittedAt / 1000,
        ...(done ? { CompletionDateTime: (e.completedAt ?? e.submittedAt) / 1000 } : {}),
        ...(e.state === 'FAILED'
          ? {
              StateChangeReason: 'Query failed (the query asked for it with -- testkit:fail)',
              AthenaError: { ErrorCategory: 2, ErrorType: 1100, Retryable: false, ErrorMessage: 'Query failed' },
            }
          : {}),
      },
      Statistics: {
        EngineExecutionTimeInMillis: done ? 12 : 0,
        DataScannedInBytes: done ? 1024 : 0,
        TotalExecutionTimeInMillis: done ? 20 : 0,
        QueryQueueTimeInMillis: 2,
        ServicePreProcessingTimeInMillis: 2,
        QueryPlanningTimeInMillis: 4,
        ServiceProcessingTimeInMillis: 2,
      },
      WorkGroup: e.workGroup,
      EngineVersion: { SelectedEngineVersion: 'AUTO', EffectiveEngineVersion: 'Athena engine version 3' },
    };
  };

  return {
    name: 'athena',
    signingName: 'athena',
    operation: (req) => targetOperation(req, 'AmazonAthena'),
    codeForStatus,
    error: (_req, status, code, message) =>
      code === 'InvalidRequestException' ? { ...invalid(message), status } : awsJsonError('1.1', status, code, message, { messageKey: 'Message' }),
    throttle: () =>
      awsJsonError('1.1', 400, 'TooManyRequestsException', 'Rate exceeded', { messageKey: 'Message', extra: { Reason: 'CONCURRENT_QUERY_LIMIT_EXCEEDED' } }),
    authError: (_req, { kind, message }) => awsJsonError('1.1', 400, jsonAuthCode(kind), message),
    async handle(req) {
      const operation = targetOperation(req, 'AmazonAthena');
      const input = parseJsonObject(req.body);
      if (!input) return awsJsonError('1.1', 400, 'SerializationException', 'The request body is not a JSON object.');
      const find = (): Execution | AwsResponse => {
        const id = input.QueryExecutionId;
        if (typeof id !== 'string' || id === '') return invalid('QueryExecutionId must not be empty');
        return executions.get(id) ?? invalid(`QueryExecution ${id} was not found`);
      };
      switch (operation) {
        case 'StartQueryExecution': {
          const query = input.QueryString;
          if (typeof query !== 'string' || query.trim() === '') return invalid('QueryString must not be empty');
          if (query.length > 262_144) return invalid('QueryString must be at most 262144 characters');
          const token = typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : undefined;
          const previous = token ? byToken.get(token) : undefined;
          if (previous) return awsJsonOk('1.1', { QueryExecutionId: previous });
          const id = uuid();
          const location =
            (input.ResultConfiguration as { OutputLocation?: unknown } | undefined)?.OutputLocation ??
            `s3://aws-athena-query-results-${LOCAL_ACCOUNT_ID}-${region}/`;
          const base = String(location);
          const { columns, rowCount } = resultShape(query);
          executions.set(id, {
            id,
            query,
            workGroup: typeof input.WorkGroup === 'string' ? input.WorkGroup : 'primary',
            context: input.QueryExecutionContext as Record<string, unknown> | undefined,
            outputLocation: `${base}${base.endsWith('/') ? '' : '/'}${id}.csv`,
            state: 'QUEUED',
            submittedAt: Date.now(),
            completedAt: undefined,
            columns,
            rowCount,
            fails: query.includes(FAIL_MARKER),
          });
          if (token) byToken.set(token, id);
          return awsJsonOk('1.1', { QueryExecutionId: id });
        }
        case 'GetQueryExecution': {
          const e = find();
          if ('status' in e) return e;
          if (e.state === 'QUEUED') e.state = 'RUNNING';
          else if (e.state === 'RUNNING') {
            e.state = e.fails ? 'FAILED' : 'SUCCEEDED';
            e.completedAt = Date.now();
          }
          return awsJsonOk('1.1', { QueryExecution: describe(e) });
        }
        case 'StopQueryExecution': {
          const e = find();
          if ('status' in e) return e;
          if (e.state === 'QUEUED' || e.state === 'RUNNING') {
            e.state = 'CANCELLED';
            e.completedAt = Date.now();
          }
          return awsJsonOk('1.1', {});
        }
        case 'ListQueryExecutions': {
          const ids = [...executions.values()].reverse().map((e) => e.id);
          return awsJsonOk('1.1', { QueryExecutionIds: ids.slice(0, 50) });
        }
        case 'GetQueryResults': {
          const e = find();
          if ('status' in e) return e;
          if (e.state === 'FAILED' || e.state === 'CANCELLED') return invalid(`Query has not succeeded. Current state: ${e.state}`);
          if (e.state !== 'SUCCEEDED') return invalid(`Query has not yet finished. Current state: ${e.state}`);
          const maxResults = input.MaxResults ?? 1000;
          if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000) {
            return invalid(
              `1 validation error detected: Value '${String(maxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 1000`,
            );
          }
          let start = 0;
          if (input.NextToken !== undefined) {
            const [tokenId, offset] = Buffer.from(String(input.NextToken), 'base64url').toString('utf8').split(':');
            start = Number(offset);
            if (tokenId !== e.id || !Number.isInteger(start) || start < 0) return invalid('The NextToken is not valid for this query.');
          }
          // Row 0 is the header row; rows 1..rowCount are data.
          const total = e.rowCount + 1;
          const end = Math.min(total, start + maxResults);
          const rows: Array<{ Data: Array<{ VarCharValue: string }> }> = [];
          for (let r = start; r < end; r++) {
            rows.push({ Data: e.columns.map((c) => ({ VarCharValue: r === 0 ? c.name : c.value(r - 1) })) });
          }
          const next = end < total ? Buffer.from(`${e.id}:${end}`).toString('base64url') : undefined;
          return awsJsonOk('1.1', {
            UpdateCount: 0,
            ResultSet: {
              Rows: rows,
              ResultSetMetadata: {
                ColumnInfo: e.columns.map((c) => ({
                  CatalogName: 'hive',
                  SchemaName: '',
                  TableName: '',
                  Name: c.name,
                  Label: c.name,
                  Type: c.type,
                  Precision: precision(c.type),
                  Scale: 0,
                  Nullable: 'UNKNOWN',
                  CaseSensitive: c.type === 'varchar',
                })),
              },
            },
            ...(next ? { NextToken: next } : {}),
          });
        }
        default:
          return awsJsonError('1.1', 400, 'UnknownOperationException', `@dbp/aws-testkit does not implement AmazonAthena.${operation}.`);
      }
    },
    async close() {
      executions.clear();
      byToken.clear();
    },
  };
}
