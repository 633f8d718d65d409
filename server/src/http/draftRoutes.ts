import { Router } from 'express';
import { draftSettingsSchema } from '../../../shared/draftSchemas.ts';
import type { DraftService } from '../drafts/draftService.ts';
import { parseBody } from './errors.ts';
import { locals } from './session.ts';

/** `/api/drafts/*`: the drafts a person may read, and their settings. */
export function draftRoutes(drafts: DraftService): Router {
  const router = Router();

  router.get('/drafts', async (_req, res) => {
    res.json(await drafts.list(locals(res).actor));
  });

  router.get('/drafts/:draftId', async (req, res) => {
    res.json(await drafts.get(locals(res).actor, req.params.draftId));
  });

  router.patch('/drafts/:draftId', async (req, res) => {
    const settings = parseBody(draftSettingsSchema, req.body);
    res.json(await drafts.configure(locals(res).actor, req.params.draftId, settings));
  });

  return router;
}
