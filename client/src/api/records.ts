import type { ChangeLogEntry } from '../../../shared/changelog.ts';
import type { ExportName } from '../../../shared/exports.ts';
import type { ConsultationReport, Contribution } from '../../../shared/report.ts';
import type { Comparison, VersionSummary } from '../../../shared/versions.ts';
import { api } from './http.ts';

const draftPath = (draftId: string) => `/api/drafts/${encodeURIComponent(draftId)}`;

export const fetchChangeLog = (draftId: string) =>
  api<ChangeLogEntry[]>('GET', `${draftPath(draftId)}/changelog`);
export const fetchVersions = (draftId: string) =>
  api<VersionSummary[]>('GET', `${draftPath(draftId)}/versions`);
export const publishVersion = (draftId: string, name: string) =>
  api<VersionSummary>('POST', `${draftPath(draftId)}/versions`, { name });
/** `to` is another version's id, or 'current' for the text as it is now. */
export const fetchComparison = (draftId: string, from: string, to: string) =>
  api<Comparison>(
    'GET',
    `${draftPath(draftId)}/compare?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
  );
export const fetchReport = (draftId: string) =>
  api<ConsultationReport>('GET', `${draftPath(draftId)}/report`);
export const fetchContributions = () => api<Contribution[]>('GET', '/api/me/contributions');

export const exportUrl = (draftId: string, name: ExportName) => `${draftPath(draftId)}/export/${name}`;
