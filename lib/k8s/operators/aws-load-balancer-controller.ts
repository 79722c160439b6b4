import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { PlatformContract } from '../../core/contract';
import { invalidProp } from '../../core/errors';
import { ReleaseConnections } from '../../core/release-network';
import { GATEWAY_IMAGES, OPERATOR_SOURCES } from '../../core/versions';
import { PodSecurityLevel } from '../pod-security';

/** Name of the release (Argo CD Application and Helm release; the pods' `app.kubernetes.io/instance`). */
const RELEASE = 'aws-load-balancer-controller';

/** Labels of the controller's pods (templates/_helpers.tpl `aws-load-balancer-controller.selectorLabels`; name and release are the chart's name). */
export const AWS_LOAD_BALANCER_CONTROLLER_POD_LABELS = { 'app.kubernetes.io/name': RELEASE, 'app.kubernetes.io/instance': RELEASE };

/** Port of the controller's webhook server (the chart's `webhookBindPort` default), which the API server calls. */
export const AWS_LOAD_BALANCER_CONTROLLER_WEBHOOK_PORT = 9443;

/** Props of the AWS Load Balancer Controller release. */
export interface AwsLoadBalancerControllerReleaseProps {
  /**
   * The platform contract: the cluster name, region, and the controller's names and VPC from its
   * `loadBalancerController` entry (the AWS layer's `addLoadBalancerController`).
   */
  readonly contract: PlatformContract;
  /**
   * Controller replicas (one leads; the others serve the webhooks and stand by).
   * @default 2
   */
  readonly replicas?: number;
}

/**
 * AWS Load Balancer Controller v3.5.0: turns Services of type LoadBalancer with the class
 * `service.k8s.aws/nlb` (the model gateway's) into Network Load Balancers with IP targets.
 *
 * Source: the aws-load-balancer-controller chart 3.5.0 (published through aws/eks-charts; its
 * source is helm/aws-load-balancer-controller at v3.5.0 of the controller's repository). Values,
 * all in its values.yaml: clusterName, region and vpcId (the nodes' instance metadata is out of the
 * pods' reach, hop limit 1), the service account of the contract (its Pod Identity), the image,
 * cert-manager for the webhook certificate (the chart's own would be regenerated at every render),
 * no IngressClass and no service mutator webhook (the platform asks for NLBs by class; other
 * Services of type LoadBalancer are left to whatever the cluster has), no Shield, WAF or WAFv2
 * calls, and the restricted security contexts.
 */
export function awsLoadBalancerControllerRelease(props: AwsLoadBalancerControllerReleaseProps): OperatorRelease {
  const where = 'OperatorCatalogue.awsLoadBalancerController';
  const lbc = props.contract.loadBalancerController;
  if (!lbc) {
    throw invalidProp(where, 'contract.loadBalancerController', undefined, 'the AWS layer did not prepare the AWS Load Balancer Controller (no identity, no VPC id)',
      'give the spec a gateway exposed through a load balancer (CnaiAwsStack.fromSpec adds it), or call stack.addLoadBalancerController(), and pass that stack\'s contract');
  }
  if (lbc.namespace === 'kube-system') {
    throw invalidProp(where, 'contract.loadBalancerController.namespace', lbc.namespace, 'release namespaces are declared with a Pod Security level, which kube-system\'s privileged system pods would not pass',
      'install the controller into its own namespace (the default, LOAD_BALANCER_CONTROLLER.namespace)');
  }
  const replicas = props.replicas ?? 2;
  if (!Number.isInteger(replicas) || replicas < 1) {
    throw invalidProp(where, 'replicas', replicas, 'not a positive whole number', 'give 2 (a leader and a standby that also serves the webhooks) or more');
  }
  const image = GATEWAY_IMAGES.awsLoadBalancerController;
  return new OperatorRelease({
    name: RELEASE,
    namespace: lbc.namespace,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.awsLoadBalancerController),
    values: {
      clusterName: props.contract.clusterName,
      region: props.contract.region,
      vpcId: lbc.vpcId,
      replicaCount: replicas,
      image: { repository: image.repository, tag: image.tag },
      serviceAccount: { create: true, name: lbc.serviceAccount },
      enableCertManager: true,
      createIngressClassResource: false,
      enableServiceMutatorWebhook: false,
      enableShield: false,
      enableWaf: false,
      enableWafv2: false,
      podSecurityContext: { fsGroup: 65534, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      securityContext: {
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      },
    },
    phase: InstallPhase.OPERATORS,
    // Its CRDs (TargetGroupBinding, the Gateway API extensions) are large.
    serverSideApply: true,
    podSecurity: PodSecurityLevel.RESTRICTED,
    description: `Network Load Balancers for Services of class service.k8s.aws/nlb in ${props.contract.clusterName} (AWS Load Balancer Controller).`,
    network: {
      connections: [
        ReleaseConnections.webhook(RELEASE, [AWS_LOAD_BALANCER_CONTROLLER_WEBHOOK_PORT], 'TargetGroupBinding and pod readiness gate webhooks, called by the API server'),
        ReleaseConnections.aws(RELEASE, 'creates and updates the Network Load Balancers, their target groups and security group rules (EC2, ELB)'),
      ],
    },
    provides: {
      customResources: [
        { group: 'elbv2.k8s.aws', kinds: ['ALBTargetControlConfig', 'IngressClassParams', 'TargetGroupBinding'] },
        { group: 'aga.k8s.aws', kinds: ['GlobalAccelerator'] },
        { group: 'gateway.k8s.aws', kinds: ['ListenerRuleConfiguration', 'LoadBalancerConfiguration', 'TargetGroupConfiguration'] },
      ],
      services: [{
        // The API server calls the webhooks (TargetGroupBindings, pod readiness gates).
        name: 'aws-load-balancer-webhook-service',
        ports: [{ name: 'webhook-server', port: 443, targetPort: AWS_LOAD_BALANCER_CONTROLLER_WEBHOOK_PORT }],
        selector: AWS_LOAD_BALANCER_CONTROLLER_POD_LABELS,
        template: 'templates/service.yaml',
      }],
      workloads: [{
        // Calls EC2 and Elastic Load Balancing through its Pod Identity.
        name: RELEASE,
        podLabels: AWS_LOAD_BALANCER_CONTROLLER_POD_LABELS,
        ports: [{ name: 'webhook-server', containerPort: AWS_LOAD_BALANCER_CONTROLLER_WEBHOOK_PORT }, { name: 'metrics-server', containerPort: 8080 }],
        serviceAccount: lbc.serviceAccount,
        template: 'templates/deployment.yaml',
      }],
    },
  });
}
