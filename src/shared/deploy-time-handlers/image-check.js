'use strict';
// CloudFormation custom resource: fails the deployment at once when the image a task definition
// names is not in its ECR repository yet. Without it, ECS starts tasks that cannot pull the image
// and the deployment circuit breaker rolls the stack back after several minutes of failed tasks.
// Node.js, AWS SDK v3 from the Lambda runtime.
//
// ResourceProperties: RepositoryName, RegistryId (the account), RepositoryUri (for the message),
// and ImageTag or ImageDigest.

const { respond } = require('./cfn-response');

function client() {
  const { ECRClient } = require('@aws-sdk/client-ecr');
  return new ECRClient({});
}

function describeImages(input) {
  const { DescribeImagesCommand } = require('@aws-sdk/client-ecr');
  return new DescribeImagesCommand(input);
}

/** The image reference as `docker push` takes it. */
function reference(props) {
  return props.ImageDigest ? `${props.RepositoryUri}@${props.ImageDigest}` : `${props.RepositoryUri}:${props.ImageTag}`;
}

async function onEvent(event, ecr, command = describeImages) {
  const props = event.ResourceProperties;
  const physicalId = `image-check:${props.RepositoryName}:${props.ImageDigest || props.ImageTag}`;
  if (event.RequestType === 'Delete') {
    return { physicalId };
  }
  const imageId = props.ImageDigest ? { imageDigest: props.ImageDigest } : { imageTag: props.ImageTag };
  try {
    const answer = await ecr.send(command({ repositoryName: props.RepositoryName, registryId: props.RegistryId, imageIds: [imageId] }));
    const image = (answer.imageDetails || [])[0];
    if (!image) {
      throw Object.assign(new Error('no image details'), { name: 'ImageNotFoundException' });
    }
    return { physicalId, digest: image.imageDigest };
  } catch (error) {
    if (error.name === 'ImageNotFoundException') {
      throw new Error(`The image ${reference(props)} is not in the repository yet, so no task could start. `
        + `Build it for the tasks' CPU architecture, push it (docker push ${reference(props)}), then deploy again.`);
    }
    if (error.name === 'RepositoryNotFoundException') {
      throw new Error(`The repository ${props.RepositoryName} does not exist in account ${props.RegistryId}. Deploy the stack that creates it first.`);
    }
    throw error;
  }
}

async function handler(event, context, deps) {
  const ecr = (deps && deps.ecr) || client();
  const send = (deps && deps.respond) || respond;
  try {
    const result = await onEvent(event, ecr, deps && deps.command);
    await send(event, 'SUCCESS', result.physicalId, 'OK', result.digest ? { ImageDigest: result.digest } : undefined);
  } catch (error) {
    console.error(error);
    await send(event, 'FAILED', event.PhysicalResourceId || `failed-${event.RequestId}`, error.message || String(error));
  }
}

module.exports = { handler, onEvent };
