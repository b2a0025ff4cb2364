#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { buildCallingAgent } from '../lib/calling-agent-app';
import { addComplianceChecks } from '../lib/compliance';
import { EnvironmentConfigError, loadEnvironmentConfig } from '../lib/config/load-environment-config';

// The one place the app reads its selection: `-c env=<dev|staging|prod>`.
const app = new App();
try {
  const config = loadEnvironmentConfig(app.node.tryGetContext('env'));
  buildCallingAgent(app, config);
  addComplianceChecks(app);
} catch (error) {
  if (error instanceof EnvironmentConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
