// The settings the extension hands the server: the `spsPluginLs` keys the
// server reads (the configuration file's keys in camelCase, plus
// `diagnostics.scope`), without the client's own (`server.*`, `trace.*`).
// Sent as `initializationOptions`; afterwards the server asks for them with
// `workspace/configuration` per workspace folder, and again on every change
// (the client is told to synchronize the `spsPluginLs` section).
//
// Kept free of the `vscode` module so that it can be unit-tested with plain
// Node (see src/test/settings.test.ts).

/** The keys of `spsPluginLs` that are the server's. */
export const SERVER_KEYS = [
  'select',
  'extendSelect',
  'ignore',
  'perFileIgnores',
  'severity',
  'exclude',
  'targetSps',
  'instanceConfigs',
] as const;

/** The server's settings, read through `get` (a `WorkspaceConfiguration`'s). */
export function serverSettings(get: (key: string) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of SERVER_KEYS) {
    const value = get(key);
    // Unset (`null`, the default of `select` and `targetSps`): the server's default.
    if (value !== undefined && value !== null) {
      out[key] = value;
    }
  }
  const scope = get('diagnostics.scope');
  if (scope === 'open' || scope === 'workspace') {
    out.diagnostics = { scope };
  }
  return out;
}
