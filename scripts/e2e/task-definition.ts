/**
 * What the synthesized template of examples/basic says about the app container and the
 * conversations table, read from the template itself (synthesized in-process from the example's
 * builder, the same code `npm run synth:examples` runs), so the e2e run follows the stack as it is.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildBasicExample } from '../../examples/basic/app';

type Resource = { Type: string; Properties?: any };

export interface ContainerContract {
  /** The container definition's name in the task definition. */
  readonly name: string;
  /** `User` ("uid:gid"). */
  readonly user: string;
  readonly readonlyRootFilesystem: boolean;
  /** Each mount point: its path in the container, and whether it is read-only. */
  readonly mounts: { containerPath: string; readOnly: boolean }[];
  readonly containerPort: number;
  /** Plain values as the template sets them; values that are CloudFormation intrinsics are in `unresolved`. */
  readonly environment: Record<string, string>;
  /** Variables whose value is an intrinsic (for example a Ref to the table), with that intrinsic. */
  readonly unresolved: Record<string, unknown>;
  /** Names of the variables that come from Secrets Manager or SSM (`Secrets`). */
  readonly secrets: string[];
  /** Task-level CPU units and memory (MiB). */
  readonly cpu?: number;
  readonly memoryMiB?: number;
  /** Seconds ECS waits after SIGTERM before SIGKILL. */
  readonly stopTimeout: number;
  readonly initProcessEnabled: boolean;
}

export interface TableContract {
  readonly logicalId: string;
  readonly attributeDefinitions: { AttributeName: string; AttributeType: string }[];
  readonly keySchema: { AttributeName: string; KeyType: string }[];
  readonly localSecondaryIndexes: any[];
  readonly globalSecondaryIndexes: any[];
  readonly billingMode: string;
}

export interface BasicContract {
  readonly stackName: string;
  readonly container: ContainerContract;
  /** The table that the container's CONVERSATIONS_TABLE refers to. */
  readonly conversationsTable: TableContract;
  readonly tableVariable: string;
}

/** Synthesizes examples/basic into a scratch directory and returns its main stack's template. */
export function synthesizeBasic(): { stackName: string; template: { Resources: Record<string, Resource> } } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-basic-'));
  try {
    const app = new App({ outdir });
    const stack = buildBasicExample(app);
    const assembly = app.synth();
    return { stackName: stack.stackName, template: assembly.getStackByName(stack.stackName).template };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

export function readContract(template: { Resources: Record<string, Resource> }, stackName: string): BasicContract {
  const resources = Object.entries(template.Resources);
  const taskDefinitions = resources.filter(([, r]) => r.Type === 'AWS::ECS::TaskDefinition');
  if (taskDefinitions.length !== 1) {
    throw new Error(`expected one task definition in ${stackName}, found ${taskDefinitions.length}`);
  }
  const task = taskDefinitions[0][1].Properties;
  const containers: any[] = task.ContainerDefinitions ?? [];
  const app = containers.find((c) => c.Essential !== false && (c.PortMappings ?? []).length > 0);
  if (!app) {
    throw new Error('no essential container with a port mapping in the task definition');
  }
  const volumes = new Set<string>((task.Volumes ?? []).map((v: any) => v.Name));
  const mounts = (app.MountPoints ?? []).map((m: any) => {
    if (!volumes.has(m.SourceVolume)) {
      throw new Error(`mount point ${m.ContainerPath} names volume ${m.SourceVolume}, which the task does not declare`);
    }
    return { containerPath: m.ContainerPath as string, readOnly: m.ReadOnly === true };
  });
  const environment: Record<string, string> = {};
  const unresolved: Record<string, unknown> = {};
  for (const { Name, Value } of app.Environment ?? []) {
    if (typeof Value === 'string') {
      environment[Name] = Value;
    } else {
      unresolved[Name] = Value;
    }
  }
  const container: ContainerContract = {
    name: app.Name,
    user: app.User ?? '',
    readonlyRootFilesystem: app.ReadonlyRootFilesystem === true,
    mounts,
    containerPort: app.PortMappings[0].ContainerPort,
    environment,
    unresolved,
    secrets: (app.Secrets ?? []).map((s: any) => s.Name),
    cpu: task.Cpu ? Number(task.Cpu) : undefined,
    memoryMiB: task.Memory ? Number(task.Memory) : undefined,
    // ECS's default when the container sets none is 30 s.
    stopTimeout: app.StopTimeout ?? 30,
    initProcessEnabled: app.LinuxParameters?.InitProcessEnabled === true,
  };

  // The table is the one the container's table variable points at.
  const tableVariable = 'CONVERSATIONS_TABLE';
  const ref = (unresolved[tableVariable] as any)?.Ref;
  const table = typeof ref === 'string' ? template.Resources[ref] : undefined;
  if (!table || table.Type !== 'AWS::DynamoDB::Table') {
    throw new Error(`${tableVariable} in the task definition is not a Ref to a DynamoDB table`);
  }
  const p = table.Properties;
  return {
    stackName,
    container,
    tableVariable,
    conversationsTable: {
      logicalId: ref,
      attributeDefinitions: p.AttributeDefinitions,
      keySchema: p.KeySchema,
      localSecondaryIndexes: p.LocalSecondaryIndexes ?? [],
      globalSecondaryIndexes: p.GlobalSecondaryIndexes ?? [],
      billingMode: p.BillingMode ?? 'PROVISIONED',
    },
  };
}

/** The CreateTable request for that table's key schema and indexes (for moto). */
export function createTableRequest(table: TableContract, tableName: string): Record<string, unknown> {
  const request: Record<string, unknown> = {
    TableName: tableName,
    AttributeDefinitions: table.attributeDefinitions,
    KeySchema: table.keySchema,
    BillingMode: table.billingMode,
  };
  if (table.billingMode !== 'PAY_PER_REQUEST') {
    request.ProvisionedThroughput = { ReadCapacityUnits: 5, WriteCapacityUnits: 5 };
  }
  if (table.localSecondaryIndexes.length) {
    request.LocalSecondaryIndexes = table.localSecondaryIndexes.map((i: any) => ({
      IndexName: i.IndexName, KeySchema: i.KeySchema, Projection: i.Projection,
    }));
  }
  if (table.globalSecondaryIndexes.length) {
    request.GlobalSecondaryIndexes = table.globalSecondaryIndexes.map((i: any) => ({
      IndexName: i.IndexName, KeySchema: i.KeySchema, Projection: i.Projection,
    }));
  }
  return request;
}
