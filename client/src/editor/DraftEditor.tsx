import type { Editor } from '@tiptap/core';
import { Collaboration } from '@tiptap/extension-collaboration';
import { CollaborationCaret } from '@tiptap/extension-collaboration-caret';
import { EditorContent, useEditor } from '@tiptap/react';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { CONTENT_FIELD } from '../../../shared/drafts.ts';
import { contentExtensions } from '../../../shared/editorExtensions.ts';
import type { LocalUser } from '../identity/localUser.ts';
import type { CollaborationSession } from './useCollaborationSession.ts';

interface Props {
  session: CollaborationSession;
  user: LocalUser;
  language: string;
  onReady: (editor: Editor | null) => void;
}

/** The TipTap editor bound to the draft's shared Yjs document, with everyone's carets. */
export function DraftEditor({ session, user, language, onReady }: Props) {
  const { t } = useTranslation();
  const editor = useEditor(
    {
      extensions: [
        ...contentExtensions(),
        Collaboration.configure({ document: session.doc, field: CONTENT_FIELD }),
        CollaborationCaret.configure({ provider: session.provider, user }),
      ],
      editorProps: {
        attributes: {
          class: 'prose',
          lang: language,
          'aria-label': t('draft.editorLabel'),
          'aria-multiline': 'true',
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

  // Renaming yourself updates the label on your caret for everyone.
  useEffect(() => {
    editor?.commands.updateUser({ name: user.name, color: user.color });
  }, [editor, user.name, user.color]);

  return <EditorContent editor={editor} className="editor" />;
}
