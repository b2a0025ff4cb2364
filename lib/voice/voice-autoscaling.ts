import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type { VoiceServiceConfig } from '../config/environment-config';

/**
 * Target tracking on average ActiveCalls per task. Scale-in picks tasks the service has not
 * protected (tasks protect themselves while they hold calls), and waits out the longer
 * scale-in cooldown so a brief lull does not drop capacity that is needed again minutes later.
 */
export function addActiveCallsScaling(
  service: ecs.FargateService,
  settings: VoiceServiceConfig,
  activeCallsPerTask: cloudwatch.IMetric,
): ecs.ScalableTaskCount {
  const scaling = service.autoScaleTaskCount({ minCapacity: settings.minTasks, maxCapacity: settings.maxTasks });
  scaling.scaleToTrackCustomMetric('ActiveCallsPerTask', {
    metric: activeCallsPerTask,
    targetValue: settings.targetCallsPerTask,
    scaleOutCooldown: Duration.seconds(settings.scaleOutCooldownSec),
    scaleInCooldown: Duration.seconds(settings.scaleInCooldownSec),
  });
  return scaling;
}
