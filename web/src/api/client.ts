import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema.d.ts';
import { ApiError } from './errors.ts';
import { clearSession, readSession } from './session.ts';

const bearer: Middleware = {
  onRequest({ request }) {
    const session = readSession();
    if (session) request.headers.set('Authorization', `Bearer ${session.token}`);
    return request;
  },
  onResponse({ response }) {
    // The token expired or was ended elsewhere: forget it; the app shell sends to log in.
    if (response.status === 401 && readSession()) clearSession();
    return response;
  },
};

/** The typed API client: paths, parameters and bodies come from the committed openapi.json. */
export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(bearer);

/**
 * The `data` of a successful answer; an error envelope (or no answer) becomes an ApiError,
 * which errorText() turns into words.
 */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || result.data === undefined) {
    throw ApiError.from(result.response, result.error);
  }
  return result.data;
}
