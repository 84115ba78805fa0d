import type { Envelope } from './envelope.js';
import type { Receiver } from './receiver.js';

/**
 * The agents this bus hosts, by name and by role: who gets a durable message taken over from a
 * process whose lease ran out, and which addresses this bus claims such messages for.
 */
export class HostedAgents {
  private readonly agents = new Map<string, Receiver>();
  private readonly roles = new Map<string, Receiver[]>();

  has(name: string): boolean {
    return this.agents.has(name);
  }

  add(name: string, role: string, receiver: Receiver): void {
    this.agents.set(name, receiver);
    const peers = this.roles.get(role);
    if (peers) peers.push(receiver);
    else this.roles.set(role, [receiver]);
  }

  remove(name: string, role: string, receiver: Receiver): void {
    if (this.agents.get(name) === receiver) this.agents.delete(name);
    const left = this.roles.get(role)?.filter((r) => r !== receiver) ?? [];
    if (left.length > 0) this.roles.set(role, left);
    else this.roles.delete(role);
  }

  clear(): void {
    this.agents.clear();
    this.roles.clear();
  }

  /** `agent:<name>` and `role:<role>` of every hosted agent. */
  addresses(): string[] {
    const out: string[] = [];
    for (const name of this.agents.keys()) out.push(`agent:${name}`);
    for (const role of this.roles.keys()) out.push(`role:${role}`);
    return out;
  }

  /** An open local receiver for the message's address (one of its role's at random), if any. */
  receiverFor(envelope: Envelope): Receiver | undefined {
    const address = envelope.receiver;
    const colon = address.indexOf(':');
    const name = address.slice(colon + 1);
    const candidates =
      address.slice(0, colon) === 'agent' ? [this.agents.get(name)] : (this.roles.get(name) ?? []);
    const open = candidates.filter((r): r is Receiver => r !== undefined && !r.closed);
    return open[Math.floor(Math.random() * open.length)];
  }
}
