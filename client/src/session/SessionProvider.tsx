import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { PublicUser } from '../../../shared/auth.ts';
import { signOut as apiSignOut, fetchMe } from '../api/accounts.ts';

interface Session {
  /** undefined while loading; null for a visitor. */
  user: PublicUser | null | undefined;
  setUser(user: PublicUser | null): void;
  refresh(): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | undefined>(undefined);

/** Who is signed in, for the whole app; asked of the server once at start and after sign-in/out. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<PublicUser | null | undefined>(undefined);
  const refresh = useCallback(async () => {
    try {
      setUser((await fetchMe()).user);
    } catch {
      setUser(null);
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const signOut = useCallback(async () => {
    await apiSignOut();
    setUser(null);
  }, []);
  const value = useMemo(() => ({ user, setUser, refresh, signOut }), [user, refresh, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
