import { PendingRequests, type Reply } from '../../src/shared/messaging';
import { postRaw } from './vscodeApi';

type Handlers<In extends { type: string }> = { [K in In['type']]?: (m: Extract<In, { type: K }>) => void };

/**
 * A webview's end of its panel protocol (after vscode-hexeditor's MessageHandler): what arrives is
 * validated against the panel's protocol (anything else is dropped and logged to the console);
 * answers are matched to their requests by `requestId`, and a request superseded by a newer one in
 * its slot never sees its late answer; every other message goes to its handler by type.
 */
export class MessageHandler<In extends { type: string }, Out extends { type: string }> {
  private readonly handlers: Handlers<In> = {};
  private readonly requests = new PendingRequests<In & Reply>();

  constructor(
    private readonly panel: string,
    private readonly isInbound: (x: unknown) => x is In,
  ) {
    window.addEventListener('message', (event: MessageEvent) => this.receive(event.data));
  }

  /** Handles the notifications of one type (messages that answer no request). */
  on<K extends In['type']>(type: K, handler: (m: Extract<In, { type: K }>) => void): this {
    (this.handlers as Record<string, unknown>)[type] = handler;
    return this;
  }

  post(message: Out): void {
    postRaw(message);
  }

  /**
   * Sends the request `build` makes with a fresh id, superseding the slot's previous request (whose
   * late answer is then dropped); `onAnswer` gets the answers to this one. `build` returning
   * undefined sends nothing (and supersedes nothing): returns false.
   */
  request<R extends In & Reply>(slot: string, build: (requestId: number) => Out | undefined, onAnswer: (answer: R) => void): boolean {
    const message = build(this.requests.peekId());
    if (!message) return false;
    this.requests.start(slot, onAnswer as (r: In & Reply) => void);
    this.post(message);
    return true;
  }

  /** Drops the slot's request: its answer, when it comes, is ignored. */
  cancel(slot: string): void {
    this.requests.cancel(slot);
  }

  private receive(data: unknown): void {
    if (!this.isInbound(data)) {
      console.warn(
        `${this.panel} webview: dropped a malformed message`,
        typeof data === 'object' && data !== null ? (data as { type?: unknown }).type : typeof data,
      );
      return;
    }
    if (typeof (data as Partial<Reply>).requestId === 'number') {
      this.requests.settle(data as In & Reply);
      return;
    }
    const handler = (this.handlers as Record<string, ((m: In) => void) | undefined>)[data.type];
    handler?.(data);
  }
}
