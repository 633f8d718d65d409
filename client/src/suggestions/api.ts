import type { SuggestionAnchor, SuggestionView } from '../../../shared/suggestions.ts';
import { api } from '../api/http.ts';

const base = (draftId: string) => `/api/drafts/${encodeURIComponent(draftId)}/suggestions`;

export const createSuggestion = (
  draftId: string,
  input: { anchor: SuggestionAnchor; text: string; justification?: string },
) => api<SuggestionView>('POST', base(draftId), input);
export const replyToSuggestion = (draftId: string, id: string, body: string) =>
  api<SuggestionView>('POST', `${base(draftId)}/${id}/replies`, { body });
export const acceptSuggestion = (
  draftId: string,
  id: string,
  input: { rationale?: string; confirmOutdated?: boolean },
) => api<SuggestionView>('POST', `${base(draftId)}/${id}/accept`, input);
export const rejectSuggestion = (draftId: string, id: string, rationale: string) =>
  api<SuggestionView>('POST', `${base(draftId)}/${id}/reject`, { rationale });
export const withdrawSuggestion = (draftId: string, id: string) =>
  api<SuggestionView>('POST', `${base(draftId)}/${id}/withdraw`, {});
export const revertSuggestion = (
  draftId: string,
  id: string,
  input: { rationale?: string; confirmChanged?: boolean },
) => api<SuggestionView>('POST', `${base(draftId)}/${id}/revert`, input);
