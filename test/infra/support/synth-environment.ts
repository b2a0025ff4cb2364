import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { buildCallingAgent, type CallingAgentStacks } from '../../../lib/calling-agent-app';
import { addComplianceChecks } from '../../../lib/compliance';
import type { EnvironmentConfig } from '../../../lib/config/environment-config';

const REPO_ROOT = path.resolve(__dirname, '../../..');

export type StackPart = 'network' | 'data' | 'service' | 'costReport' | 'observability';

export interface SynthesizedEnvironment {
  readonly stacks: CallingAgentStacks;
  readonly assembly: CloudAssembly;
  readonly templates: Record<StackPart, Template>;
  readonly json: Record<StackPart, Record<string, unknown>>;
}

/** The context the CDK CLI hands the app: cdk.json's feature flags plus the committed lookups. */
export function committedContext(): Record<string, unknown> {
  const readJson = (file: string): Record<string, unknown> =>
    JSON.parse(readFileSync(path.join(REPO_ROOT, file), 'utf8')) as Record<string, unknown>;
  const cdkJson = readJson('cdk.json') as { context?: Record<string, unknown> };
  return { ...cdkJson.context, ...readJson('cdk.context.json') };
}

export interface SynthOptions {
  /** Run the Lambda esbuild bundling (slower); off by default so asserts stay fast. */
  readonly bundle?: boolean;
}

/**
 * Synthesizes one environment the way `cdk synth` does (same wiring as bin/, the committed
 * context, cdk-nag as a validation plugin). Synthesis throws if cdk-nag reports an
 * unacknowledged error, because jest sets NODE_ENV=test (in-memory app mode).
 */
export function synthesizeEnvironment(config: EnvironmentConfig, options: SynthOptions = {}): SynthesizedEnvironment {
  const context: Record<string, unknown> = { ...committedContext() };
  if (options.bundle !== true) context['aws:cdk:bundling-stacks'] = [];
  const app = new App({ context });
  const stacks = buildCallingAgent(app, config);
  addComplianceChecks(app);
  const assembly = app.synth();

  const parts: StackPart[] = ['network', 'data', 'service', 'costReport', 'observability'];
  const json = {} as Record<StackPart, Record<string, unknown>>;
  const templates = {} as Record<StackPart, Template>;
  for (const part of parts) {
    const template = assembly.getStackByName(stacks[part].stackName).template as Record<string, unknown>;
    json[part] = template;
    templates[part] = Template.fromJSON(template);
  }
  return { stacks, assembly, templates, json };
}

/** Resources of one type in a template, by logical id. */
export function resourcesOfType(template: Template, type: string): Record<string, { Properties: Record<string, unknown> }> {
  return template.findResources(type) as Record<string, { Properties: Record<string, unknown> }>;
}
