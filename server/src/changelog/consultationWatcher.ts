import type { Logger } from 'pino';
import { windowState } from '../../../shared/consultation.ts';
import type { Stores } from '../storage/stores.ts';
import type { ChangeLogService } from './changeLogService.ts';

/** How often scheduled openings and closings are looked for. */
export const WATCH_INTERVAL_MS = 60_000;

export interface ConsultationWatcherDeps {
  storage: Pick<Stores, 'drafts'>;
  /** Where openings and closings are recorded, and read back from. */
  changelog: ChangeLogService;
  logger: Logger;
  now?: () => Date;
  /** Logs a draft's open edit bursts (so they come before its window closing); nothing by default. */
  settleEdits?: (draftId: string) => Promise<void>;
}

/**
 * Records in each draft's change log when its consultation opens and closes: at once when an
 * admin moves the window (attributed to them), and on schedule otherwise (attributed to no one,
 * logged within a minute of the time).
 */
export class ConsultationWatcher {
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> = Promise.resolve();
  /** Per draft, what the log last said of its window (read from the log once, then kept). */
  private readonly logged = new Map<string, 'open' | 'closed'>();

  private readonly now: () => Date;
  private readonly settleEdits: (draftId: string) => Promise<void>;

  constructor(private readonly deps: ConsultationWatcherDeps) {
    this.now = deps.now ?? (() => new Date());
    this.settleEdits = deps.settleEdits ?? (async () => {});
  }

  start(intervalMs = WATCH_INTERVAL_MS): void {
    void this.checkAll();
    this.timer = setInterval(() => void this.checkAll(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Checks one draft now (after its window changed); one check at a time, so nothing is logged twice. */
  check(draftId: string, userId: string | null = null): Promise<void> {
    this.checking = this.checking
      .then(() => this.checkOne(draftId, userId))
      .catch((error: unknown) => {
        this.deps.logger.error({ err: error, draftId }, 'could not check the consultation window');
      });
    return this.checking;
  }

  async checkAll(): Promise<void> {
    for (const draft of await this.deps.storage.drafts.listDrafts()) await this.check(draft.id);
  }

  private async checkOne(draftId: string, userId: string | null): Promise<void> {
    const draft = await this.deps.storage.drafts.getDraft(draftId);
    if (!draft) return;
    const state = windowState(draft.window, this.now());
    let logged = this.logged.get(draftId);
    if (!logged) {
      const log = await this.deps.changelog.list(draftId);
      const last = log.findLast((e) => e.type === 'consultation.opened' || e.type === 'consultation.closed');
      logged = last?.type === 'consultation.opened' ? 'open' : 'closed';
      this.logged.set(draftId, logged);
    }
    // Closed and never opened (not yet open, or a window set wholly in the past): nothing to record.
    const now = state === 'open' ? 'open' : 'closed';
    if (now === logged) return;
    // Forgotten first: if recording fails, the next check reads the log again.
    this.logged.delete(draftId);
    if (now === 'closed') await this.settleEdits(draftId);
    await this.deps.changelog.record(draftId, {
      type: now === 'open' ? 'consultation.opened' : 'consultation.closed',
      userId,
      // Until when it is open; when it closed.
      detail: now === 'open' ? `until ${draft.window.closesAt}` : `closed ${draft.window.closesAt}`,
    });
    this.logged.set(draftId, now);
  }
}
