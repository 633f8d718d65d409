import type { Editor } from '@tiptap/core';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Anchor } from '../../../shared/anchoring/anchor.ts';
import type { PublicUser } from '../../../shared/auth.ts';
import { Composer } from './Composer.tsx';
import { type CardLayout, type StackedCard, sameLayout, stackCards } from './cardStack.ts';
import { ThreadCard } from './ThreadCard.tsx';
import { filterThreads, MAX_RENDERED, type StatusFilter, visibleThreads } from './threadFilters.ts';
import { type PlacedThread, showPassage } from './threadLayout.ts';

interface Props {
  editor: Editor;
  draftId: string;
  placed: PlacedThread[];
  user: PublicUser | null;
  canComment: boolean;
  canResolve: boolean;
  composing: Anchor | undefined;
  onComposed: (threadId: string | undefined) => void;
  active: string[];
  onActivate: (threadIds: string[]) => void;
}

/** The margin: the composer, filters, and the threads beside their passages, in document order. */
export function ThreadsPanel(props: Props) {
  const { editor, draftId, placed, user, active, onActivate } = props;
  const { t } = useTranslation();
  const [status, setStatus] = useState<StatusFilter>('open');
  const [mine, setMine] = useState(false);
  const [section, setSection] = useState('');
  const sections = useMemo(() => [...new Set(placed.map((p) => p.section ?? ''))].filter(Boolean), [placed]);
  const matching = filterThreads(placed, { status, mine, section }, user);
  const range = useVisibleRange(editor, matching.length > MAX_RENDERED);
  const visible = visibleThreads(matching, active, range);
  const tops = useAlignment(editor, visible);

  // A thread named in the address (#thread-<id>) opens scrolled to.
  const [linked, setLinked] = useState(() => window.location.hash.replace(/^#thread-/, ''));
  useEffect(() => {
    if (!linked) return;
    const target = placed.find((p) => p.thread.id === linked);
    if (!target) return;
    setLinked('');
    if (target.thread.status === 'resolved') setStatus('all');
    onActivate([linked]);
    showPassage(editor, target);
  }, [linked, placed, editor, onActivate]);

  return (
    <section className="threads" aria-labelledby="threads-heading">
      <h2 id="threads-heading" className="panel-heading">
        {t('threads.heading')}{' '}
        <span className="presence-count">{t('threads.count', { count: visible.length })}</span>
      </h2>
      {props.composing && <Composer draftId={draftId} anchor={props.composing} onDone={props.onComposed} />}
      <fieldset className="thread-filters">
        <legend className="visually-hidden">{t('threads.filters')}</legend>
        <select
          className="select select-small"
          aria-label={t('threads.statusFilter')}
          value={status}
          onChange={(e) => setStatus(e.target.value as StatusFilter)}
        >
          <option value="open">{t('threads.showOpen')}</option>
          <option value="resolved">{t('threads.showResolved')}</option>
          <option value="all">{t('threads.showAll')}</option>
        </select>
        {sections.length > 1 && (
          <select
            className="select select-small"
            aria-label={t('threads.sectionFilter')}
            value={section}
            onChange={(e) => setSection(e.target.value)}
          >
            <option value="">{t('threads.allSections')}</option>
            {sections.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        )}
        {user && (
          <label className="check">
            <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} />{' '}
            {t('threads.mine')}
          </label>
        )}
      </fieldset>
      {visible.length === 0 && !props.composing && <p className="muted threads-empty">{t('threads.none')}</p>}
      <div
        className={`thread-list${tops ? ' aligned' : ''}`}
        style={tops ? { height: tops.height } : undefined}
      >
        {visible.map((p) => (
          <div
            key={p.thread.id}
            className="thread-slot"
            style={tops ? { top: tops.top.get(p.thread.id) ?? 0 } : undefined}
          >
            <ThreadCard
              draftId={draftId}
              placed={p}
              user={user}
              canComment={props.canComment}
              canResolve={props.canResolve}
              active={active.includes(p.thread.id)}
              onShowPassage={() => {
                onActivate([p.thread.id]);
                showPassage(editor, p);
              }}
            />
          </div>
        ))}
      </div>
    </section>
  );
}

/** How long the text rests before the margin measures it again. */
const SETTLE_MS = 150;

/**
 * The document positions shown on screen (with a screen's worth of slack each side), followed as
 * the reader scrolls; undefined when not needed. Rendering every card of a draft with thousands of
 * threads would freeze typing.
 */
function useVisibleRange(editor: Editor, needed: boolean): { from: number; to: number } | undefined {
  const [range, setRange] = useState<{ from: number; to: number }>();
  useEffect(() => {
    if (!needed) {
      setRange(undefined);
      return;
    }
    let frame = 0;
    const measure = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        const box = editor.view.dom.getBoundingClientRect();
        const left = box.left + 10;
        const top = Math.max(box.top, -window.innerHeight) + 1;
        const bottom = Math.min(box.bottom, window.innerHeight * 2) - 1;
        const from = editor.view.posAtCoords({ left, top })?.pos ?? 0;
        const to = editor.view.posAtCoords({ left, top: bottom })?.pos ?? editor.state.doc.content.size;
        setRange((previous) =>
          previous && previous.from === from && previous.to === to ? previous : { from, to },
        );
      });
    };
    // Typing moves positions a little at every keystroke: measured again once the text rests.
    let settle: ReturnType<typeof setTimeout> | undefined;
    const measureLater = () => {
      clearTimeout(settle);
      settle = setTimeout(measure, SETTLE_MS);
    };
    measure();
    window.addEventListener('scroll', measure, { passive: true });
    window.addEventListener('resize', measure);
    editor.on('update', measureLater);
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(settle);
      window.removeEventListener('scroll', measure);
      window.removeEventListener('resize', measure);
      editor.off('update', measureLater);
    };
  }, [editor, needed]);
  return range;
}

