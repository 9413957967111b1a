import { App, Fn, SecretValue, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ChatbotEdge, ChatbotEdgeProps } from '../../src';
import { exampleTemplate } from '../support/example-assemblies';

const edge = exampleTemplate('basic', 'us-east-1');

// Managed policy IDs documented by CloudFront.
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER = '216adef6-5c7f-47e4-b989-5492eafa07d3';

describe('CloudFront distribution', () => {
  test('serves the custom domain with TLS 1.2 minimum, HTTP/2 and HTTP/3', () => {
    edge.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['chat.example.com'],
        HttpVersion: 'http2and3',
        ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' }),
        WebACLId: { 'Fn::GetAtt': [Match.stringLikeRegexp('WebAcl'), 'Arn'] },
      }),
    });
  });

  test('access logs through standard logging v2 into a KMS-encrypted log group of the edge stack: no log bucket in us-east-1', () => {
    edge.resourceCountIs('AWS::S3::Bucket', 0);
    const distributionId = Object.keys(edge.findResources('AWS::CloudFront::Distribution'))[0];
    const source = Object.values(edge.findResources('AWS::Logs::DeliverySource'));
    expect(source).toHaveLength(1);
    expect(source[0].Properties.LogType).toBe('ACCESS_LOGS');
    expect(JSON.stringify(source[0].Properties.ResourceArn)).toContain(distributionId);
    const destination = Object.entries(edge.findResources('AWS::Logs::DeliveryDestination'));
    expect(destination).toHaveLength(1);
    const logGroupId = destination[0][1].Properties.DestinationResourceArn['Fn::GetAtt'][0];
    edge.hasResource('AWS::Logs::LogGroup', {
      Properties: { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('LogsKey'), 'Arn'] }, RetentionInDays: 365 },
      DeletionPolicy: 'Retain',
    });
    expect(edge.toJSON().Resources[logGroupId].Type).toBe('AWS::Logs::LogGroup');
    edge.hasResource('AWS::Logs::Delivery', {
      Properties: { DeliveryDestinationArn: { 'Fn::GetAtt': [destination[0][0], 'Arn'] } },
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('AccessLogsSource')]),
    });
    // Names are per account and region: they carry the stack instance's id.
    expect(JSON.stringify(source[0].Properties.Name)).toContain('AWS::StackId');
  });

  test('reaches the origin over HTTPS only, by a DNS name known at synth time, with the origin-verify header', () => {
    edge.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Origins: [Match.objectLike({
          DomainName: 'origin.chat.example.com',
          CustomOriginConfig: Match.objectLike({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'], OriginReadTimeout: 60 }),
          OriginCustomHeaders: [{
            HeaderName: 'X-Origin-Verify',
            HeaderValue: '{{resolve:secretsmanager:secure-container-chatbot/chat.example.com/origin-verify:SecretString:value::}}',
          }],
        })],
      }),
    });
  });

  test('caches nothing and forwards every viewer header (Host for the Cognito callback, WebSocket upgrades)', () => {
    edge.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({
          CachePolicyId: CACHING_DISABLED,
          OriginRequestPolicyId: ALL_VIEWER,
          ViewerProtocolPolicy: 'redirect-to-https',
          AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
        }),
      }),
    });
  });

  test('runs the sign-out function on /signout, which expires the load balancer cookies and goes on to the Cognito logout', () => {
    edge.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        CacheBehaviors: [Match.objectLike({
          PathPattern: '/signout',
          CachePolicyId: CACHING_DISABLED,
          FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: Match.anyValue() }],
        })],
      }),
    });
    const fn = Object.values(edge.findResources('AWS::CloudFront::Function'))[0];
    const code: string = fn.Properties.FunctionCode;
    expect(code).toContain("'AWSELBAuthSessionCookie-' + i");
    expect(code).toContain('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
    expect(code).toContain('"/signout/cognito"');
    expect(code).toContain('statusCode: 302');
    expect(fn.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
  });

  test('has a DNS-validated certificate in us-east-1 and IPv4 and IPv6 alias records', () => {
    edge.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'chat.example.com', ValidationMethod: 'DNS' });
    for (const type of ['A', 'AAAA']) {
      edge.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'chat.example.com.',
        Type: type,
        HostedZoneId: 'Z0123456789EXAMPLE',
        AliasTarget: Match.objectLike({ DNSName: { 'Fn::GetAtt': [Match.anyValue(), 'DomainName'] } }),
      });
    }
  });
});

