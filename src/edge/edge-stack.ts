import { Names, Stack, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** CloudFront's certificate and a CLOUDFRONT-scope web ACL must be in this region. */
export const EDGE_REGION = 'us-east-1';

/**
 * The us-east-1 helper stack for the CloudFront parts of every chatbot in `stack`: one per
 * stack, created beside it in its Stage on first use and shared by the chatbots after that
 * (each puts its parts under an id of its own). It is named `<stackName>-edge-<region>`, so
 * that stacks of the same name in two regions of one account get two edge stacks. It deploys
 * after `stack`, whose origin record and secret replica it reads.
 */
export function edgeStackOf(stack: Stack): Stack {
  const stage = Stage.of(stack);
  if (!stage) {
    throw new Error('SecureContainerChatbot: the stack must belong to a CDK App or Stage, which holds the us-east-1 edge stack.');
  }
  const id = `${Names.uniqueId(stack)}-edge`;
  const existing = stage.node.tryFindChild(id);
  if (existing) {
    return existing as Stack;
  }
  const edge = new Stack(stage, id, {
    env: { account: stack.account, region: EDGE_REGION },
    stackName: `${stack.stackName.slice(0, 100)}-edge-${stack.region}`,
    description: `CloudFront, WAF and DNS of the chatbots in ${stack.stackName} (their ${EDGE_REGION} parts)`,
    tags: stack.tags.tagValues(),
  });
  edge.addStackDependency(stack, 'origin DNS records and origin-verify secret replicas');
  return edge;
}

/**
 * A construct id for one chatbot's parts in a shared edge stack: its path below the Stage, which
 * is unique even when chatbots of several stacks share one edge stack.
 */
export function edgeScopeId(chatbot: IConstruct): string {
  const stage = Stage.of(chatbot);
  const prefix = stage && stage.node.path ? `${stage.node.path}/` : '';
  return chatbot.node.path.slice(prefix.length).replace(/\//g, '-');
}
