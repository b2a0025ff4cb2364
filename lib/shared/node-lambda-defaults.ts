import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IConstruct } from 'constructs';
import { acknowledgeNagFinding } from '../compliance';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Newest Node.js runtime this aws-cdk-lib knows (NODEJS_LATEST lags behind on purpose). */
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * Shared NodejsFunction settings: ARM64, local esbuild (never Docker), source maps, the root
 * lockfile. The AWS SDK v3 clients come from the runtime and stay out of the bundle.
 */
export function nodeLambdaDefaults(entry: string): nodejs.NodejsFunctionProps {
  return {
    entry: path.isAbsolute(entry) ? entry : path.join(REPO_ROOT, entry),
    handler: 'handler',
    runtime: LAMBDA_RUNTIME,
    architecture: lambda.Architecture.ARM_64,
    projectRoot: REPO_ROOT,
    depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
    timeout: Duration.seconds(10),
    memorySize: 256,
    bundling: {
      forceDockerBundling: false,
      format: nodejs.OutputFormat.CJS,
      target: 'node24',
      minify: true,
      sourceMap: true,
      externalModules: ['@aws-sdk/*'],
    },
    environment: { NODE_OPTIONS: '--enable-source-maps' },
  };
}

/** The one managed policy NodejsFunction attaches: CloudWatch Logs write access, nothing else. */
export function acknowledgeLambdaBasicExecution(fn: IConstruct): void {
  acknowledgeNagFinding(
    fn,
    'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'AWSLambdaBasicExecutionRole grants only CloudWatch Logs writes for the function; a hand-written copy would add nothing.',
  );
}
