import type { Sector } from '../../../shared/roles.ts';
import type { SuggestionStatus, SuggestionView } from '../../../shared/suggestions.ts';
import type { CommentView, ThreadStatus, ThreadView } from '../../../shared/threads.ts';
import type { UserRecord } from '../storage/storage.ts';
import { toCsv } from './csv.ts';

/*
 * The "you said, we did" table: one row per comment thread and per suggested edit, with what was
 * decided and why. Rows are plain data; the CSV and the DOCX render the same rows and columns.
 * Headers and the wording inside cells are English; a caller may translate the headers (and the
 * DOCX's intro line) with `labels`. Status values stay the API's codes (`open`, `accepted`…).
 */

/** What the table says about a contributor: their account as it is now. */
export type ResponseAuthor = Pick<UserRecord, 'name' | 'organisation' | 'sector' | 'country' | 'language'>;

export interface ResponseRow {
  kind: 'thread' | 'suggestion';
  /** The thread's or the suggestion's id. */
  id: string;
  section: string | null;
  /** The words commented on or to be replaced, as they were then (empty for an insertion). */
  passage: string;
  /** A thread's first comment (and its number of replies); a suggestion's proposal and justification. */
  contribution: string;
  author: string;
  organisation: string | null;
  sector: Sector | null;
  country: string | null;
  /** The first comment's language for a thread; the author's stated language for a suggestion. */
  language: string | null;
  status: ThreadStatus | SuggestionStatus;
  /** What was decided, in words; null while open. */
  decision: string | null;
  /** A thread's resolution note, or the reasons given for a suggestion's decision. */
  rationale: string | null;
  decidedBy: string | null;
  /** ISO 8601. */
  decidedAt: string | null;
  /** `<baseUrl>/d/<draftId>#thread-<id>` or `#suggestion-<id>`. */
  link: string;
}

/** The columns, in the order the CSV and the DOCX show them. */
export const RESPONSE_COLUMNS = [
  'section',
  'passage',
  'contribution',
  'author',
  'organisation',
  'sector',
  'country',
  'language',
  'status',
  'decision',
  'rationale',
  'decidedBy',
  'decidedAt',
  'link',
] as const satisfies readonly (keyof ResponseRow)[];
export type ResponseColumn = (typeof RESPONSE_COLUMNS)[number];

/** The English headers; pass `labels` to the renderers to translate them. */
export const RESPONSE_HEADERS: Record<ResponseColumn, string> = {
  section: 'Section',
  passage: 'Quoted passage',
  contribution: 'Contribution',
  author: 'Author',
  organisation: 'Organisation',
  sector: 'Sector',
  country: 'Country',
  language: 'Language',
  status: 'Status',
  decision: 'Decision',
  rationale: 'Rationale',
  decidedBy: 'Decided by',
  decidedAt: 'Decided at',
  link: 'Link',
};

/** Headers in another language (any not given stay English). */
export type ResponseLabels = Partial<Record<ResponseColumn, string>>;

export const DECISIONS = {
  resolvedWithNote: 'Resolved with a response',
  resolvedWithoutNote: 'Resolved without a note',
  accepted: 'Accepted',
  rejected: 'Rejected',
  withdrawn: 'Withdrawn by its author',
  reverted: 'Accepted, then reverted',
} as const;

export interface ResponsesInput {
  draftId: string;
  /** Where Margins is served, e.g. `https://consult.example.org` (a trailing slash is ignored). */
  baseUrl: string;
  threads: readonly ThreadView[];
  suggestions: readonly SuggestionView[];
  /** Contributors by user id; someone missing is shown with their name and organisation only. */
  users: ReadonlyMap<string, ResponseAuthor>;
  /**
   * Thread and suggestion ids in document order. Rows follow it; rows it does not name come
   * after, oldest first. Without it rows come oldest first.
   */
  order?: readonly string[];
}

