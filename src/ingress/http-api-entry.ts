import { Construct } from 'constructs';
import { ChatbotHttpApi, ChatbotHttpApiIngressOptions } from './chatbot-http-api';
import { EntryContext, IngressEntry } from './ingress-parts';
import { ingressPropNames } from './login';
import { HTTP_API_OPTION_KEYS } from './option-types';
import { dnsRecordOutput } from '../shared/dns-record-output';
import { pickOptions, withPropPath } from '../shared/prop-path';

/** The HTTP API entry: the API with its JWT authorizer, the VPC link and the internal Network Load Balancer. */
export function bindHttpApiEntry(scope: Construct, context: EntryContext, options: ChatbotHttpApiIngressOptions): IngressEntry {
  const props = context.props;
  const httpApi = new ChatbotHttpApi(scope, 'HttpApi', withPropPath({
    ...pickOptions(options, HTTP_API_OPTION_KEYS),
    vpc: context.vpc,
    subnets: context.service.subnets,
    targets: [context.service.fargateService],
    targetConnections: context.service.fargateService,
    containerPort: context.service.containerPort,
    auth: context.login.auth,
    logsEncryptionKey: context.encryptionKey,
    domainName: props.domainName,
    certificate: context.certificate,
    hostedZone: props.hostedZone,
    // No accessLogsBucket: the load balancer's access logs go into a KMS-encrypted log group.
    logRetention: props.logRetention,
    deletionProtection: props.deletionProtection,
    removalPolicy: props.removalPolicy,
  }, '', { ...ingressPropNames(HTTP_API_OPTION_KEYS), containerPort: 'container.port' }));
  if (!props.hostedZone) {
    dnsRecordOutput(scope, 'DnsRecord', props.domainName, httpApi.customDomain.regionalDomainName, 'the HTTP API\'s regional custom domain');
  }
  return { httpApi };
}
