// The relay's OpenAPI describes protocol events as opaque objects; the generated protocol types
// give them their shape. These helpers narrow by `type`, dropping anything else.
import type { ProtocolEvent as TypedEvent } from '../generated/events';
import type { ProtocolEvent as OpaqueEvent } from '../generated/api';

export type EventOf<T extends TypedEvent['type']> = Extract<TypedEvent, { type: T }>;

export function eventsOf<T extends TypedEvent['type']>(list: readonly OpaqueEvent[] | null | undefined, type: T): EventOf<T>[] {
  return (list ?? []).filter((e) => e.type === type) as unknown as EventOf<T>[];
}

export function eventOf<T extends TypedEvent['type']>(e: OpaqueEvent | null | undefined, type: T): EventOf<T> | null {
  return e && e.type === type ? (e as unknown as EventOf<T>) : null;
}
