import { Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ChatbotHttpApi } from './chatbot-http-api';
import { ChatbotLoadBalancer } from './chatbot-load-balancer';
import { ChatbotAuth, IChatbotLoginActions } from '../auth/chatbot-auth';
import { ChatbotOidcAuth } from '../auth/chatbot-oidc-auth';
import { ChatbotUserPoolWebAcl } from '../auth/chatbot-user-pool-web-acl';
import { ChatbotEdge } from '../edge/chatbot-edge';
import { ChatbotMonitoring } from '../monitoring/chatbot-monitoring';
import { ChatbotNetwork } from '../network/chatbot-network';
import { ChatbotOriginVerify } from '../origin-verify/chatbot-origin-verify';
import type { SecureContainerChatbotProps } from '../secure-container-chatbot';
import { ChatbotService } from '../service/chatbot-service';

// What an ingress variant is given by the root and what it builds. Internal: the root composes
// them; a new variant implements `ChatbotIngress`'s internal methods with these types.

/** What every variant needs before the service exists: settings the root's other parts take. */
export interface IngressPlan {
  /** Whether a new VPC gets the load balancer's own subnets (with a NAT gateway) unless `networkOptions` says. */
  readonly defaultLoadBalancerSubnets?: boolean;
  /** Variables the ingress sets in the container. */
  readonly environment: { [name: string]: string };
  /** The app's sign-out path (`SIGNOUT_PATH`). */
  readonly signOutPath: string;
  /** Names the regional certificate must cover besides `domainName` (the origin name). */
  readonly certificateNames: string[];
}

/** The root's parts an ingress builds on. */
export interface IngressContext {
  readonly props: SecureContainerChatbotProps;
  readonly stack: Stack;
  readonly url: string;
  readonly encryptionKey: kms.Key;
}

/** The login a variant built (every member undefined when it has none). */
export interface IngressLogin extends Pick<ChatbotIngressParts, 'auth' | 'oidcAuth' | 'loginWebAcl'> {
  /** What the load balancer authenticates with: `auth` or `oidcAuth`. */
  readonly loginActions?: IChatbotLoginActions;
}

/** The root's parts the entry (load balancer, API, CloudFront) builds on. */
export interface EntryContext extends IngressContext {
  readonly plan: IngressPlan;
  readonly login: IngressLogin;
  readonly vpc: ec2.IVpc;
  readonly network?: ChatbotNetwork;
  readonly service: ChatbotService;
  readonly certificate: acm.ICertificate;
  readonly accessLogsBucket?: s3.Bucket;
}

/** The entry a variant built (a part it lacks is undefined). */
export type IngressEntry = Omit<ChatbotIngressParts, 'auth' | 'oidcAuth' | 'loginWebAcl'>;

/**
 * The parts of `SecureContainerChatbot` that depend on its ingress. A part the ingress lacks is
 * undefined, so code that serves several ingresses can test for it.
 */
export interface ChatbotIngressParts {
  /** The Cognito login; undefined with the CloudFront ingress's `oidc` and the HTTP API's `jwtIssuer`. */
  readonly auth?: ChatbotAuth;
  /** The load balancer's login without Cognito; undefined unless the CloudFront ingress has `oidc`. */
  readonly oidcAuth?: ChatbotOidcAuth;
  /** The regional web ACL on the user pool's login endpoints; undefined unless the CloudFront ingress asks for it. */
  readonly loginWebAcl?: ChatbotUserPoolWebAcl;
  /** The load balancer with the login; undefined with `ChatbotIngress.httpApi()`. */
  readonly loadBalancer?: ChatbotLoadBalancer;
  /** CloudFront, WAF and DNS; undefined with `ChatbotIngress.httpApi()`. */
  readonly edge?: ChatbotEdge;
  /** The stack that holds `edge`; undefined with `ChatbotIngress.httpApi()`. */
  readonly edgeStack?: Stack;
  /** The origin-verify secret and its rotation; undefined unless the ingress is `ChatbotIngress.cloudFront()`. */
  readonly originVerify?: ChatbotOriginVerify;
  /** The HTTP API, VPC link and Network Load Balancer; undefined unless the ingress is `ChatbotIngress.httpApi()`. */
  readonly httpApi?: ChatbotHttpApi;
  /** The alarms; undefined with `monitoring: false` and with the HTTP API ingress. */
  readonly monitoring?: ChatbotMonitoring;
}
