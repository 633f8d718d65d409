import type { Editor } from '@tiptap/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PublicUser } from '../../../shared/auth.ts';
import type { SuggestionAnchor } from '../../../shared/suggestions.ts';
import { SuggestComposer } from './SuggestComposer.tsx';
import { SuggestionCard } from './SuggestionCard.tsx';
import {
  type DecisionFilter,
  filterSuggestions,
  groupCompeting,
  type PlacedSuggestion,
  showSuggestion,
} from './suggestionLayout.ts';

interface Props {
  editor: Editor;
  draftId: string;
  placed: PlacedSuggestion[];
  user: PublicUser | null;
  canSuggest: boolean;
  canDecide: boolean;
  composing: { anchor: SuggestionAnchor; typed?: string } | undefined;
  onComposed: (suggestionId: string | undefined) => void;
  active: string[];
  onActivate: (ids: string[]) => void;
}

/**
 * The suggestions in the margin, in document order: open ones first, competing ones (on
 * overlapping passages) side by side on one card; decided ones on request.
 */
export function SuggestionsPanel(props: Props) {
  const { editor, draftId, placed, user, active, onActivate } = props;
  const { t } = useTranslation();
  const [filter, setFilter] = useState<DecisionFilter>('open');
  const [mine, setMine] = useState(false);
  const matching = filterSuggestions(placed, { decision: filter, mine }, user);
  const groups = groupCompeting(matching);

  // A suggestion named in the address (#suggestion-<id>) opens scrolled to.
  const [linked, setLinked] = useState(() => window.location.hash.replace(/^#suggestion-/, ''));
  useEffect(() => {
    if (!linked) return;
    const target = placed.find((p) => p.suggestion.id === linked);
    if (!target) return;
    setLinked('');
    if (target.suggestion.status !== 'open') setFilter('all');
    onActivate([linked]);
    showSuggestion(editor, target);
  }, [linked, placed, editor, onActivate]);

  const card = (p: PlacedSuggestion) => (
    <SuggestionCard
      key={p.suggestion.id}
      draftId={draftId}
      placed={p}
      user={user}
      canComment={props.canSuggest}
      canDecide={props.canDecide}
      active={active.includes(p.suggestion.id)}
      onShowPassage={() => {
        onActivate([p.suggestion.id]);
        showSuggestion(editor, p);
      }}
    />
  );

  return (
    <section className="threads suggestions" aria-labelledby="suggestions-heading">
      <h2 id="suggestions-heading" className="panel-heading">
        {t('suggestions.heading')}{' '}
        <span className="presence-count">{t('threads.count', { count: matching.length })}</span>
      </h2>
      {props.composing && (
        <SuggestComposer
          key={props.composing.anchor.start + props.composing.anchor.end}
          draftId={draftId}
          anchor={props.composing.anchor}
          typed={props.composing.typed}
          onDone={props.onComposed}
        />
      )}
      <fieldset className="thread-filters">
        <legend className="visually-hidden">{t('suggestions.filters')}</legend>
        <select
          className="select select-small"
          aria-label={t('suggestions.statusFilter')}
          value={filter}
          onChange={(e) => setFilter(e.target.value as DecisionFilter)}
        >
          <option value="open">{t('suggestions.showOpen')}</option>
          <option value="decided">{t('suggestions.showDecided')}</option>
          <option value="all">{t('suggestions.showAll')}</option>
        </select>
        {user && (
          <label className="check">
            <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} />{' '}
            {t('suggestions.mine')}
          </label>
        )}
      </fieldset>
      {matching.length === 0 && !props.composing && (
        <p className="muted threads-empty">
          {props.canSuggest ? t('suggestions.noneCanSuggest') : t('suggestions.none')}
        </p>
      )}
      <div className="suggestion-list">
        {groups.map((group) =>
          group.length === 1 && group[0] ? (
            card(group[0])
          ) : (
            <section
              key={group.map((p) => p.suggestion.id).join()}
              className="competing"
              aria-label={t('suggestions.competing', { count: group.length })}
              data-testid="competing-suggestions"
            >
              <p className="competing-heading">{t('suggestions.competing', { count: group.length })}</p>
              <div className="competing-cards">{group.map(card)}</div>
            </section>
          ),
        )}
      </div>
    </section>
  );
}
