// The names a slice is known by, all derived from its kebab-case folder name.

const reserved = new Set(
  'await break case catch class const continue debugger default delete do else enum export extends false finally for function if implements import in instanceof interface let new null package private protected public return static super switch this throw true try typeof var void while with yield'.split(
    ' ',
  ),
);

/** Why `name` cannot name a new slice, or undefined when it can. Existence is checked by the caller. */
export function nameProblem(name) {
  if (typeof name !== 'string' || name === '') return 'a slice name is required, e.g. pnpm new:slice get-orders';
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name)) {
    return `"${name}" is not kebab-case: lowercase words of letters and digits joined by "-", starting with a letter (e.g. get-orders)`;
  }
  if (name.length > 40) return `"${name}" is longer than 40 characters`;
  if (reserved.has(camelCase(name)))
    return `"${name}" would name its manifest with the reserved word ${camelCase(name)}`;
  return undefined;
}

/** `get-orders` → `getOrders` (the manifest a host composes). */
export function camelCase(name) {
  return name.replace(/-([a-z0-9])/g, (_, letter) => letter.toUpperCase());
}

/** `get-orders` → `GetOrders` (the request class). */
export function pascalCase(name) {
  const camel = camelCase(name);
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

/** `get-orders` → `get_orders` (the table the slice owns). */
export function snakeCase(name) {
  return name.replaceAll('-', '_');
}

/** Every name the templates need. */
export function sliceNames(name) {
  return {
    name,
    packageName: `@slicewise/${name}`,
    manifest: camelCase(name),
    request: pascalCase(name),
    table: snakeCase(name),
  };
}
