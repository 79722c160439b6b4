import { problemsOf, spec } from './spec-fixture';
import { GatewayAccessMode, GatewayChecks, GatewayExposure, gatewayNeedsLoadBalancer } from '../../lib/core/gateway-spec';
import { ServedModelKind, ServedModelSpec } from '../../lib/core/platform-spec';
import { PredictiveModelFormat } from '../../lib/core/predictive-models';


describe('the spec\'s gateway section', () => {
  test('a valid section passes: every served model, every team, in-cluster', () => {
    expect(problemsOf(spec({ gateway: {} }))).toEqual([]);
    expect(problemsOf(spec({ gateway: { models: ['chat'], clientTeams: ['team-b'], teamBudgets: [{ team: 'team-b', tokensPerHour: 2_000_000 }] } }))).toEqual([]);
    expect(problemsOf(spec({ gateway: { exposure: GatewayExposure.PUBLIC_LOAD_BALANCER, publicCidrs: ['203.0.113.0/24'], tlsSecretName: 'gateway-tls' } }))).toEqual([]);
  });

  test('a model routed that is not served', () => {
    expect(problemsOf(spec({ gateway: { models: ['chat', 'summarize'] } }))).toEqual([
      'gateway.models[1]: the gateway would route to a model that is not served (no served model has this name)',
    ]);
  });

  test('a predictive model routed through the gateway', () => {
    const base = spec({});
    const churn: ServedModelSpec = { name: 'churn', team: base.teams[0].name, kind: ServedModelKind.PREDICTIVE, predictive: { format: PredictiveModelFormat.XGBOOST }, pools: [] };
    expect(problemsOf(spec({ models: [...(base.models ?? []), churn], gateway: { models: ['chat', 'churn'] } }))).toEqual([
      'gateway.models[1]: a predictive model: the gateway speaks the OpenAI API and routes served LLMs only',
    ]);
    // Left to its default, the gateway routes the LLMs only.
    expect(problemsOf(spec({ models: [...(base.models ?? []), churn], gateway: {} }))).toEqual([]);
  });

  test('a team budget for a team that does not exist', () => {
    expect(problemsOf(spec({ gateway: { teamBudgets: [{ team: 'team-c', tokensPerHour: 1000 }] } }))).toEqual([
      'gateway.teamBudgets[0].team: a token budget for a team that does not exist',
    ]);
  });

  test('a public gateway without CIDRs', () => {
    expect(problemsOf(spec({ gateway: { exposure: GatewayExposure.PUBLIC_LOAD_BALANCER, tlsSecretName: 'gateway-tls' } }))).toEqual([
      'gateway.publicCidrs: a public gateway needs the client CIDRs it accepts; without them it would be open to the internet',
    ]);
  });

  test('client networks of an internal load balancer given to a public one', () => {
    expect(problemsOf(spec({ gateway: { exposure: GatewayExposure.PUBLIC_LOAD_BALANCER, publicCidrs: ['203.0.113.0/24'], internalClientCidrs: ['192.168.64.0/20'], tlsSecretName: 'gateway-tls' } })))
      .toEqual(['gateway.internalClientCidrs: networks routed to the VPC reach an internal load balancer only, and the exposure is public-load-balancer']);
    expect(problemsOf(spec({ gateway: { exposure: GatewayExposure.INTERNAL_LOAD_BALANCER, internalClientCidrs: ['192.168.64.0/20', '192.168.64.1/20'], tlsSecretName: 'gateway-tls' } })))
      .toEqual(['gateway.internalClientCidrs[1]: 192.168.64.1 is not the first address of a /20 block']);
  });

  test('the other mistakes, one problem each, reported with the spec\'s others', () => {
    expect(problemsOf(spec({
      availabilityZones: ['us-west-2a'],
      gateway: {
        models: ['chat', 'chat'],
        clientTeams: ['team-z'],
        teamBudgets: [{ team: 'team-a', tokensPerHour: 0 }, { team: 'team-a', tokensPerHour: 10 }],
        exposure: GatewayExposure.INTERNAL_LOAD_BALANCER,
        publicCidrs: ['203.0.113.0/24'],
      },
    }))).toEqual([
      'availabilityZones: EKS needs subnets in at least two availability zones',
      'gateway.models[1]: listed twice',
      'gateway.clientTeams[0]: no team has this name',
      'gateway.teamBudgets[0].tokensPerHour: not a whole number of tokens of at least 1',
      'gateway.teamBudgets[1].team: the team has a budget already',
      'gateway.publicCidrs: client CIDRs apply to a public load balancer only, and the exposure is internal-load-balancer',
      'gateway.tlsSecretName: a load balancer exposure (internal-load-balancer) serves HTTPS only, and no certificate is named',
    ]);
    expect(problemsOf(spec({ gateway: { tlsSecretName: 'gateway-tls' } }))).toEqual(['gateway.tlsSecretName: the in-cluster exposure has a plain HTTP listener only']);
  });

  test('the listener\'s certificate from Secrets Manager: with a load balancer exposure', () => {
    const lb = { exposure: GatewayExposure.INTERNAL_LOAD_BALANCER, tlsSecretName: 'gateway-tls' };
    expect(problemsOf(spec({ gateway: { ...lb, tlsCertificateSecretName: 'cnai-test/model-gateway-tls' } }))).toEqual([]);
    expect(problemsOf(spec({ gateway: { tlsCertificateSecretName: 'cnai-test/model-gateway-tls' } }))).toEqual([
      'gateway.tlsCertificateSecretName: the in-cluster exposure has no HTTPS listener that would use the certificate',
    ]);
  });

  test('the listener\'s certificate: not a Secrets Manager secret name', () => {
    expect(problemsOf(spec({ gateway: { exposure: GatewayExposure.INTERNAL_LOAD_BALANCER, tlsSecretName: 'gateway-tls', tlsCertificateSecretName: 'model gateway tls' } }))).toEqual([
      'gateway.tlsCertificateSecretName: not a Secrets Manager secret name or ARN',
    ]);
  });

  test('a budget for a team that is not among the client teams', () => {
    expect(problemsOf(spec({ gateway: { clientTeams: ['team-b'], teamBudgets: [{ team: 'team-a', tokensPerHour: 1000 }] } }))).toEqual([
      'gateway.teamBudgets[0].team: the team is not among gateway.clientTeams, so it cannot call the gateway and its budget would never apply',
    ]);
  });

  test('OIDC access without its provider', () => {
    expect(problemsOf(spec({ gateway: { access: { mode: GatewayAccessMode.OIDC } } }))).toEqual([
      'gateway.access.oidc: OIDC access needs the provider whose tokens the gateway accepts',
    ]);
  });

  test('an OIDC provider with API keys', () => {
    expect(problemsOf(spec({ gateway: { access: { oidc: { issuer: 'https://id.example.com', audiences: ['model-gateway'] } } } }))).toEqual([
      'gateway.access.oidc: an OIDC provider is given, and the access mode is API keys',
    ]);
  });

  test('an OIDC issuer or key set not over https', () => {
    expect(problemsOf(spec({ gateway: { access: { mode: GatewayAccessMode.OIDC, oidc: { issuer: 'http://id.example.com', audiences: ['gw'], jwksUri: 'keys' } } } }))).toEqual([
      'gateway.access.oidc.issuer: not an https URL: the gateway would accept keys fetched over a connection anyone on the path could change',
      'gateway.access.oidc.jwksUri: not an https URL: the gateway would accept keys fetched over a connection anyone on the path could change',
    ]);
  });

  test('an OIDC provider without audiences, or with a bad claim name', () => {
    expect(problemsOf(spec({ gateway: { access: { mode: GatewayAccessMode.OIDC, oidc: { issuer: 'https://id.example.com', audiences: [], teamClaim: 'the team' } } } }))).toEqual([
      'gateway.access.oidc.audiences: no audience: the gateway would accept tokens the provider issued for any application',
      'gateway.access.oidc.teamClaim: not a claim name',
    ]);
  });

  test('an access mode that does not exist', () => {
    expect(problemsOf(spec({ gateway: { access: { mode: 'password' as GatewayAccessMode } } }))).toEqual(['gateway.access.mode: not a GatewayAccessMode']);
  });

  test('which sections need a load balancer', () => {
    expect(gatewayNeedsLoadBalancer(undefined)).toBe(false);
    expect(gatewayNeedsLoadBalancer({})).toBe(false);
    expect(gatewayNeedsLoadBalancer({ enabled: false, exposure: GatewayExposure.INTERNAL_LOAD_BALANCER })).toBe(false);
    expect(gatewayNeedsLoadBalancer({ exposure: GatewayExposure.INTERNAL_LOAD_BALANCER })).toBe(true);
    expect(gatewayNeedsLoadBalancer({ exposure: GatewayExposure.PUBLIC_LOAD_BALANCER })).toBe(true);
  });

  test('a gateway that is off is not checked', () => {
    expect(problemsOf(spec({ gateway: { enabled: false, models: ['summarize'] } }))).toEqual([]);
  });
});

describe('GatewayChecks.exposureProblems', () => {
  const site = { construct: 'app/gateway', exposureProp: 'exposure', cidrsProp: 'publicCidrs' };
  test('names the site, the prop, the value and the fix', () => {
    expect(GatewayChecks.exposureProblems(site, GatewayExposure.PUBLIC_LOAD_BALANCER, ['10.0.0.1/16', '0.0.0.0/0'])).toEqual([
      { construct: 'app/gateway', prop: 'publicCidrs[0]', value: '10.0.0.1/16', problem: '10.0.0.1 is not the first address of a /16 block', fix: 'use the network address, "10.0.0.0/16"' },
      { construct: 'app/gateway', prop: 'publicCidrs[1]', value: '0.0.0.0/0', problem: 'admits every address of the internet', fix: 'list only the ranges of your clients' },
    ]);
    expect(GatewayChecks.exposureProblems(site, 'everywhere' as GatewayExposure, undefined).map((p) => p.problem)).toEqual(['not a GatewayExposure']);
    expect(GatewayChecks.exposureProblems(site, GatewayExposure.CLUSTER, undefined)).toEqual([]);
  });
});
