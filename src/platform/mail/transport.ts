export interface OutgoingMail {
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface MailTransport {
  /**
   * Delivers one message. A transport whose receiver could take the same message twice calls
   * `handOver` when the whole message is with the receiver but the one step that makes the
   * receiver accept it is still to come; if `handOver` throws, it gives up without that step,
   * so the receiver discards the message, and rethrows. It throws `MailInDoubt` when that step
   * may have been taken but the receiver's answer never came; any other error means the
   * message was not taken.
   */
  send(mail: OutgoingMail, handOver?: () => Promise<void>): Promise<void>;
  /** Closes what the transport keeps open between messages (the SMTP pool's connections). */
  close?(): Promise<void>;
}

/**
 * The final dot may have reached the server, but no answer came back: the server may have taken
 * the message. Sending it again could deliver it twice.
 */
export class MailInDoubt extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MailInDoubt';
  }
}
