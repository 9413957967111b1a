// Error and warning messages name the prop the user wrote. A construct built by another one gets
// its props from that parent, which registers here the path of those props in its own (for example
// `backend.` for the backend of `SecureContainerChatbot`), so the inner construct can say
// `backend.image` rather than `image`.
const prefixes = new WeakMap<object, string>();

/** Registers `props` as given under `prefix` (such as `backend.`) and returns them. */
export function withPropPrefix<T extends object>(props: T, prefix: string): T {
  prefixes.set(props, prefix);
  return props;
}

/** The prefix `props` were registered with, or '' for props the user passed directly. */
export function propPrefix(props: object): string {
  return prefixes.get(props) ?? '';
}