/** The draft's address in the web client. */
export function draftUrl(baseUrl: string, draftId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/d/${encodeURIComponent(draftId)}`;
}

/** Where a thread or a suggestion is shown: the draft's address with `#thread-<id>` or `#suggestion-<id>`. */
export function contributionUrl(
  baseUrl: string,
  draftId: string,
  kind: 'thread' | 'suggestion',
  id: string,
): string {
  return `${draftUrl(baseUrl, draftId)}#${kind}-${encodeURIComponent(id)}`;
}

/** One row per thread and per suggestion of a draft, in document order when `order` is given. */
export function responseRows(input: ResponsesInput): ResponseRow[] {
  const { draftId, baseUrl, users } = input;
  const dated: { row: ResponseRow; createdAt: string }[] = [
    ...input.threads.map((thread) => ({
      row: threadRow(thread, users, contributionUrl(baseUrl, draftId, 'thread', thread.id)),
      createdAt: thread.createdAt,
    })),
    ...input.suggestions.map((suggestion) => ({
      row: suggestionRow(suggestion, users, contributionUrl(baseUrl, draftId, 'suggestion', suggestion.id)),
      createdAt: suggestion.createdAt,
    })),
  ];
  const rank = new Map((input.order ?? []).map((id, index) => [id, index]));
  // Rows `order` does not name share the last rank. Array.prototype.sort is stable, so equal
  // ranks and times keep threads before suggestions.
  const rankOf = (row: ResponseRow) => rank.get(row.id) ?? rank.size;
  dated.sort(
    (a, b) =>
      rankOf(a.row) - rankOf(b.row) || (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0),
  );
  return dated.map(({ row }) => row);
}

function threadRow(
  thread: ThreadView,
  users: ReadonlyMap<string, ResponseAuthor>,
  link: string,
): ResponseRow {
  const [first, ...replies] = thread.comments;
  const body = first && !first.deleted ? first.body : '(comment removed)';
  const resolution = thread.status === 'resolved' ? thread.resolution : null;
  return {
    ...who(thread.author, users),
    kind: 'thread',
    id: thread.id,
    section: thread.section,
    passage: thread.quote.exact,
    contribution: withReplies(body, replies),
    language: first?.language ?? users.get(thread.author.id)?.language ?? null,
    status: thread.status,
    decision: resolution
      ? resolution.note
        ? DECISIONS.resolvedWithNote
        : DECISIONS.resolvedWithoutNote
      : null,
    rationale: resolution?.note ?? null,
    decidedBy: resolution?.by.name ?? null,
    decidedAt: resolution?.at ?? null,
    link,
  };
}

function suggestionRow(
  suggestion: SuggestionView,
  users: ReadonlyMap<string, ResponseAuthor>,
  link: string,
): ResponseRow {
  const proposal = suggestion.justification
    ? `${proposalWording(suggestion)}\nJustification: ${suggestion.justification}`
    : proposalWording(suggestion);
  const { decision, reversion } = suggestion;
  const last = suggestion.status === 'reverted' ? (reversion ?? decision) : decision;
  const decided = suggestion.status !== 'open' && last !== null;
  return {
    ...who(suggestion.author, users),
    kind: 'suggestion',
    id: suggestion.id,
    section: suggestion.section,
    passage: suggestion.quote.exact,
    contribution: withReplies(proposal, suggestion.comments),
    language: users.get(suggestion.author.id)?.language ?? null,
    status: suggestion.status,
    decision: suggestion.status === 'open' ? null : DECISIONS[suggestion.status],
    rationale:
      suggestion.status === 'reverted'
        ? joinReasons(decision?.rationale ?? null, reversion?.rationale ?? null)
        : (decision?.rationale ?? null),
    decidedBy: decided ? last.by.name : null,
    decidedAt: decided ? last.at : null,
    link,
  };
}

/** `Replace “x” with “y”`, `Insert “y” after “…”`, or `Delete “x”`. */
function proposalWording({ quote, text }: SuggestionView): string {
  if (quote.exact === '') {
    const before = quote.prefix.trimStart();
    const after = quote.suffix.trimEnd();
    if (before !== '') return `Insert “${text}” after “…${before}”`;
    if (after !== '') return `Insert “${text}” before “${after}…”`;
    return `Insert “${text}”`;
  }
  if (text === '') return `Delete “${quote.exact}”`;
  return `Replace “${quote.exact}” with “${text}”`;
}

function withReplies(text: string, replies: readonly CommentView[]): string {
  const count = replies.filter((reply) => !reply.deleted).length;
  if (count === 0) return text;
  return `${text}\n(${count} ${count === 1 ? 'reply' : 'replies'})`;
}

/** An accepted-then-reverted suggestion has two reasons; say which is which. */
function joinReasons(accepted: string | null, reverted: string | null): string | null {
  if (!accepted) return reverted;
  if (!reverted) return `Accepted: ${accepted}`;
  return `Accepted: ${accepted}\nReverted: ${reverted}`;
}

function who(
  author: { id: string; name: string; organisation: string | null },
  users: ReadonlyMap<string, ResponseAuthor>,
): Pick<ResponseRow, 'author' | 'organisation' | 'sector' | 'country'> {
  const user = users.get(author.id);
  return {
    author: user?.name ?? author.name,
    organisation: user?.organisation ?? author.organisation,
    sector: user?.sector ?? null,
    country: user?.country ?? null,
  };
}

/** The column headers, in English unless `labels` translate them. */
export function headers(labels: ResponseLabels | undefined): string[] {
  return RESPONSE_COLUMNS.map((column) => labels?.[column] ?? RESPONSE_HEADERS[column]);
}

/**
 * The table as CSV (UTF-8 with a BOM, CRLF). `toCsv` passes every text cell through
 * `spreadsheetSafe`: comments are anyone's words, and a cell like `=HYPERLINK(…)` would otherwise
 * run as a formula when the file is opened in a spreadsheet.
 */
export function responsesCsv(rows: readonly ResponseRow[], labels?: ResponseLabels): string {
  return toCsv(
    headers(labels),
    rows.map((row) => RESPONSE_COLUMNS.map((column) => row[column])),
  );
}
