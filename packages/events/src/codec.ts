import { InternalError } from '@slicewise/errors';
import { type EventDeclaration, eventOf, type MessageClass, type Notification } from '@slicewise/mediator';

/** An event as it is stored: its type name, payload version and JSON payload. */
export interface EncodedEvent {
  readonly type: string;
  readonly version: number;
  readonly payload: string;
}

/** A stored event row, as read back for a subscription. */
export interface StoredEvent extends EncodedEvent {
  readonly position: number;
}

/** Turns a durable event into its stored form: its declaration's type and version, its own properties as JSON. */
export function encodeEvent(event: Notification): EncodedEvent {
  const declaration = eventOf(event.constructor as MessageClass) as EventDeclaration;
  return { type: declaration.type, version: declaration.version ?? 1, payload: JSON.stringify(event) };
}

interface Known {
  readonly eventClass: MessageClass<Notification>;
  readonly declaration: EventDeclaration;
}

/**
 * Decodes stored events back into instances of their classes: parses the JSON, upcasts an older payload version
 * step by step, validates it with the declared schema, then builds the instance (its constructor is not called).
 */
export class EventDecoder {
  readonly #known = new Map<string, Known>();

  /** Learns the event classes a process composes; two classes declaring one type name are refused. */
  learn(eventClasses: Iterable<MessageClass<Notification>>): void {
    for (const eventClass of eventClasses) {
      const declaration = eventOf(eventClass);
      if (!declaration) throw new InternalError(`${eventClass.name} is not a durable event`);
      const known = this.#known.get(declaration.type);
      if (known && known.eventClass !== eventClass) {
        throw new InternalError(
          `Two event classes declare the type ${declaration.type}: ${known.eventClass.name} and ${eventClass.name}`,
        );
      }
      this.#known.set(declaration.type, { eventClass, declaration });
    }
  }

  /** The instance of a stored event, or an error saying why it cannot be read. */
  decode(stored: StoredEvent): Notification {
    const where = `Event ${stored.type} v${stored.version} at position ${stored.position}`;
    const known = this.#known.get(stored.type);
    if (!known) throw new InternalError(`${where}: no composed event class declares this type`);
    const { declaration, eventClass } = known;
    const current = declaration.version ?? 1;
    if (stored.version > current) {
      throw new InternalError(`${where} is newer than this release of ${eventClass.name} knows (v${current})`);
    }
    let payload: unknown = JSON.parse(stored.payload);
    for (let version = stored.version; version < current; version++) {
      const upcast = declaration.upcast?.[version];
      if (!upcast) throw new InternalError(`${where}: no upcast from v${version}`);
      payload = upcast(payload);
    }
    const result = declaration.payload['~standard'].validate(payload);
    if (result instanceof Promise) {
      throw new InternalError(`The payload schema of ${stored.type} validates asynchronously: it must be synchronous`);
    }
    if (result.issues) {
      const issues = result.issues.map((issue) => `${issue.path?.join('.') || '(root)'}: ${issue.message}`);
      throw new InternalError(`${where} does not match its payload schema: ${issues.join('; ')}`);
    }
    return Object.assign(Object.create(eventClass.prototype) as Notification, result.value);
  }
}
