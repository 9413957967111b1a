import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ChatbotWebAcl } from '../../src';

describe('ChatbotWebAcl alone, in a us-east-1 stack of the user\'s, with its options', () => {
  const stack = new Stack(new App(), 'OwnAcl', { env: { region: 'us-east-1' } });
  new ChatbotWebAcl(stack, 'Acl', {
    logsEncryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
    rateLimitPerIp: 500,
    allowedCountries: ['DE'],
    allowedIpRanges: ['203.0.113.0/24'],
    maxUploadBytes: 1048576,
    uploadPath: '/upload',
  });
  const own = Template.fromStack(stack);
  const rules: Array<{ Name: string }> = Object.values(own.findResources('AWS::WAFv2::WebACL'))[0].Properties.Rules;
  const ruleWith = (...parts: string[]) => rules.filter((r) => parts.every((p) => JSON.stringify(r).includes(p)));

  test('one CLOUDFRONT-scope web ACL with the given rate limit, allow-lists and upload limit', () => {
    own.resourceCountIs('AWS::WAFv2::WebACL', 1);
    own.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT' });
    expect(ruleWith('"RateBasedStatement"', '"Limit":500')).toHaveLength(1);
    expect(ruleWith('"CountryCodes":["DE"]')).toHaveLength(1);
    expect(ruleWith('"IPSetReferenceStatement"')).toHaveLength(1);
    // The size is judged from the Content-Length header, with a regular expression (see ChatbotWebAclOptions).
    expect(ruleWith('"SearchString":"/upload"', 'content-length')).toHaveLength(1);
    own.hasResourceProperties('AWS::WAFv2::IPSet', { Addresses: ['203.0.113.0/24'], Scope: 'CLOUDFRONT' });
  });
});
