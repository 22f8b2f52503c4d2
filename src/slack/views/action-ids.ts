/** The `action_id`s the views put on buttons; the interactivity handlers listen for these. */
export const ACTION_IDS = {
  /** Link button to the CII console; Slack still sends an action for it, which must be acknowledged. */
  openInCii: 'open_in_cii',
  shareCard: 'share_card',
  alertApprove: 'alert_approve',
  alertBlock: 'alert_block',
  alertRetry: 'alert_retry',
  alertUnblock: 'alert_unblock',
  /** On a subscribe answer: post the matching alerts of the last days this channel missed. */
  postBacklog: 'post_backlog',
  verifyYes: 'verify_yes',
  verifyNo: 'verify_no',
  /** Prefix of the buttons of a subscribe with unknown check ids (`subscribe_choice:<n>`, `subscribe_choice:anyway`). */
  subscribeChoice: 'subscribe_choice',
  /** "Look up <ip>" on an alert card: answers like `/cii ip`, to the clicker alone; the value is the address. */
  lookupIp: 'lookup_ip',
} as const;
