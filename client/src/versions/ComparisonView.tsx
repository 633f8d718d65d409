import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DiffBlock } from '../../../shared/versions.ts';
import { fetchComparison } from '../api/records.ts';
import { LogEntry, originFinder } from '../history/LogEntry.tsx';
import { useLoaded } from '../records/useLoaded.ts';
import { dateTimeFormat } from '../ui/dates.ts';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';

/** Two versions compared: the newer text with what was inserted and deleted marked, then the change log between them. */
export function ComparisonView({ draftId, from, to }: { draftId: string; from: string; to: string }) {
  const { t, i18n } = useTranslation();
  const [comparison] = useLoaded(() => fetchComparison(draftId, from, to), [draftId, from, to]);
  const [onlyChanges, setOnlyChanges] = useState(false);
  if (comparison.kind === 'loading') return <p role="status">{t('versions.comparing')}</p>;
  if (comparison.kind === 'failed') return <ErrorNotice error={comparison.error} />;
  const { value } = comparison;
  const format = dateTimeFormat(i18n.resolvedLanguage);
  const counts = { changed: 0, added: 0, removed: 0 };
  for (const block of value.blocks) if (block.kind !== 'same') counts[block.kind]++;
  const differs = counts.changed + counts.added + counts.removed > 0;
  const blocks = onlyChanges ? value.blocks.filter((b) => b.kind !== 'same') : value.blocks;
  const entries = [...value.entries].reverse();
  const originOf = originFinder(value.entries);

  return (
    <div className="comparison" data-testid="comparison">
      <div className="comparison-main">
        <p className="comparison-title">
          {t('versions.between', {
            from: value.from.name,
            fromDate: format.format(new Date(value.from.at)),
            to: value.to.name ?? t('versions.nowLower'),
            toDate: format.format(new Date(value.to.at)),
          })}
        </p>
        <p className="comparison-summary" role="status">
          {differs ? t('versions.summary', counts) : t('versions.identical')}
        </p>
        {differs && (
          <div className="comparison-tools">
            <p className="comparison-legend">
              <del className="diff-removed">{t('versions.legendRemoved')}</del>{' '}
              <ins className="diff-added">{t('versions.legendAdded')}</ins>
            </p>
            <label className="check">
              <input
                type="checkbox"
                checked={onlyChanges}
                onChange={(e) => setOnlyChanges(e.target.checked)}
              />{' '}
              {t('versions.onlyChanges')}
            </label>
          </div>
        )}
        <article className="comparison-text" aria-label={t('versions.textLabel')}>
          {blocks.map((block, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: blocks are a fixed list for one comparison.
            <Block key={index} block={block} />
          ))}
        </article>
      </div>

      <section className="comparison-log" aria-labelledby="comparison-log-title">
        <h2 id="comparison-log-title" className="section-title comparison-log-title">
          {t('versions.entriesBetween', { count: entries.length })}
        </h2>
        {entries.length === 0 ? (
          <p className="muted">{t('versions.noEntries')}</p>
        ) : (
          <ol className="log-list">
            {entries.map((entry) => (
              <LogEntry key={entry.seq} entry={entry} origin={originOf(entry)} />
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}

/** A paragraph or heading of the comparison; document headings sit under the page's own (h3 and below). */
function Block({ block }: { block: DiffBlock }) {
  const { t } = useTranslation();
  const heading = block.type === 'heading';
  const Tag = heading ? (`h${Math.min(6, (block.level ?? 1) + 2)}` as 'h3') : 'p';
  return (
    <Tag
      className={`diff-block diff-block-${block.kind}${heading ? ` diff-heading diff-h${block.level ?? 1}` : ''}`}
      data-kind={block.kind}
    >
      {block.parts.map((part, index) => {
        const key = `${index}:${part.value.length}`;
        if (part.removed)
          return (
            <del key={key} className="diff-removed" title={t('suggestions.removed')}>
              {part.value}
            </del>
          );
        if (part.added)
          return (
            <ins key={key} className="diff-added" title={t('suggestions.added')}>
              {part.value}
            </ins>
          );
        return <span key={key}>{part.value}</span>;
      })}
    </Tag>
  );
}
