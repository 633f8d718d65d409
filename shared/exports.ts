/** The files `GET /api/drafts/:draftId/export/<name>` serves, by name. */
export const EXPORT_NAMES = [
  'draft.md',
  'draft.html',
  'draft.docx',
  'changelog.json',
  'changelog.csv',
  'responses.csv',
  'responses.docx',
  'annotations.jsonld',
] as const;
export type ExportName = (typeof EXPORT_NAMES)[number];

export function isExportName(name: string): name is ExportName {
  return (EXPORT_NAMES as readonly string[]).includes(name);
}

/** The name a draft's export is downloaded under (the `Content-Disposition` filename): `<draftId>-<name>`. */
export function exportFileName(draftId: string, name: ExportName): string {
  return `${draftId}-${name}`;
}

/**
 * The change-log verifier as one self-contained file that runs with plain `node`: built by
 * `npm run build` beside the client, served at `/<VERIFIER_FILE>`, linked from History.
 */
export const VERIFIER_FILE = 'verify-log.mjs';
