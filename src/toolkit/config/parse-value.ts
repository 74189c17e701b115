import { EnvVarSpec } from './env-spec';

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `1h30m`, `30s`, `250ms` or a bare number of milliseconds; undefined when malformed. */
export function parseDuration(raw: string): number | undefined {
  const text = raw.trim();
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^(\d+(?:\.\d+)?(ms|s|m|h|d))+$/.test(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(DURATION_PART)) total += Number(match[1]) * UNIT_MS[match[2]];
  return Math.round(total);
}

const TRUE: ReadonlySet<string> = new Set(['true', '1', 'yes', 'on']);
const FALSE: ReadonlySet<string> = new Set(['false', '0', 'no', 'off']);

/** Converts a raw env string per its spec; returns the value or an error sentence. */
export function parseValue(
  spec: EnvVarSpec,
  raw: string,
): { ok: true; value: unknown } | { ok: false; error: string } {
  const text = raw.trim();
  switch (spec.type) {
    case 'string':
      return { ok: true, value: raw };
    case 'int': {
      if (!/^-?\d+$/.test(text)) return { ok: false, error: `"${raw}" is not an integer` };
      const value = Number(text);
      if (spec.min !== undefined && value < spec.min)
        return { ok: false, error: `${value} is below the minimum ${spec.min}` };
      if (spec.max !== undefined && value > spec.max)
        return { ok: false, error: `${value} is above the maximum ${spec.max}` };
      return { ok: true, value };
    }
    case 'port': {
      const value = Number(text);
      if (!/^\d+$/.test(text) || value > 65535)
        return { ok: false, error: `"${raw}" is not a port (0-65535)` };
      return { ok: true, value };
    }
    case 'bool': {
      const lower = text.toLowerCase();
      if (TRUE.has(lower)) return { ok: true, value: true };
      if (FALSE.has(lower)) return { ok: true, value: false };
      return { ok: false, error: `"${raw}" is not a boolean (true/false)` };
    }
    case 'duration': {
      const value = parseDuration(text);
      if (value === undefined)
        return { ok: false, error: `"${raw}" is not a duration (e.g. 250ms, 30s, 5m, 1h)` };
      return { ok: true, value };
    }
    case 'enum':
      if (!spec.values.includes(text))
        return { ok: false, error: `"${raw}" is not one of ${spec.values.join(', ')}` };
      return { ok: true, value: text };
    case 'list':
      return {
        ok: true,
        value: text
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item.length > 0),
      };
  }
}

/** The declared default, converted to the parsed representation. */
export function defaultValue(spec: EnvVarSpec): unknown {
  if (spec.default === undefined) return undefined;
  if (spec.type === 'duration') return parseDuration(spec.default);
  if (spec.type === 'list') return [...spec.default];
  return spec.default;
}
