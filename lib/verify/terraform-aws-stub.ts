/**
 * A loopback stand-in for the few AWS reads a platform's plan makes, so the offline plan runs with
 * the real hashicorp/aws provider end to end:
 *
 * - Secrets Manager `GetRandomPassword`, which the ephemeral `aws_secretsmanager_random_password`
 *   calls at every plan. It answers {@link VERIFY_EPHEMERAL_SENTINEL}, a value the verifier then
 *   looks for in the plan JSON: an ephemeral value that reached the plan fails verification.
 * - IAM `GetRole` / `GetUser`, which the admin principal lookups (`data.aws_iam_role`,
 *   `data.aws_iam_user`) call. Offline, every principal exists unless named in
 *   `missingPrincipals` (so a test can show the plan failing as it would against AWS).
 * - EKS `DescribeCluster`, which the lookup of an imported cluster (`data.aws_eks_cluster`) calls.
 *   Offline, every cluster exists (ACTIVE, in the region the request is signed for, with the
 *   library's default Kubernetes version and a `.invalid` endpoint) unless named in `missingClusters`.
 *
 * Anything else is answered with an error naming the operation, so a new AWS read at plan time
 * shows up as a verification failure instead of passing silently.
 *
 * The stub is a separate Node process (the terraform run is synchronous), bound to 127.0.0.1 only;
 * it exits when the verifier stops it, or after ten minutes at the latest.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { EKS } from '../core/versions';

/** What the stub answers GetRandomPassword with; never a real secret, and searched for in the plan. */
export const VERIFY_EPHEMERAL_SENTINEL = 'cnaiVerifyEphemeralValue7f3a9c1e5b2d4f60';

/** Services the stub serves, as the provider's `endpoints` block names them. */
export const STUBBED_SERVICES = ['secretsmanager', 'iam', 'eks'];

/** Options of the stub. */
export interface AwsStubOptions {
  /** IAM role or user names that do not exist (GetRole / GetUser answer NoSuchEntity). @default - none */
  readonly missingPrincipals?: string[];
  /** EKS cluster names that do not exist (DescribeCluster answers ResourceNotFoundException). @default - none */
  readonly missingClusters?: string[];
}

/** A running stub. */
export interface AwsStub {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Stops the stub. */
  stop(): void;
}

const SCRIPT = `
const http = require('http');
const fs = require('fs');
const [portFile, sentinel, missingJson, missingClustersJson, kubernetesVersion] = process.argv.slice(1);
const missing = new Set(JSON.parse(missingJson));
const missingClusters = new Set(JSON.parse(missingClustersJson));
const xml = (body) => '<?xml version="1.0" encoding="UTF-8"?>' + body;
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    const target = String(req.headers['x-amz-target'] || '');
    const form = new URLSearchParams(body);
    const action = form.get('Action') || '';
    if (target === 'secretsmanager.GetRandomPassword') {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ RandomPassword: sentinel }));
      return;
    }
    if (action === 'GetRole' || action === 'GetUser') {
      const kind = action === 'GetRole' ? 'Role' : 'User';
      const name = form.get(kind + 'Name') || '';
      if (missing.has(name)) {
        res.writeHead(404, { 'content-type': 'text/xml' });
        res.end(xml('<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The ' + kind.toLowerCase() + ' with name ' + name
          + ' cannot be found.</Message></Error><RequestId>cnai-verify</RequestId></ErrorResponse>'));
        return;
      }
      const arn = 'arn:aws:iam::000000000000:' + kind.toLowerCase() + '/' + name;
      const inner = kind === 'Role'
        ? '<Role><Path>/</Path><RoleName>' + name + '</RoleName><RoleId>AROACNAIVERIFYSTUB0000</RoleId><Arn>' + arn
          + '</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D</AssumeRolePolicyDocument><MaxSessionDuration>3600</MaxSessionDuration></Role>'
        : '<User><Path>/</Path><UserName>' + name + '</UserName><UserId>AIDACNAIVERIFYSTUB0000</UserId><Arn>' + arn + '</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate></User>';
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(xml('<' + action + 'Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><' + action + 'Result>' + inner + '</' + action
        + 'Result><ResponseMetadata><RequestId>cnai-verify</RequestId></ResponseMetadata></' + action + 'Response>'));
      return;
    }
    const cluster = new RegExp('^/clusters/([^/?]+)$').exec(req.url || '');
    if (req.method === 'GET' && cluster) {
      const name = decodeURIComponent(cluster[1]);
      if (missingClusters.has(name)) {
        res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' });
        res.end(JSON.stringify({ message: 'No cluster found for name: ' + name + '.' }));
        return;
      }
      const signed = new RegExp('Credential=[^/]+/[^/]+/([^/]+)/eks/').exec(String(req.headers.authorization || ''));
      const region = signed ? signed[1] : 'us-east-1';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ cluster: {
        name, arn: 'arn:aws:eks:' + region + ':000000000000:cluster/' + name, createdAt: 1767225600, version: kubernetesVersion,
        endpoint: 'https://' + name + '.cnai-verify-stub.invalid', roleArn: 'arn:aws:iam::000000000000:role/' + name + '-cluster',
        status: 'ACTIVE', platformVersion: 'eks.1', certificateAuthority: { data: 'Y25haS12ZXJpZnktc3R1Yg==' },
        accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' },
        resourcesVpcConfig: { vpcId: 'vpc-00000000000000000', subnetIds: [], securityGroupIds: [], clusterSecurityGroupId: 'sg-00000000000000000',
          endpointPrivateAccess: true, endpointPublicAccess: false, publicAccessCidrs: [] },
        kubernetesNetworkConfig: { ipFamily: 'ipv4', serviceIpv4Cidr: '172.20.0.0/16' },
        identity: { oidc: { issuer: 'https://oidc.eks.' + region + '.amazonaws.com/id/CNAIVERIFYSTUB' } },
        upgradePolicy: { supportType: 'STANDARD' }, tags: {},
      } }));
      return;
    }
    const what = target || action || req.method + ' ' + req.url;
    res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify({ __type: 'UnsupportedOperation', message: 'the offline verification answers no ' + what + ': the plan reads AWS here' }));
  });
});
server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(portFile + '.tmp', String(server.address().port));
  fs.renameSync(portFile + '.tmp', portFile);
});
setTimeout(() => process.exit(0), 10 * 60 * 1000).unref();
`;

/** Starts the stub and waits (up to 10 s) until it listens. */
export function startAwsStub(workDir: string, options: AwsStubOptions = {}): AwsStub {
  const portFile = path.join(workDir, '.cnai-verify-aws-stub-port');
  const args = [portFile, VERIFY_EPHEMERAL_SENTINEL, JSON.stringify(options.missingPrincipals ?? []), JSON.stringify(options.missingClusters ?? []),
    EKS.defaultKubernetesVersion];
  const child: ChildProcess = spawn(process.execPath, ['-e', SCRIPT, ...args], {
    stdio: 'ignore',
    env: { PATH: process.env.PATH ?? '' },
  });
  const stop = () => {
    if (child.exitCode === null && !child.killed) child.kill();
  };
  const deadline = Date.now() + 10_000;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  while (!fs.existsSync(portFile)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      stop();
      throw new Error('the loopback AWS stub of the offline verification did not start within 10 s');
    }
    Atomics.wait(sleeper, 0, 0, 20);
  }
  const port = Number(fs.readFileSync(portFile, 'utf8'));
  return { url: `http://127.0.0.1:${port}`, stop };
}
