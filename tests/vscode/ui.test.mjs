// The VS Code extension (editors/vscode), tested inside a real VS Code:
// code-server served on 127.0.0.1 and driven through its own UI by headless
// Chromium (playwright-core). The extension installed is the platform package
// with the server inside (scripts/build-release makes it); no server path is
// set and none is on the extension host's PATH, as for a user who installed
// only the package. Run tests/vscode/setup.sh and scripts/build-release once,
// then:
//
//   node tests/vscode/ui.test.mjs
//
// `cargo test --test editors vscode_in_code_server` runs it too.
//
// Environment (all optional):
//   SPS_VSIX              extension to install (default target/dist/<name>-linux-x64-<version>.vsix)
//   SPS_NODE24            Node 24 for code-server (default .tools/node24/node-bin/node)
//   SPS_CODE_SERVER       code-server package  (default .tools/code-server/node_modules/code-server)
//   CHROMIUM              browser              (default /usr/bin/chromium)
//   SPS_VSCODE_ARTIFACTS  where screenshots and logs go (default target/vscode-ui)
//   SPS_KEEP_TEST_DIRS    keep the temporary folders
//
// Nothing leaves the machine: code-server and Chromium get an HTTP(S) proxy on
// 127.0.0.1 that refuses and records every request, and the test fails if any
// was made. The user settings turn off telemetry, update checks, experiments,
// AI features and welcome pages.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EXTENSION_DIR = path.join(ROOT, 'editors/vscode');
const NODE24 = process.env.SPS_NODE24 || path.join(ROOT, '.tools/node24/node-bin/node');
const CODE_SERVER =
  process.env.SPS_CODE_SERVER || path.join(ROOT, '.tools/code-server/node_modules/code-server');
// Debian's /usr/bin/chromium is a wrapper script that adds Google API keys
// (and with them sign-in and autofill requests): the binary itself is used.
const CHROMIUM =
  process.env.CHROMIUM ||
  ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => fs.existsSync(p)) ||
  '/usr/bin/chromium';
const ARTIFACTS = process.env.SPS_VSCODE_ARTIFACTS || path.join(ROOT, 'target/vscode-ui');
const DOCS_SCREENSHOT = path.join(ROOT, 'docs/vscode-problems.png');
const BOGUS_SERVER = '/nonexistent/sps-plugin-ls';
const PLUGIN_TYPES = ['aa', 'configuration_sync', 'credentialstore', 'signingca'];
const CHROMIUM_DISABLED_FEATURES = [
  // Playwright's own list (kept: a --disable-features argument replaces it).
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  // Autofill asks content-autofill.googleapis.com about every form field.
  'AutofillServerCommunication',
];

// Bounds: every wait has one, and so has each test.
const STEP_MS = 30_000;
const STARTUP_MS = 90_000;
const TEST_MS = 120_000;

const t0 = Date.now();
function log(message) {
  process.stderr.write(`[vscode-ui +${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}\n`);
}

// ---------------------------------------------------------------------------
// The plugin opened in VS Code

const BROKEN_MANIFEST = `name: Hello_UI
description: Plugin opened in VS Code by tests/vscode
type: aaa
api: '1.9'
entry_point: main.py
`;
// Line numbers in BROKEN_MANIFEST (1-based).
const TYPE_LINE = 3;
const API_LINE = 4;

const MAIN_PY = `#!/usr/bin/env pluginwrapper3
from safeguard.sessions.plugin import AAPlugin as Plugin
`;

const BROKEN_CFG = `[logging]
log_level=loud
`;

// ---------------------------------------------------------------------------
// Processes

const children = new Set();

