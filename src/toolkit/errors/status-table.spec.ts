import { existsSync, readFileSync } from 'node:fs';
import { conformanceDataFile } from '../../../test/support/conformance-data';
import { GrpcStatus } from './grpc-status';
import { grpcCodeName, httpStatusFromGrpc, reasonPhrase, STATUS_TABLE } from './status-table';

const CONFORMANCE = conformanceDataFile('grpc-http-status.json');

describe('gRPC code → HTTP status table', () => {
  const present = existsSync(CONFORMANCE);

  it('is checked against the shared conformance file', () => {
    if (!present && process.env.CI === 'true')
      throw new Error(`conformance file missing: ${CONFORMANCE}`);
    if (!present) console.warn(`skipping: ${CONFORMANCE} not found`);
  });

  (present ? it : it.skip)('equals shared/conformance/grpc-http-status.json row for row', () => {
    const { mapping } = JSON.parse(readFileSync(CONFORMANCE, 'utf8')) as {
      mapping: { grpc_code: number; name: string; http_status: number }[];
    };
    expect(
      STATUS_TABLE.map((row) => ({
        grpc_code: row.code,
        name: row.name,
        http_status: row.httpStatus,
      })),
    ).toEqual(
      mapping.map(({ grpc_code, name, http_status }) => ({ grpc_code, name, http_status })),
    );
    for (const row of mapping) {
      expect(httpStatusFromGrpc(row.grpc_code)).toBe(row.http_status);
      expect(grpcCodeName(row.grpc_code)).toBe(row.name);
    }
  });

  it('names reason phrases as grpc-gateway does', () => {
    expect(reasonPhrase(400)).toBe('Bad Request');
    expect(reasonPhrase(499)).toBe('Client Closed Request');
    expect(httpStatusFromGrpc(99 as GrpcStatus)).toBe(500);
  });
});
