import { CfnOutput } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * A stack output naming a DNS record the user creates at their DNS provider, when the construct
 * has no Route 53 hosted zone to create it in.
 */
export function dnsRecordOutput(scope: Construct, id: string, name: string, target: string, what: string): void {
  new CfnOutput(scope, id, {
    description: `Create this record at your DNS provider: ${name} CNAME to ${what}`,
    value: `${name} CNAME ${target}`,
  });
}
