import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { MeDocument, LogoutDocument, type MeQuery, type Role } from '../api/generated';
import { onUnauthenticated, request, ApiError } from '../api/client';

export type Me = NonNullable<MeQuery['me']>;
export type Grant = Me['grants'][number];

const ACTIVE_GRANT_KEY = 'mm.activeGrant';

/** Which role's screens a grant opens, most useful first when the user has several. */
const ROLE_ORDER: Role[] = [
  'PLATFORM_ADMIN',
  'BUREAU_OFFICER',
  'AUDITOR',
  'COMMUNITY_STAFF',
  'ORG_ADMIN',
  'SOCIAL_WORKER',
  'EXPERT',
  'VOLUNTEER',
];

export function defaultGrant(grants: Grant[], savedId: string | null): Grant | null {
  const saved = grants.find((g) => g.id === savedId);
  if (saved) return saved;
  const sorted = [...grants].sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role));
  return sorted[0] ?? null;
}

interface Session {
  me: Me | null;
  loading: boolean;
  error: ApiError | null;
  activeGrant: Grant | null;
  setActiveGrant: (id: string) => void;
  refresh: () => Promise<Me | null>;
  logout: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

function savedGrantId(): string | null {
  try {
    return window.localStorage.getItem(ACTIVE_GRANT_KEY);
  } catch {
    return null;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [grantId, setGrantId] = useState<string | null>(savedGrantId);

  const refresh = useCallback(async () => {
    try {
      const data = await request(MeDocument, {});
      setMe(data.me);
      setError(null);
      return data.me;
    } catch (exc) {
      setError(exc instanceof ApiError ? exc : new ApiError(String(exc), 'UNKNOWN'));
      return null;
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => onUnauthenticated(() => setMe(null)), []);

  const setActiveGrant = useCallback((id: string) => {
    setGrantId(id);
    try {
      window.localStorage.setItem(ACTIVE_GRANT_KEY, id);
    } catch {
      // ignore
    }
  }, []);

  const logout = useCallback(async () => {
    try {
      await request(LogoutDocument, {});
    } finally {
      setMe(null);
    }
  }, []);

  const activeGrant = useMemo(() => (me ? defaultGrant(me.grants, grantId) : null), [me, grantId]);

  const value = useMemo<Session>(
    () => ({ me, loading, error, activeGrant, setActiveGrant, refresh, logout }),
    [me, loading, error, activeGrant, setActiveGrant, refresh, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}
