import type { DraftContent, DraftSettings, DraftView } from '../../../shared/drafts.ts';
import { api } from './http.ts';

export const fetchDrafts = () => api<DraftView[]>('GET', '/api/drafts');
export const fetchDraft = (draftId: string) =>
  api<DraftView>('GET', `/api/drafts/${encodeURIComponent(draftId)}`);
export const configureDraft = (draftId: string, settings: DraftSettings) =>
  api<DraftView>('PATCH', `/api/drafts/${encodeURIComponent(draftId)}`, settings);
/** The draft's live text as the server's HTML, for reading until the editor has arrived. */
export const fetchDraftContent = (draftId: string) =>
  api<DraftContent>('GET', `/api/drafts/${encodeURIComponent(draftId)}/content`);
