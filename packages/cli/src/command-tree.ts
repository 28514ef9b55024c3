import type { ArgsDef, CommandDef, SubCommandsDef } from 'citty';
import type { CliCommand } from './command-list.js';
import { globalOptions } from './fields.js';

/** The global options as citty declares them, on every node, so `--db file` before a word is skipped as a value. */
const globalArgs: ArgsDef = Object.fromEntries(
  Object.entries(globalOptions).map(([name, option]) => [name, { type: option.type }]),
);

/** What running a leaf resolves with: the exit code. */
export type LeafRunner = (command: CliCommand) => Promise<number>;

interface Node {
  readonly def: CommandDef;
  readonly children: SubCommandsDef;
}

/**
 * The command tree citty dispatches on: one node per command word (`users` → `list`), each leaf resolved lazily,
 * so a command's slices are imported only when citty reaches its leaf (`load`). Sub-command tables have no
 * prototype, so a word such as `constructor` or `__proto__` is an unknown command, not an inherited property.
 */
export function commandTree(
  commands: readonly CliCommand[],
  meta: { name: string; version: string },
  load: (command: CliCommand) => Promise<LeafRunner>,
): CommandDef {
  const root: Node = { def: {}, children: Object.create(null) as SubCommandsDef };
  Object.assign(root.def, { meta, args: globalArgs, subCommands: root.children });
  const nodes = new Map<string, Node>([['', root]]);
  for (const command of commands) {
    let parent = root;
    command.words.forEach((word, i) => {
      const path = command.words.slice(0, i + 1).join(' ');
      const last = i === command.words.length - 1;
      let node = nodes.get(path);
      if (!node) {
        node = { def: { meta: { name: word }, args: globalArgs }, children: Object.create(null) as SubCommandsDef };
        nodes.set(path, node);
        const created = node;
        parent.children[word] = () => created.def;
      }
      if (last) {
        const leaf = node;
        Object.assign(leaf.def.meta as object, { description: command.description });
        // Resolved when citty reaches the word: imports the slices, then runs with them.
        parent.children[word] = async () => {
          const run = await load(command);
          return { ...leaf.def, run: () => run(command) };
        };
      } else if (!node.def.subCommands) {
        node.def.subCommands = node.children;
      }
      parent = node;
    });
  }
  return root.def;
}
