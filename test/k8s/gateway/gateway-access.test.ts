import { GatewayAccessMode } from '../../../lib/core/gateway-spec';
import { GATEWAY_API_KEY_SECRET, GATEWAY_API_KEY_SECRET_KEY, GatewayAccess } from '../../../lib/k8s/gateway/gateway-access';

describe('GatewayAccess', () => {
  test('API keys: no provider, no JWKS, no claim; the Secret each team gets', () => {
    const a = GatewayAccess.apiKeys();
    expect([a.mode, a.oidcProvider, a.jwksUri, a.teamClaim]).toEqual([GatewayAccessMode.API_KEYS, undefined, undefined, undefined]);
    expect([GATEWAY_API_KEY_SECRET, GATEWAY_API_KEY_SECRET_KEY]).toEqual(['model-gateway-api-key', 'api-key']);
  });

  test('OIDC defaults: the issuer\'s well-known JWKS (trailing slashes dropped), the "team" claim', () => {
    const a = GatewayAccess.oidc({ issuer: 'https://id.example.com/realms/cnai//', audiences: ['model-gateway'] });
    expect(a.mode).toBe(GatewayAccessMode.OIDC);
    expect(a.jwksUri).toBe('https://id.example.com/realms/cnai/.well-known/jwks.json');
    expect(a.teamClaim).toBe('team');
  });

  test('OIDC with its own JWKS URL and claim; the provider is copied', () => {
    const audiences = ['model-gateway'];
    const provider = { issuer: 'https://id.example.com', audiences, jwksUri: 'https://id.example.com/keys', teamClaim: 'groups/team' };
    const a = GatewayAccess.oidc(provider);
    expect([a.jwksUri, a.teamClaim]).toEqual(['https://id.example.com/keys', 'groups/team']);
    audiences.push('other');
    expect(a.oidcProvider!.audiences).toEqual(['model-gateway']);
  });

  test('an http issuer (exact message)', () => {
    expect(() => GatewayAccess.oidc({ issuer: 'http://id.example.com', audiences: ['model-gateway'] })).toThrow(
      'GatewayAccess.oidc: invalid access.oidc.issuer = "http://id.example.com": not an https URL: the gateway would accept keys fetched over a connection anyone on the path could change. '
      + 'Fix: give the provider\'s https URL.');
  });

  test('a JWKS URL that is not a URL', () => {
    expect(() => GatewayAccess.oidc({ issuer: 'https://id.example.com', audiences: ['a'], jwksUri: 'keys.json' })).toThrow(
      /^GatewayAccess.oidc: invalid access.oidc.jwksUri = "keys.json": not an https URL/);
  });

  test('no audience (exact message)', () => {
    expect(() => GatewayAccess.oidc({ issuer: 'https://id.example.com', audiences: [] })).toThrow(
      'GatewayAccess.oidc: invalid access.oidc.audiences = []: no audience: the gateway would accept tokens the provider issued for any application. '
      + 'Fix: give the audience your provider puts into the gateway\'s tokens, e.g. ["model-gateway"].');
    expect(() => GatewayAccess.oidc({ issuer: 'https://id.example.com', audiences: [''] })).toThrow(/invalid access.oidc.audiences = \[""\]/);
  });

  test('a team claim with a space (exact message)', () => {
    expect(() => GatewayAccess.oidc({ issuer: 'https://id.example.com', audiences: ['a'], teamClaim: 'my team' })).toThrow(
      'GatewayAccess.oidc: invalid access.oidc.teamClaim = "my team": not a claim name. Fix: give the name of the claim that holds the team, e.g. "team".');
  });
});
