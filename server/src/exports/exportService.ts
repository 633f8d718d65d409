import { locateAll } from '../../../shared/anchoring/locate.ts';
import { CONTENT_FIELD, type DraftContent } from '../../../shared/drafts.ts';
import { ErrorCode } from '../../../shared/errors.ts';
import { type ExportName, exportFileName } from '../../../shared/exports.ts';
import type { Actor } from '../../../shared/roles.ts';
import { locateSuggestions } from '../../../shared/suggestions.ts';
import type { ChangeLogService } from '../changelog/changeLogService.ts';
import type { ConsultationWatcher } from '../changelog/consultationWatcher.ts';
import type { LiveDrafts } from '../collab/liveDrafts.ts';
import type { DraftService } from '../drafts/draftService.ts';
import { snapshot } from '../passages/passages.ts';
import { ServiceError } from '../serviceError.ts';
import type { Stores } from '../storage/stores.ts';
import { pointResolver } from '../suggestions/edits.ts';
import type { SuggestionService } from '../suggestions/suggestionService.ts';
import type { ThreadService } from '../threads/threadService.ts';
import { annotationsJsonLd } from './annotations.ts';
import { changelogCsv, changelogJson } from './changelogExports.ts';
import { draftHtml, draftMarkdown, draftReadingCopy } from './draftExports.ts';
import { type ResponseAuthor, responseRows, responsesCsv } from './responses.ts';

const TYPES: Record<string, string> = {
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  jsonld: 'application/ld+json; charset=utf-8',
};

export interface ExportFile {
  filename: string;
  contentType: string;
  body: string | Buffer;
}

export interface ExportDeps {
  storage: Pick<Stores, 'accounts' | 'threads'>;
  /** The drafts' live documents (the sync core). */
  live: LiveDrafts;
  drafts: DraftService;
  threads: ThreadService;
  suggestions: SuggestionService;
  changelog: ChangeLogService;
  watcher: ConsultationWatcher;
  now?: () => Date;
}

/**
 * Builds a draft's exports from what actually happened: the live text, the change log, the
 * threads and suggestions. Whoever may read the draft may export it (public drafts publicly).
 */
export class ExportService {
  constructor(private readonly deps: ExportDeps) {}

  async export(actor: Actor, draftId: string, name: ExportName, baseUrl: string): Promise<ExportFile> {
    const draft = await this.deps.drafts.readable(actor, draftId);
    // Whatever is exported, the change log already holds the edits in the text.
    await this.deps.live.settle(draftId);
    const extension = name.slice(name.lastIndexOf('.') + 1);
    const file = (body: string | Buffer): ExportFile => ({
      filename: exportFileName(draftId, name),
      contentType: TYPES[extension] ?? 'application/octet-stream',
      body,
    });
    const meta = { title: draft.title, language: draft.language };
    const exportedAt = (this.deps.now?.() ?? new Date()).toISOString();

    if (name.startsWith('draft.')) {
      const doc = await this.deps.live.use(
        draftId,
        (room) => snapshot(room.liveDoc.getXmlFragment(CONTENT_FIELD)).doc,
      );
      if (!doc) throw new ServiceError(ErrorCode.NotFound, `There is no draft "${draftId}".`);
      if (name === 'draft.md') return file(draftMarkdown(doc, meta));
      if (name === 'draft.html') return file(draftHtml(doc, meta));
      // Word files load docx (about 10 MiB of memory) only once someone asks for one.
      const { draftDocx } = await import('./draftDocx.ts');
      return file(await draftDocx(doc, meta));
    }

    if (name.startsWith('changelog.')) {
      await this.deps.watcher.check(draftId);
      const entries = await this.deps.changelog.list(draftId);
      return file(
        name === 'changelog.json' ? changelogJson(draft, entries, exportedAt) : changelogCsv(entries),
      );
    }

    const [threads, suggestions, users] = await Promise.all([
      this.deps.threads.list(actor, draftId),
      this.deps.suggestions.list(actor, draftId),
      this.deps.storage.accounts.listUsers(),
    ]);
    if (name === 'annotations.jsonld') {
      const collection = annotationsJsonLd({
        draftId,
        title: draft.title,
        baseUrl,
        threads,
        suggestions,
        language: draft.language,
      });
      return file(`${JSON.stringify(collection, null, 2)}\n`);
    }
    const authors = new Map<string, ResponseAuthor>(
      users.map((u) => [
        u.id,
        {
          name: u.name,
          organisation: u.organisation,
          sector: u.sector,
          country: u.country,
          language: u.language,
        },
      ]),
    );
    const order = await this.documentOrder(draftId, threads, suggestions);
    const rows = responseRows({ draftId, baseUrl, threads, suggestions, users: authors, order });
    if (name === 'responses.csv') return file(responsesCsv(rows));
    const { responsesDocx } = await import('./responsesDocx.ts');
    return file(await responsesDocx(rows, { ...meta, exportedAt }));
  }

  /**
   * The live text as HTML for a reader whose editor is still downloading. Read from the live
   * document, so it holds edits not saved yet; unlike an export it does not settle the draft
   * first (nothing here goes into the change log), and the draft it loads is the one the reader's
   * socket opens a moment later.
   */
  async content(actor: Actor, draftId: string): Promise<DraftContent> {
    await this.deps.drafts.readable(actor, draftId);
    const threads = await this.deps.storage.threads.listThreads(draftId);
    const open = new Set(threads.filter((t) => t.status === 'open').map((t) => t.id));
    const copy = await this.deps.live.use(draftId, (room) =>
      draftReadingCopy(snapshot(room.liveDoc.getXmlFragment(CONTENT_FIELD)).doc, open),
    );
    if (!copy) throw new ServiceError(ErrorCode.NotFound, `There is no draft "${draftId}".`);
    return copy;
  }

  /** Thread and suggestion ids in the order their passages come in the draft (gone ones last). */
  private async documentOrder(
    draftId: string,
    threads: Awaited<ReturnType<ThreadService['list']>>,
    suggestions: Awaited<ReturnType<SuggestionService['list']>>,
  ): Promise<string[]> {
    const placed = await this.deps.live.use(draftId, (room) => {
      const fragment = room.liveDoc.getXmlFragment(CONTENT_FIELD);
      const { doc, mapping } = snapshot(fragment);
      const at = new Map<string, number>();
      for (const [id, where] of locateAll(doc, threads))
        if (where.state !== 'detached') at.set(id, where.from);
      const located = locateSuggestions(doc, suggestions, pointResolver(room.liveDoc, fragment, mapping));
      for (const [id, where] of located) if (where.state !== 'detached') at.set(id, where.from);
      return at;
    });
    const at = placed ?? new Map<string, number>();
    const position = (id: string) => at.get(id) ?? Number.MAX_SAFE_INTEGER;
    return [...threads.map((t) => t.id), ...suggestions.map((s) => s.id)].sort(
      (a, b) => position(a) - position(b),
    );
  }
}
