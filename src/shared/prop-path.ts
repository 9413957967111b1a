// Error and warning messages name the prop the user wrote. A construct built by another one gets
// its props from that parent, which passes down, in the props themselves, where they sit in its
// own props (for example `backend.` for the backend of `SecureContainerChatbot`, or
// `container.port` for the service's `containerPort`). The field is internal: jsii hides it, and
// props a user passes directly have none, so their names are reported as they are.

/** Where a construct's props sit in the props the user wrote. */
export interface PropPath {
  /** Prepended to every prop name, such as `backend.`. */
  readonly prefix: string;
  /** The full path of a prop whose name differs from prefix + prop (`containerPort` → `container.port`). */
  readonly names?: { readonly [prop: string]: string };
}

interface CarriesPropPath {
  readonly _propPath?: PropPath;
}

/** `props` with the path they are given under (`prefix`, and `names` for renamed props). */
export function withPropPath<T extends object>(props: T, prefix: string, names: { [prop: string]: string } = {}): T {
  return { ...props, _propPath: { prefix, names } };
}

/** `child` (props an inner construct gets from its parent's) under the same path as `parent`. */
export function underPropPath<T extends object>(child: T, parent: object): T {
  const path = propPathOf(parent);
  return path ? { ...child, _propPath: path } : child;
}

/** The path `props` were given under, when a parent passed one. */
export function propPathOf(props: object): PropPath | undefined {
  return (props as CarriesPropPath)._propPath;
}

/** The prefix of `props`, or '' for props the user passed directly. */
export function propPrefix(props: object): string {
  return propPathOf(props)?.prefix ?? '';
}

/** The name the user wrote for `prop` of `props` (`container.port` for `containerPort`). */
export function propName(props: object, prop: string): string {
  const path = propPathOf(props);
  if (!path) {
    return prop;
  }
  const names = path.names ?? {};
  // A name already written the user's way stays as it is, so naming twice is harmless.
  if (Object.values(names).includes(prop) || (path.prefix !== '' && prop.startsWith(path.prefix))) {
    return prop;
  }
  return names[prop] ?? `${path.prefix}${prop}`;
}

/**
 * The members `keys` of `options`, for a part that takes them under the same names (its props
 * extend the options the user wrote), so that the parent does not copy them one by one.
 */
export function pickOptions<T extends object, K extends keyof T>(options: T | undefined, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, options?.[key]])) as Pick<T, K>;
}
