/**
 * Backend addresses by service name, parsed from a resolver variable such as
 * `user-service=127.0.0.1:9081,notification-service=127.0.0.1:9082`. A name may appear several
 * times (`user-service=10.0.0.1:9081,user-service=10.0.0.2:9081`): its calls then rotate over
 * the addresses in order.
 * @publicApi
 */
export type ResolverEndpoints = ReadonlyMap<string, readonly string[]>;

const ENTRY = /^([A-Za-z0-9][A-Za-z0-9._-]*)=(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/**
 * Parses `name=host:port` items (comma-separated list items, as the config loader splits them).
 * @throws Error naming every malformed item at once.
 * @publicApi
 */
export function parseResolverEndpoints(items: readonly string[]): ResolverEndpoints {
  const endpoints = new Map<string, string[]>();
  const problems: string[] = [];
  for (const item of items) {
    const match = ENTRY.exec(item.trim());
    const port = match ? Number(match[3]) : 0;
    if (!match || port < 1 || port > 65535) {
      problems.push(`"${item}" is not name=host:port`);
      continue;
    }
    const address = `${match[2]}:${port}`;
    const addresses = endpoints.get(match[1]) ?? [];
    if (!addresses.includes(address)) addresses.push(address);
    endpoints.set(match[1], addresses);
  }
  if (problems.length > 0) throw new Error(`resolver endpoints: ${problems.join('; ')}`);
  return endpoints;
}

/** Hands out the addresses of one name in turn. @internal */
export class RoundRobin<T> {
  private next = 0;

  constructor(private readonly items: readonly T[]) {
    if (items.length === 0) throw new Error('round robin over nothing');
  }

  pick(): T {
    const item = this.items[this.next % this.items.length];
    this.next = (this.next + 1) % this.items.length;
    return item;
  }

  all(): readonly T[] {
    return this.items;
  }
}
