/** The last N chat request bodies, newest last, so tests can assert what a client sent. */
export class ChatRequestLog {
  private readonly bodies: unknown[] = [];

  constructor(private readonly limit: () => number) {}

  record(body: unknown): void {
    this.bodies.push(body);
    const excess = this.bodies.length - Math.max(0, this.limit());
    if (excess > 0) this.bodies.splice(0, excess);
  }

  all(): readonly unknown[] {
    return [...this.bodies];
  }

  clear(): void {
    this.bodies.length = 0;
  }
}
