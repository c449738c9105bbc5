// VS Code client for sps-plugin-ls, the language server for One Identity
// Safeguard for Privileged Sessions (SPS) plugin MANIFEST and default.cfg files
// and the Python code of plugin folders (folders holding a MANIFEST).

import * as fs from 'fs';
import * as vscode from 'vscode';
import {
  Executable,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';
import { documentFilters, Filter } from './documentSelector';
import { discoverServer, ServerLocation, SETTING_SERVER_PATH, serverArgs } from './serverPath';
import { serverSettings } from './settings';

const CLIENT_ID = 'spsPluginLs'; // the client reads `spsPluginLs.trace.server` from this id
const CLIENT_NAME = 'SPS Plugin Language Server';
const RESTART_COMMAND = 'spsPluginLs.restartServer';
const SHOW_LOG_COMMAND = 'spsPluginLs.showLog';

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel | undefined;
// The language status items: the server's state and version ("Restart"),
// and its log ("Show Log").
let statusItem: vscode.LanguageStatusItem | undefined;
let logItem: vscode.LanguageStatusItem | undefined;
// Starts, stops and restarts run one after the other.
let queue: Promise<void> = Promise.resolve();

function enqueue(task: () => Promise<void>): Promise<void> {
  queue = queue.then(task, task).catch((err: unknown) => {
    output?.error(`SPS Plugin: ${errorText(err)}`);
  });
  return queue;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function log(): vscode.LogOutputChannel {
  if (output === undefined) {
    output = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
  }
  return output;
}

function selector(): Filter[] {
  return documentFilters();
}

function createStatusItems(context: vscode.ExtensionContext): void {
  statusItem = vscode.languages.createLanguageStatusItem('spsPluginLs.status', selector());
  statusItem.name = CLIENT_NAME;
  statusItem.command = { title: 'Restart', command: RESTART_COMMAND };
  logItem = vscode.languages.createLanguageStatusItem('spsPluginLs.log', selector());
  logItem.name = `${CLIENT_NAME} Log`;
  logItem.text = 'sps-plugin-ls log';
  logItem.command = { title: 'Show Log', command: SHOW_LOG_COMMAND };
  context.subscriptions.push(statusItem, logItem);
  setStatus('starting');
}

type Status =
  | 'starting'
  | { running: string; detail: string }
  | { failed: string };

function setStatus(status: Status): void {
  if (statusItem === undefined || logItem === undefined) {
    return;
  }
  statusItem.selector = selector();
  logItem.selector = selector();
  if (status === 'starting') {
    statusItem.text = 'sps-plugin-ls';
    statusItem.detail = 'starting';
    statusItem.busy = true;
    statusItem.severity = vscode.LanguageStatusSeverity.Information;
  } else if ('running' in status) {
    statusItem.text = status.running;
    statusItem.detail = status.detail;
    statusItem.busy = false;
    statusItem.severity = vscode.LanguageStatusSeverity.Information;
  } else {
    statusItem.text = 'sps-plugin-ls: not running';
    statusItem.detail = status.failed;
    statusItem.busy = false;
    statusItem.severity = vscode.LanguageStatusSeverity.Error;
  }
}

function restart(context: vscode.ExtensionContext, why: string): Promise<void> {
  return enqueue(async () => {
    log().info(why);
    await stopClient();
    await startClient(context);
  });
}

export function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(log());
  createStatusItems(context);

  context.subscriptions.push(
    vscode.commands.registerCommand(SHOW_LOG_COMMAND, () => log().show(true)),
  );

  context.subscriptions.push(
    vscode.commands.registerCommand(RESTART_COMMAND, () => restart(context, 'Restart requested.')),
  );

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('spsPluginLs.server')) {
        void restart(context, 'Server settings changed; restarting the language server.');
      }
    }),
  );

  // Settings restricted in untrusted workspaces become visible once trusted.
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() =>
      enqueue(async () => {
        await stopClient();
        await startClient(context);
      }),
    ),
  );

  return enqueue(() => startClient(context));
}

export function deactivate(): Promise<void> {
  return enqueue(stopClient);
}

function describe(server: ServerLocation): string {
  switch (server.source) {
    case 'setting':
      return `from the "${SETTING_SERVER_PATH}" setting`;
    case 'bundled':
      return 'bundled with the extension';
    case 'path':
      return 'found on PATH';
  }
}

