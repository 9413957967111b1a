import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/**
 * The task's side of the contract between the chatbot and its container: what the image runs,
 * where it listens, what it may write, its configuration and its size. `ChatbotService` takes
 * these props under the same names; `ChatbotContainerOptions` (the `container` of
 * `SecureContainerChatbot`) adds the load balancer's health check path.
 *
 * The root filesystem is read-only and the container runs as `user`: every directory the app
 * writes to must be listed in `writableDirectories`.
 */
export interface ChatbotTaskContainerOptions {
  /**
   * The container image of the chat app, for example `ChatbotImage.fromAsset('./app')`, which
   * builds it for `cpuArchitecture`. An image asset built for another architecture is refused,
   * one without a platform draws a warning.
   */
  readonly image: ecs.ContainerImage;

  /**
   * The port the app listens on.
   *
   * @default 8501 (Streamlit)
   */
  readonly port?: number;

  /**
   * The user the container runs as (`uid:gid` or a name the image knows). It must not be root.
   *
   * @default '1000:1000'
   */
  readonly user?: string;

  /**
   * Directories that stay writable although the root filesystem is read-only; each one is an
   * empty task volume. The app's home directory and a temporary directory are usual (Streamlit
   * needs both).
   *
   * @default ['/tmp', '/home/chatbot']
   */
  readonly writableDirectories?: string[];

  /**
   * The command the container runs, instead of the image's `CMD`.
   *
   * @default - the image's `CMD`
   */
  readonly command?: string[];

  /**
   * The entry point of the container, instead of the image's `ENTRYPOINT`.
   *
   * @default - the image's `ENTRYPOINT`
   */
  readonly entryPoint?: string[];

  /**
   * Non-secret configuration for the container, by environment variable name: plain environment
   * variables of the task definition, readable by whoever may describe it. A name that looks like a
   * credential (`PASSWORD`, `SECRET`, `API_KEY`, `ACCESS_TOKEN`...) is refused: put those in
   * `secrets` or `generatedSecrets` (Secrets Manager). Names the construct sets itself are
   * refused: `SIGNOUT_PATH` and, with the Bedrock props, `BEDROCK_MODEL_ID`,
   * `BEDROCK_ALLOWED_MODELS`, `BEDROCK_GUARDRAIL_ID` and `BEDROCK_GUARDRAIL_VERSION`; in
   * `SecureContainerChatbot` also those of the parts it adds (`FILES_BUCKET`, `METADATA_TABLE`,
   * `BACKEND_URL`, `CONVERSATIONS_TABLE`, `CONVERSATIONS_RETENTION_DAYS`, `IDENTITY_SOURCE`,
   * `ALLOWED_GROUPS`).
   *
   * @default - only the values the construct sets (`SIGNOUT_PATH`, the `BEDROCK_*` ones from the
   * Bedrock props, and in `SecureContainerChatbot` those of the parts it adds)
   */
  readonly environment?: { [name: string]: string };

  /**
   * Secrets Manager secrets injected into the container as environment variables (ECS `secrets`,
   * never plain `environment`), by variable name. The execution role may read exactly these. Each
   * must be in the stack's region. ECS reads them when a task starts: after a rotation, force a new
   * deployment (or let the next deployment pick the new value up).
   *
   * @default - none
   */
  readonly secrets?: { [name: string]: secretsmanager.ISecret };

  /**
   * Names of environment variables for which the construct creates a Secrets Manager secret with a
   * generated value, encrypted with the logs key, for you to replace with the real credential
   * (console or CLI); they are injected like `secrets`.
   *
   * @default - none
   */
  readonly generatedSecrets?: string[];

  /**
   * vCPU units of the task (256 = 0.25 vCPU).
   *
   * @default 512
   */
  readonly cpu?: number;

  /**
   * Memory of the task in MiB; it must be a size Fargate offers for `cpu`.
   *
   * @default 1024
   */
  readonly memoryLimitMiB?: number;

  /**
   * CPU architecture of the task. ARM64 (Graviton) costs about 20% less for the same size; the
   * image must be built for it (`ChatbotImage.fromAsset(dir, { cpuArchitecture })`).
   *
   * @default ecs.CpuArchitecture.X86_64
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;
}

/**
 * The contract between the chatbot and its container: what the image runs, where it listens, how
 * the load balancer checks it, and what it may write. The defaults fit Streamlit; another chat UI
 * (Gradio, Chainlit, Open WebUI, a Next.js app) sets its own port, health check path and writable
 * directories.
 *
 * The root filesystem is read-only and the container runs as `user`: every directory the app
 * writes to must be listed in `writableDirectories` (each becomes an empty task volume, owned by
 * root unless the image declares it as a `VOLUME` owned by the app's user).
 */
export interface ChatbotContainerOptions extends ChatbotTaskContainerOptions {
  /**
   * The path the load balancer checks: it must answer 200 without a login. The HTTP API's Network
   * Load Balancer checks the port over TCP instead, so this is refused with
   * `ChatbotIngress.httpApi()`.
   *
   * @default '/_stcore/health' (Streamlit)
   */
  readonly healthCheckPath?: string;
}
