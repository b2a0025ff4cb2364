import { z } from 'zod';
import { isEnvName, type EnvName } from './deployment-profiles';

/**
 * The cost-report Lambda's environment, validated once at the edge: which environment it reports
 * on and the names/ids of the deployed resources it reads metrics from. Everything about the
 * deployment's shape and budget comes from lib/config, bundled with the function
 * (deployment-profiles.ts), so it cannot disagree with what the stacks deployed.
 */
export interface LambdaConfig {
  readonly environment: EnvName;
  readonly reportBucket: string;
  readonly clusterName: string;
  readonly serviceName: string;
  readonly redisReplicationGroupId: string;
  /** `app/<name>/<id>`: the ALB's CloudWatch dimension value. */
  readonly loadBalancerFullName: string;
  readonly natGatewayIds: readonly string[];
}

const schema = z.object({
  ENVIRONMENT: z.string().refine(isEnvName, 'ENVIRONMENT must be dev, staging or prod'),
  REPORT_BUCKET: z.string().min(3),
  CLUSTER_NAME: z.string().min(1),
  SERVICE_NAME: z.string().min(1),
  REDIS_REPLICATION_GROUP_ID: z.string().min(1),
  LOAD_BALANCER_FULL_NAME: z.string().regex(/^app\/[^/]+\/[^/]+$/, 'LOAD_BALANCER_FULL_NAME looks like app/<name>/<id>'),
  NAT_GATEWAY_IDS: z.string().default(''),
});

export function lambdaConfigFromEnv(env: NodeJS.ProcessEnv): LambdaConfig {
  const e = schema.parse(env);
  return {
    environment: e.ENVIRONMENT as EnvName,
    reportBucket: e.REPORT_BUCKET,
    clusterName: e.CLUSTER_NAME,
    serviceName: e.SERVICE_NAME,
    redisReplicationGroupId: e.REDIS_REPLICATION_GROUP_ID,
    loadBalancerFullName: e.LOAD_BALANCER_FULL_NAME,
    natGatewayIds: e.NAT_GATEWAY_IDS.split(',').map((s) => s.trim()).filter((s) => s.length > 0),
  };
}