/** Linux: every descendant of `pid`, children first. */
function descendants(pid) {
  const parentOf = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: skip past the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parentOf.set(Number(entry), Number(fields[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const out = [];
  const visit = (p) => {
    for (const [child, parent] of parentOf) {
      if (parent === p) {
        visit(child);
        out.push(child);
      }
    }
  };
  visit(pid);
  return out;
}

function killTree(pid) {
  let pids = [];
  try {
    pids = descendants(pid);
  } catch {
    // No /proc: only the process itself.
  }
  for (const p of [...pids, pid]) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** The language servers code-server has started (their pids). */
function serverPids(codeServerPid) {
  return descendants(codeServerPid).filter((p) => {
    try {
      const exe = fs.readlinkSync(`/proc/${p}/exe`);
      return path.basename(exe).startsWith('sps-plugin-ls');
    } catch {
      return false;
    }
  });
}

process.on('exit', () => {
  for (const child of children) killTree(child.pid);
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => process.exit(130));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function until(what, fn, timeoutMs = STEP_MS, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(
        `timed out after ${timeoutMs / 1000} s waiting for ${what} (last: ${detail})`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A proxy that refuses everything and remembers what was asked for. */
function startTrapProxy(who, attempts) {
  const srv = http.createServer((req, res) => {
    attempts.push(`${who}: ${req.method} ${req.url}`);
    res.writeHead(403).end('sps-plugin-ls test: no network');
  });
  srv.on('connect', (req, socket) => {
    attempts.push(`${who}: CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  return new Promise((resolve) => {
    srv.listen(0, '127.0.0.1', () => resolve({ srv, port: srv.address().port }));
  });
}

// ---------------------------------------------------------------------------
// The extension package

function platformVsix() {
  const pkg = JSON.parse(fs.readFileSync(path.join(EXTENSION_DIR, 'package.json'), 'utf8'));
  const vsix =
    process.env.SPS_VSIX || path.join(ROOT, 'target/dist', `${pkg.name}-linux-x64-${pkg.version}.vsix`);
  assert.ok(fs.existsSync(vsix), `${vsix} does not exist: run scripts/build-release`);
  return { vsix, version: pkg.version };
}

// ---------------------------------------------------------------------------
// Set-up shared by the tests

let tmp;
let pluginDir;
let userDataDir;
let codeServer;
let codeServerLog = '';
const networkAttempts = [];
const workbenchRequests = [];
let trapCodeServer;
let trapChromium;
let browser;
let page;
let chromiumModule;
let serverVersion;

function codeServerArgs(...extra) {
  return [
    path.join(CODE_SERVER, 'out/node/entry.js'),
    '--config', path.join(tmp, 'code-server.yaml'),
    '--user-data-dir', userDataDir,
    '--extensions-dir', path.join(tmp, 'extensions'),
    ...extra,
  ];
}

function codeServerEnv() {
  const proxy = `http://127.0.0.1:${trapCodeServer.port}`;
  const env = {
    ...process.env,
    PATH: `${path.dirname(NODE24)}:${process.env.PATH}`,
    HOME: path.join(tmp, 'home'),
    XDG_CONFIG_HOME: path.join(tmp, 'home/.config'),
    XDG_DATA_HOME: path.join(tmp, 'home/.local/share'),
    XDG_CACHE_HOME: path.join(tmp, 'home/.cache'),
    HTTP_PROXY: proxy,
    HTTPS_PROXY: proxy,
    http_proxy: proxy,
    https_proxy: proxy,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    // No extension gallery (code-server's default is open-vsx.org): a closed local port.
    EXTENSIONS_GALLERY: '{"serviceUrl":"http://127.0.0.1:9/none"}',
  };
  // Not meant for a server started from a terminal of another VS Code.
  for (const key of Object.keys(env)) {
    if (key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE') delete env[key];
  }
  return env;
}

const USER_SETTINGS = {
  // No outside connection, no AI agent.
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'telemetry.feedback.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.settings.enableNaturalLanguageSearch': false,
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'npm.fetchOnlinePackageInfo': false,
  'typescript.disableAutomaticTypeAcquisition': true,
  'git.enabled': false,
  'git.autofetch': false,
  'http.proxySupport': 'off',
  // No welcome page, walkthrough, tips or trust prompt.
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'window.restoreWindows': 'none',
  // Deterministic editing: suggestions only on Ctrl+Space.
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.suggestOnTriggerCharacters': false,
  'editor.acceptSuggestionOnCommitCharacter': false,
  'editor.autoClosingQuotes': 'never',
  'editor.hover.delay': 300,
  'editor.minimap.enabled': false,
  'files.autoSave': 'off',
  // The README's fix all on save.
  '[sps-manifest]': { 'editor.codeActionsOnSave': { 'source.fixAll.sps-plugin-ls': 'explicit' } },
};

function writeSettings(kind, settings) {
  const file = path.join(userDataDir, kind, 'settings.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(settings, null, 2) + '\n');
}

/**
 * `spsPluginLs.server.path` has the scope `machine-overridable`: in a remote
 * window, and code-server's is one, VS Code ignores it in the User settings
 * and reads it from the Remote settings (`<user-data-dir>/Machine/`).
 */
function writeServerPath(serverPath) {
  writeSettings('Machine', { 'spsPluginLs.server.path': serverPath });
}

/** The log file of the extension's output channel, if written yet. */
function extensionLog() {
  const found = [];
  const walk = (dir) => {
    let entries = [];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.includes('SPS Plugin Language Server')) found.push(full);
    }
  };
  walk(path.join(userDataDir, 'logs'));
  return found.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
}

async function snapshot(name) {
  if (!page) return;
  try {
    const file = path.join(ARTIFACTS, `${name}.png`);
    await page.screenshot({ path: file });
    log(`screenshot: ${file}`);
  } catch (err) {
    log(`no screenshot ${name}: ${err.message}`);
  }
}

/** Runs a test body; on failure adds a screenshot and the logs. */
function uiTest(name, body) {
  test(name, { timeout: TEST_MS }, async () => {
    log(`-- ${name}`);
    try {
      await body();
      log(`ok: ${name}`);
    } catch (err) {
      await snapshot(`failure-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`);
      const notifications = await notificationTexts().catch(() => []);
      err.message +=
        `\n--- notifications ---\n${notifications.join('\n')}` +
        `\n--- extension output (tail) ---\n${extensionLog().slice(-3000)}` +
        `\n--- code-server output (tail) ---\n${codeServerLog.slice(-3000)}`;
      throw err;
    }
  });
}

before(
  async () => {
    try {
      await setUp();
    } catch (err) {
      await snapshot('failure-setup');
      err.message += `\n--- code-server output (tail) ---\n${codeServerLog.slice(-4000)}`;
      throw err;
    }
  },
  { timeout: 2 * STARTUP_MS + 120_000 },
);

async function setUp() {
  for (const [what, file] of [
    ['Node 24 (tests/vscode/setup.sh)', NODE24],
    ['code-server (tests/vscode/setup.sh)', path.join(CODE_SERVER, 'out/node/entry.js')],
    ['Chromium (tests/vscode/setup.sh)', CHROMIUM],
  ]) {
    assert.ok(fs.existsSync(file), `${what} is missing: ${file}`);
  }
  try {
    chromiumModule = (await import('playwright-core')).chromium;
  } catch (err) {
    throw new Error(`playwright-core is missing (tests/vscode/setup.sh): ${err.message}`);
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const old of fs.readdirSync(ARTIFACTS)) {
    if (old.startsWith('failure-')) fs.rmSync(path.join(ARTIFACTS, old), { force: true });
  }

  const { vsix, version } = platformVsix();
  serverVersion = version;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sps-vscode-ui-'));
  log(`temporary folder ${tmp}`);
  pluginDir = path.join(tmp, 'hello-ui');
  userDataDir = path.join(tmp, 'user-data');
  fs.mkdirSync(pluginDir, { recursive: true });
  fs.mkdirSync(path.join(tmp, 'home/.config'), { recursive: true });
  fs.writeFileSync(path.join(pluginDir, 'MANIFEST'), BROKEN_MANIFEST);
  fs.writeFileSync(path.join(pluginDir, 'main.py'), MAIN_PY);
  fs.writeFileSync(path.join(pluginDir, 'default.cfg'), BROKEN_CFG);
  fs.writeFileSync(path.join(tmp, 'code-server.yaml'), 'auth: none\n');
  writeSettings('User', USER_SETTINGS);
  trapCodeServer = await startTrapProxy('code-server', networkAttempts);
  trapChromium = await startTrapProxy('chromium', networkAttempts);

  log(`installing ${path.relative(ROOT, vsix)}`);
  const install = spawnSync(NODE24, codeServerArgs('--install-extension', vsix, '--force'), {
    env: codeServerEnv(),
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(
    install.status,
    0,
    `code-server --install-extension failed:\n${install.stdout}\n${install.stderr}`,
  );
  const installed = install.stdout + install.stderr;
  assert.match(installed, /successfully installed/i, installed);

  const port = await freePort();
  log(`starting code-server on 127.0.0.1:${port}`);
  codeServer = spawn(
    NODE24,
    codeServerArgs(
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--disable-proxy',
      '--ignore-last-opened',
    ),
    { env: codeServerEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(codeServer);
  const append = (chunk) => {
    codeServerLog += chunk;
  };
  codeServer.stdout.setEncoding('utf8').on('data', append);
  codeServer.stderr.setEncoding('utf8').on('data', append);
  let exited = null;
  codeServer.on('exit', (code, signal) => {
    exited = `code-server exited (${code ?? signal})`;
  });
  const base = `http://127.0.0.1:${port}`;
  await until(
    'code-server to answer /healthz',
    async () => {
      if (exited) throw new Error(`${exited}\n${codeServerLog}`);
      const res = await fetch(`${base}/healthz`);
      return res.ok;
    },
    STARTUP_MS,
  );

  log('launching Chromium');
  browser = await chromiumModule.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      // Chromium's own services: off, or pointed at a closed local port.
      // (This list replaces Playwright's --disable-features, so it repeats it.)
      `--disable-features=${CHROMIUM_DISABLED_FEATURES.join(',')}`,
      '--gaia-url=http://127.0.0.1:9',
      '--google-apis-url=http://127.0.0.1:9',
      '--lso-url=http://127.0.0.1:9',
      '--variations-server-url=http://127.0.0.1:9',
      '--component-updater=url-source=http://127.0.0.1:9',
      '--disable-client-side-phishing-detection',
      '--disable-domain-reliability',
      '--no-pings',
      // Whatever is left goes to the trap.
      `--proxy-server=http://127.0.0.1:${trapChromium.port}`,
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
  // Requests of the workbench itself (pages and workers), not of Chromium.
  context.on('request', (request) => {
    const url = request.url();
    const network = /^(https?|wss?):/.test(url);
    const local = /^(https?|wss?):\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(url);
    if (network && !local) {
      workbenchRequests.push(`${request.method()} ${url}`);
    }
  });
  page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.on('pageerror', (err) => log(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') log(`browser console: ${msg.text().slice(0, 300)}`);
  });

  log(`opening ${base}/?folder=${pluginDir}`);
  await page.goto(`${base}/?folder=${encodeURIComponent(pluginDir)}`, { timeout: STARTUP_MS });
  await page.locator('.explorer-folders-view').waitFor({ timeout: STARTUP_MS });
  await page.getByRole('treeitem', { name: 'MANIFEST' }).waitFor({ timeout: STARTUP_MS });
  log('workbench loaded');
}

after(async () => {
  log('cleaning up');
  try {
    await browser?.close();
  } catch {
    // Killed below anyway.
  }
  if (codeServer) {
    killTree(codeServer.pid);
    children.delete(codeServer);
  }
  trapCodeServer?.srv.close();
  trapChromium?.srv.close();
  if (tmp && !process.env.SPS_KEEP_TEST_DIRS) {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  log('done');
});

// ---------------------------------------------------------------------------
// UI helpers

// code-server runs here on Linux, so the workbench uses the Linux keybindings.
const mod = 'Control';

async function problemsLabel() {
  return (await page.locator('[id="status.problems"]').getAttribute('aria-label')) ?? '';
}

async function notificationTexts() {
  if (!page) return [];
  return page.locator('.notification-list-item-message').allTextContents();
}

async function openFile(name) {
  // Exactly the explorer's item: the Problems panel's items name files too.
  await page.getByRole('treeitem', { name, exact: true }).click();
  const tab = page.locator('.tabs-container .tab.active');
  await until(`the editor tab ${name}`, async () =>
    (await tab.getAttribute('aria-label'))?.startsWith(name),
  );
  // Give the editor the focus.
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
}

async function runCommand(title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

async function goToLine(line) {
  await page.keyboard.press(`${mod}+g`);
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

async function editorText() {
  // Monaco renders spaces as no-break spaces, and lines in any DOM order.
  const text = await page
    .locator('.editor-group-container.active .monaco-editor .view-lines')
    .innerText();
  return text.replace(/\u00a0/g, ' ');
}

/** The rows of the Problems panel (opened with Ctrl+Shift+M). */
async function problemRows() {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible())) {
    await page.keyboard.press(`${mod}+Shift+M`);
    await panel.waitFor();
  }
  return panel.locator('.monaco-list-row').allInnerTexts();
}

// ---------------------------------------------------------------------------
// The tests, in order: each leaves the window as the next one expects.

uiTest('broken MANIFEST: errors with the server codes in the Problems panel', async () => {
  await openFile('MANIFEST');
  // The first diagnostics wait for the extension and the server to start.
  // Two errors of the MANIFEST, and one of default.cfg, which is not open:
  // the workspace's files have diagnostics (pulled, `diagnostics.scope`).
  await until(
    'the status bar to count 3 errors',
    async () => /Errors: 3\b/.test(await problemsLabel()),
    STARTUP_MS,
  );
  let rows = [];
  await until('manifest/invalid-type, manifest/missing-key and the closed default.cfg\'s config/invalid-enum in the Problems panel', async () => {
    rows = await problemRows();
    const text = rows.join('\n');
    return (
      text.includes('manifest/invalid-type') &&
      text.includes('manifest/missing-key') &&
      text.includes('config/invalid-enum')
    );
  });
  log(`problems: ${JSON.stringify(rows)}`);
  assert.ok(rows.some((r) => r.includes('version')), `missing-key should name version: ${rows}`);
  // Back to the editor, the panel stays open for the screenshot.
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
  await goToLine(TYPE_LINE);
  const shot = path.join(ARTIFACTS, 'vscode-problems.png');
  // Let transient status bar items ("Activating Extensions...") go; not an error.
  await until(
    'a quiet status bar',
    async () => !(await page.locator('.statusbar').innerText()).includes('Activating'),
    10_000,
  ).catch(() => {});
  await page.waitForTimeout(500); // let the cursor and squiggles settle
  await page.screenshot({ path: shot });
  log(`screenshot with the Problems panel: ${shot}`);
  // The README shows this picture: every run writes it, so it cannot go
  // stale (tests/editors checks that it is this run's).
  fs.mkdirSync(path.dirname(DOCS_SCREENSHOT), { recursive: true });
  fs.copyFileSync(shot, DOCS_SCREENSHOT);
  log(`wrote ${path.relative(ROOT, DOCS_SCREENSHOT)}`);
});

uiTest('the server inside the package runs; none is set and none is on PATH', async () => {
  const pids = serverPids(codeServer.pid);
  assert.equal(pids.length, 1, `one language server should run, found ${pids}`);
  const exe = fs.readlinkSync(`/proc/${pids[0]}/exe`);
  assert.ok(
    exe.startsWith(path.join(tmp, 'extensions') + path.sep) && exe.endsWith('/server/sps-plugin-ls'),
    `the server runs from the installed package: ${exe}`,
  );
  // The PATH the extension host really has (code-server sets it from the
  // login shell): the server's own environment is inherited from it.
  const environ = fs.readFileSync(`/proc/${pids[0]}/environ`, 'utf8').split('\0');
  const hostPath = (environ.find((e) => e.startsWith('PATH=')) ?? 'PATH=').slice(5);
  const onPath = hostPath
    .split(':')
    .filter((d) => d)
    .map((d) => path.join(d, 'sps-plugin-ls'))
    .filter((f) => fs.existsSync(f));
  assert.deepEqual(onPath, [], `no sps-plugin-ls on the extension host's PATH=${hostPath}`);
  assert.ok(!fs.existsSync(path.join(userDataDir, 'Machine/settings.json')), 'no server path is set');
  await until('the output channel to name the bundled server and its version', async () =>
    extensionLog().includes(`Language server started: sps-plugin-ls ${serverVersion}, ${exe} (bundled with the extension)`),
  );
  log(`server ${exe}; extension host PATH=${hostPath}`);
});

/** Opens the language status hover ({} in the status bar) and returns its text. */
async function languageStatus(needle) {
  const hover = page
    .locator('.workbench-hover, .monaco-hover')
    .filter({ hasText: 'sps-plugin-ls' })
    .first();
  let text = '';
  await until(`the language status hover showing ${JSON.stringify(needle)}`, async () => {
    if (!(await hover.isVisible())) {
      await page.locator('[id="status.languageStatus"]').click();
      await hover.waitFor({ timeout: 5_000 });
    }
    text = (await hover.innerText()).replace(/\s+/g, ' ');
    return text.includes(needle);
  });
  return { hover, text };
}

uiTest('the language status item: version, Restart and Show Log; also on the plugin .py', async () => {
  const { hover, text } = await languageStatus(`sps-plugin-ls ${serverVersion}`);
  log(`language status: ${JSON.stringify(text)}`);
  for (const needle of ['bundled with the extension', 'Restart', 'Show Log']) {
    assert.ok(text.includes(needle), `the language status lacks ${JSON.stringify(needle)}: ${text}`);
  }
  await hover.getByText('Show Log', { exact: true }).first().click();
  await until('the output panel showing the server log', async () =>
    /Language\s+server\s+started/.test(await page.locator('.part.panel').first().innerText()),
  );
  await page.keyboard.press('Escape');
  // The plugin's Python file gets the server too (its status item shows).
  await openFile('main.py');
  await languageStatus(`sps-plugin-ls ${serverVersion}`);
  await page.keyboard.press('Escape');
  await openFile('MANIFEST');
  await page.keyboard.press('Escape');
  await hover.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {});
});

uiTest('completion after `type: ` lists the plugin types', async () => {
  await goToLine(TYPE_LINE);
  await page.keyboard.press('End');
  await page.keyboard.press(`${mod}+Shift+ArrowLeft`); // selects `aaa`
  await page.keyboard.press('Backspace');
  const widget = page.locator('.suggest-widget.visible');
  let labels = [];
  await until('the plugin types in the suggestion list', async () => {
    if (!(await widget.isVisible())) {
      await page.keyboard.press(`${mod}+Space`); // Trigger Suggest
      await widget.waitFor({ timeout: 5_000 });
    }
    labels = (await widget.locator('.monaco-list-row .label-name').allInnerTexts()).map((l) =>
      l.trim(),
    );
    return PLUGIN_TYPES.every((t) => labels.includes(t));
  });
  log(`completion: ${JSON.stringify(labels)}`);
  await page.keyboard.press('Escape');
  await widget.waitFor({ state: 'hidden' });
});

uiTest('hover on `api` shows its documentation', async () => {
  await page.keyboard.press('Escape');
  await goToLine(API_LINE);
  await page.keyboard.press('Home');
  const hover = page.locator(
    '.monaco-hover:visible .monaco-hover-content, .monaco-hover:visible .hover-contents',
  );
  let text = '';
  await until('the hover with the documentation of api', async () => {
    if ((await hover.count()) === 0) {
      // Show or Focus Hover: Ctrl+K Ctrl+I.
      await page.keyboard.press(`${mod}+k`);
      await page.keyboard.press(`${mod}+i`);
      await hover.first().waitFor({ timeout: 5_000 });
    }
    text = (await hover.allInnerTexts()).join('\n');
    return /plugin API version/i.test(text);
  });
  log(`hover: ${JSON.stringify(text.slice(0, 200))}`);
  await page.keyboard.press('Escape');
});

uiTest('typing the fix clears the errors', async () => {
  // `type: ` was left empty by the completion test.
  await goToLine(TYPE_LINE);
  await page.keyboard.press('End');
  await page.keyboard.type('aa');
  await page.keyboard.press('Escape');
  // The missing version, as a new first line.
  await page.keyboard.press(`${mod}+Home`);
  await page.keyboard.press('Enter');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.type('version: 1.0.0');
  await page.keyboard.press('Escape');
  const text = await editorText();
  assert.match(text, /version: 1\.0\.0/, `the editor shows:\n${text}`);
  assert.match(text, /type: aa\b/, `the editor shows:\n${text}`);
  await until('the MANIFEST errors to clear', async () => {
    const rows = await problemRows();
    return !rows.some((r) => r.includes('manifest/'));
  });
  log(`status bar: ${await problemsLabel()}`);
});

uiTest('saving the MANIFEST applies its safe fixes (source.fixAll.sps-plugin-ls on save)', async () => {
  // `version: 1.10` would be read as the number 1.1: the safe fix quotes it.
  await goToLine(1);
  await page.keyboard.press('Home');
  await page.keyboard.press('Shift+End');
  await page.keyboard.type('version: 1.10');
  await page.keyboard.press('Escape');
  await until('manifest/number-changes-text in the Problems panel', async () =>
    (await problemRows()).some((r) => r.includes('manifest/number-changes-text')),
  );
  await page.keyboard.press(`${mod}+s`);
  await until("the fix applied on save: version: '1.10'", async () =>
    fs.readFileSync(path.join(pluginDir, 'MANIFEST'), 'utf8').includes("version: '1.10'"),
  );
  assert.match(await editorText(), /version: '1\.10'/);
  await until('the warning to clear', async () =>
    !(await problemRows()).some((r) => r.includes('manifest/number-changes-text')),
  );
});

uiTest('default.cfg opens as sps-plugin-cfg with its diagnostics', async () => {
  await openFile('default.cfg');
  const mode = page.locator('[id="status.editor.mode"]');
  await until('the status bar language SPS Plugin Configuration', async () =>
    /SPS Plugin Configuration/.test(await mode.innerText()),
  );
  let rows = [];
  await until('config diagnostics for default.cfg', async () => {
    rows = await problemRows();
    return rows.some((r) => r.includes('config/invalid-enum'));
  });
  log(`problems: ${JSON.stringify(rows)}`);
  // The language picker names the language id.
  await mode.click();
  await page.locator('.quick-input-widget input').fill('SPS Plugin');
  const current = page.locator('.quick-input-widget .monaco-list-row', {
    hasText: 'SPS Plugin Configuration',
  });
  await until('the language picker to show (sps-plugin-cfg)', async () =>
    (await current.allInnerTexts()).some((t) => t.includes('(sps-plugin-cfg)')),
  );
  await page.keyboard.press('Escape');
});

uiTest('the restart command restarts the server', async () => {
  const before = serverPids(codeServer.pid);
  assert.equal(before.length, 1, `one language server should run, found ${before}`);
  await runCommand('SPS Plugin: Restart Language Server');
  let after = [];
  await until('a new language server process', async () => {
    after = serverPids(codeServer.pid);
    return after.length === 1 && after[0] !== before[0];
  });
  await until('the extension to log the restart', async () =>
    /Restart requested[\s\S]*Language server started/.test(extensionLog()),
  );
  // The new server works: default.cfg's diagnostics come back after an edit.
  await goToLine(2);
  await page.keyboard.press('End');
  await page.keyboard.type('er');
  await until('config/invalid-enum for `louder`', async () =>
    (await problemRows()).some((r) => r.includes('config/invalid-enum') && r.includes('louder')),
  );
  log(`server pid ${before[0]} -> ${after[0]}`);
});

// ---- Python diagnostics (issue 12) ----------------------------------------
// A .py of the plugin's code (a module of its `lib` package)
// with a syntax error shows python/syntax-error in the Problems panel.
// The files are written after the server walked the plugin, into a new
// folder, where VS Code's watcher may miss them: opening one is enough.

uiTest('a plugin .py with a syntax error: python/syntax-error (issue 12)', async () => {
  fs.mkdirSync(path.join(pluginDir, 'lib'), { recursive: true });
  fs.writeFileSync(path.join(pluginDir, 'lib/__init__.py'), '');
  fs.writeFileSync(path.join(pluginDir, 'lib/broken.py'), 'def broken(:\n    pass\n');
  await page.keyboard.press(`${mod}+p`); // Quick Open
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill('broken.py');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'broken.py' }).first().waitFor();
  await page.keyboard.press('Enter');
  await until('python/syntax-error for broken.py', async () =>
    (await problemRows()).some((r) => r.includes('python/syntax-error')),
  );
});

// ---- Rename across default.cfg and the code (issue 26) --------------------
// F2 on an option in default.cfg renames it in the code that reads it too.
// broken.py goes first: its syntax error leaves the code's reads
// incomplete, and rename would refuse.

uiTest('renaming an option in default.cfg renames it in the .py that reads it (issue 26)', async () => {
  // broken.py goes: deleted, and its tab closed. (Its finding may stay in
  // the Problems panel: when VS Code has a pull of the file in flight as it
  // closes it, vscode-languageclient keeps that result as a document
  // result, which no workspace report replaces and no later pull asks for.
  // The server's part, clearing the file in every pull it is asked, is
  // held by the e2e tests `a_workspace_pull_clears_…` and
  // `a_closed_file_deleted_without_a_file_event_…`.)
  fs.unlinkSync(path.join(pluginDir, 'lib/broken.py'));
  const brokenTab = page.locator('.tabs-container .tab', { hasText: 'broken.py' });
  // A middle click closes that tab (a deleted, unmodified file: no question).
  await brokenTab.first().click({ button: 'middle' });
  await brokenTab.first().waitFor({ state: 'detached' });

  const greet = path.join(pluginDir, 'lib/greet.py');
  fs.writeFileSync(
    greet,
    'def greeting(plugin_configuration):\n' +
      '    return plugin_configuration.get("hello", "greeting", default="hi")\n',
  );
  // From the explorer: Quick Open's file list may not have it yet.
  await until('greet.py in the explorer', async () =>
    (await page.getByRole('treeitem', { name: 'greet.py', exact: true }).count()) > 0,
  );
  await openFile('greet.py');

  await openFile('default.cfg');
  await page.keyboard.press(`${mod}+End`);
  // insertText: no key events, so no auto-closed `]`.
  await page.keyboard.insertText('\n\n[hello]\ngreeting=hi');
  await page.keyboard.press('Home');
  await page.keyboard.press('F2');
  const box = page.locator('.rename-box input, .rename-input');
  await box.first().waitFor({ timeout: STEP_MS });
  await until('the rename box to offer `greeting`', async () =>
    (await box.first().inputValue()) === 'greeting',
  );
  await box.first().fill('salutation');
  await box.first().press('Enter');
  await until('default.cfg to read salutation=hi', async () =>
    (await editorText()).includes('salutation=hi'),
  );
  await runCommand('File: Save All');
  await until('lib/greet.py on disk to read "salutation"', async () =>
    fs.readFileSync(greet, 'utf8').includes('"salutation"'),
  );
  const code = fs.readFileSync(greet, 'utf8');
  log(`greet.py after the rename: ${JSON.stringify(code)}`);
  assert.ok(!code.includes('"greeting"'), code);
  assert.match(fs.readFileSync(path.join(pluginDir, 'default.cfg'), 'utf8'), /^salutation=hi$/m);
});

uiTest('a server path that does not exist: a notification says how to fix it', async () => {
  writeServerPath(BOGUS_SERVER);
  const toast = page.locator('.notification-toast', { hasText: BOGUS_SERVER });
  // Changing the setting restarts the server on its own.
  await toast.first().waitFor({ timeout: STEP_MS });
  let text = (await toast.first().innerText()).replace(/\s+/g, ' ');
  log(`notification: ${JSON.stringify(text)}`);
  for (const needle of [
    'spsPluginLs.server.path',
    'does not exist or is not an executable file',
    'Fix the setting',
    'cargo install --path server',
    'Open Settings',
    // code-server's window is a remote one: the setting belongs in the Remote settings.
    'Remote settings',
  ]) {
    assert.ok(text.includes(needle), `the notification lacks ${JSON.stringify(needle)}: ${text}`);
  }
  await until('no language server process', async () => serverPids(codeServer.pid).length === 0);

  // So does the restart command.
  await runCommand('Notifications: Clear All Notifications');
  await toast.first().waitFor({ state: 'hidden' });
  await runCommand('SPS Plugin: Restart Language Server');
  await toast.first().waitFor({ timeout: STEP_MS });

  // Its button opens the setting where it can be set: the Remote tab.
  await toast.first().getByRole('button', { name: 'Open Settings' }).click();
  const editor = page.locator('.settings-editor');
  await until('the Settings editor showing spsPluginLs.server.path', async () => {
    const items = await editor.locator('.setting-item-contents').allInnerTexts();
    return items.some((t) => /Server\s*:?\s*Path/i.test(t));
  });
  const activeTab = (
    await editor.locator('.settings-tabs-widget .checked').allInnerTexts()
  ).join(' ');
  log(`settings tab: ${JSON.stringify(activeTab)}`);
  assert.match(activeTab, /Remote/, 'Open Settings should open the Remote settings tab');
  const values = await editor.locator('.setting-item-contents input').evaluateAll((inputs) =>
    inputs.map((i) => i.value),
  );
  assert.ok(values.includes(BOGUS_SERVER), `the setting shows ${JSON.stringify(values)}`);
  await page.keyboard.press('Escape');
});

uiTest('neither code-server nor the workbench tried to reach the network', async () => {
  // The extension gallery is pointed at a closed port on 127.0.0.1: not outside.
  const local = (a) => / (https?:\/\/)?(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/.test(a);
  const fromCodeServer = networkAttempts.filter((a) => a.startsWith('code-server:') && !local(a));
  const localOnes = networkAttempts.filter(local);
  if (localOnes.length > 0) log(`note: refused local requests: ${JSON.stringify(localOnes)}`);
  const fromChromium = networkAttempts.filter((a) => a.startsWith('chromium:'));
  if (fromChromium.length > 0) {
    // Refused by the trap; Chromium's own services are not what is tested.
    log(`note: Chromium itself tried (and was refused): ${JSON.stringify(fromChromium)}`);
  }
  assert.deepEqual(fromCodeServer, [], 'code-server (or an extension) tried to connect outside');
  assert.deepEqual(workbenchRequests, [], 'the VS Code workbench tried to connect outside');
});
