// Packages the extension (`npm run package`), by default for this machine's
// platform with the server inside, as `server/sps-plugin-ls`:
//
//   npm run package                              host platform; builds `cargo build --release`
//   npm run package -- --server PATH             host platform; takes the given binary
//   npm run package -- --target TRIPLE [--server PATH]
//                                                another Rust target triple (built with
//                                                `cargo build --release --target TRIPLE`
//                                                unless a binary is given)
//   npm run package -- --universal               no server inside: the extension then uses
//                                                the setting or PATH
//   --out DIR                                    where the .vsix goes (default: this folder)
//
// The file is `sps-plugin-ls-<vsce target>-<version>.vsix`, or
// `sps-plugin-ls-<version>.vsix` for the universal package. SPS_SERVER_BIN
// may name the binary instead of --server.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const EXTENSION_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REPO_ROOT = path.resolve(EXTENSION_DIR, '../..');
const SERVER_DIR = path.join(EXTENSION_DIR, 'server');

/** Rust target triple -> VS Code platform (`vsce package --target`). */
const VSCE_TARGETS = {
  'x86_64-unknown-linux-gnu': 'linux-x64',
  'aarch64-unknown-linux-gnu': 'linux-arm64',
  'armv7-unknown-linux-gnueabihf': 'linux-armhf',
  'x86_64-unknown-linux-musl': 'alpine-x64',
  'aarch64-unknown-linux-musl': 'alpine-arm64',
  'x86_64-apple-darwin': 'darwin-x64',
  'aarch64-apple-darwin': 'darwin-arm64',
  'x86_64-pc-windows-msvc': 'win32-x64',
  'aarch64-pc-windows-msvc': 'win32-arm64',
};

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(2);
}

function parseArgs(argv) {
  const options = { universal: false, target: undefined, server: process.env.SPS_SERVER_BIN || undefined, out: EXTENSION_DIR };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${arg} needs a value`);
      return v;
    };
    if (arg === '--universal') options.universal = true;
    else if (arg === '--target') options.target = value();
    else if (arg === '--server') options.server = path.resolve(value());
    else if (arg === '--out') options.out = path.resolve(value());
    else fail(`unknown argument ${arg} (see the head of scripts/package.mjs)`);
  }
  if (options.universal && (options.target || options.server)) {
    fail('--universal takes no --target and no --server');
  }
  return options;
}

function run(command, args, cwd) {
  console.log(`package: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) fail(`${command} failed (${result.status ?? result.signal})`);
}

function hostTriple() {
  const result = spawnSync('rustc', ['-vV'], { encoding: 'utf8' });
  const host = result.status === 0 ? /^host: (\S+)$/m.exec(result.stdout)?.[1] : undefined;
  if (!host) fail('cannot tell the host target (rustc -vV); pass --target TRIPLE');
  return host;
}

function buildServer(triple, host) {
  const args = ['build', '--release', '--locked', '--bin', 'sps-plugin-ls'];
  if (triple !== host) args.push('--target', triple);
  run('cargo', args, REPO_ROOT);
  const targetDir = process.env.CARGO_TARGET_DIR
    ? path.resolve(REPO_ROOT, process.env.CARGO_TARGET_DIR)
    : path.join(REPO_ROOT, 'target');
  const exe = triple.includes('windows') ? 'sps-plugin-ls.exe' : 'sps-plugin-ls';
  return path.join(targetDir, ...(triple !== host ? [triple] : []), 'release', exe);
}

function vsce(args) {
  const bin = path.join(EXTENSION_DIR, 'node_modules/@vscode/vsce/vsce');
  if (!fs.existsSync(bin)) fail('node_modules is missing: npm ci');
  run(process.execPath, [bin, 'package', '--no-dependencies', ...args], EXTENSION_DIR);
}

const options = parseArgs(process.argv.slice(2));
const { version, name } = JSON.parse(fs.readFileSync(path.join(EXTENSION_DIR, 'package.json'), 'utf8'));
fs.mkdirSync(options.out, { recursive: true });
// A server left over from an earlier run must not end up in this package.
fs.rmSync(SERVER_DIR, { recursive: true, force: true });

if (options.universal) {
  const out = path.join(options.out, `${name}-${version}.vsix`);
  vsce(['--out', out]);
  console.log(`package: ${out} (universal, no server inside)`);
} else {
  const host = hostTriple();
  const triple = options.target ?? host;
  const platform = VSCE_TARGETS[triple];
  if (!platform) fail(`no VS Code platform for ${triple}; known: ${Object.keys(VSCE_TARGETS).join(', ')}`);
  const server = options.server ?? buildServer(triple, host);
  if (!fs.statSync(server, { throwIfNoEntry: false })?.isFile()) fail(`no server binary at ${server}`);
  const exe = triple.includes('windows') ? 'sps-plugin-ls.exe' : 'sps-plugin-ls';
  const out = path.join(options.out, `${name}-${platform}-${version}.vsix`);
  fs.mkdirSync(SERVER_DIR, { recursive: true });
  try {
    fs.copyFileSync(server, path.join(SERVER_DIR, exe));
    fs.chmodSync(path.join(SERVER_DIR, exe), 0o755);
    vsce(['--target', platform, '--out', out]);
  } finally {
    fs.rmSync(SERVER_DIR, { recursive: true, force: true });
  }
  console.log(`package: ${out} (${platform}, server ${server})`);
}