describe('WAF web ACL', () => {
  test('is CLOUDFRONT-scoped with a per-IP rate limit and the managed common, known-bad-inputs and IP reputation groups', () => {
    edge.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      VisibilityConfig: Match.objectLike({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true }),
      Rules: Match.arrayWith([
        Match.objectLike({ Name: 'RateLimitPerIp', Action: { Block: {} }, Statement: { RateBasedStatement: Match.objectLike({ Limit: 1000, AggregateKeyType: 'IP' }) } }),
        Match.objectLike({ Statement: { ManagedRuleGroupStatement: Match.objectLike({ VendorName: 'AWS', Name: 'AWSManagedRulesAmazonIpReputationList' }) } }),
        Match.objectLike({ Statement: { ManagedRuleGroupStatement: Match.objectLike({ VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' }) } }),
      ]),
    });
  });

  test('only counts the common group\'s body-size rule, so Streamlit uploads pass', () => {
    edge.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([Match.objectLike({
        Statement: {
          ManagedRuleGroupStatement: {
            VendorName: 'AWS',
            Name: 'AWSManagedRulesCommonRuleSet',
            RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
          },
        },
      })]),
    });
  });

  test('logs to an encrypted aws-waf-logs- log group with the credentials redacted', () => {
    edge.hasResourceProperties('AWS::Logs::LogGroup', {
      // aws-waf-logs-<path>-<stack instance id>: a group retained from a deleted stack is out of the way.
      LogGroupName: { 'Fn::Join': ['', [Match.stringLikeRegexp('^aws-waf-logs-[A-Za-z0-9-]+-$'), { 'Fn::Select': [4, Match.anyValue()] }]] },
      KmsKeyId: Match.anyValue(),
      RetentionInDays: 365,
    });
    edge.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: [{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }],
    });
  });
});

