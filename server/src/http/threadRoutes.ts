import { Router } from 'express';
import {
  createThreadSchema,
  editCommentSchema,
  replySchema,
  resolveSchema,
} from '../../../shared/threadSchemas.ts';
import type { ThreadService } from '../threads/threadService.ts';
import type { AddressLimits } from './addressLimits.ts';
import { parseBody } from './errors.ts';
import { locals } from './session.ts';

/** `/api/drafts/:draftId/threads` and comments: anchored comment threads. */
export function threadRoutes(threads: ThreadService, perAddress: AddressLimits): Router {
  const router = Router();

  router.get('/drafts/:draftId/threads', async (req, res) => {
    res.json(await threads.list(locals(res).actor, req.params.draftId));
  });

  router.post('/drafts/:draftId/threads', perAddress.post, async (req, res) => {
    const input = parseBody(createThreadSchema, req.body);
    res.status(201).json(await threads.create(locals(res).actor, req.params.draftId, input));
  });

  router.post('/drafts/:draftId/threads/:threadId/replies', perAddress.post, async (req, res) => {
    const input = parseBody(replySchema, req.body);
    const { draftId, threadId } = req.params;
    res.status(201).json(await threads.reply(locals(res).actor, draftId, threadId, input));
  });

  router.post('/drafts/:draftId/threads/:threadId/resolve', async (req, res) => {
    const { note } = parseBody(resolveSchema, req.body);
    res.json(await threads.resolve(locals(res).actor, req.params.draftId, req.params.threadId, note));
  });

  router.post('/drafts/:draftId/threads/:threadId/reopen', async (req, res) => {
    res.json(await threads.reopen(locals(res).actor, req.params.draftId, req.params.threadId));
  });

  router.patch('/drafts/:draftId/comments/:commentId', async (req, res) => {
    const { body } = parseBody(editCommentSchema, req.body);
    res.json(await threads.editComment(locals(res).actor, req.params.draftId, req.params.commentId, body));
  });

  router.delete('/drafts/:draftId/comments/:commentId', async (req, res) => {
    res.json(await threads.deleteComment(locals(res).actor, req.params.draftId, req.params.commentId));
  });

  return router;
}
