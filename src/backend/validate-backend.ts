import { IConstruct } from 'constructs';
import { ChatbotBackendOptions } from './chatbot-backend';
import { PropsValidator, isKnown } from '../shared/validation';

/** Checks what the caller controls; `prefix` names the prop path (`backend.`) for the L3. */
export function validateBackendOptions(scope: IConstruct, constructName: string, prefix: string, options: ChatbotBackendOptions): void {
  const v = new PropsValidator(constructName, scope);
  v.check(options.image !== undefined, `${prefix}image`, 'is missing.', 'Pass the backend\'s container image.');
  if (options.containerPort === undefined) {
    v.fail(`${prefix}containerPort`, 'is missing: the internal load balancer needs the port the backend listens on.', 'Pass the backend container\'s port, for example 8080.');
  } else if (isKnown(options.containerPort)) {
    v.check(Number.isInteger(options.containerPort) && options.containerPort >= 1 && options.containerPort <= 65535, `${prefix}containerPort`,
      `must be a whole number from 1 to 65535 (got ${options.containerPort}).`, 'Use the port the backend listens on.');
  }
  if (options.healthCheckPath !== undefined) {
    v.check(options.healthCheckPath.startsWith('/'), `${prefix}healthCheckPath`, `must start with / (got '${options.healthCheckPath}').`, 'Use a path such as /health.');
  }
  v.throwIfInvalid();
}
