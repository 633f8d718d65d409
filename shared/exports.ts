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
