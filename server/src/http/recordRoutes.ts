import { Router } from 'express';
import { ErrorCode } from '../../../shared/errors.ts';
import { EXPORT_NAMES, isExportName } from '../../../shared/exports.ts';
import { publishVersionSchema } from '../../../shared/versionSchemas.ts';
import type { ChangeLogService } from '../changelog/changeLogService.ts';
import type { ConsultationWatcher } from '../changelog/consultationWatcher.ts';
import type { DraftService } from '../drafts/draftService.ts';
import type { ExportService } from '../exports/exportService.ts';
import type { ReportService } from '../report/reportService.ts';
import { ServiceError } from '../serviceError.ts';
import type { VersionService } from '../versions/versionService.ts';
import { parseBody, ValidationError } from './errors.ts';
import { locals } from './session.ts';

export interface RecordServices {
  drafts: DraftService;
  changelog: ChangeLogService;
  versions: VersionService;
  reports: ReportService;
  watcher: ConsultationWatcher;
  exports: ExportService;
}

/** What happened to a draft: its change log, versions and comparisons, the report, and each person's contributions. */
export function recordRoutes(services: RecordServices): Router {
  const { drafts, changelog, versions, reports, watcher, exports } = services;
  const router = Router();

  router.get('/drafts/:draftId/changelog', async (req, res) => {
    await drafts.readable(locals(res).actor, req.params.draftId);
    // A window that opened or closed on schedule since the last minute's check is logged first.
    await watcher.check(req.params.draftId);
    res.json(await changelog.list(req.params.draftId));
  });

  router.get('/drafts/:draftId/versions', async (req, res) => {
    res.json(await versions.list(locals(res).actor, req.params.draftId));
  });

  router.post('/drafts/:draftId/versions', async (req, res) => {
    const { name } = parseBody(publishVersionSchema, req.body);
    res.status(201).json(await versions.publish(locals(res).actor, req.params.draftId, name));
  });

  router.get('/drafts/:draftId/compare', async (req, res) => {
    const { from, to } = req.query;
    if (typeof from !== 'string' || !from || (to !== undefined && typeof to !== 'string')) {
      throw new ValidationError([
        { path: 'from', message: 'name a version to compare from (?from=<id>&to=<id|current>)' },
      ]);
    }
    res.json(await versions.compare(locals(res).actor, req.params.draftId, from, to || 'current'));
  });

  router.get('/drafts/:draftId/report', async (req, res) => {
    res.json(await reports.report(locals(res).actor, req.params.draftId));
  });

  router.get('/drafts/:draftId/export/:name', async (req, res) => {
    const { draftId, name } = req.params;
    if (!isExportName(name)) {
      throw new ServiceError(
        ErrorCode.NotFound,
        `There is no export "${name}". Exports: ${EXPORT_NAMES.join(', ')}.`,
      );
    }
    const baseUrl = `${req.protocol}://${req.get('host')}`;
    const file = await exports.export(locals(res).actor, draftId, name, baseUrl);
    res.setHeader('Content-Type', file.contentType);
    res.attachment(file.filename);
    res.send(file.body);
  });

  // The draft's text for reading while the editor's code downloads. Whoever may read the draft
  // may read this; the answer depends on the session and changes with every edit, so a cache
  // keeps it for this person only and revalidates it each time (Express's ETag answers 304).
  router.get('/drafts/:draftId/content', async (req, res) => {
    const content = await exports.content(locals(res).actor, req.params.draftId);
    res.setHeader('Cache-Control', 'private, no-cache');
    res.vary('Cookie');
    res.json(content);
  });

  router.get('/me/contributions', async (_req, res) => {
    res.json(await reports.contributions(locals(res).actor));
  });

  return router;
}
