import { type CommentRecord, type ThreadRecord, UnknownRecordError } from '../storage.ts';
import type { ThreadStore } from '../stores.ts';
import { type Executor, json, patchRecord, records } from './sql.ts';

/** Threads and every discussion's comments in PostgreSQL, each listed in the order it was added. */
export class PostgresThreadStore implements ThreadStore {
  constructor(private readonly db: Executor) {}

  async createThread(thread: ThreadRecord, first: CommentRecord): Promise<void> {
    await this.db.write(async (sql) => {
      await sql.query('INSERT INTO threads (id, draft_id, record) VALUES ($1, $2, $3)', [
        thread.id,
        thread.draftId,
        json(thread),
      ]);
      await insertComment(sql, first);
    });
  }

  async getThread(id: string): Promise<ThreadRecord | undefined> {
    const { rows } = await this.db.read.query<{ record: ThreadRecord }>(
      'SELECT record FROM threads WHERE id = $1',
      [id],
    );
    return rows[0]?.record;
  }

  async listThreads(draftId: string): Promise<ThreadRecord[]> {
    const { rows } = await this.db.read.query<{ record: ThreadRecord }>(
      'SELECT record FROM threads WHERE draft_id = $1 ORDER BY position',
      [draftId],
    );
    return records(rows);
  }

  async updateThread(
    id: string,
    patch: Partial<Pick<ThreadRecord, 'status' | 'resolvedBy' | 'resolvedAt' | 'resolutionNote'>>,
  ): Promise<ThreadRecord> {
    const next = await this.db.write((sql) => patchRecord<ThreadRecord>(sql, 'threads', id, patch));
    if (!next) throw new UnknownRecordError('thread', id);
    return next;
  }

  async addComment(comment: CommentRecord): Promise<void> {
    await this.db.write((sql) => insertComment(sql, comment));
  }

  async getComment(id: string): Promise<CommentRecord | undefined> {
    const { rows } = await this.db.read.query<{ record: CommentRecord }>(
      'SELECT record FROM comments WHERE id = $1',
      [id],
    );
    return rows[0]?.record;
  }

  async listComments(draftId: string): Promise<CommentRecord[]> {
    const { rows } = await this.db.read.query<{ record: CommentRecord }>(
      'SELECT record FROM comments WHERE draft_id = $1 ORDER BY position',
      [draftId],
    );
    return records(rows);
  }

  async updateComment(
    id: string,
    patch: Partial<Pick<CommentRecord, 'body' | 'editedAt' | 'deletedAt'>>,
  ): Promise<CommentRecord> {
    const next = await this.db.write((sql) => patchRecord<CommentRecord>(sql, 'comments', id, patch));
    if (!next) throw new UnknownRecordError('comment', id);
    return next;
  }
}

function insertComment(sql: Parameters<Parameters<Executor['write']>[0]>[0], comment: CommentRecord) {
  return sql.query('INSERT INTO comments (id, draft_id, record) VALUES ($1, $2, $3)', [
    comment.id,
    comment.draftId,
    json(comment),
  ]);
}
