import { z } from 'zod';
import { isEnvName, type EnvName, type TaskArch } from './deployment-profiles';
import { isRegionName, type RegionName } from './price-catalog';

/** The cost-report Lambda's environment, validated once at the edge. */
export interface LambdaConfig {
  readonly environment: EnvName;
  readonly reportBucket: string;
  readonly budgetUsd: number;
  readonly clusterName: string;
  readonly serviceName: string;
  readonly redisReplicationGroupId: string;
  /** `app/<name>/<id>`: the ALB's CloudWatch dimension value. */
  readonly loadBalancerFullName: string;
  readonly natGatewayIds: readonly string[];
  readonly region: RegionName;
  /** ECS task size: CPU units (1024 = 1 vCPU) and MiB, as in the task definition. */
  readonly taskCpuUnits: number;
  readonly taskMemoryMib: number;
  readonly taskArch: TaskArch;
}

const schema = z.object({
  ENVIRONMENT: z.string().refine(isEnvName, 'ENVIRONMENT must be dev, staging or prod'),
  REPORT_BUCKET: z.string().min(3),
  BUDGET_USD: z.coerce.number().positive(),
  CLUSTER_NAME: z.string().min(1),
  SERVICE_NAME: z.string().min(1),
  REDIS_REPLICATION_GROUP_ID: z.string().min(1),
  LOAD_BALANCER_FULL_NAME: z.string().regex(/^app\/[^/]+\/[^/]+$/, 'LOAD_BALANCER_FULL_NAME looks like app/<name>/<id>'),
  NAT_GATEWAY_IDS: z.string().default(''),
  REGION: z.string().refine(isRegionName, 'REGION must be a region with a price catalog (us-east-1, ap-south-1)'),
  TASK_CPU: z.coerce.number().int().positive(),
  TASK_MEMORY_MIB: z.coerce.number().int().positive(),
  TASK_ARCH: z.string().transform((v) => v.toUpperCase()).pipe(z.enum(['ARM64', 'X86_64'])),
});

export function lambdaConfigFromEnv(env: NodeJS.ProcessEnv): LambdaConfig {
  const e = schema.parse(env);
  return {
    environment: e.ENVIRONMENT as EnvName,
    reportBucket: e.REPORT_BUCKET,
    budgetUsd: e.BUDGET_USD,
    clusterName: e.CLUSTER_NAME,
    serviceName: e.SERVICE_NAME,
    redisReplicationGroupId: e.REDIS_REPLICATION_GROUP_ID,
    loadBalancerFullName: e.LOAD_BALANCER_FULL_NAME,
    natGatewayIds: e.NAT_GATEWAY_IDS.split(',').map((s) => s.trim()).filter((s) => s.length > 0),
    region: e.REGION as RegionName,
    taskCpuUnits: e.TASK_CPU,
    taskMemoryMib: e.TASK_MEMORY_MIB,
    taskArch: e.TASK_ARCH === 'ARM64' ? 'arm64' : 'x86_64',
  };
}
