/**
 * A PriorityClass a pod can name. {@link KueueQueues.priorityClass} hands out the platform's
 * own (`cnai-high`, `cnai-normal`, `cnai-low`), which exist only when the queues emit them;
 * {@link PriorityClassReference.fromName} names one the cluster already has (`system-cluster-critical`,
 * or one of your own).
 */
export interface IPriorityClass {
  /** The PriorityClass's name, for a pod's `priorityClassName`. */
  readonly priorityClassName: string;
}

/** The platform's workload priorities. */
export enum WorkloadPriority {
  /** Platform services and production model servers: may preempt lower pods. */
  HIGH = 'high',
  /** Ordinary training and batch jobs. */
  NORMAL = 'normal',
  /** Opportunistic work (sweeps, notebooks): never preempts, first to be preempted. */
  LOW = 'low',
}

/** A PriorityClass the cluster already has, by name. */
export class PriorityClassReference implements IPriorityClass {
  /**
   * A PriorityClass created outside this app. Kubernetes rejects a pod that names a
   * PriorityClass that does not exist, so name one the cluster has.
   */
  public static fromName(priorityClassName: string): IPriorityClass {
    return new PriorityClassReference(priorityClassName);
  }

  private constructor(public readonly priorityClassName: string) {}
}
