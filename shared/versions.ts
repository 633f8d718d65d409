import type { ChangeLogEntry } from './changelog.ts';

export const MAX_VERSION_NAME = 200;

/** A published version, without its content. */
export interface VersionSummary {
  id: string;
  draftId: string;
  name: string;
  createdAt: string;
  createdBy: { id: string; name: string };
}

/** One piece of compared text: unchanged, or inserted or deleted between the two sides. */
export interface DiffPart {
  value: string;
  added?: boolean;
  removed?: boolean;
}

/** A block (paragraph, heading, list item…) of a comparison. */
export interface DiffBlock {
  kind: 'same' | 'changed' | 'added' | 'removed';
  /** The block type on the newer side (heading, paragraph…), for display. */
  type: string;
  level?: number;
  section: string | null;
  parts: DiffPart[];
}

/** `GET /api/drafts/:draftId/compare?from=<versionId>&to=<versionId|current>` */
export interface Comparison {
  from: { id: string; name: string; at: string };
  to: { id: string | 'current'; name: string | null; at: string };
  blocks: DiffBlock[];
  /** The change-log entries between the two. */
  entries: ChangeLogEntry[];
}
