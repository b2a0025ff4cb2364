import { devConfig } from '../../lib/config/environments/dev';
import { prodConfig } from '../../lib/config/environments/prod';
import type { EnvironmentConfig } from '../../lib/config/environment-config';
import { DEPLOYMENT_PROFILES } from '../../services/cost-report/src/deployment-profiles';
import { resourcesOfType, synthesizeEnvironment, type StackPart } from './support/synth-environment';

const PARTS: StackPart[] = ['network', 'data', 'service', 'costReport', 'observability'];

/**
 * The cost profile takes the deployment's shape from lib/config; the few counts it keeps itself
 * (alarms, secrets) are checked here against what the stacks really create, and the shape against
 * the synthesized resources, so a stack change cannot leave the cost model pricing something else.
 */
describe.each([devConfig, prodConfig])('cost profile vs the $name templates', (config: EnvironmentConfig) => {
  const { templates } = synthesizeEnvironment(config);
  const count = (type: string): number => PARTS.reduce((n, part) => n + Object.keys(resourcesOfType(templates[part], type)).length, 0);
  const profile = DEPLOYMENT_PROFILES[config.name];

  it('alarms: ours plus the two target tracking creates at deploy time', () => {
    expect(profile.observability.alarms).toBe(count('AWS::CloudWatch::Alarm') + 2);
    expect(profile.observability.dashboards).toBe(count('AWS::CloudWatch::Dashboard'));
  });

  it('secrets', () => {
    expect(profile.secrets).toBe(count('AWS::SecretsManager::Secret'));
  });

  it('NAT gateways, AZs, Redis nodes and the task size', () => {
    expect(profile.natGateways).toBe(count('AWS::EC2::NatGateway'));
    const zones = Object.values(resourcesOfType(templates.network, 'AWS::EC2::Subnet')).map((s) => s.Properties['AvailabilityZone']);
    expect(profile.availabilityZones).toBe(new Set(zones).size);
    const [group] = Object.values(resourcesOfType(templates.data, 'AWS::ElastiCache::ReplicationGroup'));
    expect(profile.redis.nodeType).toBe(group?.Properties['CacheNodeType']);
    expect(profile.redis.nodeCount).toBe(group?.Properties['NumCacheClusters']);
    const [task] = Object.values(resourcesOfType(templates.service, 'AWS::ECS::TaskDefinition'));
    expect(String(profile.task.cpuVcpu * 1024)).toBe(task?.Properties['Cpu']);
    expect(String(profile.task.memoryGb * 1024)).toBe(task?.Properties['Memory']);
  });
});
