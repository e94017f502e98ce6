import { createContext } from 'preact';
import { useContext, useEffect, useReducer } from 'preact/hooks';
import type { LiveClient } from './client.ts';

export const LiveContext = createContext<LiveClient | null>(null);

export function useLiveClient(): LiveClient {
  const client = useContext(LiveContext);
  if (!client) throw new Error('LiveContext is not provided');
  return client;
}

/** Re-renders the caller whenever the client's state (connection, status, slots) changes. */
export function useLiveState(): LiveClient {
  const client = useLiveClient();
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => client.on('state', () => bump(undefined)), [client]);
  return client;
}
