import { Duration } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeDeletionProtectionOff, acknowledgeFindings } from './acknowledge';
import { emptyAfterWriterIsGone } from './log-bucket';
import { LoadBalancerAccessLogGroupOptions, deliverLoadBalancerAccessLogs } from './vended-logs';

/** What differs between the library's HTTPS Application Load Balancers (the front one and the backend's). */
export interface HttpsLoadBalancerOptions {
  readonly vpc: ec2.IVpc;
  readonly internetFacing: boolean;
  readonly vpcSubnets: ec2.SubnetSelection;
  /** Its security group, with the rules of its callers already on it. */
  readonly securityGroup: ec2.ISecurityGroup;
  readonly idleTimeout?: Duration;
  readonly http2Enabled?: boolean;
  readonly deletionProtection?: boolean;
  /** A bucket for the legacy access logs, under `accessLogsPrefix`; else vended delivery into a new log group. */
  readonly accessLogsBucket?: s3.IBucket;
  readonly accessLogsPrefix: string;
  /** The access-log group's settings, asked for only without `accessLogsBucket` (so a key is created only when needed). */
  readonly accessLogGroup: () => LoadBalancerAccessLogGroupOptions;
  /** Why no regional web ACL sits on this load balancer (for the reviewed acknowledgement). */
  readonly withoutWebAclReason: string;
  /** The HTTP target group of the app's tasks. */
  readonly target: {
    readonly port: number;
    readonly targets: elbv2.IApplicationLoadBalancerTarget[];
    readonly connections: ec2.IConnectable;
    /** The description of the security-group rule that admits the load balancer on `port`. */
    readonly ruleDescription: string;
    readonly deregistrationDelay: Duration;
    readonly stickinessCookieDuration?: Duration;
    readonly healthCheck: elbv2.HealthCheck;
  };
  readonly certificate: acm.ICertificate;
  /** The listener's default action, given the target group. */
  readonly defaultAction: (targetGroup: elbv2.ApplicationTargetGroup) => elbv2.ListenerAction;
}

/** The load balancer and what hangs on it. */
export interface HttpsLoadBalancer {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly listener: elbv2.ApplicationListener;
  readonly accessLogGroup?: logs.LogGroup;
  readonly accessLogDelivery?: logs.CfnDelivery;
}

/**
 * An Application Load Balancer that speaks only HTTPS (TLS 1.2/1.3, invalid headers dropped,
 * strictest desync mitigation) with access logs, and an HTTP target group of IP targets, under
 * `scope` with the ids `LoadBalancer`, `AccessLogs...` and `TargetGroup`. Callers add their rules.
 */
export function createHttpsLoadBalancer(scope: Construct, options: HttpsLoadBalancerOptions): HttpsLoadBalancer {
  const loadBalancer = new elbv2.ApplicationLoadBalancer(scope, 'LoadBalancer', {
    vpc: options.vpc,
    internetFacing: options.internetFacing,
    vpcSubnets: options.vpcSubnets,
    securityGroup: options.securityGroup,
    dropInvalidHeaderFields: true,
    idleTimeout: options.idleTimeout,
    http2Enabled: options.http2Enabled,
    deletionProtection: options.deletionProtection ?? false,
    desyncMitigationMode: elbv2.DesyncMitigationMode.STRICTEST,
  });
  if (!options.deletionProtection) {
    acknowledgeDeletionProtectionOff(loadBalancer);
  }
  let accessLogs: { logGroup: logs.LogGroup; delivery: logs.CfnDelivery } | undefined;
  if (options.accessLogsBucket) {
    loadBalancer.logAccessLogs(options.accessLogsBucket, options.accessLogsPrefix);
    emptyAfterWriterIsGone(options.accessLogsBucket, loadBalancer);
  } else {
    // Vended delivery into a KMS-encrypted log group: the legacy access logs could only go into
    // an SSE-S3 bucket, which then needs its own exceptions (no KMS, no access logging of its own).
    accessLogs = deliverLoadBalancerAccessLogs(scope, loadBalancer, options.accessLogGroup());
  }
  acknowledgeFindings(loadBalancer, ['NIST.800.53.R5-ALBWAFEnabled', 'PCI.DSS.321-ALBWAFEnabled'], options.withoutWebAclReason);

  const target = options.target;
  const targetGroup = createTargetGroup(scope, 'TargetGroup', options.vpc, target);
  target.connections.connections.allowFrom(loadBalancer, ec2.Port.tcp(target.port), target.ruleDescription);

  const listener = loadBalancer.addListener('Https', {
    port: 443,
    protocol: elbv2.ApplicationProtocol.HTTPS,
    certificates: [options.certificate],
    sslPolicy: elbv2.SslPolicy.TLS13_RES,
    open: false,
    defaultAction: options.defaultAction(targetGroup),
  });
  return { loadBalancer, targetGroup, listener, accessLogGroup: accessLogs?.logGroup, accessLogDelivery: accessLogs?.delivery };
}

/**
 * An HTTP target group of IP targets with the given port, health check, drain and stickiness: the
 * load balancer's own, and the alternate one a traffic-shifting deployment strategy needs.
 */
export function createTargetGroup(scope: Construct, id: string, vpc: ec2.IVpc, target: HttpsLoadBalancerOptions['target']): elbv2.ApplicationTargetGroup {
  return new elbv2.ApplicationTargetGroup(scope, id, {
    vpc,
    targetType: elbv2.TargetType.IP,
    protocol: elbv2.ApplicationProtocol.HTTP,
    port: target.port,
    targets: target.targets,
    deregistrationDelay: target.deregistrationDelay,
    stickinessCookieDuration: target.stickinessCookieDuration,
    healthCheck: target.healthCheck,
  });
}
