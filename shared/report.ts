import type { SuggestionStatus } from './suggestions.ts';
import type { ThreadStatus } from './threads.ts';

export interface Count {
  /** A sector, a country code, a language tag, or '' when unknown. */
  key: string;
  count: number;
}

export interface SectionReport {
  section: string;
  threads: number;
  openThreads: number;
  suggestions: number;
  openSuggestions: number;
  accepted: number;
  rejected: number;
}

/**
 * `GET /api/drafts/:draftId/report`: what was heard, in numbers. Every count is of stakeholders'
 * input (comments, threads and suggestions by accounts whose role is stakeholder); the task
 * force's and admins' comments are counted apart in `taskForceReplies`.
 */
export interface ConsultationReport {
  draftId: string;
  title: string;
  window: { opensAt: string; closesAt: string };
  /** Stakeholders who commented or suggested an edit. */
  participants: number;
  contributions: { threads: number; comments: number; suggestions: number };
  /** Comments (not deleted) by the task force and admins: their answers, never counted as input. */
  taskForceReplies: number;
  /** Participants by sector and by country; contributions by language. */
  bySector: Count[];
  byCountry: Count[];
  byLanguage: Count[];
  threadStatus: Record<ThreadStatus, number>;
  suggestionStatus: Record<SuggestionStatus, number>;
  sections: SectionReport[];
  /** The passages with the most comments and suggestions. */
  mostDiscussed: { section: string | null; quote: string; comments: number; suggestions: number }[];
}

/** One contribution of a person, with what became of it: "you said, we did". */
export interface Contribution {
  kind: 'comment' | 'suggestion';
  id: string;
  draftId: string;
  draftTitle: string;
  /** The thread or suggestion the contribution is in (a comment may be a reply to a suggestion), for a link. */
  anchorId: string;
  anchorKind: 'thread' | 'suggestion';
  section: string | null;
  quote: string;
  /** The comment's words, or the proposed wording. */
  text: string;
  createdAt: string;
  /** Whether the comment started its thread (else it is a reply). */
  startedThread: boolean;
  status: ThreadStatus | SuggestionStatus;
  decidedBy: string | null;
  decidedAt: string | null;
  rationale: string | null;
}
