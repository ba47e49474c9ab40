import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';

export interface ExternalIdentity {
  /** `<issuer>|<sub>`: unique across issuers. */
  subject: string;
  email: string | undefined;
  emailVerified: boolean;
}

export interface OidcVerifier {
  verify(token: string): Promise<ExternalIdentity>;
}

/**
 * Verifies bearer JWTs from an external OpenID Connect issuer (Clerk, Cognito, Auth0,
 * Keycloak …) against the keys its discovery document publishes. Discovery is fetched on first
 * use and retried on the next request if it failed.
 */
export function createOidcVerifier(issuer: string, audience: string): OidcVerifier {
  // Never verify without an audience: another application's tokens from the same issuer
  // would pass (`loadConfig` refuses OIDC_ISSUER without OIDC_AUDIENCE for the same reason).
  if (!audience) throw new Error('an OIDC audience is required');
  let keys: Promise<JWTVerifyGetKey> | undefined;
  const discover = async (): Promise<JWTVerifyGetKey> => {
    const base = issuer.replace(/\/+$/, '');
    const response = await fetch(`${base}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new Error(`OIDC discovery answered ${response.status}`);
    const document = (await response.json()) as { jwks_uri?: unknown };
    if (typeof document.jwks_uri !== 'string') throw new Error('OIDC discovery has no jwks_uri');
    return createRemoteJWKSet(new URL(document.jwks_uri));
  };
  return {
    async verify(token) {
      keys ??= discover().catch((error: unknown) => {
        keys = undefined;
        throw error;
      });
      const { payload } = await jwtVerify(token, await keys, {
        issuer,
        // A token without an expiry would be a credential that never dies.
        requiredClaims: ['exp', 'sub', 'aud'],
        audience,
      });
      if (!payload.sub) throw new Error('token has no subject');
      return {
        subject: `${payload.iss ?? issuer}|${payload.sub}`,
        email: typeof payload.email === 'string' ? payload.email : undefined,
        // Linking by email trusts only an issuer that says it verified the address.
        emailVerified: payload.email_verified === true,
      };
    },
  };
}
