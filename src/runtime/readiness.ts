/**
 * Whether this process should be sent new work: false from the moment it starts draining
 * (SIGTERM), so a load balancer or orchestrator stops routing to it while in-flight work ends.
 * `/readyz` (the API, and a worker's health port) answers 503 once draining.
 */
export class Readiness {
  private drainingSince: number | null = null;

  get draining(): boolean {
    return this.drainingSince !== null;
  }

  drain(now = Date.now()): void {
    this.drainingSince ??= now;
  }
}
