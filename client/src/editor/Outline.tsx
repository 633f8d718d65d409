import type { Editor } from '@tiptap/core';
import type { Node as PMNode } from '@tiptap/pm/model';
import { useEditorState } from '@tiptap/react';
import { useTranslation } from 'react-i18next';

export interface OutlineHeading {
  level: number;
  text: string;
  /** Position of the heading node in the editor's document. */
  pos: number;
}

/** The headings of a document, in order. */
export function collectHeadings(doc: PMNode): OutlineHeading[] {
  const headings: OutlineHeading[] = [];
  doc.descendants((node, pos) => {
    if (node.type.name === 'heading') {
      headings.push({ level: Number(node.attrs.level) || 1, text: node.textContent, pos });
      return false;
    }
    return node.isBlock; // headings are never inside inline content
  });
  return headings;
}

/** The document's headings as a table of contents; choosing one scrolls the text to it. */
export function Outline({ editor, openThreads }: { editor: Editor; openThreads?: Map<string, number> }) {
  const { t } = useTranslation();
  const headings = useEditorState({
    editor,
    selector: ({ editor: current }) => collectHeadings(current.state.doc),
  });

  const jump = (heading: OutlineHeading) => {
    const element = editor.view.nodeDOM(heading.pos);
    if (element instanceof HTMLElement) {
      element.scrollIntoView({ behavior: 'smooth', block: 'start' });
      element.classList.add('flash');
      window.setTimeout(() => element.classList.remove('flash'), 1200);
    }
    editor.commands.setTextSelection(heading.pos + 1);
  };

  if (headings.length === 0) return <p className="muted">{t('draft.noHeadings')}</p>;
  return (
    <ol className="outline-list">
      {headings.map((heading) => (
        <li key={`${heading.pos}`} className={`outline-item outline-level-${Math.min(heading.level, 4)}`}>
          <button type="button" className="outline-link" onClick={() => jump(heading)}>
            {heading.text || '—'}
            {Boolean(openThreads?.get(heading.text)) && (
              <>
                <span className="outline-count" aria-hidden="true">
                  {openThreads?.get(heading.text)}
                </span>
                <span className="visually-hidden">
                  {t('threads.openInSection', { count: openThreads?.get(heading.text) })}
                </span>
              </>
            )}
          </button>
        </li>
      ))}
    </ol>
  );
}
