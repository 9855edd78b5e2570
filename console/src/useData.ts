// Loads something from the API for a page: value, error, loading, and a reload.
import { useCallback, useEffect, useState } from 'react';

export function useData<T>(load: () => Promise<T>, deps: readonly unknown[]) {
  const [state, setState] = useState<{ value?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [nonce, setNonce] = useState(0);
  const run = useCallback(load, deps);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    run().then(
      (value) => live && setState({ value, loading: false }),
      (error: unknown) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [run, nonce]);
  return {
    ...state,
    reload: () => setNonce((n) => n + 1),
    set: (value: T) => setState({ value, loading: false }),
  };
}