/**
 * On wide screens each card sits beside its passage, pushed down only as far as needed not to
 * overlap the card above; on narrow screens (margin under the text) they simply follow each other.
 */
function useAlignment(editor: Editor, visible: PlacedThread[]) {
  const [layout, setLayout] = useState<CardLayout>();
  const frame = useRef(0);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const again = () => {
      cancelAnimationFrame(frame.current);
      frame.current = requestAnimationFrame(() => setTick((n) => n + 1));
    };
    // Cards follow the text once it rests, not at every keystroke.
    let settle: ReturnType<typeof setTimeout> | undefined;
    const againLater = () => {
      clearTimeout(settle);
      settle = setTimeout(again, SETTLE_MS);
    };
    editor.on('update', againLater);
    window.addEventListener('resize', again);
    return () => {
      clearTimeout(settle);
      editor.off('update', againLater);
      window.removeEventListener('resize', again);
    };
  }, [editor]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` re-measures after edits and resizes.
  useLayoutEffect(() => {
    const list = document.querySelector<HTMLElement>('.thread-list');
    if (!list || !window.matchMedia('(min-width: 1181px)').matches) {
      setLayout(undefined);
      return;
    }
    const listTop = list.getBoundingClientRect().top;
    const cards = visible.map((p): StackedCard => {
      const card = list.querySelector<HTMLElement>(`[data-thread-id="${p.thread.id}"]`);
      let passageTop: number | undefined;
      if (p.location.state !== 'detached') {
        try {
          passageTop = editor.view.coordsAtPos(p.location.from).top - listTop;
        } catch {
          // a position from a document that just changed: keep the stacked place
        }
      }
      return { id: p.thread.id, passageTop, height: card?.offsetHeight };
    });
    const { top, height } = stackCards(cards);
    setLayout((previous) => (previous && sameLayout(previous.top, top) ? previous : { top, height }));
  }, [visible, tick, editor]);
  return layout;
}
