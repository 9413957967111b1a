import { CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { createDeployTimeFunction } from '../shared/deploy-time-function';
import { CUSTOM_RESOURCE_SERVICE_TIMEOUT } from '../shared/service-timeout';

/** Props of `ImagePresenceCheck`. */
export interface ImagePresenceCheckProps {
  readonly repository: ecr.IRepository;
  /** A tag, or a digest (`sha256:...`). */
  readonly tagOrDigest: string;
  readonly logsKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A custom resource that fails the deployment, before any task definition that depends on it is
 * registered, when the image is not in its repository: a missing push then costs seconds and a
 * clean rollback, not several minutes of failed tasks until the circuit breaker gives up.
 */
export class ImagePresenceCheck extends Construct {
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: ImagePresenceCheckProps) {
    super(scope, id);
    const { handler, role } = createDeployTimeFunction(this, {
      description: 'Fails the deployment when the container image is not in its ECR repository yet',
      roleDescription: 'Looks up the chatbot image in its ECR repository while CloudFormation deploys',
      handlerFile: 'image-check',
      timeout: Duration.seconds(30),
      logsKey: props.logsKey,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      outsideVpcReason: 'A deploy-time handler that makes one ECR DescribeImages call over TLS with IAM authentication and handles no application data; '
        + 'in the VPC it would need the ecr.api endpoint and a security group of its own for a call made once per deployment.',
      outsideVpcCheckovReason: 'Runs only while CloudFormation deploys the stack and makes one ECR DescribeImages call.',
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'LookUpTheImage',
      actions: ['ecr:DescribeImages'],
      resources: [props.repository.repositoryArn],
    }));
    const digest = props.tagOrDigest.startsWith('sha256:');
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: handler.functionArn,
      resourceType: 'Custom::ChatbotImageCheck',
      serviceTimeout: CUSTOM_RESOURCE_SERVICE_TIMEOUT,
      properties: {
        RepositoryName: props.repository.repositoryName,
        RegistryId: props.repository.env.account,
        RepositoryUri: props.repository.repositoryUri,
        ...(digest ? { ImageDigest: props.tagOrDigest } : { ImageTag: props.tagOrDigest }),
      },
    });
    // The handler's permission exists before it runs, and outlives its delete.
    this.resource.node.addDependency(role.grantsPolicy!);
  }
}
