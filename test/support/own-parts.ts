import { Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ChatbotBackendProps, IChatbotAuth } from '../../src';

/** A user's own VPC and Fargate service (an app on port 3000), built with aws-cdk-lib alone. */
export function ownFargateService(stack: Stack): { vpc: ec2.Vpc; service: ecs.FargateService } {
  const vpc = new ec2.Vpc(stack, 'OwnVpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  const cluster = new ecs.Cluster(stack, 'OwnCluster', { vpc });
  const taskDefinition = new ecs.FargateTaskDefinition(stack, 'OwnTask');
  taskDefinition.addContainer('Web', { image: ecs.ContainerImage.fromRegistry('example/web:1'), portMappings: [{ containerPort: 3000 }] });
  const service = new ecs.FargateService(stack, 'OwnService', { cluster, taskDefinition, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
  return { vpc, service };
}

/**
 * A login of the user's own, not `ChatbotAuth`: an imported user pool and client, no login on the
 * load balancer (the app's forward as it is) and a logout that goes to `login.example.com`.
 */
export function stubAuth(stack: Stack): IChatbotAuth {
  const userPool = cognito.UserPool.fromUserPoolId(stack, 'OwnPool', 'eu-west-1_abcdEFGH');
  return {
    userPool,
    userPoolClient: cognito.UserPoolClient.fromUserPoolClientId(stack, 'OwnClient', 'client123'),
    authenticateThen: (next) => next,
    cognitoLogoutRedirect: () => elbv2.ListenerAction.redirect({ host: 'login.example.com', path: '/logout', permanent: false }),
  };
}

/**
 * What `ChatbotBackend` needs besides its own options, as the L3 would pass it: a cluster, the
 * frontend's security group, the domain, an imported certificate and log bucket.
 */
export function backendContext(stack: Stack, vpc: ec2.IVpc, domainName = 'backend.chat.example.com'):
Omit<ChatbotBackendProps, 'image' | 'port' | 'containerPort'> {
  return {
    vpc,
    cluster: new ecs.Cluster(stack, 'Cluster', { vpc }),
    clientSecurityGroup: new ec2.SecurityGroup(stack, 'Client', { vpc }),
    domainName,
    certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc'),
    accessLogsBucket: s3.Bucket.fromBucketName(stack, 'Logs', 'logs'),
  };
}
