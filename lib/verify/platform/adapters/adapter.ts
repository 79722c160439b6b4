/**
 * A custom resource that an operator turns into pods and Services. Each adapter states the
 * upstream source (repository, tag, files) its knowledge comes from; when the pinned version
 * changes, re-read those files.
 */
import { KubeObject } from '../../upstream/types';
import { PodGroupDraft } from '../model';

/** An object the operator creates at run time. */
export interface CreatedObject {
  readonly object: KubeObject;
  /** The controller that creates it, e.g. `KServe (InferenceService ai-apps/embed)`. */
  readonly providedBy: string;
}

/** What an operator makes of one custom resource. */
export interface AdapterOutput {
  /** Services, ServiceAccounts, Secrets, and workload objects (for scale targets) the operator creates. */
  readonly objects: CreatedObject[];
  /** The pods it runs (workload objects in `objects` do not yield pod groups of their own). */
  readonly podGroups: PodGroupDraft[];
}

/** Looks objects up in the model while adapters run (runtimes, templates). */
export interface AdapterContext {
  find(group: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
}

/** An adapter for one custom kind. */
export interface CustomResourceAdapter {
  readonly group: string;
  readonly kind: string;
  /** Where the knowledge comes from: `owner/repo@tag: files`. */
  readonly source: string;
  expand(obj: KubeObject, namespace: string, context: AdapterContext): AdapterOutput;
}