describe('ChatbotEdge bad input', () => {
  const SECRET = SecretValue.secretsManager('origin-verify', { jsonField: 'value' });
  const make = (region: string, props: Partial<ChatbotEdgeProps> = {}) => {
    const stack = new Stack(new App(), 'S', { env: { region } });
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Z', { hostedZoneId: 'Z1', zoneName: 'example.com' });
    return () => new ChatbotEdge(stack, 'Edge', {
      domainName: 'chat.example.com',
      hostedZone,
      originDomainName: 'origin.chat.example.com',
      originVerifyHeaderValue: SECRET,
      ...props,
    });
  };

  test('refuses a stack outside us-east-1 unless its us-east-1 parts (certificate, web ACL) are given, naming each', () => {
    expect(make('eu-west-1')).toThrow(/`certificate`: is missing: this construct is in eu-west-1.*\n.*`webAclArn`: is missing/);
  });

  test('refuses a stack in a region where CloudFront cannot deliver standard logs to a bucket', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'me-south-1' } });
    expect(() => new ChatbotEdge(stack, 'Edge', {
      domainName: 'chat.example.com',
      originDomainName: 'origin.chat.example.com',
      originVerifyHeaderValue: SECRET,
      certificate: acm.Certificate.fromCertificateArn(stack, 'C', 'arn:aws:acm:us-east-1:123456789012:certificate/abc'),
      webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/acl/1234',
    })).toThrow(/`scope`: is a stack in me-south-1, where CloudFront cannot deliver standard logs/);
  });

  test('refuses neither a hosted zone nor a certificate', () => {
    expect(make('us-east-1', { hostedZone: undefined })).toThrow(/`hostedZone`: is missing, and so is `certificate`/);
  });

  test('refuses a public origin\'s props next to a VPC origin, and a public origin without them', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'us-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc });
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Z', { hostedZoneId: 'Z1', zoneName: 'example.com' });
    expect(() => new ChatbotEdge(stack, 'Edge', {
      domainName: 'chat.example.com', hostedZone, vpcOriginLoadBalancer: alb, originDomainName: 'origin.chat.example.com', originVerifyHeaderValue: SECRET,
    })).toThrow(/`originDomainName`: is unused with `vpcOriginLoadBalancer`.*\n.*`originVerifyHeaderValue`: is unused/);
    expect(() => new ChatbotEdge(stack, 'Edge2', { domainName: 'chat.example.com', hostedZone }))
      .toThrow(/`originDomainName`: is missing.*\n.*`originVerifyHeaderValue`: is missing/);
  });

  test('refuses a regional web ACL', () => {
    expect(make('us-east-1', { webAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/acl/1234' })).toThrow(/`webAclArn`.*CLOUDFRONT-scope/);
  });

  test('refuses a certificate outside us-east-1', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'us-east-1' } });
    const cert = acm.Certificate.fromCertificateArn(stack, 'C', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc');
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Z', { hostedZoneId: 'Z1', zoneName: 'example.com' });
    expect(() => new ChatbotEdge(stack, 'Edge', {
      domainName: 'chat.example.com', hostedZone, originDomainName: 'o.example.com', originVerifyHeaderValue: SECRET, certificate: cert,
    })).toThrow(/`certificate`: is in eu-west-1; CloudFront only uses certificates from us-east-1/);
  });

  test('refuses a domain outside the hosted zone and reports every problem at once', () => {
    expect(make('us-east-1', { domainName: 'chat.other.org', signOutPath: 'signout' }))
      .toThrow(/2 problems in props:\n- `hostedZone`: is example.com, which does not contain chat.other.org.*\n- `signOutPath`/);
  });

  test('refuses an origin-verify value that would be written into the template in plain text', () => {
    expect(make('us-east-1', { originVerifyHeaderValue: SecretValue.unsafePlainText('letmein') }))
      .toThrow(/ChatbotEdge: `originVerifyHeaderValue`: is not a reference to a secret.*SecretValue.unsafePlainText/);
  });

  test('refuses a rate limit below what WAF accepts', () => {
    expect(make('us-east-1', { rateLimitPerIp: 5 })).toThrow(/`rateLimitPerIp`: must be a whole number from 10/);
  });

  // A web ACL of the user's has its own rules; each of the new web ACL's options would be ignored.
  const ACL = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/acl/1234';
  test.each([
    ['an ARN known at synth', ACL],
    ['an ARN known only at deploy', Fn.importValue('TeamWebAclArn')],
  ])('with webAclArn (%s), refuses each of the new web ACL\'s options', (_, webAclArn) => {
    expect(make('us-east-1', {
      webAclArn, rateLimitPerIp: 500, maxUploadBytes: 1048576, uploadPath: '/upload', allowedIpRanges: ['203.0.113.0/24'], allowedCountries: ['DE'],
    })).toThrow(new RegExp('5 problems in props:' + ['rateLimitPerIp', 'maxUploadBytes', 'uploadPath', 'allowedIpRanges', 'allowedCountries']
      .map((prop) => `\\n- \`${prop}\`: only applies to the web ACL this construct creates, but \`webAclArn\` was given`).join('.*')));
  });
});

