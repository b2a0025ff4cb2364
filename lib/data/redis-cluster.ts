import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledgeNagFinding } from '../compliance';
import type { RedisConfig } from '../config/environment-config';

export interface RedisClusterProps {
  readonly vpc: ec2.IVpc;
  readonly settings: RedisConfig;
  /** Fixed id, so node ids (and the dashboards/alarms that name them) are known at synth time. */
  readonly replicationGroupId: string;
  readonly removalPolicy: RemovalPolicy;
}

export const REDIS_PORT = 6379;

/**
 * ElastiCache replication group for sessions, distributed limits and the transcript WAL:
 * TLS in transit, encryption at rest, an AUTH token generated into Secrets Manager, reachable
 * only from security groups that callers allow via `connections`.
 */
export class RedisCluster extends Construct implements ec2.IConnectable {
  readonly connections: ec2.Connections;
  readonly authToken: secretsmanager.Secret;
  readonly replicationGroup: elasticache.CfnReplicationGroup;
  readonly replicationGroupId: string;
  /** `rediss://host:port` of the primary endpoint (no credentials). */
  readonly url: string;
  /** Node ids `<group>-001`, `<group>-002`, ... (CloudWatch `CacheClusterId` dimension). */
  readonly nodeIds: string[];

  constructor(scope: Construct, id: string, props: RedisClusterProps) {
    super(scope, id);
    const { settings } = props;

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Redis: reachable only from the voice service',
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({
      securityGroups: [securityGroup],
      defaultPort: ec2.Port.tcp(REDIS_PORT),
    });

    // ElastiCache AUTH tokens allow only a few punctuation characters; alphanumerics avoid them.
    this.authToken = new secretsmanager.Secret(this, 'AuthToken', {
      description: 'ElastiCache AUTH token (REDIS_AUTH_TOKEN)',
      generateSecretString: { excludePunctuation: true, passwordLength: 64 },
      removalPolicy: props.removalPolicy,
    });

    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'SubnetGroup', {
      description: 'calling-agent Redis private subnets',
      subnetIds: props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds,
    });

    this.replicationGroupId = props.replicationGroupId;
    const nodeCount = 1 + settings.replicas;
    this.nodeIds = Array.from({ length: nodeCount }, (_, i) => `${props.replicationGroupId}-${String(i + 1).padStart(3, '0')}`);

    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupId: props.replicationGroupId,
      replicationGroupDescription: 'calling-agent sessions, limits and transcript WAL',
      engine: settings.engine,
      engineVersion: settings.engineVersion,
      cacheNodeType: settings.nodeType,
      numCacheClusters: nodeCount,
      automaticFailoverEnabled: settings.multiAz,
      multiAzEnabled: settings.multiAz,
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [securityGroup.securityGroupId],
      port: REDIS_PORT,
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      authToken: this.authToken.secretValue.unsafeUnwrap(),
      snapshotRetentionLimit: settings.multiAz ? 7 : 0,
      autoMinorVersionUpgrade: true,
    });
    this.replicationGroup.applyRemovalPolicy(props.removalPolicy);
    acknowledgeNagFinding(
      this.replicationGroup,
      'AEC5',
      'A non-default port adds no protection here: the group accepts only the voice service security group, requires TLS and an AUTH token.',
    );
    if (!settings.multiAz) {
      acknowledgeNagFinding(
        this.replicationGroup,
        'AEC4',
        'Single-node Redis is allowed only in dev (config validation rejects it elsewhere); losing it loses only test sessions.',
      );
    }
    acknowledgeNagFinding(
      this.authToken,
      'SMG4',
      'ElastiCache AUTH tokens rotate through ModifyReplicationGroup (AuthTokenUpdateStrategy ROTATE then SET), a coordinated runbook step, not a Secrets Manager rotation Lambda.',
    );

    this.url = `rediss://${this.replicationGroup.attrPrimaryEndPointAddress}:${this.replicationGroup.attrPrimaryEndPointPort}`;
  }
}
