/** A check muted for one user until a time: findings of it about them are kept and counted, not posted. */
export interface Mute {
  id: number;
  checkId: string;
  /** As the alert spelled it; compared case-insensitively. */
  login: string;
  /** The check's title and the user's name when muted, for people. */
  title: string;
  displayName?: string;
  /** The alert whose card it was muted from: its threads hear of the mute and of its end. */
  alertId?: string;
  channelId?: string;
  createdBy: string;
  createdAt: number;
  /** The mute ends at this time by itself. */
  expiresAt: number;
  reason?: string;
  liftedBy?: string;
  liftedAt?: number;
}

export type NewMute = Omit<Mute, 'id' | 'liftedBy' | 'liftedAt'>;

/** Mutes of one check for one user. At most one is active (not lifted, not expired) per check and user. */
export interface MuteStore {
  /**
   * Adds the mute unless one of the check for the user is active at `createdAt` (then returns that one). A new
   * mute withdraws the cards of the check for the user still waiting to be posted (`withdrawn`: how many), with
   * any summary card left with nothing to thread, and counts their alerts as muted when no card of them is posted.
   */
  addMute(mute: NewMute): Promise<{ created: boolean; mute: Mute; withdrawn: number }>;
  getMute(id: number): Promise<Mute | undefined>;
  /** Active at `now`, soonest to end first; only those of `checkId` when given. */
  listActiveMutes(filter: { now: number; checkId?: string }): Promise<Mute[]>;
  /** Ends an active mute (compare-and-set): undefined when it was already lifted or had expired at `at`. */
  liftMute(id: number, lift: { by: string; at: number }): Promise<Mute | undefined>;
}
