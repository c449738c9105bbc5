// Unit tests for server discovery (setting, bundled binary, PATH).

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  bundledServerPath,
  discoverServer,
  executableName,
  expandConfiguredPath,
  findOnPath,
  serverArgs,
} from '../serverPath';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sps-plugin-ls-vscode-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const platform = process.platform;
const exe = executableName(platform);

function makeFile(file: string, mode: number): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '#!/bin/sh\nexit 0\n');
  fs.chmodSync(file, mode);
  return file;
}

function dir(name: string): string {
  const d = path.join(tmp, name);
  fs.mkdirSync(d, { recursive: true });
  return d;
}

const emptyExtension = dir('ext-empty');
const bundledExtension = dir('ext-bundled');
makeFile(bundledServerPath(bundledExtension, platform), 0o644); // exec bit lost on unpack
const binDir = dir('bin');
const onPath = makeFile(path.join(binDir, exe), 0o755);
const nonExecDir = dir('bin-nonexec');
makeFile(path.join(nonExecDir, exe), 0o644);
const workspace = dir('workspace');
const inWorkspace = makeFile(path.join(workspace, 'tools', exe), 0o755);
const home = dir('home');
const inHome = makeFile(path.join(home, '.cargo', 'bin', exe), 0o755);

const env = (entries: string[]): NodeJS.ProcessEnv => ({ PATH: entries.join(path.delimiter) });

describe('discoverServer', () => {
  test('the setting wins over the bundled binary and PATH', () => {
    const found = discoverServer({
      configuredPath: inWorkspace,
      extensionPath: bundledExtension,
      env: env([binDir]),
      platform,
    });
    assert.deepEqual(found, { ok: true, server: { path: inWorkspace, source: 'setting' } });
  });

  test('a relative setting is taken against the workspace folder', () => {
    const found = discoverServer({
      configuredPath: path.join('tools', exe),
      extensionPath: emptyExtension,
      workspaceFolder: workspace,
      env: env([]),
      platform,
    });
    assert.deepEqual(found, { ok: true, server: { path: inWorkspace, source: 'setting' } });
  });

  test('~ in the setting is the home folder', () => {
    const found = discoverServer({
      configuredPath: `~/.cargo/bin/${exe}`,
      extensionPath: emptyExtension,
      env: env([]),
      platform,
      homeDir: home,
    });
    assert.deepEqual(found, { ok: true, server: { path: inHome, source: 'setting' } });
  });

  test('a bare command name in the setting is looked up on PATH', () => {
    const found = discoverServer({
      configuredPath: exe,
      extensionPath: emptyExtension,
      env: env([binDir]),
      platform,
    });
    assert.deepEqual(found, { ok: true, server: { path: onPath, source: 'setting' } });
  });

  test('a setting that names a missing file is an error, not a fallback', () => {
    const missing = path.join(tmp, 'nope', exe);
    const found = discoverServer({
      configuredPath: missing,
      extensionPath: bundledExtension,
      env: env([binDir]),
      platform,
    });
    assert.equal(found.ok, false);
    if (!found.ok) {
      assert.match(found.message, /spsPluginLs\.server\.path/);
      assert.match(found.message, /does not exist/);
      assert.ok(found.message.includes(missing));
      assert.match(found.message, /cargo install --path server/);
    }
  });

  test('the bundled binary comes before PATH, even without its executable bit', () => {
    const found = discoverServer({
      configuredPath: '',
      extensionPath: bundledExtension,
      env: env([binDir]),
      platform,
    });
    assert.deepEqual(found, {
      ok: true,
      server: { path: bundledServerPath(bundledExtension, platform), source: 'bundled' },
    });
  });

  test('PATH is searched in order, skipping files that are not executable', () => {
    const found = discoverServer({
      configuredPath: '   ',
      extensionPath: emptyExtension,
      env: env([path.join(tmp, 'absent'), nonExecDir, binDir]),
      platform,
    });
    assert.deepEqual(found, { ok: true, server: { path: onPath, source: 'path' } });
  });

  test('nothing found: the message names the setting and the install command', () => {
    const found = discoverServer({
      extensionPath: emptyExtension,
      env: env([nonExecDir]),
      platform,
    });
    assert.equal(found.ok, false);
    if (!found.ok) {
      assert.match(found.message, /not found/);
      assert.match(found.message, /"spsPluginLs\.server\.path"/);
      assert.match(found.message, /cargo install --path server/);
    }
  });
});

describe('helpers', () => {
  test('executable names', () => {
    assert.equal(executableName('linux'), 'sps-plugin-ls');
    assert.equal(executableName('darwin'), 'sps-plugin-ls');
    assert.equal(executableName('win32'), 'sps-plugin-ls.exe');
  });

  test('findOnPath returns undefined when absent', () => {
    assert.equal(findOnPath('sps-plugin-ls-does-not-exist', env([binDir]), platform), undefined);
  });

  test('expandConfiguredPath', () => {
    assert.equal(expandConfiguredPath('${workspaceFolder}/x', '/w', '/h'), path.resolve('/w/x'));
    assert.equal(expandConfiguredPath('${userHome}/x', undefined, '/h'), '/h/x');
    assert.equal(expandConfiguredPath('~', undefined, '/h'), '/h');
    assert.equal(expandConfiguredPath('/abs/x', '/w', '/h'), '/abs/x');
  });

  test('serverArgs always starts with --stdio and keeps string extras', () => {
    assert.deepEqual(serverArgs(undefined), ['--stdio']);
    assert.deepEqual(serverArgs(['--log-level', 'debug', 3, null]), ['--stdio', '--log-level', 'debug']);
    assert.deepEqual(serverArgs(['--stdio', '--log-level', 'info']), ['--stdio', '--log-level', 'info']);
    assert.deepEqual(serverArgs('nope'), ['--stdio']);
  });
});
