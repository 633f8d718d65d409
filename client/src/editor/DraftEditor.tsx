import type { Editor } from '@tiptap/core';
import { Collaboration } from '@tiptap/extension-collaboration';
import { CollaborationCaret } from '@tiptap/extension-collaboration-caret';
import { EditorContent, useEditor } from '@tiptap/react';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { CONTENT_FIELD } from '../../../shared/drafts.ts';
import { contentExtensions } from '../../../shared/editorExtensions.ts';
import { SuggestionDecorations, suggestionsAt } from '../suggestions/suggestionDecorations.ts';
import { threadsAt } from '../threads/threadLayout.ts';
import type { CollaborationSession } from './useCollaborationSession.ts';

export interface CaretUser {
  name: string;
  color: string;
  role: string;
}

interface Props {
  session: CollaborationSession;
  user: CaretUser;
  editable: boolean;
  language: string;
  onReady: (editor: Editor | null) => void;
  /** The caret or a click landed in commented text: the threads whose passages contain that point. */
  onPassageClick?: (threadIds: string[]) => void;
  /** A click landed in the words an open suggestion would change. */
  onSuggestionClick?: (suggestionIds: string[]) => void;
}

/** The TipTap editor bound to the draft's shared Yjs document, with everyone's carets. */
export function DraftEditor(props: Props) {
  const { session, user, editable, language, onReady, onPassageClick, onSuggestionClick } = props;
  const { t } = useTranslation();
  const visitor = t('presence.visitor');
  // The editor is built once per session; the latest callback is read through a ref.
  const passageClick = useRef(onPassageClick);
  passageClick.current = onPassageClick;
  const suggestionClick = useRef(onSuggestionClick);
  suggestionClick.current = onSuggestionClick;
  const editor = useEditor(
    {
      editable,
      extensions: [
        ...contentExtensions(),
        SuggestionDecorations,
        Collaboration.configure({ document: session.doc, field: CONTENT_FIELD }),
        CollaborationCaret.configure({
          provider: session.provider,
          user,
          // Names come from the server (signed-in people); visitors have none and get a label.
          render: (caretUser: { name?: string; color?: string }) => {
            const caret = document.createElement('span');
            caret.classList.add('collaboration-carets__caret');
            caret.style.borderColor = caretUser.color ?? '#475467';
            const label = document.createElement('div');
            label.classList.add('collaboration-carets__label');
            label.style.backgroundColor = caretUser.color ?? '#475467';
            label.textContent = caretUser.name || visitor;
            caret.append(label);
            return caret;
          },
        }),
      ],
      editorProps: {
        handleClick: (view, pos) => {
          const ids = threadsAt(view.state.doc, pos);
          const suggestions = suggestionsAt(view.state, pos);
          if (suggestions.length > 0) suggestionClick.current?.(suggestions);
          else if (ids.length > 0) passageClick.current?.(ids);
          return false;
        },
        attributes: {
          class: 'prose',
          lang: language,
          'aria-label': t('draft.editorLabel'),
          'aria-multiline': 'true',
          'aria-readonly': String(!editable),
          role: 'textbox',
        },
      },
    },
    [session],
  );

  useEffect(() => {
    onReady(editor);
    return () => onReady(null);
  }, [editor, onReady]);

  // Moving the caret into a commented passage (keyboard included) brings its threads forward.
  useEffect(() => {
    if (!editor) return;
    let last = '';
    const follow = () => {
      const ids = threadsAt(editor.state.doc, editor.state.selection.from);
      const key = ids.join(',');
      if (key && key !== last) passageClick.current?.(ids);
      last = key;
    };
    editor.on('selectionUpdate', follow);
    return () => {
      editor.off('selectionUpdate', follow);
    };
  }, [editor]);

  useEffect(() => {
    if (editor && editor.isEditable !== editable) {
      editor.setEditable(editable);
      editor.view.dom.setAttribute('aria-readonly', String(!editable));
    }
  }, [editor, editable]);

  useEffect(() => {
    editor?.commands.updateUser({ name: user.name, color: user.color, role: user.role });
  }, [editor, user.name, user.color, user.role]);

  return <EditorContent editor={editor} className="editor" />;
}
