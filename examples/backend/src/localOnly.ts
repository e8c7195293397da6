/**
 * The NODE_ENV values of a developer's or a test's process: the only ones
 * the example's local-only features (the dev sign-in, local publishing)
 * start with. An allow-list, because the mistake they guard against is a
 * deployment that forgot to say it is one: `Production`, `staging` or an
 * unset NODE_ENV all refuse.
 */
export const LOCAL_NODE_ENVS: readonly string[] = ['development', 'test'];

/** Whether NODE_ENV is one of {@link LOCAL_NODE_ENVS}, exactly. */
export function isLocalNodeEnv(nodeEnv: string | undefined): boolean {
  return nodeEnv !== undefined && LOCAL_NODE_ENVS.includes(nodeEnv);
}

/** A setting's value for a message: quoted, or `unset`. */
export function shownSetting(value: string | undefined): string {
  return value === undefined ? 'unset' : JSON.stringify(value);
}
