'use client';

import { ApolloProvider } from '@apollo/client/react';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { Button } from '@/components/controls/button';
import { type ApolloSession, createApolloClient } from '@/lib/apollo/create-apollo-client';
import { SessionProvider, useSession } from '@/lib/auth/session-context';
import { getSession } from '@/lib/auth/session-store';
import { type ConsoleConfig, loadConsoleConfig } from '@/lib/config/runtime-config';
import { Spinner } from '../feedback/states';
import { ToastProvider } from '../toast/toast-provider';
import styles from './app-providers.module.css';

const ConfigContext = createContext<ConsoleConfig | null>(null);

/** Where the API lives, as resolved from `/config.json` at start-up. */
export function useConsoleConfig(): ConsoleConfig {
  const value = useContext(ConfigContext);
  if (!value) throw new Error('useConsoleConfig must be used inside <AppProviders>');
  return value;
}

/** Everything the pages need: runtime config, session, the session's Apollo client, toasts. */
export function AppProviders({ children }: { children: ReactNode }) {
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const load = useCallback(() => {
    setFailure(null);
    loadConsoleConfig().then(setConfig, (error: unknown) => setFailure(error instanceof Error ? error.message : String(error)));
  }, []);

  useEffect(load, [load]);

  if (failure) {
    return (
      <div className={`${styles.boot} ${styles.failed}`} role="alert">
        <p>The console could not start: {failure}</p>
        <Button onClick={load}>Try again</Button>
      </div>
    );
  }
  if (!config) {
    return (
      <div className={styles.boot} role="status">
        <Spinner /> Starting the console…
      </div>
    );
  }
  return (
    <ConfigContext.Provider value={config}>
      <SessionProvider graphqlUrl={config.graphqlUrl}>
        <ToastProvider>
          <SessionApollo config={config}>{children}</SessionApollo>
        </ToastProvider>
      </SessionProvider>
    </ConfigContext.Provider>
  );
}

/**
 * Builds one Apollo client per signed-in user (and one for nobody) and tears it down when that
 * changes. A refreshed access token keeps the client: it reads the current token per request.
 */
function SessionApollo({ config, children }: { config: ConsoleConfig; children: ReactNode }) {
  const { session, signOut, refresh } = useSession();
  const userId = session?.user.id ?? null;
  const signOutRef = useRef(signOut);
  signOutRef.current = signOut;
  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;

  const [apollo, setApollo] = useState<{ userId: string | null; session: ApolloSession } | null>(null);
  useEffect(() => {
    const created = createApolloClient({
      config,
      getToken: () => (userId ? (getSession()?.token ?? null) : null),
      refresh: () => refreshRef.current(),
      onUnauthenticated: () => void signOutRef.current('expired'),
    });
    setApollo({ userId, session: created });
    return () => created.dispose();
  }, [config, userId]);

  // Never render with the previous session's client (it is being disposed).
  if (!apollo || apollo.userId !== userId) return null;
  return <ApolloProvider client={apollo.session.client}>{children}</ApolloProvider>;
}
