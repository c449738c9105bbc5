// Which files the server is attached to: MANIFEST and default.cfg anywhere
// (by language), any *.cfg beside a MANIFEST (as the server reads them), and
// Python files only inside a plugin folder, that is a
// folder holding a MANIFEST (the plugin's code is checked; other Python
// projects are not touched).
//
// Kept free of the `vscode` module so that it can be unit-tested with plain
// Node (see src/test/pluginFolders.test.ts).

import * as path from 'path';

export const LANGUAGES = ['sps-manifest', 'sps-plugin-cfg'];

/** What a document filter of the client is made of. */
export interface Filter {
  scheme: string;
  language?: string;
  pattern?: string;
}

/** Glob characters of VS Code's glob syntax, each put inside brackets. */
export function escapeGlob(text: string): string {
  return text.replace(/[[\]{}*?]/g, (c) => `[${c}]`);
}

/** The plugin folders: the folders of the given MANIFEST files, outermost first, no repeats. */
export function pluginFolders(manifests: string[]): string[] {
  const folders = new Set<string>();
  for (const manifest of manifests) {
    if (path.basename(manifest) === 'MANIFEST') {
      folders.add(path.dirname(manifest));
    }
  }
  return [...folders].sort();
}

function globOf(folder: string): string {
  return escapeGlob(folder.split(path.sep).join('/').replace(/\/+$/, ''));
}

/** A glob matching the `.py` files at any depth below `folder`. */
export function pythonPattern(folder: string): string {
  return `${globOf(folder)}/**/*.py`;
}

/** A glob matching the `.cfg` files beside the MANIFEST (the server reads them as configuration). */
export function cfgPattern(folder: string): string {
  return `${globOf(folder)}/*.cfg`;
}

/** The client's document selector for these plugin folders. */
export function documentFilters(folders: string[]): Filter[] {
  return [
    ...LANGUAGES.flatMap((language) => [
      { scheme: 'file', language },
      { scheme: 'untitled', language },
    ]),
    ...folders.flatMap((folder) => [
      { scheme: 'file', language: 'python', pattern: pythonPattern(folder) },
      { scheme: 'file', pattern: cfgPattern(folder) },
    ]),
  ];
}

/** `true` when two lists of folders are the same. */
export function sameFolders(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((f, i) => f === b[i]);
}
