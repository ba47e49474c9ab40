/**
 * The login token. The API authenticates the management routes with `Authorization: Bearer`
 * (POST /api/auth/login answers a token, it sets no cookie), so the dashboard keeps the token
 * in this browser's localStorage until sign-out, expiry or a 401. The page's CSP allows only
 * this origin's scripts, which is what keeps other code from reading it.
 */
export interface Session {
  token: string;
  expiresAt: string;
}

const KEY = 'playloop.session';

export function readSession(): Session | null {
  const raw = localStorage.getItem(KEY);
  if (!raw) return null;
  try {
    const session = JSON.parse(raw) as Session;
    if (Date.parse(session.expiresAt) > Date.now()) return session;
  } catch {
    // A value this code did not write: treated as no session.
  }
  localStorage.removeItem(KEY);
  return null;
}

export function saveSession(data: { token: string; expires_at: string }): void {
  localStorage.setItem(KEY, JSON.stringify({ token: data.token, expiresAt: data.expires_at }));
}

export function clearSession(): void {
  localStorage.removeItem(KEY);
}
