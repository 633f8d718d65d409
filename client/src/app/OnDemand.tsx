import {
  Component,
  type ComponentType,
  type LazyExoticComponent,
  lazy,
  type ReactNode,
  Suspense,
} from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';

/**
 * A page that is downloaded the first time someone opens it, so that a reader's first visit
 * carries only the reading path. `pick` names the page's export (we use no default exports).
 */
export function onDemand<P extends object, K extends string>(
  load: () => Promise<Record<K, ComponentType<P>>>,
  pick: K,
): LazyExoticComponent<ComponentType<P>> {
  return lazy(async () => ({ default: (await load())[pick] }));
}

/**
 * Starts a download the reader will very likely need soon, once the browser has nothing better
 * to do (after the first render), so that following the link is instant.
 */
export function prefetchWhenIdle(load: () => Promise<unknown>): void {
  const start = () => void load().catch(() => undefined); // a failure shows when the page is opened
  if ('requestIdleCallback' in window) window.requestIdleCallback(start, { timeout: 3000 });
  else setTimeout(start, 1000);
}

/** Where on-demand pages appear: a status line while one downloads, a way out if it cannot. */
export function OnDemand({ children }: { children: ReactNode }) {
  const [location] = useLocation();
  return (
    <LoadBoundary location={location}>
      <Suspense fallback={<PageLoading />}>{children}</Suspense>
    </LoadBoundary>
  );
}

/** What a page shows while its code downloads (`message` by default: "Loading the page…"). */
export function PageLoading({ message }: { message?: string }) {
  const { t } = useTranslation();
  return (
    <main id="content" className="page page-narrow" aria-busy="true">
      <p role="status">{message ?? t('app.loadingPage')}</p>
    </main>
  );
}

function PageLoadFailed() {
  const { t } = useTranslation();
  return (
    <main id="content" className="page page-narrow">
      <div role="alert" className="notice notice-error">
        <p>{t('app.pageLoadFailed')}</p>
        <button type="button" className="button" onClick={() => window.location.reload()}>
          {t('app.reload')}
        </button>
      </div>
    </main>
  );
}

/**
 * A page's code may fail to download (offline, or a deploy replaced the files the tab knew).
 * Without a boundary React would unmount the whole app; this keeps the header and says what to
 * do. Moving to another page clears the failure.
 */
class LoadBoundary extends Component<{ location: string; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  override componentDidUpdate(previous: { location: string }) {
    if (this.state.failed && previous.location !== this.props.location) this.setState({ failed: false });
  }

  override render() {
    return this.state.failed ? <PageLoadFailed /> : this.props.children;
  }
}
