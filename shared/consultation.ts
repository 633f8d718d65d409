import type { z } from 'zod';
import type { consultationWindowSchema } from './draftSchemas.ts';

export const VISIBILITIES = ['public', 'private'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** When stakeholders may comment and suggest: from `opensAt` (inclusive) to `closesAt` (exclusive), ISO instants. */
export type ConsultationWindow = z.infer<typeof consultationWindowSchema>;

export type WindowState = 'not-yet-open' | 'open' | 'closed';

export function windowState(window: ConsultationWindow, now: Date): WindowState {
  const time = now.getTime();
  if (time < Date.parse(window.opensAt)) return 'not-yet-open';
  if (time >= Date.parse(window.closesAt)) return 'closed';
  return 'open';
}

/** Without a window in its front matter, an imported draft opens at import and closes this many days later. */
export const DEFAULT_WINDOW_DAYS = 60;

export function defaultWindow(now: Date): ConsultationWindow {
  return {
    opensAt: now.toISOString(),
    closesAt: new Date(now.getTime() + DEFAULT_WINDOW_DAYS * 24 * 3600 * 1000).toISOString(),
  };
}
