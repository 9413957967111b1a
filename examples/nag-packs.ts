import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { ControlTowerChecks } from './control-tower-checks';

/**
 * The policy checks every example must pass, as CDK policy-validation plugins: the four cdk-nag
 * packs and AWS Control Tower's proactive controls (CloudFormation Guard rules, all of them), with the
 * library's exceptions applied per resource.
 */
export function addNagPacks(app: App): void {
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new HIPAASecurityChecks(app),
    new NIST80053R5Checks(app),
    new PCIDSS321Checks(app),
    new ControlTowerChecks(app),
  );
}
