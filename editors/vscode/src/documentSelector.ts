// Which documents the client sends to the server: MANIFEST and default.cfg
// by language, and every *.cfg and Python file on disk. Which of those
// belong to a plugin is the server's business (its plugin model: the
// nearest folder above holding a MANIFEST), as rust-analyzer's client
// leaves crates to its server: a selector built from the plugin folders
// would be a second answer, and a MANIFEST created or deleted would need
// a restart to update it. The server answers nothing for files in no plugin.
//
// Kept free of the `vscode` module so that it can be unit-tested with plain
// Node (see src/test/documentSelector.test.ts).

export const LANGUAGES = ['sps-manifest', 'sps-plugin-cfg'];

/** What a document filter of the client is made of. */
export interface Filter {
  scheme: string;
  language?: string;
  pattern?: string;
}

/** The client's document selector: the same for every workspace. */
export function documentFilters(): Filter[] {
  return [
    ...LANGUAGES.flatMap((language) => [
      { scheme: 'file', language },
      { scheme: 'untitled', language },
    ]),
    { scheme: 'file', language: 'python' },
    { scheme: 'file', pattern: '**/*.cfg' },
  ];
}
