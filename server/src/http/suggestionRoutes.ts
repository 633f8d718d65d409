import { Router } from 'express';
import {
  acceptSchema,
  createSuggestionSchema,
  rejectSchema,
  revertSchema,
  withdrawSchema,
} from '../../../shared/suggestionSchemas.ts';
import { replySchema } from '../../../shared/threadSchemas.ts';
import type { SuggestionService } from '../suggestions/suggestionService.ts';
import type { AddressLimits } from './addressLimits.ts';
import { parseBody } from './errors.ts';
import { locals } from './session.ts';

/** `/api/drafts/:draftId/suggestions`: suggested edits and the task force's decisions on them. */
export function suggestionRoutes(suggestions: SuggestionService, perAddress: AddressLimits): Router {
  const router = Router();

  router.get('/drafts/:draftId/suggestions', async (req, res) => {
    res.json(await suggestions.list(locals(res).actor, req.params.draftId));
  });

  router.post('/drafts/:draftId/suggestions', perAddress.post, async (req, res) => {
    const input = parseBody(createSuggestionSchema, req.body);
    res.status(201).json(await suggestions.create(locals(res).actor, req.params.draftId, input));
  });

  router.post('/drafts/:draftId/suggestions/:id/replies', perAddress.post, async (req, res) => {
    const input = parseBody(replySchema, req.body);
    const { draftId, id } = req.params;
    res.status(201).json(await suggestions.reply(locals(res).actor, draftId, id, input));
  });

  router.post('/drafts/:draftId/suggestions/:id/accept', async (req, res) => {
    const input = parseBody(acceptSchema, req.body);
    res.json(await suggestions.accept(locals(res).actor, req.params.draftId, req.params.id, input));
  });

  router.post('/drafts/:draftId/suggestions/:id/reject', async (req, res) => {
    const input = parseBody(rejectSchema, req.body);
    res.json(await suggestions.reject(locals(res).actor, req.params.draftId, req.params.id, input));
  });

  router.post('/drafts/:draftId/suggestions/:id/withdraw', async (req, res) => {
    parseBody(withdrawSchema, req.body);
    res.json(await suggestions.withdraw(locals(res).actor, req.params.draftId, req.params.id));
  });

  router.post('/drafts/:draftId/suggestions/:id/revert', async (req, res) => {
    const input = parseBody(revertSchema, req.body);
    res.json(await suggestions.revert(locals(res).actor, req.params.draftId, req.params.id, input));
  });

  return router;
}
