import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag's AWS Solutions pack as a synth-time validation plugin (cdk-nag v3 API). Any error
 * not acknowledged next to the construct it concerns (with its reason) fails synthesis.
 */
export function addComplianceChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

/**
 * Acknowledge one AWS Solutions finding on `scope` (and everything under it), with the reason
 * it does not apply. `finding` is the rule id, optionally with its `[detail]`, e.g.
 * `IAM5[Resource::*]`. The acknowledgement shows up, with its reason, in the validation report.
 */
export function acknowledgeNagFinding(scope: IConstruct, finding: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-${finding}`, reason });
}
