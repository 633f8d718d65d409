import type { Anchor } from '../../../shared/anchoring/anchor.ts';
import type { ThreadView } from '../../../shared/threads.ts';
import { api } from '../api/http.ts';

const base = (draftId: string) => `/api/drafts/${encodeURIComponent(draftId)}`;

export const createThread = (draftId: string, anchor: Anchor, body: string, language?: string) =>
  api<ThreadView>('POST', `${base(draftId)}/threads`, { anchor, body, ...(language ? { language } : {}) });
export const replyTo = (draftId: string, threadId: string, body: string) =>
  api<ThreadView>('POST', `${base(draftId)}/threads/${threadId}/replies`, { body });
export const editComment = (draftId: string, commentId: string, body: string) =>
  api<ThreadView>('PATCH', `${base(draftId)}/comments/${commentId}`, { body });
export const deleteComment = (draftId: string, commentId: string) =>
  api<ThreadView>('DELETE', `${base(draftId)}/comments/${commentId}`);
export const resolveThread = (draftId: string, threadId: string, note?: string) =>
  api<ThreadView>('POST', `${base(draftId)}/threads/${threadId}/resolve`, note ? { note } : {});
export const reopenThread = (draftId: string, threadId: string) =>
  api<ThreadView>('POST', `${base(draftId)}/threads/${threadId}/reopen`);
