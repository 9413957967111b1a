/**
 * Baseline for the synth benchmark: roughly the architecture of examples/basic, written by hand
 * with stock aws-cdk-lib constructs only (nothing from ../../src), in one us-east-1 stack.
 * Not a secure reference: no HTTPS, no origin-verify header, no login on the ALB. It exists to
 * compare synth time and template size with the library.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as ecsPatterns from 'aws-cdk-lib/aws-ecs-patterns';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';

export function buildBaseline(app: App): Stack {
  const stack = new Stack(app, 'BaselineChatbot', { env: { region: 'us-east-1' } });

  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
  });
  const isolated: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [isolated] });
  const endpoints: Array<[string, ec2.InterfaceVpcEndpointAwsService]> = [
    ['BedrockRuntime', ec2.InterfaceVpcEndpointAwsService.BEDROCK_RUNTIME],
    ['EcrApi', ec2.InterfaceVpcEndpointAwsService.ECR],
    ['EcrDkr', ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER],
    ['Logs', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS],
  ];
  for (const [id, service] of endpoints) {
    vpc.addInterfaceEndpoint(id, { service, subnets: isolated });
  }

  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  const web = new ecsPatterns.ApplicationLoadBalancedFargateService(stack, 'Web', {
    cluster,
    cpu: 512,
    memoryLimitMiB: 1024,
    desiredCount: 2,
    taskSubnets: isolated,
    publicLoadBalancer: true,
    taskImageOptions: {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12-slim'),
      containerPort: 8501,
    },
  });

  const userPool = new cognito.UserPool(stack, 'UserPool', { selfSignUpEnabled: false, signInAliases: { email: true } });
  userPool.addClient('Client', { generateSecret: true, oAuth: { flows: { authorizationCodeGrant: true } } });

  const rule = (name: string, priority: number): wafv2.CfnWebACL.RuleProperty => ({
    name,
    priority,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
    visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
  });
  const webAcl = new wafv2.CfnWebACL(stack, 'WebAcl', {
    scope: 'CLOUDFRONT',
    defaultAction: { allow: {} },
    visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'baseline', sampledRequestsEnabled: true },
    rules: [
      rule('AWSManagedRulesAmazonIpReputationList', 0),
      rule('AWSManagedRulesCommonRuleSet', 1),
      rule('AWSManagedRulesKnownBadInputsRuleSet', 2),
    ],
  });

  new cloudfront.Distribution(stack, 'Distribution', {
    defaultBehavior: {
      origin: new origins.HttpOrigin(web.loadBalancer.loadBalancerDnsName, { protocolPolicy: cloudfront.OriginProtocolPolicy.HTTP_ONLY }),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER,
    },
    webAclId: webAcl.attrArn,
  });
  return stack;
}
