import { AddressInfo, Server, Socket, createServer } from 'node:net';
import { PGlite } from '@electric-sql/pglite';

/**
 * Extended-protocol messages (Parse, Bind, Describe, Execute, Close): a client sends them in a
 * row and only waits for the answers after its Sync or Flush. Every other message is answered
 * at once (startup, password, simple Query, Sync, Flush...).
 */
const EXTENDED_QUERY_PARTS = new Set(['P', 'B', 'D', 'E', 'C']);
const TERMINATE = 'X';
const SSL_REQUEST_CODE = 80877103;
const TRANSACTION_START = /^\s*(BEGIN|START\s+TRANSACTION)\b/i;

/** One client connection: its unparsed bytes and the complete messages of its current batch. */
interface ClientState {
  socket: Socket;
  buffer: Buffer;
  started: boolean;
  batch: Buffer[];
  /** Serializes this client's batches in arrival order. */
  queue: Promise<void>;
}

/**
 * A PostgreSQL wire-protocol server in front of one PGlite, for node-postgres pools.
 *
 * PGlite has a single backend session. Clients take turns on it one batch at a time (the
 * extended-protocol messages up to a Sync or Flush, or any single other message), so the extended-protocol messages of one
 * query (Parse/Bind/Execute) never interleave with another client's. A client that opens a
 * transaction keeps it until COMMIT/ROLLBACK: another client's BEGIN waits for that, while its
 * single statements run in between — inside the open transaction. That trade (no isolation
 * between concurrent clients instead of a deadlock when code inside a transaction reads through
 * another pooled connection, as it may against a real server) is acceptable for a development
 * database and is why the embedded backend is refused in production.
 * @internal
 */
export class EmbeddedPostgresServer {
  private readonly server: Server;
  private readonly clients = new Set<ClientState>();
  private transactionOwner: ClientState | undefined;
  private transactionWaiters: (() => void)[] = [];

  constructor(private readonly db: PGlite) {
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Listens on `127.0.0.1:<ephemeral port>`; resolves with the port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** Closes every client connection and the listener. */
  async close(): Promise<void> {
    for (const client of this.clients) client.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const client: ClientState = {
      socket,
      buffer: Buffer.alloc(0),
      started: false,
      batch: [],
      queue: Promise.resolve(),
    };
    this.clients.add(client);
    socket.on('data', (chunk: Buffer) => this.receive(client, chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.clients.delete(client);
      client.queue = client.queue.then(() => this.releaseIfOwner(client));
    });
  }

  private receive(client: ClientState, chunk: Buffer): void {
    client.buffer = Buffer.concat([client.buffer, chunk]);
    for (;;) {
      const message = this.nextMessage(client);
      if (!message) return;
      if (message === 'ssl-refused') {
        client.socket.write('N');
        continue;
      }
      const type = client.started ? String.fromCharCode(message[0]) : '';
      if (!client.started) client.started = true;
      if (type === TERMINATE) {
        client.socket.end();
        return;
      }
      client.batch.push(message);
      if (!EXTENDED_QUERY_PARTS.has(type)) {
        const batch = client.batch;
        client.batch = [];
        client.queue = client.queue.then(() => this.run(client, batch));
      }
    }
  }

  /** Cuts one complete message off the buffer; the first is the untyped startup message. */
  private nextMessage(client: ClientState): Buffer | 'ssl-refused' | undefined {
    const { buffer } = client;
    if (!client.started) {
      if (buffer.length < 8) return undefined;
      const length = buffer.readInt32BE(0);
      if (buffer.length < length) return undefined;
      client.buffer = buffer.subarray(length);
      if (buffer.readInt32BE(4) === SSL_REQUEST_CODE) return 'ssl-refused';
      return buffer.subarray(0, length);
    }
    if (buffer.length < 5) return undefined;
    const length = 1 + buffer.readInt32BE(1);
    if (buffer.length < length) return undefined;
    client.buffer = buffer.subarray(length);
    return buffer.subarray(0, length);
  }

  private async run(client: ClientState, batch: Buffer[]): Promise<void> {
    if (this.startsTransaction(batch)) {
      while (this.transactionOwner && this.transactionOwner !== client) {
        await new Promise<void>((resolve) => this.transactionWaiters.push(resolve));
      }
    }
    const replies = await this.db.runExclusive(async () => {
      const out: Uint8Array[] = [];
      for (const message of batch) out.push(await this.db.execProtocolRaw(message));
      return out;
    });
    if (this.db.isInTransaction()) this.transactionOwner ??= client;
    else if (this.transactionOwner === client) this.release();
    if (!client.socket.destroyed) client.socket.write(Buffer.concat(replies));
  }

  private startsTransaction(batch: Buffer[]): boolean {
    return batch.some(
      (message) =>
        message[0] === 'Q'.charCodeAt(0) &&
        TRANSACTION_START.test(message.subarray(5).toString('utf8')),
    );
  }

  /** A client that disconnects inside its transaction has it rolled back, as a server would. */
  private async releaseIfOwner(client: ClientState): Promise<void> {
    if (this.transactionOwner !== client) return;
    await this.db.exec('ROLLBACK');
    this.release();
  }

  private release(): void {
    this.transactionOwner = undefined;
    const waiters = this.transactionWaiters;
    this.transactionWaiters = [];
    for (const wake of waiters) wake();
  }
}
