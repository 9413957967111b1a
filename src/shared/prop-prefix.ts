// Error and warning messages name the prop the user wrote. A construct built by another one gets
// its props from that parent, which registers here the path of those props in its own (for example
// `backend.` for the backend of `SecureContainerChatbot`, or `container.port` for the service's
// `containerPort`), so the inner construct can say `backend.image` rather than `image`.
interface Registration {
  readonly prefix: string;
  readonly names: { [prop: string]: string };
}
const registrations = new WeakMap<object, Registration>();

/**
 * Registers `props` as given under `prefix` (such as `backend.`) and returns them. `names` maps a
 * prop of the inner construct to the full path the user wrote, when it differs from prefix + prop.
 */
export function withPropPrefix<T extends object>(props: T, prefix: string, names: { [prop: string]: string } = {}): T {
  registrations.set(props, { prefix, names });
  return props;
}

/** The prefix `props` were registered with, or '' for props the user passed directly. */
export function propPrefix(props: object): string {
  return registrations.get(props)?.prefix ?? '';
}

/** The name the user wrote for `prop` of `props` (`container.port` for `containerPort`). */
export function propName(props: object, prop: string): string {
  const registration = registrations.get(props);
  if (!registration) {
    return prop;
  }
  // A name already written the user's way stays as it is, so naming twice is harmless.
  if (Object.values(registration.names).includes(prop) || (registration.prefix !== '' && prop.startsWith(registration.prefix))) {
    return prop;
  }
  return registration.names[prop] ?? `${registration.prefix}${prop}`;
}

/** Registers `child` (props an inner construct passes on) with the names of `parent`. */
export function inheritPropNames<T extends object>(child: T, parent: object): T {
  const registration = registrations.get(parent);
  if (registration) {
    registrations.set(child, registration);
  }
  return child;
}
