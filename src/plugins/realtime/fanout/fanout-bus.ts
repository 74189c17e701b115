/** Receives every frame published to any channel, already serialised, in publish order. */
export type FanoutDelivery = (channel: string, frameJson: string) => void;

/**
 * Carries published frames to every instance of the service. Each instance delivers what it
 * receives to its own local subscribers; the bus itself knows nothing about connections.
 */
export interface FanoutBus {
  /** One line for the start-up log. */
  readonly backend: string;
  readonly embedded: boolean;
  /** Starts receiving; frames published before `start` resolved may be missed. */
  start(deliver: FanoutDelivery): Promise<void>;
  /** Rejects with `RealtimeUnavailableError` when the frame could not be handed over. */
  publish(channel: string, frameJson: string): Promise<void>;
  /** Readiness: resolves when the bus can both publish and receive. Times out by itself. */
  check(): Promise<void>;
  close(): Promise<void>;
}