/** A binary unpacked from a VSIX may have lost its executable bit. */
function ensureExecutable(file: string): void {
  if (process.platform === 'win32') {
    return;
  }
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    try {
      fs.chmodSync(file, 0o755);
    } catch (err) {
      log().warn(`Could not make ${file} executable: ${errorText(err)}`);
    }
  }
}

/**
 * The server settings have the scope `machine-overridable`. In a remote
 * window (Remote - SSH, WSL, Dev Containers, code-server...) VS Code ignores
 * such settings in the User settings, and its User tab does not even list
 * them: they belong in the Remote settings, which is where the extension runs.
 */
function remoteName(): string | undefined {
  return vscode.env.remoteName;
}

/** Appended to error messages in a remote window. */
function remoteHint(): string {
  const remote = remoteName();
  if (remote === undefined) {
    return '';
  }
  return (
    ` In this remote window (${remote}), set "${SETTING_SERVER_PATH}" in the Remote settings ` +
    `("Preferences: Open Remote Settings"): VS Code ignores it in the User settings there.`
  );
}

async function showError(message: string): Promise<void> {
  const openSettings = 'Open Settings';
  const showLog = 'Show Log';
  const choice = await vscode.window.showErrorMessage(message, openSettings, showLog);
  if (choice === openSettings) {
    if (remoteName() !== undefined) {
      // This command takes only an options object (a plain string is dropped).
      await vscode.commands.executeCommand('workbench.action.openRemoteSettings', {
        query: SETTING_SERVER_PATH,
      });
    } else {
      await vscode.commands.executeCommand('workbench.action.openSettings', SETTING_SERVER_PATH);
    }
  } else if (choice === showLog) {
    log().show();
  }
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  setStatus('starting');
  const config = vscode.workspace.getConfiguration('spsPluginLs');
  const workspaceFolder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const found = discoverServer({
    configuredPath: config.get<string>('server.path', ''),
    extensionPath: context.extensionPath,
    workspaceFolder,
    env: process.env,
    platform: process.platform,
  });
  if (!found.ok) {
    const message = found.message + remoteHint();
    log().error(message);
    setStatus({ failed: 'not found' });
    void showError(message);
    return;
  }

  const server = found.server;
  if (server.source === 'bundled') {
    ensureExecutable(server.path);
  }
  const args = serverArgs(config.get<unknown>('server.extraArgs', []));
  log().info(`Starting ${server.path} ${args.join(' ')} (${describe(server)}).`);

  const executable: Executable = {
    command: server.path,
    args,
    options: workspaceFolder !== undefined ? { cwd: workspaceFolder } : {},
  };
  const serverOptions: ServerOptions = { run: executable, debug: executable };
  const clientOptions: LanguageClientOptions = {
    // MANIFEST, *.cfg and Python; the server decides what is a plugin's.
    documentSelector: selector(),
    outputChannel: log(),
    traceOutputChannel: log(),
    // The server's settings at start; then it asks for them per workspace
    // folder (`workspace/configuration`) and again on each change.
    initializationOptions: serverSettings((key) => config.get(key)),
    synchronize: { configurationSection: 'spsPluginLs' },
  };

  const newClient = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  client = newClient;
  newClient.onDidChangeState((event) => {
    if (event.newState === State.Stopped && client === newClient) {
      setStatus({ failed: 'stopped' });
    }
  });
  try {
    await newClient.start();
    const info = newClient.initializeResult?.serverInfo;
    const version = `${info?.name ?? 'sps-plugin-ls'} ${info?.version ?? '(version unknown)'}`;
    log().info(`Language server started: ${version}, ${server.path} (${describe(server)}).`);
    setStatus({ running: version, detail: describe(server) });
  } catch (err) {
    const message =
      `SPS Plugin: the language server ${server.path} (${describe(server)}) failed to start: ` +
      `${errorText(err)}. Check "${SETTING_SERVER_PATH}" or reinstall it with ` +
      `"cargo install --path server".` +
      remoteHint();
    log().error(message);
    setStatus({ failed: 'failed to start' });
    void showError(message);
  }
}

async function stopClient(): Promise<void> {
  const current = client;
  client = undefined;
  if (current === undefined) {
    return;
  }
  try {
    if (current.isRunning()) {
      await current.stop();
    }
  } catch (err) {
    log().warn(`Stopping the language server failed: ${errorText(err)}`);
  }
  try {
    await current.dispose();
  } catch {
    // Already stopped.
  }
}
