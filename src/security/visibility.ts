import type { Envelope } from '../bus/envelope.js';
import type { AnyEvent } from '../core/events.js';
import type { Principal } from '../core/principal.js';
import type { Scope } from '../knowledge/access.js';
import { isWithin } from '../knowledge/namespaces.js';
import type { Task } from '../queue/types.js';

/**
 * The one visibility rule for everything owned by a caller or derived from knowledge: tasks,
 * missions (their results and artifacts), bus messages and events.
 *
 * A record's owner is the principal its work acts for (a task's `actor`; a mission's tasks
 * share one). Its namespace label is the owner's knowledge read scope: the most the work could
 * have read, so anything it produced may hold text from any of those namespaces. Work submitted
 * from the CLI or by the node itself acts for the agent or the system and so carries every
 * namespace.
 *
 * - admin: everything.
 * - operator: their own records, and others' whose label lies inside the operator's own read
 *   scope (the operator could have read all of it anyway).
 * - analyst, agent, viewer: their own records only.
 * - audit and security events, and other callers' principal ids: admins only.
 * - knowledge events: when their namespace is inside the caller's read scope.
 */
export interface VisibilityDeps {
  /** The knowledge read scope of a principal (KnowledgeBase.scope(p, 'reader')). */
  readScope(principal: Principal): Promise<Scope>;
  /** The principal a mission's work acts for; null when the node or the CLI submitted it. */
  missionOwner(missionId: string): Promise<Principal | null | undefined>;
  /** The principal a task acts for; null when the node or the CLI submitted it. */
  taskOwner(taskId: string): Promise<Principal | null | undefined>;
}

/** Stand-in owner for work the node or the local CLI submitted: it may read every namespace. */
const NODE_OWNER: Principal = { id: 'system', role: 'admin' };

export class Viewer {
  private readonly scopes = new Map<string, Promise<Scope>>();

  constructor(
    readonly principal: Principal,
    private readonly deps: VisibilityDeps,
  ) {}

  get isAdmin(): boolean {
    return this.principal.role === 'admin';
  }

  /** May the caller see a record owned by `owner` (null: the node's or the CLI's own work)? */
  async canSeeOwnedBy(owner: Principal | null | undefined): Promise<boolean> {
    if (this.isAdmin) return true;
    const who = owner ?? NODE_OWNER;
    if (who.id === this.principal.id) return true;
    if (this.principal.role !== 'operator') return false;
    return contains(await this.scopeOf(this.principal), await this.scopeOf(who));
  }

  async canSeeTask(task: Pick<Task, 'actor'>): Promise<boolean> {
    return this.canSeeOwnedBy(task.actor);
  }

  async canSeeMission(missionId: string): Promise<boolean> {
    if (this.isAdmin) return true;
    const owner = await this.deps.missionOwner(missionId);
    return owner !== undefined && this.canSeeOwnedBy(owner);
  }

  async canSeeNamespace(namespace: string): Promise<boolean> {
    const scope = await this.scopeOf(this.principal);
    return scope.all || scope.prefixes.some((p) => isWithin(namespace, p));
  }

  /** Bus messages carry no namespace: the sender, the addressed caller and admins see them. */
  canSeeMessage(message: Pick<Envelope, 'sender' | 'receiver'>): boolean {
    if (this.isAdmin) return true;
    return message.sender === this.principal.id || message.receiver === this.principal.id;
  }

  /** A task as this caller may see it: other callers' principal ids only for admins. */
  redactTask<T extends Pick<Task, 'actor'>>(task: T): T {
    if (this.isAdmin || !task.actor || task.actor.id === this.principal.id) return task;
    return { ...task, actor: { id: 'redacted', role: task.actor.role } };
  }

  async canSeeEvent(event: AnyEvent): Promise<boolean> {
    if (this.isAdmin) return true;
    const data = event.data as Record<string, unknown>;
    switch (event.type) {
      case 'audit:record':
      case 'security:auth-failed':
      case 'kb:merge':
        return false;
      // Routing events name a message id and its receiver, never its body: for the roles that
      // run the bus (they may read dead letters too).
      case 'alert:raised':
      case 'bus:delivered':
      case 'bus:dead-letter':
        return this.principal.role === 'operator';
      case 'agent:status':
      case 'node:status':
        return true;
      case 'kb:document':
      case 'kb:fact':
      case 'kb:conflict':
        return this.canSeeNamespace(String(data.namespace));
      default: {
        if (typeof data.taskId === 'string') {
          const owner = await this.deps.taskOwner(data.taskId);
          return owner !== undefined && this.canSeeOwnedBy(owner);
        }
        if (typeof data.missionId === 'string') return this.canSeeMission(data.missionId);
        // Anything else (an event added later, research without a mission): admins only until
        // someone decides who else may see it.
        return false;
      }
    }
  }

  private scopeOf(principal: Principal): Promise<Scope> {
    let scope = this.scopes.get(principal.id);
    if (!scope) {
      scope = this.deps.readScope(principal);
      this.scopes.set(principal.id, scope);
    }
    return scope;
  }
}

/** True when every namespace of `inner` lies inside `outer`. */
function contains(outer: Scope, inner: Scope): boolean {
  if (outer.all) return true;
  if (inner.all) return false;
  return inner.prefixes.every((p) => outer.prefixes.some((o) => isWithin(p, o)));
}
