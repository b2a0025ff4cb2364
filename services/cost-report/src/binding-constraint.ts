import type { ProviderResource } from '../../shared/src/metrics-contract';
import type { CallAssumptions } from './call-assumptions';
import type { DeploymentProfile } from './deployment-profiles';

/**
 * The most concurrent calls each limit allows, and which one binds first. Provider limits are per
 * account (DESIGN §3): a limit of L slots, with s slots held per active call on average, carries
 * L / s calls whatever the task count.
 */
export type ConstraintKind = 'tasks' | 'provider' | 'budget';

export interface ConstraintCapacity {
  readonly kind: ConstraintKind;
  readonly name: string;
  /** Concurrent calls this limit carries (Infinity when it never binds). */
  readonly capacityCalls: number;
  readonly detail: string;
}

export interface BindingConstraint extends ConstraintCapacity {
  readonly peakDemandCalls: number;
  /** True when the peak demand is above this limit. */
  readonly exceeded: boolean;
}

export function capacityConstraints(
  deployment: DeploymentProfile,
  a: CallAssumptions,
  budgetCapacityCalls: number,
): ConstraintCapacity[] {
  const s = deployment.scaling;
  const providers: ProviderResource[] = ['deepgram-stt', deployment.primaryTts, 'openai-llm'];
  return [
    {
      kind: 'tasks',
      name: 'task count',
      capacityCalls: s.maxTasks * s.maxCallsPerTask,
      detail: `max ${s.maxTasks} tasks × ${s.maxCallsPerTask} calls per task`,
    },
    ...providers.map((p): ConstraintCapacity => {
      const limit = deployment.providerLimits[p];
      const slotsPerCall = a.providerSlotsPerCall[p];
      return {
        kind: 'provider',
        name: p,
        capacityCalls: slotsPerCall > 0 ? Math.floor(limit / slotsPerCall) : Infinity,
        detail: `${limit} concurrent per account ÷ ${slotsPerCall} held per active call`,
      };
    }),
    {
      kind: 'budget',
      name: 'budget',
      capacityCalls: budgetCapacityCalls,
      detail: `$${deployment.budgetUsd.toLocaleString('en-US')}/month (infrastructure + provider APIs), same demand curve scaled`,
    },
  ];
}

/** The limit with the least capacity; ties go to the earlier kind (tasks, provider, budget). */
export function bindingConstraint(constraints: readonly ConstraintCapacity[], peakDemandCalls: number): BindingConstraint {
  const first = constraints[0];
  if (first === undefined) throw new Error('no constraints');
  const binding = constraints.reduce((min, c) => (c.capacityCalls < min.capacityCalls ? c : min), first);
  return { ...binding, peakDemandCalls, exceeded: peakDemandCalls > binding.capacityCalls };
}
