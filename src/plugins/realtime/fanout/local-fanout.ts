import { FanoutBus, FanoutDelivery } from './fanout-bus';

/**
 * Embedded default: frames go straight to this process's subscribers. Correct for a single
 * instance only, which is why production refuses it unless embedded backends are allowed.
 */
export class LocalFanout implements FanoutBus {
  readonly backend = 'embedded in-process fan-out (single instance)';
  readonly embedded = true;
  private deliver: FanoutDelivery | undefined;

  async start(deliver: FanoutDelivery): Promise<void> {
    this.deliver = deliver;
  }

  async publish(channel: string, frameJson: string): Promise<void> {
    this.deliver?.(channel, frameJson);
  }

  async check(): Promise<void> {}

  async close(): Promise<void> {
    this.deliver = undefined;
  }
}
