import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import {
  Command,
  createMediator,
  type DispatchContext,
  defineSlice,
  handle,
  Notification,
  on,
  Query,
  recordDispatches,
} from './index.js';

class NoteAdded extends Notification {
  constructor(readonly body: string) {
    super();
  }
}
class CountNotes extends Query<number> {}
class AddNote extends Command<number> {
  constructor(readonly body: string) {
    super();
  }
}
class AddNoteHandler {
  async handle(request: AddNote, context: DispatchContext): Promise<number> {
    await context.publish(new NoteAdded(request.body));
    return context.send(new CountNotes());
  }
}
class CountNotesHandler {
  handle(): number {
    return 1;
  }
}
class NoteAddedHandler {
  handle(): void {}
}

const notes = defineSlice({
  name: 'notes',
  handlers: [handle(AddNote, AddNoteHandler), handle(CountNotes, CountNotesHandler), on(NoteAdded, NoteAddedHandler)],
});

describe('recordDispatches', () => {
  it('records what a dispatch sent and published, nested dispatches included, until stopped', async () => {
    const mediator = createMediator({ slices: [notes] });
    const recording = recordDispatches(mediator);

    await mediator.send(new AddNote('hello'));

    expect(recording.sent).toStrictEqual([new AddNote('hello'), new CountNotes()]);
    expect(recording.published).toStrictEqual([new NoteAdded('hello')]);
    recording.clear();
    recording.stop();
    await mediator.send(new AddNote('again'));
    expect(recording.sent).toEqual([]);
    expect(recording.published).toEqual([]);
  });
});
