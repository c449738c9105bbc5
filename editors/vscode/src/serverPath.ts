// Locating the sps-plugin-ls executable.
//
// Kept free of the `vscode` module so that it can be unit-tested with plain
// Node (see src/test/serverPath.test.ts).

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const SERVER_NAME = 'sps-plugin-ls';
export const SETTING_SERVER_PATH = 'spsPluginLs.server.path';
export const INSTALL_HINT = 'cargo install --path server';
export const PIP_HINT = 'pip install sps-plugin-ls';

/** Where the executable was found. */
export type ServerSource = 'setting' | 'bundled' | 'path';

export interface ServerLocation {
  path: string;
  source: ServerSource;
}

export type Discovery =
  | { ok: true; server: ServerLocation }
  | { ok: false; message: string };

export interface DiscoveryInput {
  /** Value of `spsPluginLs.server.path` (may be empty). */
  configuredPath?: string;
  /** Root folder of the installed extension. */
  extensionPath: string;
  /** First workspace folder, used to resolve a relative configured path. */
  workspaceFolder?: string;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  homeDir?: string;
}

export function executableName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? `${SERVER_NAME}.exe` : SERVER_NAME;
}

/** The path a binary bundled in the VSIX has: `<extension>/server/sps-plugin-ls[.exe]`. */
export function bundledServerPath(extensionPath: string, platform: NodeJS.Platform): string {
  return path.join(extensionPath, 'server', executableName(platform));
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function isExecutableFile(p: string, platform: NodeJS.Platform): boolean {
  if (!isFile(p)) {
    return false;
  }
  if (platform === 'win32') {
    return true;
  }
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function pathEntries(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string[] {
  // On Windows the variable is usually spelled `Path`.
  const key =
    platform === 'win32'
      ? Object.keys(env).find((k) => k.toUpperCase() === 'PATH') ?? 'PATH'
      : 'PATH';
  const value = env[key] ?? '';
  const delimiter = platform === 'win32' ? ';' : ':';
  return value
    .split(delimiter)
    .map((entry) => entry.trim().replace(/^"(.*)"$/, '$1'))
    .filter((entry) => entry.length > 0);
}

/** Looks `name` up on PATH (adding PATHEXT extensions on Windows). */
export function findOnPath(
  name: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
): string | undefined {
  const candidates = [name];
  if (platform === 'win32' && path.win32.extname(name) === '') {
    const pathext = (env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter((e) => e);
    candidates.unshift(...pathext.map((ext) => name + ext.toLowerCase()));
  }
  for (const dir of pathEntries(env, platform)) {
    for (const candidate of candidates) {
      const full = path.join(dir, candidate);
      if (isExecutableFile(full, platform)) {
        return full;
      }
    }
  }
  return undefined;
}

/**
 * Expands a configured path: a leading `~`, `${workspaceFolder}` and
 * `${userHome}`; a relative path is taken against the workspace folder.
 */
export function expandConfiguredPath(
  configured: string,
  workspaceFolder: string | undefined,
  homeDir: string,
): string {
  let p = configured.trim();
  p = p.replace(/\$\{userHome\}/g, homeDir);
  if (workspaceFolder !== undefined) {
    p = p.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
  }
  if (p === '~') {
    p = homeDir;
  } else if (p.startsWith('~/') || p.startsWith('~\\')) {
    p = path.join(homeDir, p.slice(2));
  }
  if (!path.isAbsolute(p) && workspaceFolder !== undefined) {
    p = path.resolve(workspaceFolder, p);
  }
  return p;
}

export function notFoundMessage(bundledPath: string): string {
  return (
    `SPS Plugin: the ${SERVER_NAME} language server was not found ` +
    `(not bundled at ${bundledPath} and not on PATH). ` +
    `This package of the extension holds no server: install the package for your platform ` +
    `(sps-plugin-ls-<platform>-<version>.vsix, which has it inside), ` +
    `set "${SETTING_SERVER_PATH}" to the ${SERVER_NAME} executable, ` +
    `or put it on PATH with "${PIP_HINT}" or "${INSTALL_HINT}" from a checkout of the ` +
    `${SERVER_NAME} repository, then run "SPS Plugin: Restart Language Server".`
  );
}

export function configuredMissingMessage(configured: string, resolved: string): string {
  const where = configured === resolved ? `"${configured}"` : `"${configured}" (${resolved})`;
  return (
    `SPS Plugin: the language server configured in "${SETTING_SERVER_PATH}", ${where}, ` +
    `does not exist or is not an executable file. Fix the setting, clear it to use the ` +
    `bundled server or the one on PATH, or install the server with "${PIP_HINT}" or ` +
    `"${INSTALL_HINT}".`
  );
}

/**
 * Finds the server: the `spsPluginLs.server.path` setting, else the binary
 * bundled in the extension, else PATH.
 */
export function discoverServer(input: DiscoveryInput): Discovery {
  const { platform, env } = input;
  const homeDir = input.homeDir ?? os.homedir();
  const configured = (input.configuredPath ?? '').trim();

  if (configured !== '') {
    const hasSeparator = /[\\/]/.test(configured) || configured.startsWith('~');
    if (!hasSeparator && !path.isAbsolute(configured)) {
      // A bare command name such as "sps-plugin-ls-dev": look it up on PATH.
      const onPath = findOnPath(configured, env, platform);
      if (onPath !== undefined) {
        return { ok: true, server: { path: onPath, source: 'setting' } };
      }
    }
    const resolved = expandConfiguredPath(configured, input.workspaceFolder, homeDir);
    if (isExecutableFile(resolved, platform)) {
      return { ok: true, server: { path: resolved, source: 'setting' } };
    }
    return { ok: false, message: configuredMissingMessage(configured, resolved) };
  }

  const bundled = bundledServerPath(input.extensionPath, platform);
  // The executable bit can get lost when a VSIX is unpacked; the caller
  // restores it, so a plain file is enough here.
  if (isFile(bundled)) {
    return { ok: true, server: { path: bundled, source: 'bundled' } };
  }

  const onPath = findOnPath(executableName(platform), env, platform);
  if (onPath !== undefined) {
    return { ok: true, server: { path: onPath, source: 'path' } };
  }
  if (platform === 'win32') {
    const plain = findOnPath(SERVER_NAME, env, platform);
    if (plain !== undefined) {
      return { ok: true, server: { path: plain, source: 'path' } };
    }
  }

  return { ok: false, message: notFoundMessage(bundled) };
}

/** Command-line arguments: always `--stdio`, then the user's extra arguments. */
export function serverArgs(extraArgs: unknown): string[] {
  const extra = Array.isArray(extraArgs)
    ? extraArgs.filter((a): a is string => typeof a === 'string')
    : [];
  return ['--stdio', ...extra.filter((a) => a !== '--stdio')];
}
