import { EnvVarRow } from '../config';
import { PluginKindsSource } from './plugin-kinds';
import { ServiceDefinition } from './define-service';
import { loadServiceConfig } from './service-config';

/** The variables of one service, as `--help` and the README list them. @publicApi */
export interface ServiceVariables {
  service: string;
  rows: readonly EnvVarRow[];
}

/** Every variable each service declares (runtime, settings, middlewares, plugins), without validating. @publicApi */
export function describeServices(
  definitions: readonly ServiceDefinition[],
  pluginKinds: PluginKindsSource,
  env: Readonly<Record<string, string | undefined>> = {},
): ServiceVariables[] {
  return definitions.map((definition) => ({
    service: definition.name,
    rows: loadServiceConfig(definition, env, pluginKinds).loader.describe(),
  }));
}

const HEADERS = ['Variable', 'Type', 'Default', 'Required', 'Description'];

function cells(row: EnvVarRow): string[] {
  return [row.name, row.type, row.default, row.required ? 'yes' : 'no', row.description];
}

/** A plain-text table per service, columns aligned, for `--help`. @publicApi */
export function renderHelpText(services: readonly ServiceVariables[]): string {
  return services
    .map(({ service, rows }) => {
      const table = [HEADERS, ...rows.map(cells)];
      const widths = HEADERS.map((_, column) =>
        Math.max(...table.map((line) => line[column].length)),
      );
      const lines = table.map((line) =>
        line
          .map((cell, column) => (column === line.length - 1 ? cell : cell.padEnd(widths[column])))
          .join('  '),
      );
      return [`${service}`, ...lines].join('\n');
    })
    .join('\n\n');
}

/** A Markdown table per service (`### <service>` headings), for the README. @publicApi */
export function renderHelpMarkdown(services: readonly ServiceVariables[]): string {
  // A `|` ends a table cell even inside a code span, so every cell escapes it.
  const text = (cell: string): string => cell.replace(/\|/g, '\\|');
  const code = (cell: string): string => (cell === '' ? '' : `\`${text(cell)}\``);
  return services
    .map(({ service, rows }) => {
      const body = rows.map((row) => {
        const [name, type, fallback, required, description] = cells(row);
        return `| ${code(name)} | ${text(type)} | ${code(fallback)} | ${required} | ${text(description)} |`;
      });
      return [
        `### ${service}`,
        '',
        `| ${HEADERS.join(' | ')} |`,
        `|${HEADERS.map(() => '---').join('|')}|`,
        ...body,
      ].join('\n');
    })
    .join('\n\n');
}
