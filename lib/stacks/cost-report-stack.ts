import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/environment-config';
import { CostReportFunction, type CostReportTargets } from '../cost-report/cost-report-function';
import { cdkRetentionDays } from '../shared/log-retention';

export interface CostReportStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly targets: CostReportTargets;
  readonly accessLogsBucket: s3.IBucket;
  readonly entry?: string;
}

/** The scheduled cost report and its bucket. */
export class CostReportStack extends Stack {
  readonly costReport: CostReportFunction;

  constructor(scope: Construct, id: string, props: CostReportStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.costReport = new CostReportFunction(this, 'CostReport', {
      environmentName: config.name,
      targets: props.targets,
      accessLogsBucket: props.accessLogsBucket,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      logRetention: cdkRetentionDays(config.voice.logRetentionDays),
      entry: props.entry,
    });
  }
}
