import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { DraftView } from '../../../shared/drafts.ts';
import { useSession } from '../session/SessionProvider.tsx';
import { ConnectionStatus } from './ConnectionStatus.tsx';
import { DraftFrame } from './DraftFrame.tsx';
import type { LiveDraft } from './LiveDraft.tsx';
import { ReadingCopy, ReadingOutline } from './ReadingCopy.tsx';
import { type CopyState, useDraft } from './useDraft.ts';

/**
 * The live part of the page (TipTap, ProseMirror, Yjs, the margin: most of the client) comes as
 * one download, asked for once the reading copy is in; `prefetchLiveDraft` lets the list of
 * drafts fetch it in idle time.
 */
const loadLiveDraft = () => import('./LiveDraft.tsx');
export const prefetchLiveDraft = (): Promise<unknown> => loadLiveDraft();

type LiveCode = { kind: 'waiting' } | { kind: 'failed' } | { kind: 'ready'; LiveDraft: typeof LiveDraft };

/**
 * The live part's code, asked for once `wanted` and the page has been painted: compiling it holds
 * the main thread for a moment, which must not come between the words and the screen. Not
 * `React.lazy`: its Suspense fallback would be another copy of the page, built afresh under a
 * reader who may already be scrolling.
 */
function useLiveDraftCode(wanted: boolean): LiveCode {
  const [code, setCode] = useState<LiveCode>({ kind: 'waiting' });
  useEffect(() => {
    if (!wanted) return;
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () =>
      loadLiveDraft().then(
        (module) => current && setCode({ kind: 'ready', LiveDraft: module.LiveDraft }),
        () => current && setCode({ kind: 'failed' }),
      );
    // A task queued from the next frame runs once that frame has been painted.
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(load, 0);
    });
    return () => {
      current = false;
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [wanted]);
  return code;
}

/**
 * One draft. Its description and its text to read come from the API and show with the shell's
 * code alone, in the layout the live editor will use; the live part then downloads, syncs, and
 * takes the reading copy's place (`LiveDraft`).
 */
export function DraftPage({ draftId }: { draftId: string }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const identity = user === undefined ? undefined : (user?.id ?? 'visitor');
  const { draft, copy } = useDraft(draftId, identity);

  // A visitor gets the words first: on a slow link the editor's code would compete with them for
  // the bandwidth, so it is asked for once they are in. Someone signed in came to work in the
  // editor (comment, suggest, edit): their editor's code is asked for as soon as the draft is known.
  const code = useLiveDraftCode(
    copy.kind === 'ready' || (draft.kind === 'ready' && (copy.kind === 'failed' || Boolean(user))),
  );

  if (draft.kind === 'ready') {
    if (code.kind === 'ready' && identity !== undefined) {
      return (
        <code.LiveDraft
          key={identity}
          draft={draft.draft}
          identity={identity}
          copy={copy.kind === 'ready' ? copy.content : undefined}
        />
      );
    }
    return (
      <DraftPreview
        draft={draft.draft}
        copy={copy}
        signedIn={user === undefined ? undefined : Boolean(user)}
        failed={
          code.kind === 'failed' && (
            <div role="alert" className="notice notice-error document-notice">
              <p>{t('draft.editorLoadFailed')}</p>
              <button type="button" className="button" onClick={() => window.location.reload()}>
                {t('connection.reload')}
              </button>
            </div>
          )
        }
      />
    );
  }
  return (
    <main id="content" className="page page-narrow">
      {draft.kind === 'loading' && <p role="status">{t('draft.loading')}</p>}
      {(draft.kind === 'missing' || draft.kind === 'failed') && (
        <div role="alert" className="notice notice-error">
          <p>{draft.kind === 'missing' ? t('draft.notFound') : t('draft.loadFailed')}</p>
        </div>
      )}
      <p>
        <Link href="/">{t('draft.backToList')}</Link>
      </p>
    </main>
  );
}

/**
 * The page before the live part has arrived: the layout, the window, the contents and the text;
 * or, when the live part could not be downloaded, the same with the notice that says so.
 */
function DraftPreview(props: {
  draft: DraftView;
  copy: CopyState;
  signedIn: boolean | undefined;
  failed?: ReactNode;
}) {
  const { t } = useTranslation();
  const { draft, copy } = props;
  return (
    <DraftFrame
      draft={draft}
      status={props.failed ? null : <ConnectionStatus state="connecting" />}
      outline={copy.kind === 'ready' && <ReadingOutline headings={copy.content.headings} />}
      suggesting={draft.permissions.comment ? { on: false } : undefined}
      signedIn={props.signedIn}
      editable={draft.permissions.edit}
      notice={props.failed}
      busy
      margin={<aside className="margin" aria-label={t('draft.marginLabel')} />}
    >
      {copy.kind === 'ready' ? (
        <ReadingCopy content={copy.content} language={draft.language} />
      ) : (
        <p className="document-loading" role="status">
          {t('draft.loading')}
        </p>
      )}
    </DraftFrame>
  );
}
