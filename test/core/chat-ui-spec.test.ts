import { ChatUiChecks, ChatUiSpec, formatProblem } from '../../lib/core';

const OIDC = {
  discoveryUrl: 'https://login.example.com/.well-known/openid-configuration',
  clientId: 'open-webui',
  clientSecretName: 'cnai/chat-ui-oidc',
};
const SPEC = { construct: 'spec cnai', prefix: 'chatUi.' };
const CONSTRUCT = { construct: 'test/chat', prefix: '' };

/** The messages of the problems, as the spec validation and ChatUi throw them. */
function messages(chat: Partial<ChatUiSpec>, gatewayOn = true, context = SPEC): string[] {
  return ChatUiChecks.problems(context, { oidc: OIDC, ...chat } as ChatUiSpec, gatewayOn).map(formatProblem);
}

describe('ChatUiChecks.problems', () => {
  test('valid settings have no problem; the optional ones may be left out', () => {
    expect(messages({})).toEqual([]);
    expect(messages({
      enabled: true,
      oidc: { ...OIDC, clientSecretKey: 'client.secret_2', providerName: 'Okta' },
      url: 'https://chat.example.com',
      storageGiB: 1,
    })).toEqual([]);
    expect(messages({ url: 'http://localhost:8080' })).toEqual([]);
    expect(messages({ oidc: { ...OIDC, discoveryUrl: 'https://idp.example.com' } })).toEqual([]);
  });

  test('the gateway is off', () => {
    expect(messages({}, false)).toEqual([
      'spec cnai: invalid chatUi.enabled = true: the chat front end sends every chat through the model gateway, and the gateway is off. '
      + 'Fix: turn the gateway on (gateway: { enabled: true }), or leave the chat front end off.',
    ]);
  });

  test.each([undefined, null, 'https://login.example.com'])('oidc %p: one problem, and no check of its fields', (oidc) => {
    expect(messages({ oidc: oidc as any })).toEqual([
      `spec cnai: invalid chatUi.oidc = ${oidc === undefined ? 'undefined' : JSON.stringify(oidc)}: sign-in is by OIDC only, and no OpenID provider is given. `
      + 'Fix: give oidc: { discoveryUrl, clientId, clientSecretName } of the client registered for the chat front end.',
    ]);
  });

  test.each([
    'http://login.example.com/.well-known/openid-configuration',
    'https://',
    'https://login example.com/',
    'login.example.com',
  ])('discoveryUrl %j', (discoveryUrl) => {
    expect(messages({ oidc: { ...OIDC, discoveryUrl } })).toEqual([
      `spec cnai: invalid chatUi.oidc.discoveryUrl = ${JSON.stringify(discoveryUrl)}: not an https URL of the OpenID provider's discovery document. `
      + 'Fix: give e.g. https://login.example.com/.well-known/openid-configuration.',
    ]);
  });

  test.each(['', '   '])('clientId %j', (clientId) => {
    expect(messages({ oidc: { ...OIDC, clientId } })).toEqual([
      `spec cnai: invalid chatUi.oidc.clientId = ${JSON.stringify(clientId)}: no OAuth client id. Fix: give the client id the OpenID provider issued for the chat front end.`,
    ]);
  });

  test.each(['', 'cnai chat-ui'])('clientSecretName %j', (clientSecretName) => {
    expect(messages({ oidc: { ...OIDC, clientSecretName } })).toEqual([
      `spec cnai: invalid chatUi.oidc.clientSecretName = ${JSON.stringify(clientSecretName)}: no Secrets Manager secret named for the client secret. `
      + 'Fix: store the client secret in AWS Secrets Manager as JSON ({"client-secret": "..."}) and give the secret\'s name; never the value itself.',
    ]);
  });

  test.each(['', 'client secret', 'client/secret'])('clientSecretKey %j', (clientSecretKey) => {
    expect(messages({ oidc: { ...OIDC, clientSecretKey } })).toEqual([
      `spec cnai: invalid chatUi.oidc.clientSecretKey = ${JSON.stringify(clientSecretKey)}: not a property name of a JSON secret. `
      + 'Fix: give the property that holds the client secret, e.g. client-secret.',
    ]);
  });

  test.each(['https://chat.example.com/', 'ftp://chat.example.com', 'chat.example.com', 'https://chat example.com'])('url %j', (url) => {
    expect(messages({ url })).toEqual([
      `spec cnai: invalid chatUi.url = ${JSON.stringify(url)}: not an http(s) URL without a trailing slash. Fix: give the URL users open, e.g. https://chat.example.com.`,
    ]);
  });

  test.each([0, 2.5, -1])('storageGiB %p', (storageGiB) => {
    expect(messages({ storageGiB })).toEqual([
      `spec cnai: invalid chatUi.storageGiB = ${storageGiB}: not a whole number of GiB of at least 1. Fix: give e.g. 10.`,
    ]);
  });

  test('one problem per mistake, in order, with the construct\'s own path and no prefix', () => {
    const problems = ChatUiChecks.problems(CONSTRUCT, {
      oidc: { discoveryUrl: 'http://x', clientId: '', clientSecretName: '' },
      url: 'https://chat.example.com/',
      storageGiB: 0,
    }, false);
    expect(problems.map((p) => [p.construct, p.prop, p.value])).toEqual([
      ['test/chat', 'enabled', true],
      ['test/chat', 'oidc.discoveryUrl', 'http://x'],
      ['test/chat', 'oidc.clientId', ''],
      ['test/chat', 'oidc.clientSecretName', ''],
      ['test/chat', 'url', 'https://chat.example.com/'],
      ['test/chat', 'storageGiB', 0],
    ]);
  });
});
