import { existsSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { PgvHarnessTypes } from '../gen/conformance/pgv_harness.toolkit';
import { DescriptorRegistry } from '../../src/toolkit/descriptor';
import { PGV_HARNESS_MESSAGES, PgvHarnessMessage } from '../support/pgv-harness';
import { conformanceDataFile } from '../support/conformance-data';

const types = new DescriptorRegistry([PgvHarnessTypes]);

/**
 * Runs every case of shared/conformance/pgv-cases.json (extracted from protoc-gen-validate's and
 * protovalidate's own conformance suites) through the validators GENERATED for
 * test/proto/conformance/pgv_harness.proto, so the generator and src/toolkit/validation are checked
 * together against PGV's verdicts. The data is read from the shared folder, never copied here.
 */

interface PgvCase {
  id: string;
  type: string;
  rules: Record<string, unknown>;
  value: unknown;
  valid: boolean;
}

const CASES_FILE = conformanceDataFile('pgv-cases.json');

function loadCases(): PgvCase[] | undefined {
  if (!existsSync(CASES_FILE)) return undefined;
  const parsed = JSON.parse(readFileSync(CASES_FILE, 'utf8')) as { cases: PgvCase[] };
  return parsed.cases;
}

/** Rule sets are equal whatever the key order (the data keeps the proto's order). */
function sameRules(
  first: Readonly<Record<string, unknown>>,
  second: Readonly<Record<string, unknown>>,
): boolean {
  const keys = Object.keys(first);
  return (
    keys.length === Object.keys(second).length &&
    keys.every((key) => Object.hasOwn(second, key) && isDeepStrictEqual(first[key], second[key]))
  );
}

function harnessFor(testCase: PgvCase): PgvHarnessMessage | undefined {
  return PGV_HARNESS_MESSAGES.find(
    (entry) => entry.type === testCase.type && sameRules(entry.rules, testCase.rules),
  );
}

const cases = loadCases();

if (cases === undefined) {
  const message = `PGV conformance data not found at ${CASES_FILE}`;
  if (process.env.CI === 'true') {
    it('has the PGV conformance data under CI', () => {
      throw new Error(`${message}; CI must run the conformance suite`);
    });
  } else {
    console.warn(`${message}: skipping the PGV conformance suite`);
    it.skip(`PGV conformance (${message})`, () => undefined);
  }
} else {
  describe('PGV conformance through generated validators', () => {
    it.each(cases.map((testCase) => [testCase.id, testCase] as const))('%s', (_id, testCase) => {
      const harness = harnessFor(testCase);
      if (!harness)
        throw new Error(
          `case "${testCase.id}": no message of pgv_harness.proto has ${testCase.type} rules ${JSON.stringify(testCase.rules)}`,
        );
      const { validate } = types.message(harness.message);
      if (!validate) throw new Error(`${harness.message} has no generated validate function`);
      const violations = validate({ val: testCase.value });
      expect({ valid: violations.length === 0, violations }).toEqual({
        valid: testCase.valid,
        violations: testCase.valid
          ? []
          : expect.arrayContaining([expect.objectContaining({ field: 'val' })]),
      });
    });

    it('exercises every harness message with at least one case', () => {
      const unused = PGV_HARNESS_MESSAGES.filter(
        (entry) => !cases.some((testCase) => harnessFor(testCase) === entry),
      ).map((entry) => entry.message);
      expect(unused).toEqual([]);
    });
  });
}
