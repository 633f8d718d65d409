import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { ExportMenu } from './ExportMenu.tsx';

export type RecordTab = 'draft' | 'history' | 'versions' | 'report';

/** History, versions, the report and the exports of a draft (and the draft itself, from those pages). */
export function DraftRecordLinks({ draftId, current }: { draftId: string; current?: RecordTab }) {
  const { t } = useTranslation();
  const base = `/d/${encodeURIComponent(draftId)}`;
  const tabs: { tab: RecordTab; href: string }[] = [
    ...(current ? [{ tab: 'draft' as const, href: base }] : []),
    { tab: 'history', href: `${base}/history` },
    { tab: 'versions', href: `${base}/versions` },
    { tab: 'report', href: `${base}/report` },
  ];
  return (
    <nav className="record-links" aria-label={t('records.label')}>
      {tabs.map(({ tab, href }) => (
        <Link
          key={tab}
          href={href}
          className="record-link"
          aria-current={tab === current ? 'page' : undefined}
        >
          {t(`records.${tab}`)}
        </Link>
      ))}
      <ExportMenu draftId={draftId} />
    </nav>
  );
}
