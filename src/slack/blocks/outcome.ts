/** What became of one channel's delivery; plain data recorded by the workflow. */
export type ChannelOutcome =
  | { channel: string; status: 'delivered'; recipients: string[]; attempt: number; reference?: string }
  | { channel: string; status: 'failed'; reason: string };

export type ChannelStatus = 'pending' | 'delivered' | 'failed';

export const STATUS_ICON: Record<ChannelStatus, string> = { pending: '⏳', delivered: '✅', failed: '❌' };
