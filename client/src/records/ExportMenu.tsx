import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExportName } from '../../../shared/exports.ts';
import { exportUrl } from '../api/records.ts';

const GROUPS: { group: 'draft' | 'changelog' | 'responses' | 'annotations'; files: ExportName[] }[] = [
  { group: 'draft', files: ['draft.md', 'draft.html', 'draft.docx'] },
  { group: 'changelog', files: ['changelog.json', 'changelog.csv'] },
  { group: 'responses', files: ['responses.csv', 'responses.docx'] },
  { group: 'annotations', files: ['annotations.jsonld'] },
];

/** "Export": a disclosure with the draft's downloads, grouped by what they contain. */
export function ExportMenu({ draftId }: { draftId: string }) {
  const { t } = useTranslation();
  const menu = useRef<HTMLDetailsElement>(null);
  // A disclosure stays open until toggled; a menu is expected to close on a click elsewhere or Escape.
  useEffect(() => {
    const close = (event: Event) => {
      const details = menu.current;
      if (!details?.open) return;
      if (event instanceof KeyboardEvent) {
        if (event.key !== 'Escape') return;
        details.open = false;
        details.querySelector('summary')?.focus();
      } else if (!details.contains(event.target as Node)) {
        details.open = false;
      }
    };
    document.addEventListener('click', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('click', close);
      document.removeEventListener('keydown', close);
    };
  }, []);
  return (
    <details className="export-menu" ref={menu} data-testid="export-menu">
      <summary className="record-link">{t('records.export')}</summary>
      <div className="export-panel">
        {GROUPS.map(({ group, files }) => (
          <div key={group} className="export-group">
            <p id={`export-${draftId}-${group}`} className="export-group-title">
              {t(`exports.groups.${group}`)}
            </p>
            <ul className="export-list" aria-labelledby={`export-${draftId}-${group}`}>
              {files.map((file) => (
                <li key={file}>
                  <a href={exportUrl(draftId, file)} download className="export-link">
                    <span>{t(`exports.files.${fileKey(file)}`)}</span>
                    <span className="export-file">{file}</span>
                  </a>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </div>
    </details>
  );
}

/** `draft.md` → `draft_md`: a catalogue key without the dot i18next reads as nesting. */
function fileKey(file: ExportName) {
  return file.replace('.', '_') as 'draft_md';
}
