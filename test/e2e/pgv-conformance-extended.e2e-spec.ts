import { existsSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { PgvHarnessExtendedTypes } from '../gen/conformance/pgv_harness_extended.toolkit';
import { DescriptorRegistry } from '../../src/toolkit/descriptor';
import {
  HarnessCaseValue,
  PGV_HARNESS_EXTENDED_MESSAGES,
  PgvHarnessMessage,
  toHarnessValue,
} from '../support/pgv-harness';
import { conformanceDataFile } from '../support/conformance-data';

const types = new DescriptorRegistry([PgvHarnessExtendedTypes]);

/**
 * Runs every case of shared/conformance/pgv-cases-extended.json (protoc-gen-validate's harness
 * cases for every scalar type, bytes, bool, enum, repeated, map and the string formats) through
 * the validators GENERATED for test/proto/conformance/pgv_harness_extended.proto. The data is read
 * from the shared folder at run time, never copied here.
 */

interface PgvCase extends HarnessCaseValue {
  id: string;
  rules: Record<string, unknown>;
  valid: boolean;
}

const CASES_FILE = conformanceDataFile('pgv-cases-extended.json');

function loadCases(): PgvCase[] | undefined {
  if (!existsSync(CASES_FILE)) return undefined;
  const parsed = JSON.parse(readFileSync(CASES_FILE, 'utf8')) as { cases: PgvCase[] };
  return parsed.cases;
}

/** Rule sets are equal whatever the key order (the data keeps the proto's order). */
function sameRules(first: unknown, second: unknown): boolean {
  if (typeof first !== 'object' || typeof second !== 'object' || first === null || second === null)
    return isDeepStrictEqual(first, second);
  if (Array.isArray(first) || Array.isArray(second)) return isDeepStrictEqual(first, second);
  const a = first as Record<string, unknown>;
  const b = second as Record<string, unknown>;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => Object.hasOwn(b, key) && sameRules(a[key], b[key]))
  );
}

function harnessFor(testCase: PgvCase): PgvHarnessMessage | undefined {
  return PGV_HARNESS_EXTENDED_MESSAGES.find(
    (entry) =>
      entry.type === testCase.type &&
      entry.enum === testCase.enum?.name &&
      sameRules(entry.rules, testCase.rules),
  );
}

const cases = loadCases();

if (cases === undefined) {
  const message = `PGV conformance data not found at ${CASES_FILE}`;
  if (process.env.CI === 'true') {
    it('has the extended PGV conformance data under CI', () => {
      throw new Error(`${message}; CI must run the conformance suite`);
    });
  } else {
    console.warn(`${message}: skipping the extended PGV conformance suite`);
    it.skip(`PGV conformance, extended (${message})`, () => undefined);
  }
} else {
  describe('PGV conformance (all families) through generated validators', () => {
    it.each(cases.map((testCase) => [testCase.id, testCase] as const))('%s', (_id, testCase) => {
      const harness = harnessFor(testCase);
      if (!harness)
        throw new Error(
          `case "${testCase.id}": no message of pgv_harness_extended.proto has ${testCase.type} rules ${JSON.stringify(testCase.rules)}`,
        );
      const { validate } = types.message(harness.message);
      if (!validate) throw new Error(`${harness.message} has no generated validate function`);
      const violations = validate({ val: toHarnessValue(testCase) });
      expect({ valid: violations.length === 0, violations }).toEqual({
        valid: testCase.valid,
        violations: testCase.valid
          ? []
          : expect.arrayContaining([
              expect.objectContaining({ field: expect.stringMatching(/^val/) }),
            ]),
      });
    });

    it('exercises every harness message with at least one case', () => {
      const unused = PGV_HARNESS_EXTENDED_MESSAGES.filter(
        (entry) => !cases.some((testCase) => harnessFor(testCase) === entry),
      ).map((entry) => entry.message);
      expect(unused).toEqual([]);
    });
  });
}