describe('WAF limits (examples/storage)', () => {
  const storageEdge = exampleTemplate('storage', 'us-east-1');

  test('rate limit per IP and maximum upload size on Streamlit\'s upload path', () => {
    storageEdge.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({ Name: 'RateLimitPerIp', Statement: { RateBasedStatement: Match.objectLike({ Limit: 500 }) } }),
        Match.objectLike({
          Name: 'MaxUploadSize',
          Action: { Block: {} },
          Statement: {
            AndStatement: {
              Statements: [
                { ByteMatchStatement: Match.objectLike({ FieldToMatch: { UriPath: {} }, PositionalConstraint: 'STARTS_WITH', SearchString: '/_stcore/upload_file' }) },
                { RegexMatchStatement: Match.objectLike({ FieldToMatch: { SingleHeader: { Name: 'content-length' } }, RegexString: Match.stringLikeRegexp('^\\^0\\*\\(') }) },
              ],
            },
          },
        }),
      ]),
    });
  });
});

describe('ChatbotEdge alone, in a us-east-1 stack of the user\'s, with an imported secret and certificate', () => {
  const stack = new Stack(new App(), 'OwnEdge', { env: { region: 'us-east-1', account: '123456789012' } });
  const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'OriginSecret', 'my/origin-verify');
  const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/abc';
  const chatEdge = new ChatbotEdge(stack, 'Edge', {
    domainName: 'chat.example.com',
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z1', zoneName: 'example.com' }),
    originDomainName: 'origin.chat.example.com',
    originVerifyHeaderValue: secret.secretValueFromJson('value'),
    certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', certificateArn),
  });
  const own = Template.fromStack(stack);

  test('CloudFront sends the origin-verify header as a dynamic reference to the user\'s secret, never its value', () => {
    const [distribution] = Object.values(own.findResources('AWS::CloudFront::Distribution'));
    const [origin] = distribution.Properties.DistributionConfig.Origins;
    expect(origin.DomainName).toBe('origin.chat.example.com');
    expect(origin.OriginCustomHeaders).toHaveLength(1);
    expect(origin.OriginCustomHeaders[0].HeaderName).toBe('X-Origin-Verify');
    expect(JSON.stringify(origin.OriginCustomHeaders[0].HeaderValue)).toMatch(/\{\{resolve:secretsmanager:.*my\/origin-verify.*:SecretString:value::\}\}/);
  });

  test('the given certificate is used and no other is created; the web ACL is created and attached', () => {
    own.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    own.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ ViewerCertificate: Match.objectLike({ AcmCertificateArn: certificateArn }) }),
    });
    own.resourceCountIs('AWS::WAFv2::WebACL', 1);
    expect(chatEdge.webAcl?.cfnWebAcl.scope).toBe('CLOUDFRONT');
    own.resourceCountIs('AWS::Route53::RecordSet', 2);
  });
});

describe('ChatbotEdge in a stack outside us-east-1 with its us-east-1 parts given, and no hosted zone', () => {
  const stack = new Stack(new App(), 'Regional', { env: { region: 'eu-west-1' } });
  new ChatbotEdge(stack, 'Edge', {
    domainName: 'chat.example.com',
    originDomainName: 'origin.chat.example.com',
    originVerifyHeaderValue: SecretValue.secretsManager('origin-verify', { jsonField: 'value' }),
    certificate: acm.Certificate.fromCertificateArn(stack, 'C', 'arn:aws:acm:us-east-1:123456789012:certificate/abc'),
    webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/acl/1234',
  });
  const template = Template.fromStack(stack);

  test('builds the distribution in that stack with the given certificate and web ACL, creating neither', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        ViewerCertificate: Match.objectLike({ AcmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' }),
        WebACLId: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/acl/1234',
      }),
    });
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  test('creates no Route 53 record, and outputs the record to create at the DNS provider', () => {
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
    const outputs = template.findOutputs('*');
    const values = Object.values(outputs).map((o) => JSON.stringify(o.Value));
    expect(values).toEqual([expect.stringMatching(/chat\.example\.com CNAME .*Distribution.*DomainName/)]);
  });
});
