import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';

export type Loaded<T> =
  | { kind: 'loading' }
  | { kind: 'ready'; value: T }
  | { kind: 'failed'; error: unknown };

/**
 * Loads again whenever `deps` change, ignoring answers that arrive after the next load started
 * (or after unmount). `reload` asks again while still showing what was loaded before.
 */
export function useLoaded<T>(load: () => Promise<T>, deps: DependencyList): [Loaded<T>, () => void] {
  const [state, setState] = useState<Loaded<T>>({ kind: 'loading' });
  const [round, setRound] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `deps` are what `load` reads.
  const stableLoad = useCallback(load, deps);
  const lastLoad = useRef(stableLoad);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `round` only asks for another load.
  useEffect(() => {
    let current = true;
    if (lastLoad.current !== stableLoad) setState({ kind: 'loading' });
    lastLoad.current = stableLoad;
    stableLoad().then(
      (value) => current && setState({ kind: 'ready', value }),
      (error: unknown) => current && setState({ kind: 'failed', error }),
    );
    return () => {
      current = false;
    };
  }, [stableLoad, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return [state, reload];
}
