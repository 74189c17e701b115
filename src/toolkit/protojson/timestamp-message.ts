/** A google.protobuf.Timestamp as handlers see it (seconds as a string: longs are strings). @publicApi */
export interface TimestampMessage {
  seconds: string;
  nanos: number;
}

/** A Date as a google.protobuf.Timestamp message, millisecond precision. @publicApi */
export function toTimestamp(date: Date): TimestampMessage {
  const millis = date.getTime();
  const seconds = Math.floor(millis / 1000);
  return { seconds: String(seconds), nanos: (millis - seconds * 1000) * 1_000_000 };
}
